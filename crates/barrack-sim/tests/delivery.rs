//! The delivery model (D2): a mutation the server has received is processed to completion
//! even when its client goes away, and `late_delivery` holds a mutation and applies it after
//! the client gave up, as a load balancer that already accepted it does.

mod common;

use std::time::{Duration, Instant};

use barrack_sim::{FaultConfig, SimConfig};
use common::{config, Sim};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn volume(name: &str) -> Value {
    json!({"name": name, "region": "NORWAY-1", "size": 50})
}

/// Sends `POST /volumes` with a client that gives up after `patience`.
async fn impatient_create(sim: &Sim, name: &str, patience: Duration) -> reqwest::Result<u16> {
    let http = reqwest::Client::builder()
        .timeout(patience)
        .build()
        .expect("client");
    let resp = http
        .post(format!("{}/volumes", sim.handle.base_url()))
        .bearer_auth(sim.handle.api_key())
        .json(&volume(name))
        .send()
        .await?;
    Ok(resp.status().as_u16())
}

async fn volume_names(sim: &Sim) -> Vec<String> {
    let state = sim.get("/_sim/state").await.body;
    state["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["name"].as_str().map(str::to_owned))
        .collect()
}

/// Polls until a volume named `name` exists; returns how long that took.
async fn wait_volume(sim: &Sim, name: &str, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < within {
        if volume_names(sim).await.iter().any(|n| n == name) {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

/// D2: the client disconnects while the server is still working on its create (here: the
/// configured latency); the create happens anyway.
#[tokio::test]
async fn a_received_mutation_completes_after_the_client_disconnects() {
    let sim = Sim::start(SimConfig {
        latency_ms: 300,
        ..config()
    })
    .await;
    let sent = impatient_create(&sim, "gone-client", Duration::from_millis(50)).await;
    assert!(sent.is_err(), "the client should have timed out: {sent:?}");
    assert!(
        wait_volume(&sim, "gone-client", Duration::from_secs(5))
            .await
            .is_some(),
        "the create was dropped with its client: {:?}",
        volume_names(&sim).await
    );
}

/// D2: `late_delivery` holds a create, the client times out, the create lands afterwards;
/// `/_sim/counters` shows it held, then delivered.
#[tokio::test]
async fn late_delivery_applies_a_create_after_the_client_timed_out() {
    let sim = Sim::start(SimConfig {
        faults: FaultConfig {
            late_delivery: 1.0,
            late_delivery_ms: 600,
            ..FaultConfig::default()
        },
        ..config()
    })
    .await;
    let started = Instant::now();
    let sent = impatient_create(&sim, "late", Duration::from_millis(100)).await;
    assert!(sent.is_err(), "the client should have timed out: {sent:?}");
    let counters = sim.get("/_sim/counters").await.body;
    assert_eq!(counters["late"]["held"], 1, "{counters}");
    assert!(
        volume_names(&sim).await.is_empty(),
        "a held create must not land early"
    );
    let landed = wait_volume(&sim, "late", Duration::from_secs(5)).await;
    assert!(landed.is_some(), "the held create never landed");
    assert!(started.elapsed() >= Duration::from_millis(600));
    let counters = sim.get("/_sim/counters").await.body;
    assert_eq!(counters["late"]["held"], 0, "{counters}");
    assert_eq!(counters["late"]["delivered"], 1, "{counters}");
    // Reads are never held.
    let t = Instant::now();
    assert_eq!(sim.get("/volumes").await.status, StatusCode::OK);
    assert!(t.elapsed() < Duration::from_millis(500));
}

/// A patient client gets the answer of a late create, after the delay.
#[tokio::test]
async fn late_delivery_answers_a_patient_client() {
    let sim = Sim::start(config()).await;
    let set = sim
        .send(
            Method::PUT,
            "/_sim/faults",
            Some(json!({"late_delivery": 1.0, "late_delivery_ms": 300})),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let got = sim.get("/_sim/faults").await.body;
    assert_eq!(got["late_delivery"], 1.0);
    assert_eq!(got["late_delivery_ms"], 300);
    let t = Instant::now();
    let created = sim.post("/volumes", volume("patient")).await;
    assert_eq!(created.status, StatusCode::OK, "{:?}", created.body);
    assert!(t.elapsed() >= Duration::from_millis(300));
    let bad = sim
        .send(
            Method::PUT,
            "/_sim/faults",
            Some(json!({"late_delivery": 1.5})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
