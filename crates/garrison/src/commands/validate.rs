//! `garrison validate [DIR] [--var ...] [--json]`: load the config, print every diagnostic.
//!
//! Exit 0 when valid (warnings allowed), 1 when invalid. Diagnostics go to stderr; with
//! `--json` a single JSON document goes to stdout instead.

use std::path::{Path, PathBuf};

use garrison_config::{load_dir_with, CatalogSource, ConfigDiagnostic, Offered, VarInputs};
use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::cli::{ValidateArgs, VarArgs};
use crate::console::Console;
use crate::exit::{Ended, Outcome};
use crate::failure::{Class, Failure};

/// Builds the variable inputs from `--var`, `--var-file` and the process environment.
pub(crate) fn var_inputs(args: &VarArgs) -> Result<VarInputs, Failure> {
    let mut inputs = VarInputs::default().with_env(std::env::vars());
    for arg in &args.vars {
        inputs.vars.push(VarInputs::parse_var_arg(arg)?);
    }
    inputs.var_files = args.var_files.clone();
    Ok(inputs)
}

/// [`var_inputs`] for the config in `dir`, in the workspace selected there.
pub(crate) fn var_inputs_in(dir: &Path, args: &VarArgs) -> Result<VarInputs, Failure> {
    let mut inputs = var_inputs(args)?;
    inputs.workspace = crate::workspace::selected(dir)?;
    Ok(inputs)
}

/// Renders diagnostics for a command that loads a config (`plan`, `apply`, ...): one
/// pointing at no source text is an `error:`/`warning:` line with `hint:` lines, like every
/// other error; the others as [`render`] does.
pub(crate) fn render_for_command(diags: &[ConfigDiagnostic], console: &Console) -> String {
    let (plain, spanned): (Vec<_>, Vec<_>) = diags.iter().partition(|d| d.labels.is_empty());
    let spanned: Vec<ConfigDiagnostic> = spanned.into_iter().cloned().collect();
    let mut out = render(&spanned, console);
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

/// Renders diagnostics for stderr, in colour when the console colours stderr.
pub(crate) fn render(diags: &[ConfigDiagnostic], console: &Console) -> String {
    let theme = if console.err_color() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
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
pub(crate) fn run(args: &ValidateArgs, console: &Console) -> Ended {
    let dirs = if args.dirs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.dirs.clone()
    };
    let json = args.json;
    let inputs = var_inputs(&args.vars)?;
    let mut docs = Vec::new();
    let mut all_valid = true;
    for dir in &dirs {
        let mut inputs = inputs.clone();
        inputs.workspace = crate::workspace::selected(dir)?;
        let (valid, doc) = validate_one(dir, &inputs, json, console);
        all_valid &= valid;
        docs.extend(doc);
    }
    if json {
        let doc = if docs.len() == 1 {
            docs.remove(0)
        } else {
            serde_json::Value::Array(docs)
        };
        outln!(console, "{doc:#}");
    }
    if all_valid {
        Ok(Outcome::Success)
    } else {
        Err(Failure::reported(Class::Config))
    }
}

/// Validates one directory: whether it is valid, and its JSON document with `--json`
/// (diagnostics go to stderr otherwise).
fn validate_one(
    dir: &Path,
    inputs: &garrison_config::VarInputs,
    json: bool,
    console: &Console,
) -> (bool, Option<serde_json::Value>) {
    let offered = crate::context::offline_catalog(dir, console);
    let (errors, warnings, summary) = match load_dir_with(dir, inputs, &offered) {
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
            "catalog": catalog_json(&offered.source),
        });
        return (valid, Some(doc));
    }
    err!(console, "{}", render(&errors, console));
    err!(console, "{}", render(&warnings, console));
    if let Some(note) = catalog_note(dir, &offered) {
        errln!(console, "{note}");
    }
    if valid {
        errln!(console, "{summary}");
    } else {
        errln!(
            console,
            "error: the configuration in `{}` is invalid ({} error{})",
            display(dir),
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
    }
    (valid, None)
}

/// The cached catalog the values were checked against, and its age (none for the
/// built-in catalog).
fn catalog_note(dir: &Path, offered: &Offered) -> Option<String> {
    let CatalogSource::Cached { age_secs } = offered.source else {
        return None;
    };
    Some(format!(
        "note: checked against the catalog cached {} ago in `{}` (`garrison plan` refreshes it)",
        garrison_config::age(age_secs),
        display(&garrison_engine::catalog::cache_path(dir))
    ))
}

/// `validate --json`'s `catalog`: `{"source": "built-in"}` or `{"source": "cached",
/// "age_secs": N}`.
fn catalog_json(source: &CatalogSource) -> serde_json::Value {
    match source {
        CatalogSource::BuiltIn => serde_json::json!({"source": "built-in"}),
        CatalogSource::Cached { age_secs } => {
            serde_json::json!({"source": "cached", "age_secs": age_secs})
        }
        CatalogSource::Live => serde_json::json!({"source": "live"}),
    }
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
