//! Every example, end to end through the binary: apply -> the emulator holds exactly the
//! declared resources -> plan is clean -> destroy -> the emulator holds nothing.

mod support;

use support::Env;

async fn round_trip(example: &str, expected: &[(&str, usize)]) {
    let env = Env::new(0.002).await;
    env.copy_example(example);
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    check_round_trip(&env, example, expected).await;
}

/// After the apply: the emulator holds exactly `expected`, a plan is clean, a destroy
/// leaves nothing.
async fn check_round_trip(env: &Env, example: &str, expected: &[(&str, usize)]) {
    let names = env.sim_names().await;
    for (kind, count) in expected {
        let n = names.iter().filter(|(k, _)| k == kind).count();
        assert_eq!(n, *count, "{example}: {kind} in the emulator: {names:?}");
    }
    assert_eq!(
        names.len(),
        expected.iter().map(|(_, n)| n).sum::<usize>(),
        "{names:?}"
    );
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "duplicates: {names:?}");

    let plan = env
        .run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(0);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);

    // Protected resources must be unprotected before a destroy (that is the point).
    for file in ["main.kdl", "resources.kdl", "modules/trainer-node/main.kdl"] {
        if env.path().join(file).exists() {
            env.edit(file, |t| t.replace("protect #true", "protect #false"));
        }
    }
    env.run(&["destroy", "--auto-approve"]).await.expect_code(0);
    assert_eq!(env.sim_names().await, Vec::<(String, String)>::new());
    let state = env.state();
    assert_eq!(
        state["resources"].as_object().map(|m| m.len()),
        Some(0),
        "{state}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_box() {
    round_trip("dev-box", &[("ssh_keys", 1), ("instances", 1)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn training_cluster() {
    round_trip(
        "training-cluster",
        &[
            // two teams, each from `modules/trainer-node`: a script, a firewall, two
            // dataset volumes and two trainers
            ("ssh_keys", 1),
            ("scripts", 2),
            ("firewalls", 2),
            ("volumes", 4),
            ("instances", 4),
        ],
    )
    .await;
}

/// The golden image waits for provisioning: its builder's `ready-when` runs `ssh ...
/// cloud-init status --wait` against the builder's address, here a stub `ssh` first on
/// `PATH` that logs its arguments and succeeds (the retries are `postconditions.rs`'s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_image() {
    let env = Env::new(0.002).await;
    env.copy_example("golden-image");
    let stub = tempfile::tempdir().expect("stub dir");
    let log = stub.path().join("ssh.log");
    let ssh = stub.path().join("ssh");
    std::fs::write(
        &ssh,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", log.display()),
    )
    .expect("stub written");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!(
        "{}:{}",
        stub.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut apply = env.command(&["apply", "--auto-approve"]);
    apply.env("PATH", path);
    support::Run::from(apply.output().await.expect("garrison runs")).expect_code(0);
    let calls = std::fs::read_to_string(&log).expect("ssh ran");
    let state = env.state();
    let ip = state["resources"]["vm.builder"]["attributes"]["public-ip-address"]
        .as_str()
        .expect("the builder has a public IP")
        .to_owned();
    let expected_call = format!(
        "-o BatchMode=yes -o StrictHostKeyChecking=accept-new ubuntu@{ip} cloud-init status --wait"
    );
    assert_eq!(calls.lines().collect::<Vec<_>>(), [&expected_call]);
    check_round_trip(
        &env,
        "golden-image",
        &[
            ("ssh_keys", 1),
            ("scripts", 1),
            ("instances", 4),
            ("snapshots", 1),
            ("images", 1),
        ],
    )
    .await;
}

/// `garrison validate examples/*`: every example at once, exit 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_every_example_at_once() {
    let env = Env::new(0.002).await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let dirs: Vec<String> = ["dev-box", "training-cluster", "golden-image"]
        .iter()
        .map(|d| root.join(d).to_string_lossy().into_owned())
        .collect();
    let args: Vec<&str> = std::iter::once("validate")
        .chain(dirs.iter().map(String::as_str))
        .collect();
    let run = env.run(&args).await.expect_code(0);
    assert_eq!(run.stderr.matches("is valid").count(), 3, "{}", run.stderr);
    // One invalid directory among valid ones makes the whole run fail.
    env.write("vm \"x\" {\n    gpu \"H200\"\n}\n");
    let here = env.path().to_string_lossy().into_owned();
    let mut args = args.clone();
    args.push(&here);
    env.run(&args).await.expect_code(1);
}
