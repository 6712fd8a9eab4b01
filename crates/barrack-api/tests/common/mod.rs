//! Shared helpers for the tests against `barrack-sim`: spawn, a fast client, admin reads.

#![allow(dead_code)]

use std::time::Duration;

use barrack_api::{Client, ClientConfig, PollPolicy, RetryPolicy};
use barrack_sim::{SimConfig, SimHandle};
use serde_json::Value;

/// Contract delays scaled down so a VM is ACTIVE in tens of milliseconds.
pub(crate) const TIME_SCALE: f64 = 0.001;
/// Generous bound for any wait in these tests.
pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// A fault-free emulator without a rate limit.
pub(crate) fn quiet() -> SimConfig {
    garrison_testkit::sim::quiet(TIME_SCALE)
}

pub(crate) async fn spawn(config: SimConfig) -> SimHandle {
    garrison_testkit::sim::start(config).await
}

/// A client for `sim` with short backoffs and fast polling.
pub(crate) fn client(sim: &SimHandle) -> Client {
    client_with(sim, |_| {})
}

pub(crate) fn client_with(sim: &SimHandle, tweak: impl FnOnce(&mut ClientConfig)) -> Client {
    let mut config = ClientConfig::new(sim.base_url().to_string(), sim.api_key().to_string());
    config.timeout = Duration::from_secs(10);
    config.retry = RetryPolicy {
        max_attempts: 12,
        max_elapsed: Duration::from_secs(60),
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
    };
    config.poll = PollPolicy {
        initial: Duration::from_millis(5),
        max: Duration::from_millis(50),
        multiplier: 1.5,
    };
    // The test emulators run without a rate limit unless a test sets one (and the client's).
    config.rate_limit = None;
    tweak(&mut config);
    Client::new(config).expect("a valid client config")
}

/// `GET /_sim/<path>` as JSON (outside the client: the emulator's own view).
pub(crate) async fn admin(sim: &SimHandle, path: &str) -> Value {
    let path = format!("/_sim/{}", path.trim_start_matches('/'));
    garrison_testkit::admin(sim.addr(), "GET", &path, None).await
}

/// Requests the emulator counted for `route` (e.g. `"POST /instances"`).
pub(crate) async fn counter(sim: &SimHandle, route: &str) -> u64 {
    admin(sim, "counters").await["routes"][route]
        .as_u64()
        .unwrap_or(0)
}

/// Names of every resource of `kind` (`instances`, `ssh_keys`, ...) in the emulator.
pub(crate) async fn names(sim: &SimHandle, kind: &str) -> Vec<String> {
    let state = admin(sim, "state").await;
    let items = match &state[kind] {
        Value::Array(items) => items.clone(),
        Value::Object(map) => map.values().cloned().collect(),
        _ => Vec::new(),
    };
    items
        .iter()
        .filter_map(|item| {
            item.get("name")
                .or_else(|| item.get("wire").and_then(|w| w.get("name")))
        })
        .filter_map(|n| n.as_str().map(str::to_owned))
        .collect()
}
