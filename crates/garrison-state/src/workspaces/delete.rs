//! `garrison workspace delete NAME [--force]`: erase a workspace's state, refused while it
//! still manages objects unless forced (then what is abandoned is reported).

use garrison_core::Workspace;

use crate::atomic::parent_dir;
use crate::doc::ResourceState;
use crate::lock::LockInfo;
use crate::workspaces::{Place, WorkspaceError, Workspaces};

/// What a delete removed and left behind.
#[derive(Debug, Clone, PartialEq)]
pub struct Deleted {
    /// The state location erased.
    pub location: String,
    /// Objects the state managed, now unmanaged in the cloud (only with `force`).
    pub abandoned: Vec<ResourceState>,
    /// Interrupted operations whose outcome is unknown (only with `force`).
    pub unresolved: usize,
}

/// Deletes `ws` under its lock: refuses `default`, a missing workspace, and (unless
/// `force`) one whose state or journal still holds anything.
pub fn delete(all: &Workspaces, ws: &Workspace, force: bool) -> Result<Deleted, WorkspaceError> {
    if ws.is_default() {
        return Err(WorkspaceError::Default);
    }
    let backend = all.backend(ws)?;
    let guard = backend.lock(LockInfo::new(format!("garrison workspace delete {ws}")))?;
    let Some(doc) = backend.read()? else {
        return Err(WorkspaceError::Missing {
            name: ws.to_string(),
        });
    };
    let journal = backend.journal_read()?;
    let unresolved = doc.pending.len() + journal.records.len();
    let count = doc.resources.len() + unresolved;
    if count > 0 && !force {
        return Err(WorkspaceError::NotEmpty {
            name: ws.to_string(),
            count,
        });
    }
    backend.erase()?;
    guard.release()?;
    if let Place::Local { default_path } = all.place() {
        // The workspace's directory, once empty (the lock file went with the release).
        let dir = parent_dir(&Workspaces::local_path(default_path, ws));
        let _ = std::fs::remove_dir(dir);
    }
    Ok(Deleted {
        location: backend.location(),
        abandoned: doc.resources.into_values().collect(),
        unresolved,
    })
}
