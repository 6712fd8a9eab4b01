//! Snapshot and custom image storage is billed per GB-hour at the rates `GET /pricing`
//! publishes (finding U6: plans priced them at $0 while the emulator billed snapshots).

mod common;

use barrack_sim::delays;
use common::{config, Sim};
use serde_json::json;

/// U6: `GET /pricing` names the snapshot and image rates, and an image bills its size.
#[tokio::test]
async fn u6_snapshot_and_image_storage_are_priced_and_billed() {
    let sim = Sim::start(config()).await;
    let pricing = sim.get("/pricing").await.body["pricing"].clone();
    let snap_rate = pricing["snapshot_per_gb_hour"].as_f64().unwrap_or_default();
    let image_rate = pricing["image_per_gb_hour"].as_f64().unwrap_or_default();
    assert!(snap_rate > 0.0 && image_rate > 0.0, "{pricing}");

    let key = sim.ssh_key("k1").await;
    let vm = sim.deploy("vm", "A40", 1, key).await.body["instances"][0]["id"]
        .as_u64()
        .unwrap_or_default();
    sim.advance_secs(60.0).await;
    let snap = sim
        .post("/snapshots", json!({"instance_id": vm, "name": "snap"}))
        .await
        .body["snapshot"]["id"]
        .as_u64()
        .unwrap_or_default();
    sim.advance_secs(delays::SNAPSHOT_CREATING).await;
    let img = sim
        .post(&format!("/snapshots/{snap}/image"), json!({"name": "img"}))
        .await
        .body["image"]
        .clone();
    let size_gb = img["size_gb"].as_f64().unwrap_or_default();
    assert!(size_gb > 0.0, "{img}");
    sim.advance_secs(delays::IMAGE_CREATING + 60.0).await;

    // Ten hours with the image, against ten hours without it: the difference is its bill.
    let b0 = sim.balance().await;
    sim.advance_secs(10.0 * 3600.0).await;
    let with_image = b0 - sim.balance().await;
    let id = img["id"].as_u64().unwrap_or_default();
    sim.delete(&format!("/images/{id}")).await;
    let b1 = sim.balance().await;
    sim.advance_secs(10.0 * 3600.0).await;
    let without = b1 - sim.balance().await;
    let image_bill = with_image - without;
    let expected = size_gb * image_rate * 10.0;
    assert!(
        (image_bill - expected).abs() < 0.01,
        "image billed {image_bill}, expected {expected}"
    );
}
