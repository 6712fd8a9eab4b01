//! Day two through the binary: an account made by hand (here by another state, through the
//! API) is brought under Garrison with `garrison import --all --out FILE` and `garrison
//! apply`: the file validates and is formatted for every kind, the apply sends no mutating
//! request, the state holds the very objects (same ids), and the next plan is clean.

mod support;

use std::collections::BTreeMap;

use serde_json::Value;
use support::Env;

/// Objects of every kind, made outside the state under test: keys, a script, a firewall,
/// volumes (data and bootable), VMs linking them, a snapshot and an image, names with spaces.
const HAND_MADE: &str = r##"
provider "barrack" {
    region "US-1"
}
ssh-key "ops" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEhISEhISEhISEhISEhISEhISEhISEhISEhISEhISEhI ops@corp"
}
script "boot" {
    content "#!/bin/sh\necho provisioned\n"
    description "first boot"
}
firewall "web" {
    name "web fw"
    description "https"
    rule direction="ingress" protocol="tcp" port=443 remote="10.0.0.0/8"
}
volume "data" {
    name "team datasets"
    size-gb 200
    description "shared"
}
volume "root" {
    size-gb 100
    bootable #true
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
}
vm "builder" {
    gpu "L40"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.ops"
    startup-script (ref)"script.boot"
    firewalls (ref)"firewall.web"
    volumes (ref)"volume.data"
    public-ip #true
}
vm "rooted" {
    gpu "A40"
    boot-volume (ref)"volume.root"
    ssh-keys (ref)"ssh-key.ops"
}
snapshot "golden" {
    vm (ref)"vm.builder"
}
image "golden" {
    snapshot (ref)"snapshot.golden"
}
vm "worker" {
    gpu "L40"
    image (ref)"image.golden"
    ssh-keys (ref)"ssh-key.ops"
}
"##;

/// Requests per route the emulator has answered so far.
async fn routes(env: &Env) -> BTreeMap<String, u64> {
    let counters = env.counters().await;
    serde_json::from_value(counters["routes"].clone()).expect("routes")
}

/// The routes that change something (anything but GET).
fn mutating(routes: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    routes
        .iter()
        .filter(|(route, _)| !route.starts_with("GET "))
        .map(|(r, n)| (r.clone(), *n))
        .collect()
}

/// `kind -> sorted remote ids` of a state document.
fn ids(state: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for rs in state["resources"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
    {
        out.entry(rs["kind"].as_str().unwrap_or_default().to_string())
            .or_default()
            .push(rs["remote_id"].as_str().unwrap_or_default().to_string());
    }
    out.values_mut().for_each(|v| v.sort());
    out
}

/// The account made by hand: `HAND_MADE` applied from a second directory (another state).
async fn hand_made(env: &Env) -> (tempfile::TempDir, Value) {
    let other = garrison_testkit::dir::temp_dir();
    garrison_testkit::dir::write_main(other.path(), HAND_MADE);
    let dir = other.path().to_str().expect("utf-8").to_string();
    env.run(&["apply", "--auto-approve", &dir])
        .await
        .expect_code(0);
    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(other.path().join(".garrison/state.json")).expect("state"),
    )
    .expect("state json");
    (other, state)
}

/// The two-command path: `import --all --out FILE`, then `apply`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_made_by_hand_comes_under_garrison_in_two_commands() {
    let env = Env::new(0.002).await;
    let (_other, theirs) = hand_made(&env).await;

    let out = env
        .run(&["import", "--all", "--out", "imported.kdl"])
        .await
        .expect_code(0);
    assert!(
        out.stderr.contains("10 objects to import"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("cloud-init"),
        "the file says what it cannot know: {}",
        out.stderr
    );
    let text = std::fs::read_to_string(env.path().join("imported.kdl")).expect("written");
    for kind in [
        "vm", "volume", "firewall", "ssh-key", "script", "snapshot", "image",
    ] {
        assert!(
            text.contains(&format!("\n{kind} \"")),
            "no {kind} block in:\n{text}"
        );
    }
    assert!(text.contains(r#"ssh-keys (ref)"ssh-key.ops""#), "{text}");
    assert!(text.contains(r#"boot-volume (ref)"volume.root""#), "{text}");

    // Valid and formatted, as `validate` and `fmt --check` see it.
    env.run(&["validate"]).await.expect_code(0);
    env.run(&["fmt", "--check"]).await.expect_code(0);
    // A second `--out` to the same file is refused: nothing is overwritten.
    let again = env
        .run(&["import", "--all", "--out", "imported.kdl"])
        .await
        .expect_code(1);
    assert!(again.stderr.contains("exists"), "{}", again.stderr);

    let plan = env.run(&["plan"]).await.expect_code(0);
    assert!(plan.stdout.contains("10 to import"), "{}", plan.stdout);
    assert!(
        plan.stdout
            .contains("0 to add, 0 to change, 0 to replace, 0 to destroy"),
        "{}",
        plan.stdout
    );

    let before = mutating(&routes(&env).await);
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert_eq!(
        mutating(&routes(&env).await),
        before,
        "apply sent a mutating request"
    );
    assert_eq!(
        ids(&env.state()),
        ids(&theirs),
        "the state holds the very objects"
    );

    let clean = env.run(&["plan", "--detailed-exitcode"]).await;
    assert_eq!(clean.code, 0, "{}\n{}", clean.stdout, clean.stderr);
    assert!(clean.stdout.contains("No changes"), "{}", clean.stdout);
}

/// `--kind` narrows the import (what the chosen objects use comes with them), and without
/// `--out` the file goes to stdout; already managed objects are never generated again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_all_filters_by_kind_and_skips_what_the_state_manages() {
    let env = Env::new(0.002).await;
    let _hand = hand_made(&env).await;
    let out = env
        .run(&["import", "--all", "--kind", "volume"])
        .await
        .expect_code(0);
    assert!(
        out.stdout.contains("volume \"team-datasets\""),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("volume \"root\""), "{}", out.stdout);
    assert!(
        !out.stdout.contains("\nvm \""),
        "only volumes:\n{}",
        out.stdout
    );

    std::fs::write(env.path().join("imported.kdl"), &out.stdout).expect("write");
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    let rest = env.run(&["import", "--all"]).await.expect_code(0);
    assert!(
        !rest.stdout.contains("volume \""),
        "volumes are managed now:\n{}",
        rest.stdout
    );
    assert!(
        rest.stdout
            .contains(r#"volumes (ref)"volume.team-datasets""#),
        "{}",
        rest.stdout
    );
}
