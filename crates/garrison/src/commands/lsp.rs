//! `garrison lsp [--var ...]`: the language server on stdin/stdout (docs/editors.md).
//!
//! Each config directory is checked with the inputs `garrison validate` would use there
//! (`--var`, `--var-file`, `GARRISON_VAR_*`, the selected workspace). Nothing is printed:
//! stdout carries the protocol.

use garrison_lsp::{Settings, DEBOUNCE};
use miette::IntoDiagnostic;

use crate::cli::LspArgs;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;

/// Runs `garrison lsp` until the editor exits it.
pub(crate) fn run(args: &LspArgs) -> Ended {
    let inputs = super::validate::var_inputs(&args.vars)?;
    let settings = Settings {
        inputs: Box::new(move |dir| {
            let mut inputs = inputs.clone();
            // An unreadable selection is reported by `validate`; the editor checks `default`.
            inputs.workspace = crate::workspace::selected(dir).unwrap_or_default();
            inputs
        }),
        // The catalog validate uses: the cache of the last plan, else the built-in one.
        offered: Box::new(|dir| garrison_engine::catalog::offline(dir).unwrap_or_default()),
        debounce: DEBOUNCE,
    };
    // The editor broke the protocol (or its pipe): a usage error, not a bug of ours.
    garrison_lsp::run_stdio(&settings)
        .into_diagnostic()
        .map_err(Failure::usage)?;
    Ok(Outcome::Success)
}
