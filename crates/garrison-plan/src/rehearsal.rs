//! A rehearsal's result: the plan run by the real executor against an emulator seeded from
//! the refreshed account (`garrison-rehearse`). Pure data, so every rendering of the plan
//! can show it: what would fail and why, how long each step and the whole run would take,
//! whether the end state matches the config, and which guessed API behaviours it relied on.

use serde::{Deserialize, Serialize};

/// How one rehearsed step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RehearsedOutcome {
    Succeeded,
    Failed,
    /// Not run: something it waits for failed.
    Skipped,
}

/// One step as rehearsed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RehearsedStep {
    /// The plan step's id.
    pub id: usize,
    pub address: String,
    /// What it does (`create`, `delete`, `attach firewall`, ...).
    pub what: String,
    pub outcome: RehearsedOutcome,
    /// Predicted seconds (the emulator's life-cycle delays, scaled back); 0 when not run.
    pub predicted_secs: f64,
}

/// A step that would fail, with the API's message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RehearsedFailure {
    /// The failing step's id.
    pub step: usize,
    pub address: String,
    pub what: String,
    /// The API's message (or the executor's, when no answer caused it).
    pub message: String,
    /// The API's HTTP status, when an answer caused it.
    pub status: Option<u16>,
    /// Steps that would then not run because they wait on this one.
    pub skipped: usize,
}

/// What a rehearsal found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rehearsal {
    /// Operations at once, as apply would run them.
    pub parallelism: usize,
    /// Requests per minute the prediction assumes (the API's limit); `None` for no limit.
    pub rate_limit_per_minute: Option<u32>,
    /// Every step, in plan order.
    pub steps: Vec<RehearsedStep>,
    /// Steps that would fail.
    pub failures: Vec<RehearsedFailure>,
    /// Predicted seconds from the first step's start to the last step's end.
    pub makespan_secs: f64,
    /// The longest chain of waiting steps (ids, first to last), by predicted duration.
    pub critical_path: Vec<usize>,
    pub critical_path_secs: f64,
    /// API requests that change something (rate-limited with the reads).
    pub mutations: u64,
    /// A plan made after the rehearsal has nothing to do.
    pub converges: bool,
    /// What that plan would still do, one line each (`vm.x: update`), when it does not.
    pub not_converged: Vec<String>,
    /// Guessed API behaviours the emulator modelled for these steps, one line each.
    pub guesses: Vec<String>,
    /// Where the emulator could not mirror the account (the rehearsal may differ from the
    /// cloud there), one line each.
    pub caveats: Vec<String>,
    /// Wall-clock milliseconds the rehearsal took.
    pub elapsed_ms: u64,
}

impl Rehearsal {
    /// Nothing would fail and the plan converges.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.converges
    }
}
