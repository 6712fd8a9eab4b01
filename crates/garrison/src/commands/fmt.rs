//! `garrison fmt [DIR] [--check]`: rewrite `*.kdl` files in canonical form.
//!
//! Lists the files that change (or, with `--check`, would change) on stdout. `--check` exits
//! 1 when any file is not formatted; a syntax error exits 1 with its diagnostics on stderr.

use std::io::Write;
use std::path::PathBuf;

use garrison_config::format_dir;
use miette::{Context, IntoDiagnostic};

/// Runs `garrison fmt`.
pub(crate) fn run(dir: Option<PathBuf>, check: bool, no_color: bool) -> miette::Result<u8> {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    let files = match format_dir(&dir) {
        Ok(files) => files,
        Err(failure) => {
            let _ = write!(
                std::io::stderr().lock(),
                "{}",
                super::validate::render(&failure.errors, no_color)
            );
            return Ok(crate::exit::codes::ERROR);
        }
    };
    let mut out = std::io::stdout().lock();
    let mut changed = 0;
    for f in files.iter().filter(|f| f.changed()) {
        changed += 1;
        let path = dir.join(&f.path);
        if !check {
            std::fs::write(&path, &f.formatted)
                .into_diagnostic()
                .wrap_err_with(|| format!("writing formatted `{}`", path.display()))?;
        }
        let _ = writeln!(out, "{}", path.display());
    }
    Ok(if check && changed > 0 {
        crate::exit::codes::ERROR
    } else {
        crate::exit::codes::OK
    })
}
