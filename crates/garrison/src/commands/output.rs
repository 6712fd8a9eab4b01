//! `garrison output [NAME] [--json]`: outputs recorded by the last apply.

use std::io::Write;
use std::path::PathBuf;

use garrison_state::Store;
use miette::miette;

use crate::cli::VarArgs;
use crate::exit::codes;

/// `output [NAME] [DIR]`: a lone argument that names a directory is the DIR (output
/// names are identifiers, so `.` or `examples/dev-box` cannot be one).
pub(crate) fn name_and_dir(
    name: Option<String>,
    dir: Option<PathBuf>,
) -> (Option<String>, Option<PathBuf>) {
    match (name, dir) {
        (Some(name), None) if std::path::Path::new(&name).is_dir() => {
            (None, Some(PathBuf::from(name)))
        }
        other => other,
    }
}

pub(crate) fn run(
    name: Option<String>,
    dir: Option<PathBuf>,
    vars: &VarArgs,
    json: bool,
    no_color: bool,
) -> miette::Result<u8> {
    let backend =
        crate::context::backend_of_dir_with(&crate::context::dir_or_cwd(dir), vars, no_color)?;
    let state = Store::peek(backend.as_ref())?.state;
    let outputs = &state.outputs;
    let mut out = std::io::stdout().lock();
    match name {
        Some(name) => {
            let Some(value) = outputs.get(&name) else {
                return Err(miette!(
                    help = format!(
                        "known outputs: {}",
                        if outputs.is_empty() {
                            "(none: run `garrison apply` first)".to_string()
                        } else {
                            outputs.keys().cloned().collect::<Vec<_>>().join(", ")
                        }
                    ),
                    "no output named `{name}`"
                ));
            };
            if json {
                let _ = writeln!(out, "{}", value.value);
            } else if value.sensitive {
                let _ = writeln!(out, "(sensitive)");
            } else {
                let text = match &value.value {
                    serde_json::Value::String(s) => s.clone(),
                    other => garrison_plan::render::format_value(other),
                };
                let _ = writeln!(out, "{text}");
            }
        }
        None if json => {
            let doc: serde_json::Map<String, serde_json::Value> = outputs
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        serde_json::json!({ "value": v.value, "sensitive": v.sensitive }),
                    )
                })
                .collect();
            let _ = writeln!(out, "{}", serde_json::Value::Object(doc));
        }
        None => {
            for (k, v) in outputs {
                let shown = if v.sensitive {
                    "(sensitive)".to_string()
                } else {
                    garrison_plan::render::format_value(&v.value)
                };
                let _ = writeln!(out, "{k} = {shown}");
            }
        }
    }
    Ok(codes::OK)
}
