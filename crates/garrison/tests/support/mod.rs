//! Shared harness of the end-to-end tests: an emulator on 127.0.0.1, a config in a temp dir,
//! and the `garrison` binary run against both (the pieces come from `garrison-testkit`).

#![allow(dead_code, unreachable_pub)]

use std::path::Path;

use barrack_sim::{SimConfig, SimHandle};
#[allow(unused_imports)]
pub use garrison_testkit::run::Run;
use serde_json::Value;

/// A distinctive key: tests grep every artefact for it.
pub const API_KEY: &str = "e2e-secret-key-5f1d9c7a";

/// An emulator, a config directory and the binary.
pub struct Env {
    pub sim: SimHandle,
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A fresh emulator (rate limit off, small delays) and an empty config directory.
    pub async fn new(time_scale: f64) -> Env {
        let sim = garrison_testkit::sim::start(SimConfig {
            api_key: API_KEY.to_string(),
            ..garrison_testkit::sim::quiet(time_scale)
        })
        .await;
        Env {
            sim,
            dir: garrison_testkit::dir::temp_dir(),
        }
    }

    /// The config directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Copies an example (`examples/NAME`) into the config directory.
    pub fn copy_example(&self, name: &str) {
        garrison_testkit::dir::copy_example(name, self.path());
    }

    /// Writes `main.kdl`.
    pub fn write(&self, text: &str) {
        garrison_testkit::dir::write_main(self.path(), text);
    }

    /// Rewrites a file of the config with `edit`.
    pub fn edit(&self, file: &str, edit: impl FnOnce(String) -> String) {
        let path = self.path().join(file);
        let text = std::fs::read_to_string(&path).expect("read config");
        std::fs::write(&path, edit(text)).expect("write config");
    }

    /// A `garrison` command against this emulator, in the config directory.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let bin = Path::new(env!("CARGO_BIN_EXE_garrison"));
        let cmd = garrison_testkit::bin::command(bin, &self.sim.base_url(), API_KEY);
        let mut cmd = tokio::process::Command::from(cmd);
        cmd.args(args).current_dir(self.path()).kill_on_drop(true);
        cmd
    }

    /// Runs `garrison ARGS` to completion.
    pub async fn run(&self, args: &[&str]) -> Run {
        let output = self.command(args).output().await.expect("garrison runs");
        Run::from(output)
    }

    /// The emulator's whole account.
    pub async fn sim_state(&self) -> Value {
        reqwest::get(format!("{}/state", self.sim.admin_url()))
            .await
            .expect("admin reachable")
            .json()
            .await
            .expect("admin json")
    }

    /// The emulator's request counters (`/_sim/counters`: `total`, `routes`).
    pub async fn counters(&self) -> Value {
        reqwest::get(format!("{}/counters", self.sim.admin_url()))
            .await
            .expect("admin reachable")
            .json()
            .await
            .expect("admin json")
    }

    /// `(kind key, name)` of every resource in the emulator, sorted.
    pub async fn sim_names(&self) -> Vec<(String, String)> {
        let state = self.sim_state().await;
        let mut names = Vec::new();
        for kind in [
            "instances",
            "volumes",
            "firewalls",
            "ssh_keys",
            "scripts",
            "snapshots",
            "images",
        ] {
            for r in state[kind].as_array().into_iter().flatten() {
                names.push((
                    kind.to_string(),
                    r["name"].as_str().unwrap_or_default().to_string(),
                ));
            }
        }
        names.sort();
        names
    }

    /// Changes a resource behind Garrison's back.
    pub async fn drift(&self, kind: &str, id: &str, patch: Value) {
        let status = reqwest::Client::new()
            .patch(format!("{}/resources/{kind}/{id}", self.sim.admin_url()))
            .json(&patch)
            .send()
            .await
            .expect("admin reachable")
            .status();
        assert!(status.is_success(), "drift PATCH answered {status}");
    }

    /// The state file as text ("" when absent).
    pub fn state_text(&self) -> String {
        std::fs::read_to_string(self.path().join(".garrison/state.json")).unwrap_or_default()
    }

    /// The state document.
    pub fn state(&self) -> Value {
        serde_json::from_str(&self.state_text()).unwrap_or(Value::Null)
    }
}

/// A client of `env`'s emulator with the test key (objects made "by hand", not by Garrison).
pub fn api(env: &Env) -> barrack_api::Client {
    garrison_testkit::client::fast_client(&env.sim.base_url(), API_KEY)
}

/// A 'NORWAY-1' Cloud-SSD volume made through the API, once available: its id.
pub async fn hand_made_volume(api: &barrack_api::Client, name: &str, size: u64) -> String {
    let volume = api
        .create_volume(&barrack_api::wire::CreateVolumeRequest {
            name: name.into(),
            region: "NORWAY-1".into(),
            size,
            volume_type: "Cloud-SSD".into(),
            bootable: false,
            image_name: None,
            description: String::new(),
        })
        .await
        .expect("volume created")
        .value;
    api.wait_volume_status(
        &volume.id,
        &["available"],
        std::time::Duration::from_secs(20),
    )
    .await
    .expect("volume available");
    volume.id.to_string()
}

/// An SSH key made through the API: its id.
pub async fn hand_made_key(api: &barrack_api::Client, name: &str, public_key: &str) -> String {
    let key = api
        .create_ssh_key(&barrack_api::wire::CreateSshKeyRequest {
            name: name.into(),
            public_key: Some(public_key.into()),
        })
        .await
        .expect("key created");
    key.value.id.to_string()
}
