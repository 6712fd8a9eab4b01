//! `plan` does not take the lock, but it says when another run holds it: the state it reads
//! may be about to change.

use std::path::Path;

use garrison_config::StateBackend;
use garrison_state::{LocalBackend, LockInfo};

/// A warning (with its hint) when the state's lock is held, `None` when it is free.
/// Only the local backend is inspected (PostgreSQL's holder row needs its session).
pub(crate) fn lock_notice(dir: &Path, state: &StateBackend) -> Option<String> {
    let StateBackend::Local { path } = state else {
        return None;
    };
    let backend = LocalBackend::new(dir.join(path));
    let bytes = std::fs::read(backend.lock_path()).ok()?;
    let holder = serde_json::from_slice::<LockInfo>(&bytes).ok();
    Some(match holder {
        Some(h) if h.is_stale() => format!(
            "warning: the state is locked by {h}, but that process is gone (a stale lock: the next apply takes it over)\n"
        ),
        Some(h) => format!(
            "warning: the state is locked: {h} holds it, so the state may be about to change\nhint: this plan shows the state as it is now; plan again when that run has finished\n"
        ),
        None => format!(
            "warning: the state is locked (`{}` exists but cannot be read), so it may be about to change\n",
            backend.lock_path().display()
        ),
    })
}
