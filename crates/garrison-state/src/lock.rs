//! Who holds the state lock ([`LockInfo`]) and the guard that releases it on drop.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Error;
use crate::process;

/// The holder of a lock, as stored in the lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// Unique per acquisition.
    pub id: Uuid,
    /// Process id of the holder.
    pub pid: u32,
    /// Host name of the holder.
    pub host: String,
    /// User name of the holder (`$USER`), empty when unknown or in older lock files.
    #[serde(default)]
    pub user: String,
    /// What the holder is doing, e.g. `garrison apply`.
    pub command: String,
    /// When it took the lock (RFC 3339).
    pub started_at: String,
}

impl LockInfo {
    /// A lock request for the current process, host and time.
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            id: Uuid::new_v4(),
            pid: std::process::id(),
            host: process::hostname(),
            user: process::username(),
            command: command.into(),
            started_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

impl fmt::Display for LockInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let user = if self.user.is_empty() {
            String::new()
        } else {
            format!(" by {}", self.user)
        };
        write!(
            f,
            "`{}` (lock id {}, pid {}{user} on host {}) since {}",
            self.command, self.id, self.pid, self.host, self.started_at
        )
    }
}

/// What [`crate::Backend::lock_status`] reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockStatus {
    /// The holder as recorded.
    pub holder: LockInfo,
    /// Whether its process (or session) still holds the kernel (or server) lock. A holder
    /// that is not alive left a stale record, which the next run takes over by itself.
    pub alive: bool,
}

type Release = Box<dyn FnOnce() -> Result<(), Error> + Send + Sync>;

/// A held lock. Dropping it releases the lock (errors ignored); [`LockGuard::release`]
/// releases it and reports errors.
pub struct LockGuard {
    info: LockInfo,
    took_over: Option<LockInfo>,
    release: Option<Release>,
}

impl LockGuard {
    /// For backends: a guard for `info` that runs `release` once.
    /// `took_over` is the stale holder this acquisition replaced, if any.
    pub fn new(
        info: LockInfo,
        took_over: Option<LockInfo>,
        release: impl FnOnce() -> Result<(), Error> + Send + Sync + 'static,
    ) -> Self {
        Self {
            info,
            took_over,
            release: Some(Box::new(release)),
        }
    }

    /// Our lock.
    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    /// The holder whose stale lock (its process gone, its lock file left) we took over, if
    /// any; callers should say so.
    pub fn took_over(&self) -> Option<&LockInfo> {
        self.took_over.as_ref()
    }

    /// Release now, reporting errors.
    pub fn release(mut self) -> Result<(), Error> {
        match self.release.take() {
            Some(release) => release(),
            None => Ok(()),
        }
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release();
        }
    }
}

impl fmt::Debug for LockGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGuard")
            .field("info", &self.info)
            .field("took_over", &self.took_over)
            .finish_non_exhaustive()
    }
}
