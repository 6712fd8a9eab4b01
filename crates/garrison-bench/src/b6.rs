//! B6: `garrison lsp`'s re-check after a keystroke on a 1k-resource directory: the open
//! buffer changed by one character (alternately a typo and its fix), the directory loaded
//! with it in place of the file and the diagnostics converted to LSP ranges; against a
//! cold `garrison validate` load of the same directory.

use std::path::Path;
use std::time::Instant;

use garrison_config::{load_dir, VarInputs};
use garrison_lsp::documents::Documents;
use garrison_testkit::synth;

use crate::report::Line;

/// Runs per measurement; the median is reported.
const RUNS: usize = 21;

/// The target of issue #14.
const TARGET_MS: f64 = 50.0;

pub(crate) fn run(n: usize) -> Result<Vec<Line>, String> {
    let tmp = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let dir = tmp.path();
    let text = synth::scaled(n);
    let file = dir.join("main.kdl");
    std::fs::write(&file, &text).map_err(|e| format!("writing {}: {e}", file.display()))?;
    let inputs = VarInputs::default();
    let cold = median(RUNS, |_| {
        let _ = load_dir(dir, &inputs);
    });
    let typo = typo_of(&text)?;
    let mut docs = Documents::default();
    let keystroke = median(RUNS, |i| {
        let buffer = if i % 2 == 0 { &typo } else { &text };
        docs.set(file.clone(), buffer.clone(), i32::try_from(i).unwrap_or(0));
        let _ = garrison_lsp::diagnostics::check(
            dir,
            &docs,
            &inputs,
            &garrison_config::Offered::default(),
        );
    });
    check_sees_the_typo(dir, &file, &typo, &inputs)?;
    Ok(vec![Line {
        name: format!("b6_lsp_keystroke_recheck_{n}"),
        value: keystroke * 1000.0,
        unit: "ms".into(),
        baseline: Some(cold * 1000.0),
        ratio: Some(cold / keystroke),
        target: format!("< {TARGET_MS} ms (baseline: cold `validate` load of the directory)"),
        met: Some(keystroke * 1000.0 < TARGET_MS),
    }])
}

/// The text with the last `gpu` attribute misspelt (one keystroke).
fn typo_of(text: &str) -> Result<String, String> {
    let at = text
        .rfind("    gpu ")
        .ok_or("the synthetic config has no `gpu`")?;
    let mut typo = text.to_owned();
    typo.insert(at + 7, 'x');
    Ok(typo)
}

/// The measurement is only honest if the check found the typo.
fn check_sees_the_typo(
    dir: &Path,
    file: &Path,
    typo: &str,
    inputs: &VarInputs,
) -> Result<(), String> {
    let mut docs = Documents::default();
    docs.set(file.to_path_buf(), typo.to_owned(), 1);
    let found =
        garrison_lsp::diagnostics::check(dir, &docs, inputs, &garrison_config::Offered::default());
    let n = found.get(file).map_or(0, Vec::len);
    if n == 1 {
        Ok(())
    } else {
        Err(format!("expected 1 diagnostic for the typo, got {n}"))
    }
}

/// The median wall time of `runs` calls of `f(i)`, in seconds.
fn median(runs: usize, mut f: impl FnMut(usize)) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|i| {
            let start = Instant::now();
            f(i);
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
