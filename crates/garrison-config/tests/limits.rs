//! Evaluation and parsing limits (H1, H2, U14): hostile configs give a diagnostic, never a
//! stack overflow or an exhausted memory. Tests run on libtest's 2 MiB threads, so a limit
//! that holds here holds on the main thread.

use garrison_config::{format_source, load_str, Code, Failure, VarInputs};

const BASE: &str = "provider \"barrack\" { region \"NORWAY-1\"; }\n";

fn fails(text: &str) -> Failure {
    match load_str("main.kdl", text, &VarInputs::default()) {
        Ok(_) => panic!("expected errors"),
        Err(f) => f,
    }
}

fn codes(f: &Failure) -> Vec<Code> {
    f.errors.iter().map(|e| e.code).collect()
}

/// Well-formed nesting `depth` levels deep inside a local.
fn nested(depth: usize) -> String {
    let mut s = String::from(BASE);
    s.push_str("locals {\n");
    for _ in 0..depth {
        s.push_str("a {\n");
    }
    s.push_str("b 1\n");
    for _ in 0..depth {
        s.push_str("}\n");
    }
    s.push_str("}\n");
    s
}

/// H1: `x ` and 400 lines of `{` (malformed) is a diagnostic, not a stack overflow.
#[test]
fn malformed_deep_nesting_is_a_diagnostic() {
    for depth in [400, 5_000, 100_000] {
        let text = format!("x {}", "{\n".repeat(depth));
        let f = fails(&text);
        assert_eq!(codes(&f), vec![Code::Limit], "{depth}: {:#?}", f.errors);
        assert!(f.errors[0].message.contains("nested"), "{:?}", f.errors[0]);
        let f = format_source("main.kdl", &text).err();
        assert!(
            f.is_some_and(|f| codes(&f) == vec![Code::Limit]),
            "fmt at {depth}"
        );
    }
}

/// H1: well-formed nesting beyond the limit is one diagnostic on load and on fmt; below it
/// fmt works and load reaches evaluation (where values nest at most 32 deep).
#[test]
fn well_formed_deep_nesting_is_a_diagnostic() {
    let max = garrison_config::limits::MAX_NESTING;
    // `locals` is one level, so `max` levels of `a` are one too many
    for depth in [max, 500, 5_000, 100_000] {
        let text = nested(depth);
        let f = fails(&text);
        assert_eq!(codes(&f), vec![Code::Limit], "{depth}: {:#?}", f.errors);
        assert!(f.errors[0].message.contains("nested"), "{:?}", f.errors[0]);
        assert!(format_source("main.kdl", &text).is_err(), "fmt at {depth}");
    }
    let text = nested(max - 1);
    format_source("main.kdl", &text).unwrap_or_else(|f| panic!("{:#?}", f.errors));
    let f = fails(&text);
    assert_eq!(codes(&f), vec![Code::Limit]);
    assert!(
        f.errors[0].message.contains("lists and maps"),
        "{:?}",
        f.errors[0]
    );
    let text = nested(garrison_config::limits::VALUE_MAX_DEPTH - 1);
    load_str("main.kdl", &text, &VarInputs::default())
        .unwrap_or_else(|f| panic!("{:#?}", f.errors));
}

/// H1: nested block comments are bounded too (the kdl crate recurses into them).
#[test]
fn deep_block_comments_are_a_diagnostic() {
    let text = format!("{BASE}{}x{}\n", "/*".repeat(50_000), "*/".repeat(50_000));
    assert_eq!(codes(&fails(&text)), vec![Code::Limit]);
    assert!(format_source("main.kdl", &text).is_err());
}

/// H2: a template doubling bomb stops at the value size limit with a diagnostic at the
/// template that crossed it.
#[test]
fn template_doubling_bomb_is_a_diagnostic() {
    let mut text = format!("{BASE}locals {{\n    l0 \"aaaaaaaaaaaaaaaa\"\n");
    for i in 1..=40 {
        text.push_str(&format!(
            "    l{i} \"${{local.l{p}}}${{local.l{p}}}\"\n",
            p = i - 1
        ));
    }
    text.push_str("}\noutput \"o\" { value (ref)\"local.l40\"; }\n");
    let f = fails(&text);
    assert_eq!(codes(&f), vec![Code::Limit], "{:#?}", f.errors);
    let d = &f.errors[0];
    assert!(d.message.contains("1 MiB"), "{d:?}");
    // 16 bytes * 2^16 = 1 MiB: l17 is the first over the limit
    let at = text.find("l17 ").unwrap_or_default() + 4;
    assert_eq!(d.labels[0].span.offset, at, "{d:?}");
}

