//! Which workspace a command works in: `--workspace NAME` (or `GARRISON_WORKSPACE`), else
//! the one `garrison workspace select` wrote to `.garrison/workspace` in the config
//! directory, else `default`. The flag is parsed once (clap) and kept here for the run, like
//! the console's colour choice, so every command that loads a config or opens a state
//! sees the same workspace.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use garrison_config::StateBackend;
use garrison_core::Workspace;
use garrison_state::Workspaces;
use miette::miette;

use crate::failure::Failure;

/// The selection file, relative to the config directory.
pub(crate) const SELECTED_FILE: &str = ".garrison/workspace";

static OVERRIDE: OnceLock<Option<Workspace>> = OnceLock::new();

/// Records `--workspace`/`GARRISON_WORKSPACE` for this run (called once, after parsing).
pub(crate) fn set_override(workspace: Option<Workspace>) {
    let _ = OVERRIDE.set(workspace);
}

/// The `--workspace`/`GARRISON_WORKSPACE` choice, if any.
pub(crate) fn overridden() -> Option<&'static Workspace> {
    OVERRIDE.get().and_then(Option::as_ref)
}

/// The selection file of `dir`.
pub(crate) fn selected_file(dir: &Path) -> PathBuf {
    dir.join(SELECTED_FILE)
}

/// The workspace selected in `dir` by `garrison workspace select` (`default` when none).
pub(crate) fn recorded(dir: &Path) -> Result<Workspace, Failure> {
    let file = selected_file(dir);
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Workspace::default()),
        Err(e) => {
            return Err(Failure::state(miette!(
                "could not read the selected workspace from `{}`: {e}",
                file.display()
            )))
        }
    };
    text.trim().parse().map_err(|e| {
        Failure::state(miette!(
            help = "select one again with `garrison workspace select NAME` (or delete the file for `default`)",
            "`{}` names no valid workspace: {e}",
            file.display()
        ))
    })
}

/// The workspace this run works in, for the config in `dir`.
pub(crate) fn selected(dir: &Path) -> Result<Workspace, Failure> {
    match overridden() {
        Some(ws) => Ok(ws.clone()),
        None => recorded(dir),
    }
}

/// Every workspace of the config whose `state` node is `state`, in `dir`, sealed with the
/// state keys of the environment (`crate::state_keys`).
pub(crate) fn all(dir: &Path, state: &StateBackend) -> Result<Workspaces, Failure> {
    Ok(place(dir, state)?.with_keys(crate::state_keys::from_env()?))
}

/// Every workspace of the config whose `state` node is `state`, in `dir`, without keys.
pub(crate) fn place(dir: &Path, state: &StateBackend) -> Result<Workspaces, Failure> {
    Ok(match state {
        StateBackend::Local { path } => Workspaces::local(dir.join(path)),
        StateBackend::Postgres { url_env, workspace } => {
            let url = std::env::var(url_env).ok().filter(|u| !u.trim().is_empty());
            let Some(url) = url else {
                return Err(Failure::config(miette!(
                    help = format!("export {url_env}=postgres://USER:PASSWORD@HOST/DB (the URL is read from the environment only)"),
                    "the config keeps its state in PostgreSQL, but `{url_env}` is not set"
                )));
            };
            Workspaces::postgres(url, workspace.clone())
        }
    })
}

/// The refusal for a workspace that does not exist.
pub(crate) fn missing(ws: &Workspace) -> Failure {
    Failure::from(garrison_state::WorkspaceError::Missing {
        name: ws.to_string(),
    })
}
