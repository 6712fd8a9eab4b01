//! The admin surface: counters, every route served, drift, reset, persistence round-trip.

mod common;

use barrack_sim::SimConfig;
use barrack_wire::{Method as ApiMethod, ROUTES};
use common::{config, Sim};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn every_route_of_the_table_is_served() {
    let sim = Sim::start(config()).await;
    for route in ROUTES {
        let method = match route.method {
            ApiMethod::Get => Method::GET,
            ApiMethod::Post => Method::POST,
            ApiMethod::Put => Method::PUT,
            ApiMethod::Delete => Method::DELETE,
        };
        let path = route.path_with(&["1", "1"]);
        let a = sim.send(method, &path, Some(json!({}))).await;
        assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert_ne!(a.body["message"], "no such route", "{path}");
        assert!(a.body.get("status").is_some(), "{path}: {:?}", a.body);
    }
    let counters = sim.get("/_sim/counters").await.body;
    assert_eq!(counters["total"], ROUTES.len());
    for route in ROUTES {
        let key = format!("{} {}", route.method.as_str(), route.path);
        assert_eq!(counters["routes"][&key], 1, "{key} not counted once");
    }
}

#[tokio::test]
async fn counters_count_and_reset() {
    let sim = Sim::start(config()).await;
    sim.get("/instances/7").await;
    sim.get("/instances/8").await;
    sim.get("/instances").await;
    let c = sim.get("/_sim/counters").await.body;
    assert_eq!(c["total"], 3);
    assert_eq!(c["routes"]["GET /instances/{id}"], 2);
    assert_eq!(c["routes"]["GET /instances"], 1);
    sim.post("/_sim/counters/reset", json!({})).await;
    let c = sim.get("/_sim/counters").await.body;
    assert_eq!(c["total"], 0);
    assert_eq!(c["routes"], json!({}));
}

