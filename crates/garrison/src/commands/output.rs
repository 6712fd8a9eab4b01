//! `garrison output [NAME] [--json]`: outputs recorded by the last apply.

use std::path::PathBuf;

use garrison_state::Store;
use miette::miette;

use crate::cli::{DirArg, OutputArgs};
use crate::console::Console;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;

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

pub(crate) fn run(args: &OutputArgs, console: &Console) -> Ended {
    let given = args.state.dir.dir.clone().or(args.state.dir_flag.clone());
    let (name, dir) = name_and_dir(args.name.clone(), given);
    let dir = DirArg { dir }.path();
    let backend = crate::context::backend_of_dir_with(&dir, &args.state.vars, console)?;
    let state = Store::peek(backend.as_ref())?.state;
    let outputs = &state.outputs;
    match name {
        Some(name) => {
            let Some(value) = outputs.get(&name) else {
                return Err(Failure::usage(miette!(
                    help = format!(
                        "known outputs: {}",
                        if outputs.is_empty() {
                            "(none: run `garrison apply` first)".to_string()
                        } else {
                            outputs.keys().cloned().collect::<Vec<_>>().join(", ")
                        }
                    ),
                    "no output named `{name}`"
                )));
            };
            if args.json {
                outln!(console, "{}", value.value);
            } else if value.sensitive {
                outln!(console, "(sensitive)");
            } else {
                let text = match &value.value {
                    serde_json::Value::String(s) => s.clone(),
                    other => garrison_plan::render::format_value(other),
                };
                outln!(console, "{text}");
            }
        }
        None if args.json => {
            let doc: serde_json::Map<String, serde_json::Value> = outputs
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        serde_json::json!({ "value": v.value, "sensitive": v.sensitive }),
                    )
                })
                .collect();
            outln!(console, "{}", serde_json::Value::Object(doc));
        }
        None => {
            for (k, v) in outputs {
                let shown = if v.sensitive {
                    "(sensitive)".to_string()
                } else {
                    garrison_plan::render::format_value(&v.value)
                };
                outln!(console, "{k} = {shown}");
            }
        }
    }
    Ok(Outcome::Success)
}
