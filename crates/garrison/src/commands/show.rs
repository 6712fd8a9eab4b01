//! `garrison show [PLANFILE] [DIR] [--json]`: a saved plan as `garrison plan` printed it,
//! or the state of a config directory. Reads only: no lock, no cloud, no variables needed.
//!
//! A lone path that is a directory is DIR; a file is PLANFILE; a path that does not exist
//! is a usage error (a typo must not silently show the state of `.`).

use std::path::{Path, PathBuf};

use garrison_engine::SavedPlan;
use garrison_plan::render;
use garrison_state::Store;
use miette::miette;

use crate::cli::{ShowArgs, VarArgs};
use crate::console::Console;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;

/// What to show.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A saved plan file.
    Plan(PathBuf),
    /// The state of this config directory.
    State(PathBuf),
}

pub(crate) fn run(args: &ShowArgs, console: &Console) -> Ended {
    match target(args.plan_file.as_deref(), args.dir.dir.as_deref())? {
        Target::Plan(file) if args.format.is_some() => show_terraform(&file, console),
        Target::Plan(file) => show_plan(&file, args.json, console),
        Target::State(_) if args.format.is_some() => Err(Failure::usage(miette!(
            help = "save a plan with `garrison plan --out FILE`, then `garrison show --format terraform-json FILE`",
            "`--format terraform-json` shows a saved plan, not the state"
        ))),
        Target::State(dir) => show_state(&dir, &args.vars, args.json, console),
    }
}

/// PLANFILE and DIR as given (clap fills PLANFILE first) to what they name.
fn target(first: Option<&Path>, second: Option<&Path>) -> Result<Target, Failure> {
    match (first, second) {
        (None, _) => Ok(Target::State(PathBuf::from("."))),
        (Some(path), None) => classify(path),
        (Some(_), Some(_)) => Err(Failure::usage(miette!(
            help = "a saved plan records its config directory: `garrison show PLANFILE` shows the plan, `garrison show DIR` the state",
            "give a saved plan or a config directory, not both"
        ))),
    }
}

/// A directory is DIR, anything else that exists PLANFILE (refused later if it is not a
/// saved plan); a missing path is a usage error.
fn classify(path: &Path) -> Result<Target, Failure> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(Target::State(path.to_path_buf())),
        Ok(_) => Ok(Target::Plan(path.to_path_buf())),
        Err(e) => Err(Failure::usage(miette!(
            help = "name a plan saved by `garrison plan --out FILE`, or a config directory (default: the current directory)",
            "`{}`: {}",
            path.display(),
            if e.kind() == std::io::ErrorKind::NotFound {
                "no such file or directory".to_string()
            } else {
                e.to_string()
            }
        ))),
    }
}

/// The saved plan in Terraform's plan JSON.
fn show_terraform(file: &Path, console: &Console) -> Ended {
    let saved = SavedPlan::read(file)?;
    outln!(console, "{}", render::to_terraform_json(&saved.plan));
    Ok(Outcome::Success)
}

/// The saved plan, exactly as `garrison plan` printed it (text or `--json`).
fn show_plan(file: &Path, json: bool, console: &Console) -> Ended {
    let saved = SavedPlan::read(file)?;
    let text = if json {
        render::to_json(&saved.plan)
    } else {
        let style = render::TextStyle {
            color: console.out_color(),
        };
        render::to_text_with(&saved.plan, &saved.operations, style)
    };
    outln!(console, "{}", text.trim_end());
    Ok(Outcome::Success)
}

/// The state of `dir` (read like `state list`: the `state` node only).
fn show_state(dir: &Path, vars: &VarArgs, json: bool, console: &Console) -> Ended {
    let backend = crate::context::backend_of_dir_with(dir, vars, console)?;
    let replay = Store::peek(backend.as_ref())?;
    let text = if json {
        render::state_to_json(&replay.state)
    } else {
        render::state_to_text(&replay.state)
    };
    outln!(console, "{}", text.trim_end());
    super::state::pending_note(&replay, console);
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_dir_a_file_is_a_plan_and_nothing_is_a_usage_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("p.json");
        std::fs::write(&file, "{}").expect("write");
        assert_eq!(
            target(None, None).ok(),
            Some(Target::State(PathBuf::from(".")))
        );
        assert_eq!(
            target(Some(dir.path()), None).ok(),
            Some(Target::State(dir.path().to_path_buf()))
        );
        assert_eq!(
            target(Some(&file), None).ok(),
            Some(Target::Plan(file.clone()))
        );
        let missing = dir.path().join("nope.json");
        let failure = target(Some(&missing), None).expect_err("missing");
        assert_eq!(failure.class(), crate::failure::Class::Usage);
        let failure = target(Some(&file), Some(dir.path())).expect_err("both");
        assert_eq!(failure.class(), crate::failure::Class::Usage);
    }
}
