//! Rate limit and injected faults: 429 + Retry-After, seeded 5xx, dropped connections,
//! operations ending in ERROR, extra latency.

mod common;

use std::time::{Duration, Instant};

use barrack_sim::{FaultConfig, SimConfig};
use common::{config, Sim};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn rate_limit_is_429_with_retry_after() {
    let sim = Sim::start(SimConfig {
        rate_limit_per_minute: Some(5),
        ..config()
    })
    .await;
    for _ in 0..5 {
        assert_eq!(sim.get("/balance").await.status, StatusCode::OK);
    }
    let a = sim.get("/balance").await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(a.body["status"], false);
    let retry: u64 = a.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    // The admin surface is not limited.
    assert_eq!(sim.get("/_sim/counters").await.status, StatusCode::OK);
}

async fn statuses(seed: u64) -> Vec<u16> {
    let sim = Sim::start(SimConfig {
        seed,
        faults: FaultConfig {
            error_5xx: 0.3,
            too_many_requests: 0.1,
            ..FaultConfig::default()
        },
        ..config()
    })
    .await;
    let mut out = Vec::new();
    for _ in 0..60 {
        out.push(sim.get("/regions").await.status.as_u16());
    }
    out
}

#[tokio::test]
async fn faults_are_reproducible_by_seed() {
    let a = statuses(42).await;
    assert_eq!(a, statuses(42).await);
    assert_ne!(a, statuses(43).await);
    assert!(a.iter().any(|s| [500, 502, 503].contains(s)), "{a:?}");
    assert!(a.contains(&429), "{a:?}");
    assert!(a.contains(&200), "{a:?}");
}

#[tokio::test]
async fn dropped_after_processing_leaves_the_resource_created() {
    let sim = Sim::start(SimConfig {
        faults: FaultConfig {
            drop_after_processing: 1.0,
            ..FaultConfig::default()
        },
        ..config()
    })
    .await;
    let result = sim
        .try_send(
            Method::POST,
            "/ssh-keys",
            Some(json!({"name": "dropped", "region": "NORWAY-1"})),
            true,
        )
        .await;
    let error = result.expect_err("the client sees a connection error");
    assert!(!error.is_status(), "{error}");
    let state = sim.get("/_sim/state").await.body;
    let keys = state["ssh_keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["name"], "dropped");
    // The same happens to a deploy: the VM exists and holds its GPUs.
    let key = keys[0]["id"].as_u64().unwrap();
    let result = sim
        .try_send(
            Method::POST,
            "/instances",
            Some(
                json!({"name": "vm", "region": "NORWAY-1", "gpu_model": "A40",
                        "gpu_count": 2, "image_name": common::OS_IMAGE,
                        "ssh_key_ids": [key]}),
            ),
            true,
        )
        .await;
    assert!(result.is_err());
    let state = sim.get("/_sim/state").await.body;
    assert_eq!(state["instances"][0]["name"], "vm");
    let a40 = state["stock"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["region"] == "NORWAY-1" && s["gpu_model"] == "A40")
        .unwrap();
    assert_eq!(a40["available"], 62);
    // Turning the fault off at runtime makes the API answer again.
    let a = sim.send(Method::PUT, "/_sim/faults", Some(json!({}))).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(sim.get("/balance").await.status, StatusCode::OK);
}

#[tokio::test]
async fn operation_error_ends_in_error_and_returns_stock() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k").await;
    let a = sim
        .send(
            Method::PUT,
            "/_sim/faults",
            Some(json!({"operation_error": 1.0})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let id = sim.deploy("doomed", "L40", 4, key).await.body["instances"][0]["id"]
        .as_u64()
        .unwrap();
    assert_eq!(sim.stock("NORWAY-1", "L40").await, 60);
    sim.advance_secs(barrack_sim::delays::INSTANCE_CREATING)
        .await;
    assert_eq!(sim.instance_status(id).await, "BUILD");
    sim.advance_secs(barrack_sim::delays::INSTANCE_BUILD).await;
    assert_eq!(sim.instance_status(id).await, "ERROR");
    assert_eq!(sim.stock("NORWAY-1", "L40").await, 64);
    // ERROR is not billed, and can be deleted.
    let bill = sim.get(&format!("/instances/{id}/billing")).await.body;
    assert_eq!(bill["billing"]["price_per_hour"], 0.0);
    assert_eq!(
        sim.delete(&format!("/instances/{id}")).await.status,
        StatusCode::OK
    );
    let fw = sim
        .post("/firewalls", json!({"name": "f", "region": "US-1"}))
        .await
        .body["firewall"]["id"]
        .as_u64()
        .unwrap();
    sim.advance_secs(barrack_sim::delays::FIREWALL_CREATING)
        .await;
    let got = sim.get(&format!("/firewalls/{fw}")).await.body;
    assert_eq!(got["firewall"]["status"], "ERROR");
}

#[tokio::test]
async fn latency_and_extra_latency_are_added() {
    let sim = Sim::start(SimConfig {
        latency_ms: 30,
        faults: FaultConfig {
            extra_latency_ms: 120,
            extra_latency_rate: 1.0,
            ..FaultConfig::default()
        },
        ..config()
    })
    .await;
    let start = Instant::now();
    assert_eq!(sim.get("/regions").await.status, StatusCode::OK);
    assert!(start.elapsed() >= Duration::from_millis(150));
}
