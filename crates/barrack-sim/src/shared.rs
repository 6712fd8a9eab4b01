//! The state one server shares between its requests.

use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::counters::Counters;
use crate::faults::Faults;
use crate::persist::Persister;
use crate::ratelimit::RateLimiter;
use crate::sim::Sim;

/// Everything behind one server. Locks are never held across an `.await`.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) sim: Mutex<Sim>,
    pub(crate) faults: Mutex<Faults>,
    pub(crate) counters: Mutex<Counters>,
    pub(crate) limiter: Mutex<RateLimiter>,
    pub(crate) api_key: String,
    pub(crate) latency: Duration,
    pub(crate) persister: Option<Persister>,
    pub(crate) next_request: AtomicU64,
}

/// Locks a mutex; a panic elsewhere while holding it does not make the state unusable.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Saves the world to the state file if anything changed since the last save.
    pub(crate) async fn persist(&self) {
        let Some(persister) = &self.persister else {
            return;
        };
        let job = {
            let mut sim = lock(&self.sim);
            if !sim.dirty {
                return;
            }
            sim.dirty = false;
            sim.saves += 1;
            (sim.saves, sim.snapshot_bytes())
        };
        match job {
            (version, Ok(bytes)) => {
                if let Err(error) = persister.save(version, bytes).await {
                    tracing::error!(%error, "could not save the state file");
                }
            }
            (_, Err(error)) => tracing::error!(%error, "could not serialize the state"),
        }
    }
}
