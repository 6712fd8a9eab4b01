//! Seeding an account (`PUT /_sim/state`, `SimHandle::seed`): every kind, status,
//! attachment, firewall membership, rule, stock and balance comes back as given, ids
//! preserved, and new ids land above the largest.

mod common;

use barrack_sim::{AccountState, SeedError};
use common::{config, Sim, OS_IMAGE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// An account with one of everything, attached and settled.
async fn populated() -> Sim {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k").await;
    let vm = sim.deploy("vm", "A40", 2, key).await.body["instances"][0]["id"]
        .as_u64()
        .expect("vm id");
    let vol = sim
        .post(
            "/volumes",
            json!({"name": "v", "region": "NORWAY-1", "size": 100}),
        )
        .await
        .body["volume"]["id"]
        .as_u64()
        .expect("volume id");
    let fw = sim
        .post("/firewalls", json!({"name": "fw", "region": "NORWAY-1"}))
        .await
        .body["firewall"]["id"]
        .as_u64()
        .expect("firewall id");
    sim.post("/scripts", json!({"name": "s", "content": "echo hi"}))
        .await;
    sim.advance_secs(60.0).await;
    let rule = json!({"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp",
                      "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "10.0.0.0/8"});
    for (path, body) in [
        (format!("/firewalls/{fw}/rules"), rule),
        (
            format!("/firewalls/{fw}/attach"),
            json!({"instance_ids": [vm]}),
        ),
        (
            format!("/instances/{vm}/volumes/attach"),
            json!({"volume_ids": [vol]}),
        ),
        (
            "/snapshots".to_string(),
            json!({"instance_id": vm, "name": "snap"}),
        ),
    ] {
        let a = sim.post(&path, body).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {:?}", a.body);
    }
    sim.advance_secs(60.0).await;
    sim
}

/// The account without what a seed does not carry over (the simulated clock).
fn comparable(mut state: Value) -> Value {
    if let Some(o) = state.as_object_mut() {
        o.remove("clock_ms");
    }
    state
}

#[tokio::test]
async fn put_state_copies_an_account_with_its_ids() {
    let from = populated().await;
    let state = from.get("/_sim/state").await.body;
    assert_eq!(
        state["instances"][0]["volume_attachments"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(state["firewalls"][0]["attachments"][0]["status"], "SUCCESS");
    let to = Sim::start(config()).await;
    let a = to
        .send(Method::PUT, "/_sim/state", Some(state.clone()))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    let copied = to.get("/_sim/state").await.body;
    assert_eq!(comparable(copied), comparable(state.clone()));
    assert_eq!(
        to.stock("NORWAY-1", "A40").await,
        from.stock("NORWAY-1", "A40").await
    );
    // The copy behaves as the original: the VM holds its GPUs, the volume is in use.
    let vm = state["instances"][0]["id"].as_u64().expect("vm id");
    let vol = state["volumes"][0]["id"].as_u64().expect("volume id");
    let a = to.delete(&format!("/volumes/{vol}")).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{:?}", a.body);
    // New ids land above every id the account holds (rules included).
    let largest = [
        "instances",
        "volumes",
        "firewalls",
        "ssh_keys",
        "scripts",
        "snapshots",
    ]
    .iter()
    .flat_map(|k| state[k].as_array().cloned().unwrap_or_default())
    .chain(
        state["firewalls"][0]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    )
    .filter_map(|o| o["id"].as_u64())
    .max()
    .expect("ids");
    let key = to.ssh_key("k2").await;
    assert!(key > largest, "{key} <= {largest}");
    assert!(largest >= vm);
}

#[tokio::test]
async fn a_seed_sets_stock_and_balance_and_finishes_transitions() {
    let sim = Sim::start(config()).await;
    let mut account: AccountState = serde_json::from_value(json!({
        "instances": [{"id": 40, "name": "b", "region": "NORWAY-1", "status": "BUILD",
                       "gpu_model": "A40", "gpu_count": 1, "image": {"name": OS_IMAGE}}],
        "volumes": [{"id": 7, "name": "v", "region": "NORWAY-1", "size": 100,
                     "status": "available"}],
        "stock": [{"region": "NORWAY-1", "gpu_model": "A40", "available": 3, "total": 8}],
        "balance": 12.5
    }))
    .expect("an account");
    sim.handle.seed(account.clone()).expect("seeded");
    assert_eq!(sim.stock("NORWAY-1", "A40").await, 3);
    assert!((sim.balance().await - 12.5).abs() < 1e-9);
    assert_eq!(sim.instance_status(40).await, "BUILD");
    sim.advance_secs(21.0).await;
    assert_eq!(sim.instance_status(40).await, "ACTIVE");
    assert_eq!(sim.handle.state().volumes[0].id.as_u64(), Some(7));
    // A repeated id is refused and leaves the account as it was.
    account.volumes.push(account.volumes[0].clone());
    assert_eq!(
        sim.handle.seed(account),
        Err(SeedError::DuplicateId {
            kind: "volume",
            id: 7
        })
    );
    assert_eq!(sim.instance_status(40).await, "ACTIVE");
}
