//! `garrison fmt [DIR] [--check]`: rewrite `*.kdl` files in canonical form.
//!
//! Lists the files that change (or, with `--check`, would change) on stdout. `--check` exits
//! 1 when any file is not formatted; a syntax error exits 1 with its diagnostics on stderr.

use garrison_config::format_dir;
use miette::{Context, IntoDiagnostic};

use crate::cli::FmtArgs;
use crate::console::Console;
use crate::exit::{Ended, Outcome};
use crate::failure::{Class, Failure};

/// Runs `garrison fmt`.
pub(crate) fn run(args: &FmtArgs, console: &Console) -> Ended {
    let dir = args.dir.path();
    let files = match format_dir(&dir) {
        Ok(files) => files,
        Err(failure) => {
            err!(
                console,
                "{}",
                super::validate::render(&failure.errors, console)
            );
            return Err(Failure::reported(Class::Config));
        }
    };
    let mut changed = 0;
    for f in files.iter().filter(|f| f.changed()) {
        changed += 1;
        let path = dir.join(&f.path);
        if !args.check {
            std::fs::write(&path, &f.formatted)
                .into_diagnostic()
                .wrap_err_with(|| format!("writing formatted `{}`", path.display()))
                .map_err(Failure::config)?;
        }
        outln!(console, "{}", path.display());
    }
    Ok(if args.check && changed > 0 {
        Outcome::Unformatted
    } else {
        Outcome::Success
    })
}
