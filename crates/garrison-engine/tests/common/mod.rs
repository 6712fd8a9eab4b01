//! Test helpers: an emulator per test, a fast-polling client, configs in a tempdir, and a
//! tiny HTTP/1.0 client for the emulator's `/_sim` admin surface.
#![allow(dead_code, unreachable_pub)]

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use barrack_api::{Client, ClientConfig, PollPolicy};
use barrack_sim::{SimConfig, SimHandle};
use garrison_config::{load_str, Model, VarInputs};
use garrison_engine::{
    no_events, plan_only, prepare, ApplyReport, CancelToken, Event, EventSink, ExecuteOptions,
    PrepareOptions,
};
use garrison_plan::Plan;
use garrison_state::LocalBackend;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const OS_IMAGE: &str = "Ubuntu Server 22.04 LTS R550 CUDA 12.4";
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
        let sim = barrack_sim::spawn(SimConfig {
            time_scale,
            rate_limit_per_minute: None,
            ..SimConfig::default()
        })
        .await
        .expect("emulator starts");
        let mut config = ClientConfig::new(sim.base_url(), sim.api_key());
        config.poll = PollPolicy {
            initial: Duration::from_millis(5),
            max: Duration::from_millis(40),
            multiplier: 1.5,
        };
        config.retry = barrack_api::RetryPolicy {
            max_attempts: 8,
            max_elapsed: Duration::from_secs(30),
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
        };
        let client = Client::new(config).expect("client");
        World {
            sim,
            client,
            dir: tempfile::tempdir().expect("tempdir"),
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
        plan_only(&model, self.backend().as_ref(), Some(&self.client), false)
            .await
            .expect("plan")
    }

    /// `garrison apply --auto-approve`: the plan applied and the report, with every event.
    pub async fn apply(&self, text: &str) -> (Plan, ApplyReport, Vec<Event>) {
        self.run(text, false).await
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

/// An event sink that keeps every event.
pub fn collector() -> (EventSink, Arc<Mutex<Vec<Event>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let keep = events.clone();
    let sink: EventSink = Arc::new(move |e| {
        if let Ok(mut v) = keep.lock() {
            v.push(e);
        }
    });
    (sink, events)
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
    let mut stream = tokio::net::TcpStream::connect(sim.addr())
        .await
        .expect("connect to the emulator");
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    assert!(
        head.starts_with("HTTP/1.0 2") || head.starts_with("HTTP/1.1 2"),
        "{method} {path}: {head}\n{body}"
    );
    serde_json::from_str(body).unwrap_or(Value::Null)
}

pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("file exists")
        .permissions()
        .mode()
        & 0o777
}
