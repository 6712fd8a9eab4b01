//! `plan` does not take the lock, but it says when another run holds it: the state it reads
//! may be about to change. Works for every backend (the local lock file and its kernel
//! lock; PostgreSQL's holder row and its advisory lock).

use garrison_state::Backend;

/// A warning (with its hint) when the state's lock is held, `None` when it is free.
pub(crate) fn lock_notice(backend: &dyn Backend) -> Option<String> {
    let status = match backend.lock_status() {
        Ok(status) => status?,
        Err(e) => return Some(unreadable(&e)),
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

fn unreadable(e: &garrison_state::Error) -> String {
    format!("warning: the state's lock cannot be read ({e}), so the state may be about to change\n")
}
