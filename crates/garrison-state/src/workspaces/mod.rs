//! Workspaces: one config's many isolated states (`default`, `staging`, `pr-42`), each
//! with its own state, lock and journal, side by side in the config's backend.
//!
//! `default` is the config's own location, unchanged (local `.garrison/state.json`;
//! PostgreSQL the config's `workspace=` key). Another workspace `NAME` lives next to it:
//! locally in `<state dir>/workspaces/NAME/<state file name>` (so `.garrison/workspaces/
//! NAME/state.json` with its `.lock`, `.journal` and `.backup`), in PostgreSQL under the key
//! `<config key>:NAME`. A workspace other than `default` exists when its state does: `new`
//! writes an empty state, `delete` erases it (`docs/state.md`, "Workspaces").

mod create;
mod delete;
mod error;

pub use create::create;
pub use delete::{delete, Deleted};
pub use error::WorkspaceError;

use std::path::{Path, PathBuf};

use garrison_core::Workspace;

use crate::atomic::parent_dir;
use crate::backend::Backend;
use crate::crypt::Keyring;
use crate::error::Error;
use crate::local::LocalBackend;
use crate::postgres::PostgresBackend;

/// The directory (local) beside the default state holding the other workspaces.
pub const WORKSPACES_DIR: &str = "workspaces";

/// Where every workspace of one config lives: the config's backend, before a workspace is
/// chosen, and the keys its states are sealed with (none: plaintext).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspaces {
    place: Place,
    keys: Keyring,
}

/// The config's backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Local files; `default_path` is the config's state file.
    Local {
        /// The `default` workspace's state file.
        default_path: PathBuf,
    },
    /// PostgreSQL; `base` is the config's `workspace=` key.
    Postgres {
        /// The connection URL (never printed: messages use the redacted form).
        url: String,
        /// The `default` workspace's key.
        base: String,
    },
}

impl Workspaces {
    /// Local files beside `default_path`, the `default` workspace's state file.
    pub fn local(default_path: impl Into<PathBuf>) -> Self {
        Self {
            place: Place::Local {
                default_path: default_path.into(),
            },
            keys: Keyring::default(),
        }
    }

    /// PostgreSQL at `url`, the `default` workspace under key `base`.
    pub fn postgres(url: impl Into<String>, base: impl Into<String>) -> Self {
        Self {
            place: Place::Postgres {
                url: url.into(),
                base: base.into(),
            },
            keys: Keyring::default(),
        }
    }

    /// These workspaces with every state, backup and journal sealed with `keys`.
    pub fn with_keys(mut self, keys: Keyring) -> Self {
        self.keys = keys;
        self
    }

    /// The config's backend.
    pub fn place(&self) -> &Place {
        &self.place
    }

    /// The keys the states are sealed with.
    pub fn keys(&self) -> &Keyring {
        &self.keys
    }
    /// The state file of `ws` (local only).
    pub fn local_path(default_path: &Path, ws: &Workspace) -> PathBuf {
        if ws.is_default() {
            return default_path.to_path_buf();
        }
        let file = default_path
            .file_name()
            .map_or_else(|| "state.json".into(), ToOwned::to_owned);
        parent_dir(default_path)
            .join(WORKSPACES_DIR)
            .join(ws.as_str())
            .join(file)
    }

    /// The PostgreSQL key of `ws`: the config's key for `default`, else `<key>:NAME`.
    pub fn postgres_key(base: &str, ws: &Workspace) -> String {
        if ws.is_default() {
            base.to_owned()
        } else {
            format!("{base}:{ws}")
        }
    }

    /// The backend holding `ws`'s state, lock and journal (it need not exist yet).
    pub fn backend(&self, ws: &Workspace) -> Result<Box<dyn Backend>, Error> {
        let keys = self.keys.clone();
        Ok(match &self.place {
            Place::Local { default_path } => {
                Box::new(LocalBackend::new(Self::local_path(default_path, ws)).with_keys(keys))
            }
            Place::Postgres { url, base } => Box::new(
                PostgresBackend::connect(url, &Self::postgres_key(base, ws))?.with_keys(keys),
            ),
        })
    }

    /// Whether `ws` exists: `default` always does; another one when its state does.
    pub fn exists(&self, ws: &Workspace) -> Result<bool, Error> {
        if ws.is_default() {
            return Ok(true);
        }
        Ok(self.backend(ws)?.read()?.is_some())
    }

    /// Every workspace, `default` first, then the others by name.
    pub fn list(&self) -> Result<Vec<Workspace>, Error> {
        let mut names = match &self.place {
            Place::Local { default_path } => local_names(default_path)?,
            Place::Postgres { url, base } => {
                let prefix = format!("{base}:");
                PostgresBackend::connect(url, base)?
                    .keys_with_prefix(&prefix)?
                    .iter()
                    .filter_map(|k| k.strip_prefix(&prefix)?.parse().ok())
                    .collect()
            }
        };
        names.retain(|w: &Workspace| !w.is_default());
        names.sort();
        names.insert(0, Workspace::default());
        Ok(names)
    }
}

/// The local workspaces with a state file.
fn local_names(default_path: &Path) -> Result<Vec<Workspace>, Error> {
    let dir = parent_dir(default_path).join(WORKSPACES_DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(Error::io("list the workspaces in", &dir, e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("list the workspaces in", &dir, e))?;
        let Some(ws) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<Workspace>().ok())
        else {
            continue;
        };
        if Workspaces::local_path(default_path, &ws).is_file() {
            names.push(ws);
        }
    }
    Ok(names)
}
