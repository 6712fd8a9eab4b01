//! `garrison validate [DIR] [--var ...] [--json]`: load the config, print every diagnostic.
//!
//! Exit 0 when valid (warnings allowed), 1 when invalid. Diagnostics go to stderr; with
//! `--json` a single JSON document goes to stdout instead.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use garrison_config::{load_dir, ConfigDiagnostic, VarInputs};
use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::cli::VarArgs;

/// Builds the variable inputs from `--var`, `--var-file` and the process environment.
pub(crate) fn var_inputs(args: &VarArgs) -> miette::Result<VarInputs> {
    let mut inputs = VarInputs::default().with_env(std::env::vars());
    for arg in &args.vars {
        let pair = VarInputs::parse_var_arg(arg)
            .map_err(|e| miette::miette!(help = "write `--var name=value`", "{e}"))?;
        inputs.vars.push(pair);
    }
    inputs.var_files = args.var_files.clone();
    Ok(inputs)
}

/// Renders diagnostics for a command that loads a config (`plan`, `apply`, ...): one
/// pointing at no source text is an `error:`/`warning:` line with `hint:` lines, like every
/// other error; the others as [`render`] does.
pub(crate) fn render_for_command(diags: &[ConfigDiagnostic], no_color: bool) -> String {
    let (plain, spanned): (Vec<_>, Vec<_>) = diags.iter().partition(|d| d.labels.is_empty());
    let spanned: Vec<ConfigDiagnostic> = spanned.into_iter().cloned().collect();
    let mut out = render(&spanned, no_color);
    for d in plain {
        let level = match d.level {
            garrison_config::Level::Error => "error",
            garrison_config::Level::Warning => "warning",
        };
        out.push_str(&format!("{level}: {} [{}]\n", d.message, d.code));
        for line in d.help.iter().flat_map(|h| h.lines()) {
            out.push_str(&format!("hint: {line}\n"));
        }
    }
    out
}

/// Renders diagnostics for a person: colour only on a terminal without `NO_COLOR`.
pub(crate) fn render(diags: &[ConfigDiagnostic], no_color: bool) -> String {
    let plain =
        no_color || std::env::var_os("NO_COLOR").is_some() || !std::io::stderr().is_terminal();
    let theme = if plain {
        GraphicalTheme::unicode_nocolor()
    } else {
        GraphicalTheme::unicode()
    };
    let handler = GraphicalReportHandler::new_themed(theme);
    let mut out = String::new();
    for d in diags {
        // rendering into a String cannot fail; fall back to the message if it does
        if handler.render_report(&mut out, d).is_err() {
            out.push_str(&d.to_string());
        }
        out.push('\n');
    }
    out
}

/// Runs `garrison validate` on each directory (`examples/*` validates every example); exit 1
/// when any is invalid. With `--json`, one document per directory, in an array when several.
pub(crate) fn run(
    dirs: Vec<PathBuf>,
    vars: &VarArgs,
    json: bool,
    no_color: bool,
) -> miette::Result<u8> {
    let dirs = if dirs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        dirs
    };
    let inputs = var_inputs(vars)?;
    let mut docs = Vec::new();
    let mut all_valid = true;
    for dir in &dirs {
        let (valid, doc) = validate_one(dir, &inputs, json, no_color);
        all_valid &= valid;
        docs.extend(doc);
    }
    if json {
        let doc = if docs.len() == 1 {
            docs.remove(0)
        } else {
            serde_json::Value::Array(docs)
        };
        // a closed stdout (broken pipe) is not an error worth reporting
        let _ = writeln!(std::io::stdout().lock(), "{doc:#}");
    }
    Ok(if all_valid {
        crate::exit::codes::OK
    } else {
        crate::exit::codes::ERROR
    })
}

/// Validates one directory: whether it is valid, and its JSON document with `--json`
/// (diagnostics go to stderr otherwise).
fn validate_one(
    dir: &Path,
    inputs: &garrison_config::VarInputs,
    json: bool,
    no_color: bool,
) -> (bool, Option<serde_json::Value>) {
    let (errors, warnings, summary) = match load_dir(dir, inputs) {
        Ok(loaded) => {
            let m = &loaded.model;
            let summary = format!(
                "`{}` is valid: {} resource instance{}, {} output{}",
                display(dir),
                m.resources.len(),
                if m.resources.len() == 1 { "" } else { "s" },
                m.outputs.len(),
                if m.outputs.len() == 1 { "" } else { "s" },
            );
            (Vec::new(), loaded.warnings, summary)
        }
        Err(failure) => (failure.errors, failure.warnings, String::new()),
    };
    let valid = errors.is_empty();
    if json {
        let doc = serde_json::json!({
            "dir": display(dir),
            "valid": valid,
            "errors": errors.iter().map(ConfigDiagnostic::to_json).collect::<Vec<_>>(),
            "warnings": warnings.iter().map(ConfigDiagnostic::to_json).collect::<Vec<_>>(),
        });
        return (valid, Some(doc));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{}", render(&errors, no_color));
    let _ = write!(err, "{}", render(&warnings, no_color));
    if valid {
        let _ = writeln!(err, "{summary}");
    } else {
        let _ = writeln!(
            err,
            "error: the configuration in `{}` is invalid ({} error{})",
            display(dir),
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
    }
    (valid, None)
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
