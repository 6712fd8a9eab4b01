//! Auth, validation rules (400 each), delete conflicts (409) and pagination.

mod common;

use common::{config, Sim, OS_IMAGE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn no_or_wrong_key_is_401_with_the_error_body() {
    let sim = Sim::start(config()).await;
    let a = sim
        .try_send(Method::GET, "/instances", None, false)
        .await
        .unwrap();
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.body["status"], false);
    assert!(a.headers.contains_key("x-request-id"));
    let url = format!("{}/balance", sim.handle.base_url());
    for (header, value) in [
        ("authorization", "Bearer wrong-key"),
        ("x-api-key", "wrong-key"),
    ] {
        let resp = sim
            .http
            .get(&url)
            .header(header, value)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        let text = resp.text().await.unwrap();
        assert!(!text.contains("wrong-key"), "the key is never echoed");
    }
    for header in ["x-api-key", "api_key"] {
        let resp = sim
            .http
            .get(&url)
            .header(header, sim.handle.api_key())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{header}");
    }
}

/// Posts `body` to `path` and expects a 400 whose message contains `needle`.
async fn check_400(sim: &Sim, path: &str, body: Value, needle: &str) {
    let a = sim.post(path, body.clone()).await;
    assert_eq!(
        a.status,
        StatusCode::BAD_REQUEST,
        "{path} {body}: {:?}",
        a.body
    );
    assert_eq!(a.body["status"], false);
    let message = a.body["message"].as_str().unwrap_or("");
    assert!(
        message.contains(needle),
        "{path} {body}: `{message}` lacks `{needle}`"
    );
}

