//! Through the binary: edits plan exactly what changed, with the right action and reason,
//! then apply and come back clean; drift; saved plans; exit codes; plan snapshots.

mod support;

use serde_json::Value;
use support::{Env, API_KEY};

const CONFIG: &str = r##"
provider "barrack" {
    region "NORWAY-1"
}

ssh-key "ops" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f ops@example"
}

script "boot" {
    content "#!/bin/sh\necho hello\n"
}

firewall "fw" {
    description "ssh"
    rule direction="ingress" protocol="tcp" port=22 remote="10.0.0.0/8"
}

volume "data" {
    size-gb 500
}

volume "logs" {
    size-gb 100
}

vm "box" {
    gpu "H100-SXM5-80GB" count=1
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.ops"
    startup-script (ref)"script.boot"
    firewalls (ref)"firewall.fw"
    volumes (ref)"volume.data"
    public-ip #true
}
"##;

/// `plan --json`: `(address, action)` of every change, and the whole document.
async fn plan_json(env: &Env) -> (Vec<(String, String)>, Value) {
    let run = env.run(&["plan", "--json"]).await.expect_code(0);
    let doc: Value = serde_json::from_str(&run.stdout).expect("plan JSON");
    let actions = doc["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["address"].as_str().unwrap_or_default().to_string(),
                c["action"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (actions, doc)
}

async fn apply_and_expect_clean(env: &Env) {
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    env.run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(0);
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_plan_exactly_what_changed() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let (actions, _) = plan_json(&env).await;
    assert_eq!(actions.len(), 6, "{actions:?}");
    env.run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(2);
    apply_and_expect_clean(&env).await;

    // Grow a volume: update in place.
    env.edit("main.kdl", |t| t.replace("size-gb 500", "size-gb 800"));
    let (actions, doc) = plan_json(&env).await;
    assert_eq!(actions, pairs(&[("volume.data", "update")]));
    let attr = &doc["changes"][0]["attrs"][0];
    assert_eq!(
        (attr["name"].as_str(), attr["before"].as_u64()),
        (Some("size-gb"), Some(500))
    );
    apply_and_expect_clean(&env).await;
    let volumes = env.sim_state().await["volumes"].clone();
    assert!(
        volumes
            .as_array()
            .into_iter()
            .flatten()
            .any(|v| v["size"] == 800),
        "{volumes}"
    );

    // Hibernate the VM: update in place.
    env.edit("main.kdl", |t| {
        t.replace(
            "public-ip #true",
            "public-ip #true\n    power \"hibernated\"",
        )
    });
    let (actions, _) = plan_json(&env).await;
    assert_eq!(actions, pairs(&[("vm.box", "update")]));
    apply_and_expect_clean(&env).await;
    let vm = &env.sim_state().await["instances"][0];
    assert_eq!(vm["status"], "HIBERNATED", "{vm}");

    // Add a firewall rule: update in place.
    env.edit("main.kdl", |t| {
        t.replace(
            "port=22 remote=\"10.0.0.0/8\"",
            "port=22 remote=\"10.0.0.0/8\"\n    rule direction=\"ingress\" protocol=\"tcp\" ports=\"8888..8890\" remote=\"10.0.0.0/8\"",
        )
    });
    let (actions, _) = plan_json(&env).await;
    assert_eq!(actions, pairs(&[("firewall.fw", "update")]));
    apply_and_expect_clean(&env).await;
    let fw = &env.sim_state().await["firewalls"][0];
    assert_eq!(fw["rules"].as_array().map(Vec::len), Some(2), "{fw}");

    // Wake it up and change the GPU model: a replace, with the reason.
    env.edit("main.kdl", |t| {
        t.replace("    power \"hibernated\"\n", "")
            .replace("\"H100-SXM5-80GB\" count=1", "\"A100-PCIe-80GB\" count=1")
    });
    let (actions, doc) = plan_json(&env).await;
    assert_eq!(actions, pairs(&[("vm.box", "replace")]));
    let reasons = doc["changes"][0]["reasons"].to_string();
    assert!(reasons.contains("gpu-model"), "{reasons}");
    let text = env.run(&["plan"]).await.expect_code(0).stdout;
    assert!(
        text.contains("gpu-model") && text.contains("forces replacement"),
        "{text}"
    );
    apply_and_expect_clean(&env).await;
    let vm = &env.sim_state().await["instances"][0];
    assert_eq!(vm["gpu_model"], "A100-PCIe-80GB");

    // Remove a resource: delete.
    env.edit("main.kdl", |t| {
        t.replace("volume \"logs\" {\n    size-gb 100\n}\n", "")
    });
    let (actions, _) = plan_json(&env).await;
    assert_eq!(actions, pairs(&[("volume.logs", "delete")]));
    apply_and_expect_clean(&env).await;
    assert_eq!(
        env.sim_state().await["volumes"].as_array().map(Vec::len),
        Some(1)
    );

    env.run(&["destroy", "--auto-approve"]).await.expect_code(0);
    assert!(env.sim_names().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_shows_in_the_plan() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    apply_and_expect_clean(&env).await;
    let script_id = env.sim_state().await["scripts"][0]["id"].to_string();
    env.drift(
        "scripts",
        &script_id,
        serde_json::json!({"description": "edited in the console"}),
    )
    .await;
    let run = env
        .run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(2);
    assert!(
        run.stdout.contains("Changed outside Garrison"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("edited in the console"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("script.boot will be updated in place"),
        "{}",
        run.stdout
    );
    apply_and_expect_clean(&env).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_plans_apply_once_and_refuse_when_stale() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let plan_file = env.path().join("reviewed.plan");
    let plan_arg = plan_file.to_string_lossy().into_owned();
    env.run(&["plan", "--out", &plan_arg]).await.expect_code(0);
    let saved = std::fs::read_to_string(&plan_file).expect("saved plan");
    assert!(!saved.contains(API_KEY));
    env.run(&["apply", &plan_arg]).await.expect_code(0);
    let again = env.run(&["apply", &plan_arg]).await.expect_code(1);
    assert!(again.stderr.contains("stale"), "{}", again.stderr);
    env.run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_and_refusals() {
    let env = Env::new(0.002).await;
    env.write("vm \"x\" {\n    gpu \"H200\"\n}\n");
    let run = env.run(&["validate"]).await.expect_code(1);
    assert!(run.stderr.contains("garrison::config::"), "{}", run.stderr);
    let run = env.run(&["plan"]).await.expect_code(1);
    assert!(run.stderr.contains("invalid"), "{}", run.stderr);

    env.write(CONFIG);
    // No TTY and no --auto-approve: refuse, change nothing.
    let run = env.run(&["apply"]).await.expect_code(1);
    assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    assert!(env.sim_names().await.is_empty());

    // A wrong key: a one-line cause and a hint, never the key.
    let mut cmd = env.command(&["plan"]);
    cmd.env("BARRACK_API_KEY", "wrong-key-0000");
    let run = support::Run::from(cmd.output().await.expect("runs")).expect_code(1);
    assert!(run.stderr.contains("401"), "{}", run.stderr);
    assert!(!run.stderr.contains("wrong-key-0000") && !run.stderr.contains(API_KEY));

    // No key at all.
    let mut cmd = env.command(&["plan"]);
    cmd.env_remove("BARRACK_API_KEY");
    let run = support::Run::from(cmd.output().await.expect("runs")).expect_code(1);
    assert!(run.stderr.contains("BARRACK_API_KEY"), "{}", run.stderr);
}

/// The plan as people read it: text, JSON and Markdown, as snapshots.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_renderings() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    env.edit("main.kdl", |t| {
        t.replace("size-gb 500", "size-gb 800")
            .replace("echo hello", "echo hello world")
            .replace("\"H100-SXM5-80GB\" count=1", "\"A100-PCIe-80GB\" count=1")
            .replace("volume \"logs\" {\n    size-gb 100\n}\n", "")
    });
    let filters = vec![
        (r"[0-9a-f]{64}", "[HASH]"),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "[UUID]",
        ),
        (r#""remote_id": "\d+""#, r#""remote_id": "[ID]""#),
    ];
    let text = env.run(&["plan"]).await.expect_code(0).stdout;
    let json = env.run(&["plan", "--json"]).await.expect_code(0).stdout;
    let markdown = env.run(&["plan", "--markdown"]).await.expect_code(0).stdout;
    insta::with_settings!({ filters => filters }, {
        insta::assert_snapshot!("plan_text", text);
        insta::assert_snapshot!("plan_json", json);
        insta::assert_snapshot!("plan_markdown", markdown);
    });
}
