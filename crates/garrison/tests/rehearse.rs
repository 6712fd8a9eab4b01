//! The rehearsal through the binary: `plan --rehearse` shows the predicted duration and
//! critical path without touching the cloud; `apply` rehearses by default and refuses a plan
//! that would fail half-way (one line per failing step, a hint naming `--force`), before any
//! change; `--no-rehearse` and `provider "barrack" { rehearse #false }` skip it.

mod support;

use support::Env;

const VM: &str = r#"
provider "barrack" {
    region "US-1"
}
ssh-key "k" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k"
}
vm "w" {
    gpu "A40"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.k"
}
"#;

/// Six firewalls in an account that already holds 20 made by hand: it holds at most 25, so
/// the sixth create fails half-way (the config alone is valid).
fn six_firewalls(provider_extra: &str) -> String {
    let mut text = format!("provider \"barrack\" {{\n    region \"US-1\"\n{provider_extra}}}\n");
    for i in 0..6 {
        text.push_str(&format!("firewall \"f{i}\" {{\n}}\n"));
    }
    text
}

/// An emulator whose account holds 20 firewalls made by hand.
async fn crowded() -> Env {
    let env = Env::new(0.002).await;
    let firewalls = (0..20)
        .map(|i| barrack_api::wire::Firewall {
            id: barrack_api::Id::from(1000 + i),
            name: format!("hand-{i}"),
            region: "US-1".into(),
            status: "SUCCESS".into(),
            ..Default::default()
        })
        .collect();
    env.sim
        .seed(barrack_sim::AccountState {
            firewalls,
            ..Default::default()
        })
        .expect("seeded");
    env
}

fn mutations(env: &Env) -> u64 {
    env.sim
        .request_counts()
        .iter()
        .filter(|(route, _)| !route.starts_with("GET "))
        .map(|(_, n)| n)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_rehearse_predicts_without_touching_the_cloud() {
    let env = Env::new(0.002).await;
    env.write(VM);
    let run = env.run(&["plan", "--rehearse"]).await.expect_code(0);
    for want in [
        "Rehearsal passed",
        "Predicted duration:",
        "Critical path:",
        "create vm.w",
        "Relied on guessed API behaviour:",
    ] {
        assert!(run.stdout.contains(want), "{want}: {}", run.stdout);
    }
    let run = env
        .run(&["plan", "--rehearse", "--json"])
        .await
        .expect_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON plan");
    assert_eq!(json["rehearsal"]["passed"], true, "{json:#}");
    assert!(
        json["rehearsal"]["makespan_seconds"]
            .as_f64()
            .unwrap_or(0.0)
            > 25.0
    );
    let run = env
        .run(&["plan", "--rehearse", "--markdown"])
        .await
        .expect_code(0);
    assert!(run.stdout.contains("#### Rehearsal"), "{}", run.stdout);
    assert_eq!(mutations(&env), 0, "a plan changed the cloud");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_refuses_a_plan_that_would_fail_half_way() {
    let env = crowded().await;
    env.write(&six_firewalls(""));
    let run = env.run(&["apply", "--auto-approve"]).await.expect_code(1);
    assert!(
        run.stderr
            .contains("Rehearsal FAILED: 1 operation would fail"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("would fail:"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(mutations(&env), 0, "the refused apply changed the cloud");
    // With `--force` it runs, and fails half-way as rehearsed.
    let run = env
        .run(&["apply", "--auto-approve", "--force"])
        .await
        .expect_code(1);
    assert!(run.stderr.contains("applying anyway"), "{}", run.stderr);
    let firewalls = env.sim.state().firewalls.len();
    assert_eq!(firewalls, 25);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rehearsal_can_be_turned_off() {
    let env = crowded().await;
    env.write(&six_firewalls("    rehearse #false\n"));
    let run = env.run(&["apply", "--auto-approve"]).await.expect_code(1);
    assert!(!run.stderr.contains("Rehearsal"), "{}", run.stderr);
    let env = crowded().await;
    env.write(&six_firewalls(""));
    let run = env
        .run(&["apply", "--auto-approve", "--no-rehearse"])
        .await
        .expect_code(1);
    assert!(!run.stderr.contains("Rehearsal"), "{}", run.stderr);
    assert_eq!(env.sim.state().firewalls.len(), 25);
}
