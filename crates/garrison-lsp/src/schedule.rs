//! Debouncing: a directory is checked once its documents have been still for a while, so a
//! burst of keystrokes costs one check (the superseded ones are never run).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The directories waiting for a check, each with when it is due.
#[derive(Debug, Default)]
pub(crate) struct Schedule {
    due: BTreeMap<PathBuf, Instant>,
}

impl Schedule {
    /// Checks `dir` after `delay` from now, replacing an earlier due time.
    pub(crate) fn after(&mut self, dir: &Path, delay: Duration) {
        self.due.insert(dir.to_path_buf(), Instant::now() + delay);
    }

    /// How long until the next check is due (`None`: nothing waits).
    pub(crate) fn wait(&self) -> Option<Duration> {
        let next = self.due.values().min()?;
        Some(next.saturating_duration_since(Instant::now()))
    }

    /// The directories due now, removed from the schedule.
    pub(crate) fn take_due(&mut self) -> Vec<PathBuf> {
        let now = Instant::now();
        let due: Vec<PathBuf> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(d, _)| d.clone())
            .collect();
        for d in &due {
            self.due.remove(d);
        }
        due
    }
}
