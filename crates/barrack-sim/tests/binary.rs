//! End to end through the `barrack-sim` binary: flags, logging, serving the contract.

use std::path::Path;
use std::time::{Duration, Instant};

use garrison_testkit::sim_process::SimProcess;
use serde_json::{json, Value};

#[tokio::test]
async fn binary_serves_the_api_and_logs_without_the_key() {
    let dir = garrison_testkit::dir::temp_dir();
    let state = dir.path().join("state.json");
    let deadline = Instant::now() + Duration::from_secs(20);
    let running = SimProcess::start(
        Path::new(env!("CARGO_BIN_EXE_barrack-sim")),
        deadline,
        |cmd| {
            cmd.args(["--time-scale", "0", "--seed", "3"])
                .args(["--api-key", "very-secret-key", "--rate-limit", "0"])
                .arg("--state-file")
                .arg(&state);
        },
    );
    let base = running.base_url.clone();
    let http = reqwest::Client::new();
    let unauth = http.get(format!("{base}/balance")).send().await.unwrap();
    assert_eq!(unauth.status(), 401);
    let key: Value = http
        .post(format!("{base}/ssh-keys"))
        .bearer_auth("very-secret-key")
        .json(&json!({"name": "k", "region": "US-1"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(key["status"], true);
    assert!(state.exists(), "state file written after a mutation");
    // Wait for the log line of that request, then check no line carries the key.
    let mut lines = Vec::new();
    while !lines.iter().any(|l: &String| l.contains("/v1/ssh-keys")) {
        lines.push(running.next_line(deadline));
    }
    assert!(
        lines.iter().all(|l| !l.contains("very-secret-key")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains("status=401")), "{lines:?}");
    drop(running);
}

#[tokio::test]
async fn catalog_flag_serves_the_files_catalog_and_refuses_a_bad_file() {
    let dir = garrison_testkit::dir::temp_dir();
    let file = dir.path().join("catalog.json");
    std::fs::write(
        &file,
        r#"{"gpu_models": [{"name": "B200", "price_per_hour": 5.99, "counts": [8]}]}"#,
    )
    .unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_barrack-sim"));
    let deadline = Instant::now() + Duration::from_secs(20);
    let running = SimProcess::start(bin, deadline, |cmd| {
        cmd.args(["--api-key", "k", "--rate-limit", "0"])
            .arg("--catalog")
            .arg(&file);
    });
    let pricing: Value = reqwest::Client::new()
        .get(format!("{}/pricing", running.base_url))
        .bearer_auth("k")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        pricing["pricing"]["gpu_per_hour"],
        json!({"B200": 5.99}),
        "{pricing}"
    );
    drop(running);

    std::fs::write(&file, r#"{"regions": []}"#).unwrap();
    let refused = std::process::Command::new(bin)
        .args(["--addr", "127.0.0.1:0", "--catalog"])
        .arg(&file)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("catalog.json") && stderr.contains("`regions` is empty"),
        "{stderr}"
    );
}