/// H2: list doubling and wide fan-out are bounded too (size and total work).
#[test]
fn list_bombs_are_a_diagnostic() {
    let mut text = format!("{BASE}locals {{\n    l0 \"aaaaaaaaaaaaaaaa\" \"b\"\n");
    for i in 1..=40 {
        text.push_str(&format!(
            "    l{i} (ref)\"local.l{p}\" (ref)\"local.l{p}\"\n",
            p = i - 1
        ));
    }
    text.push_str("}\noutput \"o\" { value (ref)\"local.l40\"; }\n");
    assert!(codes(&fails(&text)).contains(&Code::Limit));

    // one big value referenced many times
    let big = "x".repeat(1 << 19);
    let mut text = format!("{BASE}locals {{\n    big \"{big}\"\n");
    for i in 0..3000 {
        text.push_str(&format!("    w{i} (ref)\"local.big\"\n"));
    }
    text.push_str("}\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "output \"o{i}\" {{ value (ref)\"local.w{i}\"; }}\n"
        ));
    }
    let f = fails(&text);
    assert!(codes(&f).contains(&Code::Limit), "{:?}", codes(&f));
}

/// H1 (evaluation): a long chain of locals is a diagnostic, not a stack overflow.
#[test]
fn long_local_chains_are_a_diagnostic() {
    let mut text = format!("{BASE}locals {{\n    l0 \"a\"\n");
    for i in 1..=20_000 {
        text.push_str(&format!("    l{i} (ref)\"local.l{}\"\n", i - 1));
    }
    text.push_str("}\noutput \"o\" { value (ref)\"local.l20000\"; }\n");
    assert!(codes(&fails(&text)).contains(&Code::Limit));
}

/// U14: script content over the API's 16 KiB is refused at the value.
#[test]
fn script_content_over_the_api_limit_is_refused() {
    let body = "x".repeat(16 * 1024 + 1);
    let text = format!("{BASE}script \"s\" {{\n    content \"{body}\"\n}}\n");
    let f = fails(&text);
    assert_eq!(codes(&f), vec![Code::Limit], "{:#?}", f.errors);
    let at = text.find("\"xxx").unwrap_or_default();
    assert_eq!(f.errors[0].labels[0].span.offset, at);
    let ok = format!(
        "{BASE}script \"s\" {{\n    content \"{}\"\n}}\n",
        "x".repeat(16 * 1024)
    );
    load_str("main.kdl", &ok, &VarInputs::default()).unwrap_or_else(|f| panic!("{:#?}", f.errors));
}

/// U14: a 50 MB string is refused quickly.
#[test]
fn fifty_megabyte_string_is_refused() {
    let body = "x".repeat(50 << 20);
    let text = format!("{BASE}script \"s\" {{\n    content \"{body}\"\n}}\n");
    let f = fails(&text);
    assert_eq!(codes(&f), vec![Code::Limit], "{:?}", codes(&f));
}

/// U14: an integer beyond 64 bits says so (not "found a null").
#[test]
fn integer_out_of_range_says_so() {
    for n in [
        "9223372036854775808",
        "-170141183460469231731687303715884105727",
    ] {
        let text = format!("{BASE}volume \"v\" {{\n    size-gb {n}\n}}\n");
        let f = fails(&text);
        assert_eq!(codes(&f), vec![Code::InvalidValue], "{:#?}", f.errors);
        assert!(
            f.errors[0].message.contains("out of range"),
            "{:?}",
            f.errors[0]
        );
        assert_eq!(
            f.errors[0].labels[0].span.offset,
            text.find(n).unwrap_or_default()
        );
    }
}

/// The fast path declines i128::MIN (the kdl crate rejects it), so load and fmt agree.
#[test]
fn i128_min_is_rejected_by_load_and_fmt() {
    let text = "a -170141183460469231731687303715884105728\n";
    assert!(garrison_config::fastkdl::parse(text).is_none());
    let f = fails(text);
    assert!(
        codes(&f).iter().all(|c| *c == Code::Syntax),
        "{:?}",
        codes(&f)
    );
    assert!(format_source("main.kdl", text).is_err());
}

