//! What `garrison lock` writes: the pins of what the config uses now, created when there
//! is no lock, extended with new entries, and changed only with `--update`.

use thiserror::Error;

use crate::pins::{check, Catalog, Lock, PinMoved, Resolved};

/// What `garrison lock` decided.
#[derive(Clone, Debug, PartialEq)]
pub struct Relock {
    /// The lock to write; `None` when the file already says exactly this.
    pub write: Option<Lock>,
    /// What changed against the old lock (every pin as unpinned when there was none).
    pub changes: Vec<PinMoved>,
    /// Keys of pins the config no longer uses, dropped.
    pub dropped: Vec<String>,
}

/// Why `garrison lock` wrote nothing.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum RelockRefused {
    /// The config uses entries the cloud does not list: nothing to pin them to.
    #[error("the cloud does not list {}", .0.join(", "))]
    Unlisted(Vec<String>),
    /// Pins moved and `--update` was not given.
    #[error("{} pin{} moved", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Moved(Vec<PinMoved>),
}

/// Pure: the lock `garrison lock [--update]` writes, from the old one and what the config
/// resolves to now.
pub fn relock(
    old: Option<&Lock>,
    now: &Resolved,
    catalog: &Catalog,
    update: bool,
) -> Result<Relock, RelockRefused> {
    if !now.unlisted.is_empty() {
        return Err(RelockRefused::Unlisted(now.unlisted.clone()));
    }
    let Some(old) = old else {
        let changes = now
            .lock
            .entries()
            .into_iter()
            .map(|(key, _)| PinMoved::Unpinned { key })
            .collect();
        return Ok(Relock {
            write: Some(now.lock.clone()),
            changes,
            dropped: Vec::new(),
        });
    };
    let changes = check(old, now, catalog);
    if !update && changes.iter().any(|c| !c.is_unpinned()) {
        return Err(RelockRefused::Moved(
            changes.into_iter().filter(|c| !c.is_unpinned()).collect(),
        ));
    }
    let kept: Vec<String> = now.lock.entries().into_iter().map(|(k, _)| k).collect();
    let dropped = old
        .entries()
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| !kept.contains(k))
        .collect();
    Ok(Relock {
        write: (old != &now.lock).then(|| now.lock.clone()),
        changes,
        dropped,
    })
}