fn deploy(extra: Value, key: u64) -> Value {
    let mut body = json!({"name": "vm", "region": "NORWAY-1", "gpu_model": "A40",
                          "gpu_count": 1, "image_name": OS_IMAGE, "ssh_key_ids": [key]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

#[tokio::test]
async fn validation_rules() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k1").await;
    // Names.
    check_400(&sim, "/instances", deploy(json!({"name": ""}), key), "name").await;
    check_400(
        &sim,
        "/instances",
        deploy(json!({"name": "a/b"}), key),
        "name",
    )
    .await;
    check_400(
        &sim,
        "/instances",
        deploy(json!({"name": "x".repeat(51)}), key),
        "name",
    )
    .await;
    check_400(
        &sim,
        "/ssh-keys",
        json!({"name": "has space", "region": "US-1"}),
        "name",
    )
    .await;
    // Uniqueness per kind.
    assert_eq!(
        sim.post("/instances", deploy(json!({}), key)).await.status,
        StatusCode::OK
    );
    check_400(&sim, "/instances", deploy(json!({}), key), "already exists").await;
    check_400(
        &sim,
        "/ssh-keys",
        json!({"name": "k1", "region": "US-1"}),
        "already exists",
    )
    .await;
    // Enums.
    check_400(
        &sim,
        "/instances",
        deploy(json!({"name": "b", "region": "MARS-1"}), key),
        "region",
    )
    .await;
    check_400(
        &sim,
        "/instances",
        deploy(json!({"name": "b", "gpu_model": "Z9"}), key),
        "gpu_model",
    )
    .await;
    check_400(
        &sim,
        "/instances",
        deploy(json!({"name": "b", "gpu_count": 3}), key),
        "gpu_count",
    )
    .await;
    check_400(
        &sim,
        "/instances",
        deploy(json!({"name": "b", "image_name": "Windows"}), key),
        "OS image",
    )
    .await;
    check_400(
        &sim,
        "/instances",
        deploy(json!({"name": "b", "image_id": 5}), key),
        "exactly one",
    )
    .await;
    check_400(
        &sim,
        "/instances",
        deploy(json!({"name": "b", "ssh_key_ids": []}), key),
        "ssh_key_ids",
    )
    .await;
    // Cloud-init limit.
    let big = "#".repeat(16 * 1024 + 1);
    check_400(
        &sim,
        "/instances",
        deploy(json!({"name": "b", "cloud_init": big}), key),
        "cloud_init",
    )
    .await;
    // Rules: ports both-or-neither, range, icmp, CIDR.
    let rule = |extra: Value| {
        let mut r = json!({"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp",
                           "remote_ip_prefix": "0.0.0.0/0"});
        for (k, v) in extra.as_object().unwrap() {
            r[k] = v.clone();
        }
        deploy(json!({"name": "b", "security_rules": [r]}), key)
    };
    check_400(
        &sim,
        "/instances",
        rule(json!({"port_range_min": 22})),
        "together",
    )
    .await;
    check_400(
        &sim,
        "/instances",
        rule(json!({"port_range_min": 0, "port_range_max": 2})),
        "port",
    )
    .await;
    check_400(
        &sim,
        "/instances",
        rule(json!({"protocol": "icmp", "port_range_min": 1, "port_range_max": 2})),
        "no ports",
    )
    .await;
    check_400(
        &sim,
        "/instances",
        rule(json!({"remote_ip_prefix": "10.0.0.0/40"})),
        "CIDR",
    )
    .await;
    check_400(
        &sim,
        "/instances",
        rule(json!({"ethertype": "IPv6"})),
        "IPv6",
    )
    .await;
    // Volumes.
    let vol = |extra: Value| {
        let mut v = json!({"name": "v", "region": "NORWAY-1", "size": 50});
        for (k, val) in extra.as_object().unwrap() {
            v[k] = val.clone();
        }
        v
    };
    check_400(&sim, "/volumes", vol(json!({"size": 9})), "size").await;
    check_400(&sim, "/volumes", vol(json!({"size": 1_048_577})), "size").await;
    check_400(
        &sim,
        "/volumes",
        vol(json!({"bootable": true, "image_name": OS_IMAGE})),
        "bootable",
    )
    .await;
    check_400(
        &sim,
        "/volumes",
        vol(json!({"bootable": true, "size": 100})),
        "image_name",
    )
    .await;
    check_400(
        &sim,
        "/volumes",
        vol(json!({"volume_type": "Tape"})),
        "volume_type",
    )
    .await;
    // Firewall description.
    check_400(
        &sim,
        "/firewalls",
        json!({"name": "f", "region": "US-1", "description": "d".repeat(256)}),
        "description",
    )
    .await;
    // Malformed JSON.
    let resp = sim
        .http
        .post(format!("{}/volumes", sim.handle.base_url()))
        .bearer_auth(sim.handle.api_key())
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
/// F1: SSH keys are account-wide, so the 25-per-region limit is 25 per account.
async fn limits_25_firewalls_and_25_keys_per_account() {
    let sim = Sim::start(config()).await;
    for i in 0..25 {
        let a = sim
            .post(
                "/firewalls",
                json!({"name": format!("fw{i}"), "region": "US-1"}),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK);
        sim.ssh_key(&format!("key{i}")).await;
    }
    check_400(
        &sim,
        "/firewalls",
        json!({"name": "fw25", "region": "US-1"}),
        "25",
    )
    .await;
    check_400(&sim, "/ssh-keys", json!({"name": "key25"}), "25").await;
    // Every key is in every region: naming another region gives no more room.
    check_400(
        &sim,
        "/ssh-keys",
        json!({"name": "key26", "region": "NORWAY-1"}),
        "25",
    )
    .await;
}

/// F1: one key serves VMs in every region, and the key object carries no region.
#[tokio::test]
async fn one_ssh_key_serves_every_region() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("everywhere").await;
    let listed = sim.get("/ssh-keys?region=CANADA-1").await;
    assert_eq!(listed.body["keypairs"][0]["id"], json!(key));
    assert!(
        listed.body["keypairs"][0].get("region").is_none(),
        "{:?}",
        listed.body
    );
    for (name, region) in [
        ("oslo", "NORWAY-1"),
        ("toronto", "CANADA-1"),
        ("dallas", "US-1"),
    ] {
        let a = sim
            .post(
                "/instances",
                json!({"name": name, "region": region, "gpu_model": "A40", "gpu_count": 1,
                       "image_name": OS_IMAGE, "ssh_key_ids": [key]}),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{region}: {:?}", a.body);
    }
}

#[tokio::test]
async fn delete_conflicts() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k1").await;
    let vm = sim.deploy("vm", "A40", 1, key).await.body["instances"][0]["id"]
        .as_u64()
        .unwrap();
    let a = sim.delete(&format!("/ssh-keys/{key}")).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a.body["message"]
        .as_str()
        .unwrap()
        .contains("used by instance"));
    sim.advance_secs(60.0).await;
    sim.delete(&format!("/instances/{vm}")).await;
    sim.advance_secs(60.0).await;
    assert_eq!(
        sim.delete(&format!("/ssh-keys/{key}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        sim.delete(&format!("/ssh-keys/{key}")).await.status,
        StatusCode::NOT_FOUND
    );
    let generated = sim.post("/ssh-keys", json!({"name": "gen"})).await.body;
    assert!(generated["keypair"]["private_key"]
        .as_str()
        .unwrap()
        .contains("PRIVATE KEY"));
    let id = generated["keypair"]["id"].as_u64().unwrap();
    let again = sim.get(&format!("/ssh-keys/{id}")).await.body;
    assert!(
        again["keypair"].get("private_key").is_none(),
        "shown once only"
    );
    assert!(again["keypair"]["fingerprint"]
        .as_str()
        .unwrap()
        .starts_with("SHA256:"));
}

#[tokio::test]
async fn pagination() {
    let sim = Sim::start(config()).await;
    for i in 0..7 {
        sim.post(
            "/scripts",
            json!({"name": format!("s{i}"), "content": "echo hi"}),
        )
        .await;
    }
    let page = sim.get("/scripts?page=2&page_size=3").await.body;
    assert_eq!(page["count"], 7);
    assert_eq!(page["page"], 2);
    assert_eq!(page["page_size"], 3);
    let names: Vec<&str> = page["scripts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["s3", "s4", "s5"]);
    let default = sim.get("/scripts").await.body;
    assert_eq!(default["page_size"], 50);
    assert_eq!(default["scripts"].as_array().unwrap().len(), 7);
    assert_eq!(
        sim.get("/scripts?page_size=201").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        sim.get("/scripts?page_size=200").await.status,
        StatusCode::OK
    );
    assert_eq!(
        sim.get("/scripts?page=0").await.status,
        StatusCode::BAD_REQUEST
    );
    let past = sim.get("/scripts?page=9").await.body;
    assert_eq!(past["scripts"], json!([]));
    assert_eq!(past["count"], 7);
}
