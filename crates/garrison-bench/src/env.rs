//! One benchmark environment: an emulator on loopback, a client for it, its `/_sim` admin
//! surface, and a config directory with a local state; plus `apply` through the engine.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use barrack_api::{Client, ClientConfig, PollPolicy, RetryPolicy};
use barrack_sim::SimHandle;
use garrison_config::{load_dir, Model, VarInputs};
use garrison_engine::{
    prepare, ApplyReport, CancelToken, Event, EventSink, ExecuteOptions, PrepareOptions,
};
use garrison_plan::Plan;
use garrison_state::LocalBackend;
use serde_json::Value;

/// An event with the moment it arrived.
pub(crate) type Timed = (Instant, Event);

/// An emulator, a client and a config directory.
pub(crate) struct Env {
    pub(crate) sim: SimHandle,
    pub(crate) client: Client,
    pub(crate) dir: tempfile::TempDir,
    http: reqwest::Client,
}

impl Env {
    /// A fresh emulator (`time_scale`, no latency, no rate limit) and a client that polls
    /// every `poll_max` at most.
    pub(crate) async fn start(time_scale: f64, poll_max: Duration) -> Result<Env, String> {
        Env::with_sim(garrison_testkit::sim::quiet(time_scale), poll_max).await
    }

    /// [`Env::start`] on an emulator configured by `sim` (its limits raised, say).
    pub(crate) async fn with_sim(
        sim: barrack_sim::SimConfig,
        poll_max: Duration,
    ) -> Result<Env, String> {
        let sim = barrack_sim::spawn(sim)
            .await
            .map_err(|e| format!("starting the emulator: {e}"))?;
        let mut config = ClientConfig::new(sim.base_url(), sim.api_key());
        config.rate_limit = None;
        config.poll = PollPolicy {
            initial: Duration::from_millis(2).min(poll_max),
            max: poll_max,
            multiplier: 1.5,
        };
        config.retry = RetryPolicy {
            max_attempts: 8,
            max_elapsed: Duration::from_secs(60),
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(100),
        };
        let client = Client::new(config).map_err(|e| format!("client: {e}"))?;
        let dir = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
        Ok(Env {
            sim,
            client,
            dir,
            http: reqwest::Client::new(),
        })
    }

    /// An emulator configured by `sim` and a client with the defaults a user gets, changed
    /// by `tweak`.
    pub(crate) async fn with(
        sim: barrack_sim::SimConfig,
        tweak: impl FnOnce(&mut ClientConfig),
    ) -> Result<Env, String> {
        let sim = barrack_sim::spawn(sim)
            .await
            .map_err(|e| format!("starting the emulator: {e}"))?;
        let mut config = ClientConfig::new(sim.base_url(), sim.api_key());
        tweak(&mut config);
        let client = Client::new(config).map_err(|e| format!("client: {e}"))?;
        let dir = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
        Ok(Env {
            sim,
            client,
            dir,
            http: reqwest::Client::new(),
        })
    }

    /// Writes `text` as the directory's `main.kdl` and loads it.
    pub(crate) fn model(&self, text: &str) -> Result<Model, String> {
        std::fs::write(self.dir.path().join("main.kdl"), text)
            .map_err(|e| format!("writing config: {e}"))?;
        load_model(self.dir.path())
    }

    pub(crate) fn backend(&self) -> Box<LocalBackend> {
        Box::new(LocalBackend::in_config_dir(self.dir.path()))
    }

    /// `garrison apply --auto-approve` of `model`: the plan, the report, and every event
    /// with the moment it arrived.
    pub(crate) async fn apply(
        &self,
        model: Model,
        options: ExecuteOptions,
    ) -> Result<(Plan, ApplyReport, Vec<Timed>), String> {
        let prepared = prepare(
            model,
            self.client.clone(),
            self.backend(),
            PrepareOptions {
                command: "garrison-bench".into(),
                ..PrepareOptions::default()
            },
        )
        .await
        .map_err(|e| format!("prepare: {e}"))?;
        let plan = prepared.plan().clone();
        let events = Arc::new(Mutex::new(Vec::new()));
        let keep = events.clone();
        let sink: EventSink = Arc::new(move |e| {
            let at = Instant::now();
            if let Ok(mut v) = keep.lock() {
                v.push((at, e));
            }
        });
        let report = prepared
            .execute(options, sink, CancelToken::new())
            .await
            .map_err(|e| format!("execute: {e}"))?;
        if !report.is_success() {
            let first = report
                .failed
                .first()
                .map(|(a, m)| format!("{a}: {m}"))
                .unwrap_or_else(|| format!("{} skipped", report.skipped.len()));
            return Err(format!(
                "apply failed: {} failed, first: {first}",
                report.failed.len()
            ));
        }
        let events = events.lock().map(|e| e.clone()).unwrap_or_default();
        Ok((plan, report, events))
    }

    /// `GET /_sim{path}` (or PUT/POST with a JSON body) as JSON.
    pub(crate) async fn admin(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let url = format!("{}{path}", self.sim.admin_url());
        let request = match method {
            "PUT" => self.http.put(&url),
            "POST" => self.http.post(&url),
            _ => self.http.get(&url),
        };
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        let response = request
            .send()
            .await
            .map_err(|e| format!("{method} {url}: {e}"))?;
        let status = response.status();
        let value: Value = response
            .json()
            .await
            .map_err(|e| format!("{method} {url}: {status}: {e}"))?;
        if !status.is_success() {
            return Err(format!("{method} {url}: {status}: {value}"));
        }
        Ok(value)
    }

    /// Adds `ms` of latency to every API request from now on (0 removes it).
    pub(crate) async fn set_latency(&self, ms: u64) -> Result<(), String> {
        let body = serde_json::json!({"extra_latency_ms": ms, "extra_latency_rate": 1.0});
        self.admin("PUT", "/faults", Some(body)).await.map(|_| ())
    }

    pub(crate) async fn reset_counters(&self) -> Result<(), String> {
        self.admin("POST", "/counters/reset", None)
            .await
            .map(|_| ())
    }

    /// API requests the emulator received since the last reset.
    pub(crate) async fn requests(&self) -> Result<u64, String> {
        let counters = self.admin("GET", "/counters", None).await?;
        counters["total"]
            .as_u64()
            .ok_or_else(|| format!("counters without a total: {counters}"))
    }
}

/// Loads the config in `dir`.
pub(crate) fn load_model(dir: &Path) -> Result<Model, String> {
    load_dir(dir, &VarInputs::default())
        .map(|l| l.model)
        .map_err(|f| {
            let first = f.errors.first().map(|e| e.to_string()).unwrap_or_default();
            format!("config invalid: {} errors, first: {first}", f.errors.len())
        })
}

/// A count as text with a `k` for thousands: `10k`, `500`.
pub(crate) fn label(n: usize) -> String {
    if n >= 1000 && n % 1000 == 0 {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}
