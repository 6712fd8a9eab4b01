//! The rehearsal in the JSON plan (`"rehearsal"`, present after `plan --rehearse`): its own
//! documented types, converted from [`crate::Rehearsal`].

use serde::Serialize;

use crate::rehearsal::{Rehearsal, RehearsedFailure, RehearsedOutcome, RehearsedStep};

/// The rehearsal's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RehearsalJson {
    /// Nothing would fail and the plan converges.
    #[serde(rename = "passed")]
    pub passed: bool,
    #[serde(rename = "parallelism")]
    pub parallelism: usize,
    /// `null` for no limit.
    #[serde(rename = "rate_limit_per_minute")]
    pub rate_limit_per_minute: Option<u32>,
    #[serde(rename = "failures")]
    pub failures: Vec<FailureJson>,
    #[serde(rename = "makespan_seconds")]
    pub makespan_seconds: f64,
    /// Step ids, first to last.
    #[serde(rename = "critical_path")]
    pub critical_path: Vec<usize>,
    #[serde(rename = "critical_path_seconds")]
    pub critical_path_seconds: f64,
    #[serde(rename = "mutating_requests")]
    pub mutating_requests: u64,
    #[serde(rename = "converges")]
    pub converges: bool,
    /// What a plan after the rehearsal would still do.
    #[serde(rename = "not_converged")]
    pub not_converged: Vec<String>,
    /// Guessed API behaviours relied on.
    #[serde(rename = "guesses")]
    pub guesses: Vec<String>,
    /// Where the emulator could not mirror the account.
    #[serde(rename = "caveats")]
    pub caveats: Vec<String>,
    #[serde(rename = "steps")]
    pub steps: Vec<StepJson>,
    #[serde(rename = "elapsed_ms")]
    pub elapsed_ms: u64,
}

/// An operation that would fail.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FailureJson {
    #[serde(rename = "step")]
    pub step: usize,
    #[serde(rename = "address")]
    pub address: String,
    #[serde(rename = "operation")]
    pub operation: String,
    /// The API's message.
    #[serde(rename = "message")]
    pub message: String,
    /// HTTP status, when an answer caused it.
    #[serde(rename = "status")]
    pub status: Option<u16>,
    /// Steps that would not run because they wait on it.
    #[serde(rename = "skipped")]
    pub skipped: usize,
}

/// One step's prediction.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepJson {
    #[serde(rename = "id")]
    pub id: usize,
    #[serde(rename = "address")]
    pub address: String,
    #[serde(rename = "operation")]
    pub operation: String,
    /// `succeeded`, `failed` or `skipped`.
    #[serde(rename = "outcome")]
    pub outcome: &'static str,
    #[serde(rename = "predicted_seconds")]
    pub predicted_seconds: f64,
}

impl From<&Rehearsal> for RehearsalJson {
    fn from(r: &Rehearsal) -> Self {
        let Rehearsal {
            parallelism,
            rate_limit_per_minute,
            steps,
            failures,
            makespan_secs,
            critical_path,
            critical_path_secs,
            mutations,
            converges,
            not_converged,
            guesses,
            caveats,
            elapsed_ms,
        } = r;
        RehearsalJson {
            passed: r.passed(),
            parallelism: *parallelism,
            rate_limit_per_minute: *rate_limit_per_minute,
            failures: failures.iter().map(FailureJson::from).collect(),
            makespan_seconds: *makespan_secs,
            critical_path: critical_path.clone(),
            critical_path_seconds: *critical_path_secs,
            mutating_requests: *mutations,
            converges: *converges,
            not_converged: not_converged.clone(),
            guesses: guesses.clone(),
            caveats: caveats.clone(),
            steps: steps.iter().map(StepJson::from).collect(),
            elapsed_ms: *elapsed_ms,
        }
    }
}

impl From<&RehearsedFailure> for FailureJson {
    fn from(f: &RehearsedFailure) -> Self {
        let RehearsedFailure {
            step,
            address,
            what,
            message,
            status,
            skipped,
        } = f;
        FailureJson {
            step: *step,
            address: address.clone(),
            operation: what.clone(),
            message: message.clone(),
            status: *status,
            skipped: *skipped,
        }
    }
}

impl From<&RehearsedStep> for StepJson {
    fn from(s: &RehearsedStep) -> Self {
        let RehearsedStep {
            id,
            address,
            what,
            outcome,
            predicted_secs,
        } = s;
        StepJson {
            id: *id,
            address: address.clone(),
            operation: what.clone(),
            outcome: match outcome {
                RehearsedOutcome::Succeeded => "succeeded",
                RehearsedOutcome::Failed => "failed",
                RehearsedOutcome::Skipped => "skipped",
            },
            predicted_seconds: *predicted_secs,
        }
    }
}
