//! Test helpers: start an emulator and talk to it with plain reqwest.
#![allow(dead_code, unreachable_pub)]

use std::time::{Duration, Instant};

use barrack_sim::{SimConfig, SimHandle};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const OS_IMAGE: &str = "Ubuntu Server 22.04 LTS R550 CUDA 12.4";

/// A running emulator plus a client for it.
pub struct Sim {
    pub handle: SimHandle,
    pub http: reqwest::Client,
}

/// One answer: status, JSON body (Null when not JSON) and headers.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

/// Config used by most tests: contract delays (driven by `clock/advance`), no rate limit.
pub fn config() -> SimConfig {
    SimConfig {
        time_scale: 1.0,
        rate_limit_per_minute: None,
        ..SimConfig::default()
    }
}

impl Sim {
    pub async fn start(config: SimConfig) -> Sim {
        let handle = garrison_testkit::sim::start(config).await;
        Sim {
            handle,
            http: reqwest::Client::new(),
        }
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.try_send(method, path, body, true)
            .await
            .expect("request reaches the emulator")
    }

    pub async fn try_send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        auth: bool,
    ) -> reqwest::Result<Answer> {
        let url = if path.starts_with("/_sim") {
            format!("http://{}{path}", self.handle.addr())
        } else {
            format!("{}{path}", self.handle.base_url())
        };
        let mut req = self.http.request(method, url);
        if auth {
            req = req.bearer_auth(self.handle.api_key());
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await?;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Answer {
            status,
            body,
            headers,
        })
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }

    /// Moves simulated time forward.
    pub async fn advance_secs(&self, seconds: f64) {
        let a = self
            .post("/_sim/clock/advance", json!({"minutes": seconds / 60.0}))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    }

    /// Creates an (account-wide) SSH key and returns its id.
    pub async fn ssh_key(&self, name: &str) -> u64 {
        let a = self.post("/ssh-keys", json!({"name": name})).await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
        a.body["keypair"]["id"].as_u64().expect("key id")
    }

    /// Deploys one VM and returns its id.
    pub async fn deploy(&self, name: &str, model: &str, gpus: u32, key: u64) -> Answer {
        self.post(
            "/instances",
            json!({"name": name, "region": "NORWAY-1", "gpu_model": model, "gpu_count": gpus,
                   "image_name": OS_IMAGE, "ssh_key_ids": [key]}),
        )
        .await
    }

    pub async fn instance_status(&self, id: u64) -> String {
        let a = self.get(&format!("/instances/{id}")).await;
        a.body["instance"]["status"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    pub async fn stock(&self, region: &str, model: &str) -> u64 {
        let a = self.get(&format!("/gpu/stocks?region={region}")).await;
        a.body["stocks"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["gpu_model"] == model))
            .and_then(|s| s["available"].as_u64())
            .expect("stock row")
    }

    pub async fn balance(&self) -> f64 {
        self.get("/balance").await.body["balance"]["balance"]
            .as_f64()
            .expect("balance")
    }

    /// Polls `path` until `field` (a JSON pointer) equals `want`, or fails after 10 s.
    pub async fn wait_for(&self, path: &str, pointer: &str, want: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let a = self.get(path).await;
            if a.body.pointer(pointer).and_then(Value::as_str) == Some(want) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{path} {pointer} never became {want}: {:?}",
                a.body
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}