/// H1 (graph): a chain of 20,000 resources, each depending on the previous one, is checked
/// for cycles without recursing once per resource.
#[test]
fn long_dependency_chains_do_not_overflow() {
    let n = 20_000;
    let mut text = String::from(BASE);
    text.push_str("volume \"v0\" { size-gb 10; }\n");
    for i in 1..n {
        text.push_str(&format!(
            "volume \"v{i}\" {{ size-gb 10; depends-on (ref)\"volume.v{}\"; }}\n",
            i - 1
        ));
    }
    let loaded = load_str("main.kdl", &text, &VarInputs::default())
        .unwrap_or_else(|f| panic!("{:#?}", f.errors.first()));
    assert_eq!(loaded.model.resources.len(), n);
    // and a cycle through all of them is still found
    text.push_str("volume \"loop\" { size-gb 10; depends-on (ref)\"volume.v19999\"; }\n");
    let text = text.replace(
        "volume \"v0\" { size-gb 10; }",
        "volume \"v0\" { size-gb 10; depends-on (ref)\"volume.v19999\"; }",
    );
    assert!(codes(&fails(&text)).contains(&Code::Cycle));
}

/// H1: malformed input nested just within the limit reaches the `kdl` crate (whose error
/// recovery recurses) and comes back as syntax errors.
#[test]
fn malformed_nesting_at_the_limit_is_a_syntax_error() {
    let max = garrison_config::limits::MAX_NESTING;
    for text in [
        format!("x {}", "{\n".repeat(max)),
        "x {\n".repeat(max),
        format!("{}(", "a {\n".repeat(max)),
        format!("{}\"", "a /- b {\n".repeat(max)),
        format!("{}}}}}", "a { /- b { c=".repeat(max / 2)),
    ] {
        let f = fails(&text);
        assert!(!f.errors.is_empty());
        assert!(
            f.errors
                .iter()
                .all(|e| e.code == Code::Syntax || e.code == Code::Limit),
            "{:?}",
            codes(&f)
        );
        assert!(format_source("main.kdl", &text).is_err());
    }
}

/// U14: an integer beyond 64 bits in a variable default (property or child) or a var
/// value says so too.
#[test]
fn integer_out_of_range_in_a_variable_says_so() {
    for decl in [
        "variable \"n\" type=\"int\" default=9223372036854775808",
        "variable \"n\" type=\"int\" { default 9223372036854775808; }",
    ] {
        let text = format!("{BASE}{decl}\noutput \"o\" {{ value (ref)\"var.n\"; }}\n");
        let f = fails(&text);
        assert!(
            f.errors.iter().any(|e| e.message.contains("out of range")),
            "{decl}: {:#?}",
            f.errors
        );
    }
}

/// A config directory with `files` (relative path, text).
fn dir_with(files: &[(String, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for (name, text) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
        }
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("write: {e}"));
    }
    dir
}

fn dir_fails(dir: &tempfile::TempDir) -> Failure {
    match garrison_config::load_dir(dir.path(), &VarInputs::default()) {
        Ok(_) => panic!("expected errors"),
        Err(f) => f,
    }
}

/// Modules multiplying modules (256 x 256 instances) stop at the instance limit.
#[test]
fn module_instance_bombs_are_a_diagnostic() {
    let files = [
        (
            "main.kdl".to_owned(),
            format!("{BASE}module \"a\" source=\"./m/a\" count=256\n"),
        ),
        (
            "m/a/main.kdl".to_owned(),
            "module \"b\" source=\"../b\" count=256\n".to_owned(),
        ),
        (
            "m/b/main.kdl".to_owned(),
            "script \"s\" {\n    content \"x\"\n}\n".to_owned(),
        ),
    ];
    let f = dir_fails(&dir_with(&files));
    assert!(codes(&f).contains(&Code::Limit), "{:?}", codes(&f));
    assert!(
        f.errors
            .iter()
            .any(|e| e.message.contains("4096 module instances")),
        "{:?}",
        f.errors
    );
}

/// A chain of modules deeper than the limit (each in its own directory) is a diagnostic.
#[test]
fn deep_module_chains_are_a_diagnostic() {
    let depth = garrison_config::limits::MODULE_MAX_DEPTH + 4;
    let mut files = vec![(
        "main.kdl".to_owned(),
        format!("{BASE}module \"m\" source=\"./m/0\"\n"),
    )];
    for i in 0..depth {
        let next = i + 1;
        files.push((
            format!("m/{i}/main.kdl"),
            format!("module \"m\" source=\"../{next}\"\n"),
        ));
    }
    files.push((
        format!("m/{depth}/main.kdl"),
        "locals {\n    x 1\n}\n".to_owned(),
    ));
    let f = dir_fails(&dir_with(&files));
    assert_eq!(codes(&f), [Code::Limit], "{:?}", f.errors);
}
