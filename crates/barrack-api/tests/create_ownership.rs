//! D3 in the client: after an unknown create outcome, only an object this create can be
//! shown to have made (created at or after the request, with the requested attributes) is
//! adopted; a foreign object holding the name is a `NameConflict`, never adopted.

mod common;

use std::time::Duration;

use barrack_api::wire::CreateVolumeRequest;
use barrack_api::Error;
use barrack_sim::{FaultConfig, SimConfig};
use common::{admin, client, client_with, quiet, spawn};

fn ours() -> CreateVolumeRequest {
    CreateVolumeRequest {
        name: "data".into(),
        region: "NORWAY-1".into(),
        size: 100,
        ..Default::default()
    }
}

async fn late_sim() -> barrack_sim::SimHandle {
    spawn(SimConfig {
        faults: FaultConfig {
            late_delivery: 1.0,
            late_delivery_ms: 700,
            ..FaultConfig::default()
        },
        ..quiet()
    })
    .await
}

/// D3: our create times out (held by the server); the name lookup finds team B's volume
/// `data` (500 GB): it is not adopted, and the error names it.
#[tokio::test]
async fn an_unknown_outcome_never_adopts_a_foreign_object() {
    let sim = spawn(quiet()).await;
    let team_b = client(&sim)
        .create_volume(&CreateVolumeRequest {
            name: "data".into(),
            region: "NORWAY-1".into(),
            size: 500,
            description: "team B production data".into(),
            ..Default::default()
        })
        .await
        .expect("team B creates its volume")
        .value;
    let put = reqwest::Client::new()
        .put(format!("{}/faults", sim.admin_url()))
        .json(&serde_json::json!({"late_delivery": 1.0, "late_delivery_ms": 700}))
        .send()
        .await
        .expect("set faults");
    assert!(put.status().is_success());
    let c = client_with(&sim, |c| c.timeout = Duration::from_millis(250));
    let result = c.create_volume(&ours()).await;
    match result {
        Err(Error::NameConflict { id, created_at, .. }) => {
            assert_eq!(id, team_b.id.as_str());
            assert_eq!(created_at, team_b.created_at);
        }
        other => panic!("expected a name conflict, got {other:?}"),
    }
    let state = admin(&sim, "state").await;
    let volumes = state["volumes"].as_array().cloned().unwrap_or_default();
    assert_eq!(volumes.len(), 1, "{volumes:?}");
    assert_eq!(volumes[0]["size"], 500);
}

/// A create that lands after the client gave up is ours: adopted, exactly one volume.
#[tokio::test]
async fn an_unknown_outcome_adopts_a_create_that_landed_late() {
    let sim = late_sim().await;
    let c = client_with(&sim, |c| c.timeout = Duration::from_millis(250));
    let created = c.create_volume(&ours()).await.expect("adopted");
    assert!(created.adopted);
    assert_eq!(created.value.size, 100);
    // Let the last held attempt land (it fails: the name is taken) before counting.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let state = admin(&sim, "state").await;
    assert_eq!(
        state["volumes"].as_array().map(Vec::len),
        Some(1),
        "{state}"
    );
}
