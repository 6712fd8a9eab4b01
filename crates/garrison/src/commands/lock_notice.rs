//! `plan` does not take the lock, but it says when another run holds it: the state it reads
//! may be about to change.

use std::path::Path;

use garrison_config::StateBackend;
use garrison_state::{Backend, LocalBackend};

/// A warning (with its hint) when the state's lock is held, `None` when it is free.
/// Only the local backend is inspected (PostgreSQL's holder row needs its session).
pub(crate) fn lock_notice(dir: &Path, state: &StateBackend) -> Option<String> {
    let StateBackend::Local { path } = state else {
        return None;
    };
    let backend = LocalBackend::new(dir.join(path));
    let status = match backend.lock_status() {
        Ok(status) => status?,
        Err(e) => {
            return Some(format!(
                "warning: the state's lock `{}` cannot be read ({e}), so the state may be about to change\n",
                backend.lock_path().display()
            ))
        }
    };
    let h = status.holder;
    Some(if status.alive {
        format!(
            "warning: the state is locked: {h} holds it, so the state may be about to change\nhint: this plan shows the state as it is now; plan again when that run has finished\n"
        )
    } else {
        format!(
            "warning: the state is locked by {h}, but that process is gone (a stale lock: the next apply takes it over)\n"
        )
    })
}
