//! Ctrl-C during `garrison apply`: nothing new starts, in-flight operations finish and are
//! recorded, the run exits 1 saying it was interrupted, and the next apply finishes the job.

mod support;

use std::time::{Duration, Instant};

use support::Env;

const CONFIG: &str = r#"
provider "barrack" {
    region "US-1"
}

ssh-key "k" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k"
}

vm "w" count=6 {
    gpu "A40"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.k"
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_cleanly_and_the_next_apply_finishes() {
    // Slow enough that VM creates are in flight when the signal arrives.
    let env = Env::new(0.05).await;
    env.write(CONFIG);
    let child = env
        .command(&["apply", "--auto-approve", "--parallelism", "2"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("garrison starts");
    let pid = child.id().expect("pid").to_string();

    // Wait until a VM create is under way (its intent is journaled).
    let journal = env.path().join(".garrison/state.json.journal");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::read_to_string(&journal)
        .unwrap_or_default()
        .matches("\"vm.w[")
        .count()
        == 0
    {
        assert!(Instant::now() < deadline, "no VM create started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let out = child.wait_with_output().await.expect("garrison ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Interrupted"), "{stderr}");
    assert!(
        stderr.contains("not started"),
        "some operations should not have started: {stderr}"
    );

    // Everything that was created is recorded; nothing is pending.
    let names = env.sim_names().await;
    let state = env.state();
    let recorded = state["resources"].as_object().map_or(0, |m| m.len());
    assert_eq!(recorded, names.len(), "state {state:#}\nemulator {names:?}");
    assert!(
        names.len() < 7,
        "the interrupt came too late to test anything: {names:?}"
    );

    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    env.run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(0);
    assert_eq!(env.sim_names().await.len(), 7);
}
