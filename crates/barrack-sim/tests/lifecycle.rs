//! Life-cycles walk their states, driven by `clock/advance` at contract delays.

mod common;

use barrack_sim::delays;
use common::{config, Sim};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn instance_walks_every_state() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k1").await;
    let a = sim.deploy("vm one", "L40", 1, key).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert!(a.body["deployment_id"].as_str().unwrap().starts_with("DEP"));
    assert!(a.headers.contains_key("x-request-id"));
    let id = a.body["instances"][0]["id"].as_u64().unwrap();
    assert_eq!(a.body["instances"][0]["status"], "CREATING");

    sim.advance_secs(delays::INSTANCE_CREATING).await;
    assert_eq!(sim.instance_status(id).await, "BUILD");
    sim.advance_secs(delays::INSTANCE_BUILD).await;
    assert_eq!(sim.instance_status(id).await, "ACTIVE");
    let got = sim.get(&format!("/instances/{id}")).await.body;
    assert_eq!(got["instance"]["power_state"], "RUNNING");

    let steps = [
        ("stop", "STOPPING", "SHUTOFF", delays::INSTANCE_STOPPING),
        ("start", "STARTING", "ACTIVE", delays::INSTANCE_STARTING),
        ("reboot", "REBOOTING", "ACTIVE", delays::INSTANCE_REBOOTING),
        (
            "hibernate",
            "HIBERNATING",
            "HIBERNATED",
            delays::INSTANCE_HIBERNATING,
        ),
        ("restore", "RESTORING", "ACTIVE", delays::INSTANCE_RESTORING),
    ];
    for (action, via, to, secs) in steps {
        let a = sim
            .post(&format!("/instances/{id}/{action}"), json!({}))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{action}: {:?}", a.body);
        assert_eq!(a.body["instance"]["status"], via, "{action}");
        // A second action while transitional is refused with the error body.
        let again = sim
            .post(&format!("/instances/{id}/{action}"), json!({}))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{action} twice");
        assert_eq!(again.body["status"], false);
        assert!(again.body["message"].as_str().unwrap().contains(via));
        sim.advance_secs(secs).await;
        assert_eq!(sim.instance_status(id).await, to, "after {action}");
    }

    let a = sim.delete(&format!("/instances/{id}")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(sim.instance_status(id).await, "DELETING");
    // Deleting again while DELETING is accepted (safe to retry).
    assert_eq!(
        sim.delete(&format!("/instances/{id}")).await.status,
        StatusCode::OK
    );
    sim.advance_secs(delays::INSTANCE_DELETING).await;
    assert_eq!(
        sim.get(&format!("/instances/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn wrong_state_actions_are_409() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k1").await;
    let id = sim.deploy("vm", "A40", 1, key).await.body["instances"][0]["id"]
        .as_u64()
        .unwrap();
    for action in ["start", "stop", "reboot", "hibernate", "restore"] {
        let a = sim
            .post(&format!("/instances/{id}/{action}"), json!({}))
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{action} while CREATING");
        assert_eq!(a.body["error_reason"], "conflict");
    }
    assert_eq!(
        sim.delete(&format!("/instances/{id}")).await.status,
        StatusCode::CONFLICT
    );
    sim.advance_secs(60.0).await;
    for action in ["start", "restore"] {
        let a = sim
            .post(&format!("/instances/{id}/{action}"), json!({}))
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{action} while ACTIVE");
    }
}

#[tokio::test]
async fn volume_firewall_snapshot_image_lifecycles() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k1").await;
    let vm = sim.deploy("vm", "A40", 1, key).await.body["instances"][0]["id"]
        .as_u64()
        .unwrap();
    let vol = sim
        .post(
            "/volumes",
            json!({"name": "data", "region": "NORWAY-1", "size": 50}),
        )
        .await;
    assert_eq!(vol.status, StatusCode::OK, "{:?}", vol.body);
    assert_eq!(vol.body["volume"]["status"], "creating");
    let vol = vol.body["volume"]["id"].as_u64().unwrap();
    let fw = sim
        .post("/firewalls", json!({"name": "web", "region": "NORWAY-1"}))
        .await;
    assert_eq!(fw.body["firewall"]["status"], "CREATING");
    let fw = fw.body["firewall"]["id"].as_u64().unwrap();
    // Attaching before the VM is ACTIVE: 409.
    let early = sim
        .post(
            &format!("/instances/{vm}/volumes/attach"),
            json!({"volume_ids": [vol]}),
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    sim.advance_secs(60.0).await;
    assert_eq!(
        sim.get(&format!("/volumes/{vol}")).await.body["volume"]["status"],
        "available"
    );
    assert_eq!(
        sim.get(&format!("/firewalls/{fw}")).await.body["firewall"]["status"],
        "SUCCESS"
    );

    // Volume: attach -> in-use; delete refused; detach -> available.
    let a = sim
        .post(
            &format!("/instances/{vm}/volumes/attach"),
            json!({"volume_ids": [vol]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(
        a.body["instance"]["volume_attachments"][0]["volume_id"],
        vol
    );
    assert_eq!(
        sim.get(&format!("/volumes/{vol}")).await.body["volume"]["status"],
        "in-use"
    );
    assert_eq!(
        sim.delete(&format!("/volumes/{vol}")).await.status,
        StatusCode::CONFLICT
    );
    let a = sim
        .post(
            &format!("/instances/{vm}/volumes/detach"),
            json!({"volume_ids": [vol]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        sim.get(&format!("/volumes/{vol}")).await.body["volume"]["status"],
        "available"
    );

    // Firewall: attach ATTACHING -> SUCCESS; delete refused while attached; attach [] empties.
    let a = sim
        .post(
            &format!("/firewalls/{fw}/attach"),
            json!({"instance_ids": [vm]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(a.body["firewall"]["attachments"][0]["status"], "ATTACHING");
    sim.advance_secs(delays::FIREWALL_ATTACHING).await;
    let got = sim.get(&format!("/firewalls/{fw}")).await.body;
    assert_eq!(got["firewall"]["attachments"][0]["status"], "SUCCESS");
    assert_eq!(
        sim.get(&format!("/instances/{vm}")).await.body["instance"]["firewall_ids"],
        json!([fw])
    );
    let listed = sim.get(&format!("/instances/{vm}/firewalls")).await.body;
    assert_eq!(listed["firewalls"][0]["id"], fw);
    assert_eq!(
        sim.delete(&format!("/firewalls/{fw}")).await.status,
        StatusCode::CONFLICT
    );
    let a = sim
        .post(
            &format!("/firewalls/{fw}/attach"),
            json!({"instance_ids": []}),
        )
        .await;
    assert_eq!(a.body["firewall"]["attachments"], json!([]));
    assert_eq!(
        sim.get(&format!("/instances/{vm}")).await.body["instance"]["firewall_ids"],
        json!([])
    );
    assert_eq!(
        sim.delete(&format!("/firewalls/{fw}")).await.status,
        StatusCode::OK
    );

    // Snapshot CREATING -> SUCCESS; image from it CREATING -> SUCCESS; restore makes a new VM.
    let snap = sim
        .post("/snapshots", json!({"instance_id": vm, "name": "snap"}))
        .await;
    assert_eq!(snap.status, StatusCode::OK, "{:?}", snap.body);
    let snap = snap.body["snapshot"]["id"].as_u64().unwrap();
    let early = sim
        .post(&format!("/snapshots/{snap}/image"), json!({"name": "img"}))
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    sim.advance_secs(delays::SNAPSHOT_CREATING).await;
    let img = sim
        .post(&format!("/snapshots/{snap}/image"), json!({"name": "img"}))
        .await;
    assert_eq!(img.body["image"]["status"], "CREATING");
    let img = img.body["image"]["id"].as_u64().unwrap();
    sim.advance_secs(delays::IMAGE_CREATING).await;
    assert_eq!(
        sim.get(&format!("/images/{img}")).await.body["image"]["status"],
        "SUCCESS"
    );
    let rel = sim
        .get(&format!("/snapshots/{snap}/image-relationship"))
        .await
        .body;
    assert_eq!(rel["relationship"]["image_ids"], json!([img]));
    let restored = sim
        .post(
            &format!("/snapshots/{snap}/restore"),
            json!({"name": "vm-restored"}),
        )
        .await;
    assert_eq!(restored.status, StatusCode::OK, "{:?}", restored.body);
    assert_eq!(restored.body["instance"]["region"], "NORWAY-1");
    assert_ne!(restored.body["instance"]["id"], vm);
    // Deploy from the custom image.
    let from_image = sim
        .post(
            "/instances",
            json!({"name": "from-img", "region": "NORWAY-1", "gpu_model": "A40",
                   "gpu_count": 1, "image_id": img, "ssh_key_ids": [key]}),
        )
        .await;
    assert_eq!(from_image.status, StatusCode::OK, "{:?}", from_image.body);
    assert_eq!(from_image.body["instances"][0]["image"]["name"], "img");
}

#[tokio::test]
async fn tiny_time_scale_settles_in_real_time() {
    let sim = Sim::start(barrack_sim::SimConfig {
        time_scale: 0.001,
        ..config()
    })
    .await;
    let key = sim.ssh_key("k1").await;
    let id = sim.deploy("vm", "A40", 1, key).await.body["instances"][0]["id"]
        .as_u64()
        .unwrap();
    sim.wait_for(&format!("/instances/{id}"), "/instance/status", "ACTIVE")
        .await;
}