#[tokio::test]
async fn drift_patch_and_delete_behind_the_back() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k").await;
    let vm = sim.deploy("vm", "A40", 1, key).await.body["instances"][0]["id"]
        .as_u64()
        .unwrap();
    let vol = sim
        .post(
            "/volumes",
            json!({"name": "v", "region": "NORWAY-1", "size": 100}),
        )
        .await
        .body["volume"]["id"]
        .as_u64()
        .unwrap();
    sim.advance_secs(60.0).await;
    let patch = |kind: &str, id: u64| format!("/_sim/resources/{kind}/{id}");
    let a = sim
        .send(
            Method::PATCH,
            &patch("volumes", vol),
            Some(json!({"size": 900})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(
        sim.get(&format!("/volumes/{vol}")).await.body["volume"]["size"],
        900
    );
    let a = sim
        .send(
            Method::PATCH,
            &patch("instances", vm),
            Some(json!({"status": "SHUTOFF", "power_state": "SHUTDOWN",
                        "flavor": {"cpu": 1}})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let got = sim.get(&format!("/instances/{vm}")).await.body;
    assert_eq!(got["instance"]["status"], "SHUTOFF");
    assert_eq!(got["instance"]["flavor"]["cpu"], 1);
    assert_ne!(
        got["instance"]["flavor"]["ram"], 0,
        "objects merge, not replace"
    );
    let a = sim
        .send(
            Method::PATCH,
            &patch("ssh-keys", key),
            Some(json!({"id": 999, "name": "z"})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        sim.get(&format!("/ssh-keys/{key}")).await.body["keypair"]["name"],
        "z"
    );
    let bad = sim
        .send(
            Method::PATCH,
            &patch("volumes", vol),
            Some(json!({"size": "big"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = sim
        .send(Method::PATCH, &patch("widgets", 1), Some(json!({})))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let a = sim
        .send(Method::DELETE, &patch("instances", vm), None)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        sim.get(&format!("/instances/{vm}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(sim.stock("NORWAY-1", "A40").await, 64);
    let a = sim
        .send(Method::DELETE, &patch("instances", vm), None)
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_os_image_renamed_is_listed_and_deployed_under_its_new_name_only() {
    let sim = Sim::start(config()).await;
    let listed = |body: &serde_json::Value| -> Vec<(String, String)> {
        body["images"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["id"].to_string(), i["name"].as_str().unwrap().to_owned()))
            .collect()
    };
    let before = listed(&sim.get("/os-images?region=NORWAY-1").await.body);
    let (id, _) = before.iter().find(|(_, n)| n == common::OS_IMAGE).unwrap();
    let renamed = format!("{} (2024-05)", common::OS_IMAGE);
    let a = sim
        .send(
            Method::PATCH,
            &format!("/_sim/os-images/{id}"),
            Some(json!({"name": renamed, "id": 9})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    let after = listed(&sim.get("/os-images?region=NORWAY-1").await.body);
    assert!(after.contains(&(id.clone(), renamed.clone())), "{after:?}");
    assert!(!after.iter().any(|(_, n)| n == common::OS_IMAGE));
    // Other regions keep their own image of the old name.
    let canada = listed(&sim.get("/os-images?region=CANADA-1").await.body);
    assert!(canada.iter().any(|(_, n)| n == common::OS_IMAGE));

    let key = sim.ssh_key("k").await;
    let refused = sim.deploy("vm", "A40", 1, key).await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        refused.body
    );
    assert!(refused.body["message"]
        .as_str()
        .unwrap()
        .contains("unknown OS image"));
    let missing = sim
        .send(
            Method::PATCH,
            "/_sim/os-images/77",
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    sim.post("/_sim/reset", json!({})).await;
    let reset = listed(&sim.get("/os-images?region=NORWAY-1").await.body);
    assert_eq!(reset, before, "a reset restores the catalog's names");
}

#[tokio::test]
async fn reset_empties_the_account() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k").await;
    sim.deploy("vm", "A40", 1, key).await;
    sim.advance_secs(7200.0).await;
    assert!(sim.balance().await < 10_000.0);
    sim.post("/_sim/reset", json!({})).await;
    let state = sim.get("/_sim/state").await.body;
    assert_eq!(state["instances"], json!([]));
    assert_eq!(state["ssh_keys"], json!([]));
    assert_eq!(state["balance"], 10_000.0);
    assert!(state["stock"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["available"] == 64));
}

#[tokio::test]
async fn state_file_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sim-state.json");
    let cfg = || SimConfig {
        state_file: Some(file.clone()),
        ..config()
    };
    let sim = Sim::start(cfg()).await;
    let key = sim.ssh_key("k").await;
    let vm = sim.deploy("vm", "H100-PCIe-80GB", 4, key).await.body["instances"][0]["id"]
        .as_u64()
        .unwrap();
    sim.advance_secs(90.0).await;
    let before = sim.get("/_sim/state").await.body;
    sim.handle.shutdown().await;
    assert!(file.exists());

    let sim = Sim::start(cfg()).await;
    let after = sim.get("/_sim/state").await.body;
    assert_eq!(after["instances"], before["instances"]);
    assert_eq!(after["ssh_keys"], before["ssh_keys"]);
    assert_eq!(after["stock"], before["stock"]);
    assert_eq!(sim.instance_status(vm).await, "ACTIVE");
    // Pending transitions survive too: stop, restart mid-way, finish.
    sim.post(&format!("/instances/{vm}/stop"), json!({})).await;
    sim.handle.shutdown().await;
    let sim = Sim::start(cfg()).await;
    assert_eq!(sim.instance_status(vm).await, "STOPPING");
    sim.advance_secs(barrack_sim::delays::INSTANCE_STOPPING)
        .await;
    assert_eq!(sim.instance_status(vm).await, "SHUTOFF");
    // New ids do not collide with loaded ones.
    let key2 = sim.ssh_key("k2").await;
    assert!(key2 > vm);
}

#[tokio::test]
async fn unreadable_state_file_fails_spawn_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.json");
    std::fs::write(&file, "not json").unwrap();
    let err = barrack_sim::spawn(SimConfig {
        state_file: Some(file),
        ..config()
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("broken.json"), "{err}");
}
