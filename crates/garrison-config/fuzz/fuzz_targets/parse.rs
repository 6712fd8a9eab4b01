//! Fuzz target: `load_str` on arbitrary UTF-8 never panics, and every error it returns
//! carries a label whose span lies inside the input. Run with
//! `cargo +nightly fuzz run parse` from `crates/garrison-config` (seed the corpus with
//! `tests/fixtures/valid/**/*.kdl`).
#![no_main]

use garrison_config::{load_str, ConfigDiagnostic, VarInputs};
use libfuzzer_sys::fuzz_target;

fn check_spans(d: &ConfigDiagnostic, text: &str) {
    for l in &d.labels {
        let end = l.span.offset + l.span.len;
        assert!(
            end <= text.len() && text.is_char_boundary(l.span.offset) && text.is_char_boundary(end),
            "label {:?} outside the {}-byte input: {}",
            l.span,
            text.len(),
            d.message
        );
    }
    for r in &d.related {
        check_spans(r, text);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(failure) = load_str("main.kdl", text, &VarInputs::default()) {
        for e in &failure.errors {
            assert!(!e.labels.is_empty(), "error without a label: {}", e.message);
            check_spans(e, text);
        }
    }
});
