//! GPU stock is consumed and returned; billing accrues per minute; 402 without credit.

mod common;

use barrack_sim::delays;
use common::{config, Sim};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn stock_is_consumed_by_create_and_returned_by_delete() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k1").await;
    let model = "H100-SXM5-80GB";
    let before = sim.stock("NORWAY-1", model).await;
    assert_eq!(before, 64);
    let id = sim.deploy("big", model, 8, key).await.body["instances"][0]["id"]
        .as_u64()
        .unwrap();
    assert_eq!(sim.stock("NORWAY-1", model).await, before - 8);
    assert_eq!(
        sim.stock("CANADA-1", model).await,
        64,
        "other regions untouched"
    );
    sim.advance_secs(60.0).await;
    // Hibernation releases the GPUs, restore takes them back.
    sim.post(&format!("/instances/{id}/hibernate"), json!({}))
        .await;
    sim.advance_secs(delays::INSTANCE_HIBERNATING).await;
    assert_eq!(sim.stock("NORWAY-1", model).await, before);
    sim.post(&format!("/instances/{id}/restore"), json!({}))
        .await;
    assert_eq!(sim.stock("NORWAY-1", model).await, before - 8);
    sim.advance_secs(delays::INSTANCE_RESTORING).await;
    sim.delete(&format!("/instances/{id}")).await;
    sim.advance_secs(delays::INSTANCE_DELETING).await;
    assert_eq!(sim.stock("NORWAY-1", model).await, before);
}

#[tokio::test]
async fn out_of_stock_is_409_naming_model_and_availability() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k1").await;
    for i in 0..8 {
        let a = sim.deploy(&format!("vm{i}"), "L40", 8, key).await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    }
    assert_eq!(sim.stock("NORWAY-1", "L40").await, 0);
    let a = sim.deploy("one-too-many", "L40", 1, key).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    let message = a.body["message"].as_str().unwrap();
    assert!(message.contains("out of stock"), "{message}");
    assert!(
        message.contains("L40") && message.contains("0 available"),
        "{message}"
    );
}

#[tokio::test]
async fn billing_accrues_per_minute_of_simulated_time() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k1").await;
    let start = sim.balance().await;
    assert_eq!(start, 10_000.0);
    let id = sim.deploy("vm", "H100-SXM5-80GB", 2, key).await.body["instances"][0]["id"]
        .as_u64()
        .unwrap();
    // Creating and building are free.
    sim.advance_secs(delays::INSTANCE_CREATING + delays::INSTANCE_BUILD)
        .await;
    assert!((sim.balance().await - start).abs() < 1e-9);
    // 60 minutes ACTIVE at 2 x 2.69 = 5.38 USD/h.
    sim.advance_secs(3600.0).await;
    let spent = start - sim.balance().await;
    assert!((spent - 5.38).abs() < 0.01, "spent {spent}");
    let bill = sim.get(&format!("/instances/{id}/billing")).await.body;
    assert_eq!(bill["billing"]["usage_minutes"]["ACTIVE"], 60);
    assert!((bill["billing"]["price_per_hour"].as_f64().unwrap() - 5.38).abs() < 1e-9);
    // Hibernated: 0.01 USD/h.
    sim.post(&format!("/instances/{id}/hibernate"), json!({}))
        .await;
    sim.advance_secs(delays::INSTANCE_HIBERNATING).await;
    let before = sim.balance().await;
    sim.advance_secs(6.0 * 3600.0).await;
    let spent = before - sim.balance().await;
    assert!((spent - 0.06).abs() < 0.001, "hibernated spent {spent}");
    // Volumes: 0.10 USD per TB-hour.
    let vol = sim
        .post(
            "/volumes",
            json!({"name": "tb", "region": "NORWAY-1", "size": 1000}),
        )
        .await
        .body["volume"]["id"]
        .as_u64()
        .unwrap();
    sim.advance_secs(delays::VOLUME_CREATING).await;
    let vbill = |b: serde_json::Value| b["billing"]["incurred_bill"].as_f64().unwrap();
    let v0 = vbill(sim.get(&format!("/volumes/{vol}/billing")).await.body);
    sim.advance_secs(10.0 * 3600.0).await;
    let v1 = vbill(sim.get(&format!("/volumes/{vol}/billing")).await.body);
    assert!((v1 - v0 - 1.0).abs() < 0.001, "volume billed {}", v1 - v0);
}

#[tokio::test]
async fn insufficient_balance_is_402() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k1").await;
    sim.deploy("burner", "H100-SXM5-80GB", 8, key).await;
    // 8 x 2.69 = 21.52 USD/h; 10000 USD lasts about 464 hours.
    sim.advance_secs(470.0 * 3600.0).await;
    assert!(sim.balance().await < 21.52);
    let a = sim.deploy("more", "H100-SXM5-80GB", 8, key).await;
    assert_eq!(a.status, StatusCode::PAYMENT_REQUIRED, "{:?}", a.body);
    assert_eq!(a.body["error_reason"], "insufficient_credits");
}

#[tokio::test]
async fn pricing_answers_from_the_seed_prices() {
    let sim = Sim::start(config()).await;
    let p = sim.get("/pricing").await.body;
    assert_eq!(p["pricing"]["gpu_per_hour"]["H100-SXM5-80GB"], 2.69);
    assert_eq!(p["pricing"]["hibernated_per_hour"], 0.01);
    let q = sim
        .post(
            "/pricing",
            json!({"items": [{"kind": "instance", "gpu_model": "A40", "gpu_count": 4},
                             {"kind": "volume", "size_gb": 2000}], "hours": 10}),
        )
        .await;
    assert_eq!(q.status, StatusCode::OK, "{:?}", q.body);
    let per_hour = q.body["quote"]["price_per_hour"].as_f64().unwrap();
    assert!((per_hour - (4.0 * 0.69 + 0.2)).abs() < 1e-9);
    assert!((q.body["quote"]["total"].as_f64().unwrap() - per_hour * 10.0).abs() < 1e-9);
    let bad = sim
        .post(
            "/pricing",
            json!({"items": [{"kind": "instance", "gpu_model": "Z9"}]}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
