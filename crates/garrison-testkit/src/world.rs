//! One emulator, a fast client for it and a config directory holding `main.kdl` and the
//! state (`.garrison/`), with the engine's flows as one-liners.

use std::path::Path;

use barrack_api::Client;
use barrack_sim::{FaultConfig, SimConfig, SimHandle};
use garrison_config::{load_dir, Model, VarInputs};
use garrison_engine::{
    plan_only, prepare, ApplyReport, CancelToken, EngineError, EventSink, ExecuteOptions,
    PrepareOptions,
};
use garrison_plan::Plan;
use garrison_state::{LocalBackend, StateDoc, Store};
use serde_json::{json, Value};

use crate::admin::admin;
use crate::audit::{audit, Audit};
use crate::client::fast_client;

/// The emulator's life-cycle delays, scaled down for tests.
pub const TIME_SCALE: f64 = 0.002;

/// One emulator, a client and a config directory.
pub struct World {
    pub sim: SimHandle,
    pub client: Client,
    pub dir: tempfile::TempDir,
    pub inputs: VarInputs,
}

impl World {
    /// An emulator with no faults and no rate limit.
    pub async fn start() -> World {
        World::start_with(SimConfig::default()).await
    }

    /// An emulator with `config` (its `time_scale` and rate limit are set for tests).
    pub async fn start_with(config: SimConfig) -> World {
        let sim = crate::sim::start(SimConfig {
            time_scale: TIME_SCALE,
            rate_limit_per_minute: None,
            ..config
        })
        .await;
        let client = fast_client(&sim.base_url(), sim.api_key());
        World {
            sim,
            client,
            dir: crate::dir::temp_dir(),
            inputs: VarInputs::default(),
        }
    }

    /// Writes the config (`main.kdl`).
    pub fn write_config(&self, text: &str) {
        crate::dir::write_main(self.dir.path(), text);
    }

    /// The model of the config directory.
    pub fn model(&self) -> Model {
        match load_dir(self.dir.path(), &self.inputs) {
            Ok(loaded) => loaded.model,
            Err(f) => panic!(
                "config does not load: {:?}",
                f.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
            ),
        }
    }

    pub fn backend(&self) -> Box<LocalBackend> {
        Box::new(LocalBackend::in_config_dir(self.dir.path()))
    }

    /// `garrison plan` (refreshed, no lock).
    pub async fn plan(&self) -> Result<Plan, EngineError> {
        plan_only(
            &self.model(),
            self.backend().as_ref(),
            Some(&self.client),
            garrison_plan::PlanOptions::default(),
        )
        .await
    }

    /// `garrison apply --auto-approve` with every event kept.
    pub async fn apply_with_events(
        &self,
        command: &str,
        sink: EventSink,
    ) -> Result<(Plan, ApplyReport), EngineError> {
        let prepared = prepare(
            self.model(),
            self.client.clone(),
            self.backend(),
            PrepareOptions {
                destroy: false,
                command: command.into(),
                expected: None,
                ..PrepareOptions::default()
            },
        )
        .await?;
        let plan = prepared.plan().clone();
        let report = prepared
            .execute(ExecuteOptions::default(), sink, CancelToken::new())
            .await?;
        Ok((plan, report))
    }

    /// `garrison apply --auto-approve`.
    pub async fn apply(&self) -> Result<(Plan, ApplyReport), EngineError> {
        self.apply_with_events("garrison apply", garrison_engine::no_events())
            .await
    }

    /// Applies until a run succeeds completely, at most `max_runs` runs. Returns how many
    /// runs it took, or the outcome of every run when none succeeded.
    pub async fn converge(&self, max_runs: usize) -> Result<usize, Vec<String>> {
        let mut log = Vec::new();
        for run in 1..=max_runs {
            match self.apply().await {
                Ok((_, report)) if report.is_success() => return Ok(run),
                Ok((_, report)) => log.push(format!(
                    "run {run}: {} failed {:?}, {} skipped",
                    report.failed.len(),
                    report.failed.iter().take(3).collect::<Vec<_>>(),
                    report.skipped.len()
                )),
                Err(e) => log.push(format!("run {run}: error {}", error_chain(&e))),
            }
        }
        Err(log)
    }

    /// Sets the emulator's fault rates.
    pub async fn set_faults(&self, faults: &FaultConfig) {
        let body = serde_json::to_value(faults).unwrap_or_else(|e| panic!("faults: {e}"));
        admin(self.sim.addr(), "PUT", "/_sim/faults", Some(&body)).await;
    }

    /// Turns every fault off.
    pub async fn no_faults(&self) {
        self.set_faults(&FaultConfig::default()).await;
    }

    pub async fn sim_state(&self) -> Value {
        admin(self.sim.addr(), "GET", "/_sim/state", None).await
    }

    pub async fn counters(&self) -> Value {
        admin(self.sim.addr(), "GET", "/_sim/counters", None).await
    }

    /// The state as the next run would see it (file plus journal, replayed in memory).
    pub fn state(&self) -> StateDoc {
        Store::peek(self.backend().as_ref())
            .unwrap_or_else(|e| panic!("state readable: {e}"))
            .state
    }

    /// The emulator's view against the state.
    pub async fn audit(&self) -> Audit {
        audit(&self.sim_state().await, &self.state())
    }

    /// The state directory (`.garrison/`).
    pub fn state_dir(&self) -> std::path::PathBuf {
        self.dir.path().join(".garrison")
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// `{"error_5xx": p, ...}` as JSON, for messages.
pub fn describe_faults(f: &FaultConfig) -> Value {
    json!({
        "error_5xx": f.error_5xx,
        "drop_after_processing": f.drop_after_processing,
        "too_many_requests": f.too_many_requests,
    })
}

/// An engine error with every problem of a refused plan spelled out.
fn error_chain(e: &EngineError) -> String {
    match e {
        EngineError::Plan(failure) => {
            let problems: Vec<String> = failure.errors.iter().map(|p| p.to_string()).collect();
            format!("{e}: {}", problems.join("; "))
        }
        other => other.to_string(),
    }
}
