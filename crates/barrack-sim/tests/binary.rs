//! End to end through the `barrack-sim` binary: flags, logging, serving the contract.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Kills the child process when the test ends, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_serves_the_api_and_logs_without_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_barrack-sim"))
        .args(["--addr", "127.0.0.1:0", "--time-scale", "0", "--seed", "3"])
        .args(["--api-key", "very-secret-key", "--rate-limit", "0"])
        .arg("--state-file")
        .arg(&state)
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let stderr = child.stderr.take().expect("stderr piped");
    let running = Running(child);
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let base = loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("a `listening` line before the deadline");
        if let Some(start) = line.find("api=") {
            let url: String = line[start + 4..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            break url;
        }
    };
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
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("a log line per request");
        lines.push(line);
    }
    assert!(
        lines.iter().all(|l| !l.contains("very-secret-key")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains("status=401")), "{lines:?}");
    drop(running);
}
