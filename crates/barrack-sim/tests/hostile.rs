//! The hostile modes, switched on and off through `/_sim/faults/hostile`: each answers
//! as documented in `docs/sim.md`, and `DELETE` brings the contract back.

mod common;

use common::{config, Sim};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A raw answer from `/v1/instances`, following no redirect.
async fn raw(sim: &Sim) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = http
        .get(format!("{}/instances?page=1", sim.handle.base_url()))
        .bearer_auth(sim.handle.api_key())
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    (status, headers, resp.text().await.unwrap_or_default())
}

async fn set(sim: &Sim, mode: Value) {
    let answer = sim
        .send(Method::PUT, "/_sim/faults/hostile", Some(mode))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
}

#[tokio::test]
async fn hostile_modes_through_the_admin_surface() {
    let sim = Sim::start(config()).await;
    assert_eq!(
        sim.get("/_sim/faults/hostile").await.body["hostile"],
        Value::Null
    );

    set(&sim, json!({"mode": "key_echo", "status": 500})).await;
    let (status, _, body) = raw(&sim).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, "bad key: Bearer sim-key");

    set(
        &sim,
        json!({"mode": "redirect", "to": "http://127.0.0.1:9"}),
    )
    .await;
    let (status, headers, _) = raw(&sim).await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(
        headers["location"],
        "http://127.0.0.1:9/v1/instances?page=1"
    );

    set(&sim, json!({"mode": "malformed_json"})).await;
    let (status, _, body) = raw(&sim).await;
    assert_eq!(status, StatusCode::OK);
    assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");

    set(&sim, json!({"mode": "bogus_count"})).await;
    sim.ssh_key("k").await;
    let answer = sim.get("/ssh-keys").await;
    assert_eq!(
        answer.body["count"],
        json!(barrack_sim::hostile::BOGUS_COUNT)
    );
    assert_eq!(answer.body["page_size"], 1);
    assert_eq!(answer.body["keypairs"], json!([]));

    let bad = sim
        .send(
            Method::PUT,
            "/_sim/faults/hostile",
            Some(json!({"mode": "nope"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    assert_eq!(
        sim.delete("/_sim/faults/hostile").await.status,
        StatusCode::OK
    );
    let (status, _, body) = raw(&sim).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
