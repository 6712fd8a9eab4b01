//! `SimConfig::limits`: the GPU stock, balance and per-account caps of a fresh account are
//! configurable (benchmarks at 100k resources raise them); a reset keeps them.

mod common;

use barrack_sim::{Limits, SimConfig};
use common::{config, Sim};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn limits(gpu_stock: u32, firewalls: usize, ssh_keys: usize, balance: f64) -> SimConfig {
    SimConfig {
        limits: Limits {
            gpu_stock,
            balance,
            firewalls,
            ssh_keys,
        },
        ..config()
    }
}

async fn firewall(sim: &Sim, name: &str) -> (StatusCode, String) {
    let a = sim
        .post("/firewalls", json!({"name": name, "region": "US-1"}))
        .await;
    let message = a.body["message"].as_str().unwrap_or_default().to_owned();
    (a.status, message)
}

#[test]
fn the_defaults_are_the_contracts() {
    let l = Limits::default();
    assert_eq!((l.gpu_stock, l.firewalls, l.ssh_keys), (64, 25, 25));
    assert_eq!(l.balance, 10_000.0);
}

#[tokio::test]
async fn stock_and_balance_of_a_fresh_account_follow_the_limits() {
    let sim = Sim::start(limits(1_000, 25, 25, 123.0)).await;
    assert_eq!(sim.stock("NORWAY-1", "L40").await, 1_000);
    assert_eq!(sim.stock("US-1", "H100-SXM5-80GB").await, 1_000);
    assert_eq!(sim.balance().await, 123.0);
    // More one-GPU VMs of one model and region than the contract's 64.
    let key = sim.ssh_key("k").await;
    for i in 0..70 {
        let a = sim.deploy(&format!("vm{i}"), "L40", 1, key).await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    }
    assert_eq!(sim.stock("NORWAY-1", "L40").await, 930);
}

#[tokio::test]
async fn the_caps_on_firewalls_and_keys_follow_the_limits() {
    let sim = Sim::start(limits(64, 2, 1, 10_000.0)).await;
    for name in ["a", "b"] {
        assert_eq!(firewall(&sim, name).await.0, StatusCode::OK);
    }
    let (status, message) = firewall(&sim, "c").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message.contains("limit reached: 2 firewalls"), "{message}");
    sim.ssh_key("k1").await;
    let a = sim.post("/ssh-keys", json!({"name": "k2"})).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let message = a.body["message"].as_str().unwrap_or_default();
    assert!(message.contains("limit reached: 1 ssh keys"), "{message}");
}

#[tokio::test]
async fn a_reset_account_keeps_the_limits() {
    let sim = Sim::start(limits(200, 25, 25, 10_000.0)).await;
    let key = sim.ssh_key("k").await;
    let a = sim.deploy("vm", "L40", 8, key).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(sim.stock("NORWAY-1", "L40").await, 192);
    let a = sim.send(Method::POST, "/_sim/reset", None).await;
    assert!(a.status.is_success(), "{:?}", a.body);
    assert_eq!(sim.stock("NORWAY-1", "L40").await, 200);
}
