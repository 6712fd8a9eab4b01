//! `kill -9` in the middle of `garrison apply`: the next apply converges, with no orphan
//! (a cloud resource the state does not know) and no duplicate.

mod support;

use std::time::{Duration, Instant};

use support::Env;

fn config(vms: usize) -> String {
    let mut text = String::from(
        "provider \"barrack\" {\n    region \"US-1\"\n}\n\nssh-key \"k\" {\n    public-key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k\"\n}\n\nscript \"s\" {\n    content \"#!/bin/sh\\ntrue\\n\"\n}\n",
    );
    text.push_str(&format!(
        "volume \"d\" count={vms} {{\n    size-gb 100\n}}\n\nvm \"w\" count={vms} {{\n    gpu \"L40\"\n    image \"Ubuntu Server 22.04 LTS R550 CUDA 12.4\"\n    ssh-keys (ref)\"ssh-key.k\"\n    startup-script (ref)\"script.s\"\n    volumes (ref)\"volume.d[count.index]\"\n}}\n\nsnapshot \"p\" {{\n    vm (ref)\"vm.w[0]\"\n}}\n"
    ));
    text
}

/// Waits until the journal holds at least `n` intents (the apply is under way).
async fn wait_for_intents(env: &Env, n: usize) {
    let journal = env.path().join(".garrison/state.json.journal");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = std::fs::read_to_string(&journal).unwrap_or_default();
        if text.matches("\"intent\"").count() >= n {
            return;
        }
        assert!(Instant::now() < deadline, "the apply never started: {text}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_apply_never_orphans_or_duplicates() {
    // Each trial kills at a later point of the run: after the 1st, 4th, 8th intent.
    for (trial, intents) in [1usize, 4, 8].into_iter().enumerate() {
        let env = Env::new(0.02).await;
        env.write(&config(4));
        let mut child = env
            .command(&["apply", "--auto-approve", "--parallelism", "3"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("garrison starts");
        wait_for_intents(&env, intents).await;
        child.start_kill().expect("SIGKILL");
        let _ = child.wait().await;

        // The next apply takes over the dead process's lock, adopts what the killed run
        // created, and finishes the rest.
        let run = env.run(&["apply", "--auto-approve"]).await.expect_code(0);
        env.run(&["plan", "--detailed-exitcode"])
            .await
            .expect_code(0);

        let names = env.sim_names().await;
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(unique, names, "trial {trial}: duplicates in the emulator");
        // 1 key + 1 script + 4 volumes + 4 VMs + 1 snapshot.
        assert_eq!(names.len(), 11, "trial {trial}: {names:?}\n{}", run.stderr);
        let state = env.state();
        let recorded = state["resources"].as_object().map_or(0, |m| m.len());
        assert_eq!(
            recorded,
            names.len(),
            "trial {trial}: orphans: state holds {recorded}"
        );
    }
}
