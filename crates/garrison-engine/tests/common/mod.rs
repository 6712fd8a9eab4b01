//! Test helpers: an emulator per test, a fast-polling client and configs in a tempdir (all
//! from `garrison-testkit`), with the engine's flows on config text.
#![allow(dead_code, unreachable_pub)]

use std::path::Path;

use barrack_api::Client;
use barrack_sim::SimHandle;
use garrison_config::{load_str, Model, VarInputs};
use garrison_engine::{
    no_events, plan_only, prepare, ApplyReport, CancelToken, Event, EventSink, ExecuteOptions,
    PrepareOptions,
};
use garrison_plan::Plan;
use garrison_state::LocalBackend;
use garrison_testkit::client::fast_client;
#[allow(unused_imports)]
pub use garrison_testkit::collector;
pub const OS_IMAGE: &str = garrison_testkit::synth::OS_IMAGE;
use serde_json::Value;

pub const PUBKEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f me@laptop";

/// One emulator, a client for it and a config directory.
pub struct World {
    pub sim: SimHandle,
    pub client: Client,
    pub dir: tempfile::TempDir,
}

impl World {
    pub async fn start() -> World {
        World::start_scaled(0.002).await
    }

    /// A world whose emulator runs life-cycles at `time_scale`.
    pub async fn start_scaled(time_scale: f64) -> World {
        let sim = garrison_testkit::sim::start(garrison_testkit::sim::quiet(time_scale)).await;
        let client = fast_client(&sim.base_url(), sim.api_key());
        World {
            sim,
            client,
            dir: garrison_testkit::dir::temp_dir(),
        }
    }

    /// The model of `text`, rooted at this world's config directory.
    pub fn model(&self, text: &str) -> Model {
        let loaded = load_str("main.kdl", text, &VarInputs::default())
            .unwrap_or_else(|f| panic!("config does not load: {f:?}"));
        let mut model = loaded.model;
        model.dir = self.dir.path().to_path_buf();
        model
    }

    pub fn backend(&self) -> Box<LocalBackend> {
        Box::new(LocalBackend::in_config_dir(self.dir.path()))
    }

    /// `garrison plan` (refreshed).
    pub async fn plan(&self, text: &str) -> Plan {
        let model = self.model(text);
        plan_only(
            &model,
            self.backend().as_ref(),
            Some(&self.client),
            Default::default(),
        )
        .await
        .expect("plan")
    }

    /// `garrison apply --auto-approve`: the plan applied and the report, with every event.
    pub async fn apply(&self, text: &str) -> (Plan, ApplyReport, Vec<Event>) {
        self.run(text, Default::default()).await
    }

    pub async fn destroy(&self, text: &str) -> (Plan, ApplyReport, Vec<Event>) {
        self.run(text, true).await
    }

    async fn run(&self, text: &str, destroy: bool) -> (Plan, ApplyReport, Vec<Event>) {
        let model = self.model(text);
        let prepared = prepare(
            model,
            self.client.clone(),
            self.backend(),
            PrepareOptions {
                destroy,
                command: "test".into(),
                expected: None,
                ..PrepareOptions::default()
            },
        )
        .await
        .expect("prepare");
        let plan = prepared.plan().clone();
        let (sink, events) = collector();
        let report = prepared
            .execute(ExecuteOptions::default(), sink, CancelToken::new())
            .await
            .expect("execute");
        let events = events.lock().map(|e| e.clone()).unwrap_or_default();
        (plan, report, events)
    }

    pub async fn sim_state(&self) -> Value {
        admin(&self.sim, "GET", "/_sim/state", None).await
    }

    pub async fn counters(&self) -> Value {
        admin(&self.sim, "GET", "/_sim/counters", None).await
    }

    pub fn state(&self) -> garrison_state::StateDoc {
        garrison_state::Store::peek(self.backend().as_ref())
            .expect("state readable")
            .state
    }
}

pub fn quiet() -> EventSink {
    no_events()
}

/// Names of every resource of `kind` (`instances`, `volumes`, ...) in a `/_sim/state` dump.
pub fn names(state: &Value, kind: &str) -> Vec<String> {
    let mut names: Vec<String> = state[kind]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// One request to the emulator's admin surface (HTTP/1.0, so the body is not chunked).
pub async fn admin(sim: &SimHandle, method: &str, path: &str, body: Option<&Value>) -> Value {
    garrison_testkit::admin(sim.addr(), method, path, body).await
}

pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("file exists")
        .permissions()
        .mode()
        & 0o777
}
