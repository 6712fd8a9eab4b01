//! `garrison workspace new NAME`: an empty state for a new workspace.

use garrison_core::Workspace;

use crate::doc::StateDoc;
use crate::lock::LockInfo;
use crate::workspaces::{WorkspaceError, Workspaces};

/// Creates `ws` by writing an empty state under its lock; refuses one that exists.
/// Returns the new state's location.
pub fn create(all: &Workspaces, ws: &Workspace) -> Result<String, WorkspaceError> {
    let backend = all.backend(ws)?;
    let exists = |doc: Option<StateDoc>| ws.is_default() || doc.is_some();
    if exists(backend.read()?) {
        return Err(WorkspaceError::Exists {
            name: ws.to_string(),
        });
    }
    let guard = backend.lock(LockInfo::new(format!("garrison workspace new {ws}")))?;
    // Checked again under the lock: another `new` may have won the race.
    if exists(backend.read()?) {
        return Err(WorkspaceError::Exists {
            name: ws.to_string(),
        });
    }
    backend.write(&StateDoc::fresh())?;
    guard.release()?;
    Ok(backend.location())
}
