//! Rehearsal: before touching the cloud, run a plan with the real executor against an
//! in-process `barrack-sim` seeded from the refreshed account, its life-cycle delays scaled
//! down, and report what would fail (step and API message), how long each step and the
//! whole run would take (makespan and critical path at the chosen parallelism and rate
//! limit), whether the end state matches the config, and which GUESSED API behaviours it
//! relied on. Nothing here talks to the cloud: the only client made points at the emulator.
//!
//! The engine never depends on the emulator; this crate joins them (ARCHITECTURE.md).

mod converge;
mod error;
mod guesses;
mod run;
mod seed;
mod timing;

pub use error::RehearseError;
pub use run::rehearse;
pub use seed::account_of;

/// How to rehearse.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RehearseOptions {
    /// Operations at once, as apply will run them.
    pub parallelism: usize,
    /// The API's rate limit the prediction assumes (requests per minute); `None` for none.
    pub rate_limit_per_minute: Option<u32>,
    /// Emulator time per contract second: 0.0005 runs a 30 s VM create in 15 ms (B5: the
    /// 500-resource DAG rehearses in 0.64 s, its makespan within 1% of the measured one).
    pub time_scale: f64,
}

/// Barrack's rate limit (docs/api.md: 500 requests per minute per client, INFERRED), the
/// client's default.
pub const API_RATE_LIMIT_PER_MINUTE: u32 = barrack_api::DEFAULT_RATE_LIMIT_PER_MINUTE;

impl Default for RehearseOptions {
    fn default() -> Self {
        RehearseOptions {
            parallelism: garrison_engine::DEFAULT_PARALLELISM,
            rate_limit_per_minute: Some(API_RATE_LIMIT_PER_MINUTE),
            time_scale: 0.0005,
        }
    }
}
