//! Object data sources end to end, against the emulator: a volume, an SSH key and an image
//! made by hand (through the API, not by Garrison) are read with `data "volume"`, `data
//! "ssh-key"` and `data "image"`, used by a new VM by id (attached in place too), and
//! survive its destroy untouched; a data source naming nothing is a plan error pointing at
//! the block; reading them costs one list per kind named.

mod support;

use std::time::Duration;

use barrack_api::wire::{CreateImageRequest, CreateSnapshotRequest, DeploymentRequest};
use barrack_api::Id;
use serde_json::Value;
use support::{api, Env};

const PUBLIC_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k";

const CONFIG: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}

data "volume" "dataset" {
    name "imagenet"
    region "NORWAY-1"
}

data "ssh-key" "team" {
    name "team-key"
}

vm "trainer" {
    gpu "RTX-A6000"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"data.ssh-key.team"
    volumes (ref)"data.volume.dataset"
}

output "dataset-gb" {
    value (ref)"data.volume.dataset.size-gb"
}
"#;

/// A volume and a key made with the API; their ids.
async fn hand_made(env: &Env) -> (String, String) {
    let api = api(env);
    let volume = support::hand_made_volume(&api, "imagenet", 300).await;
    let key = support::hand_made_key(&api, "team-key", PUBLIC_KEY).await;
    (volume, key)
}

/// The emulator's object of `kind` named `name`, if any.
async fn object(env: &Env, kind: &str, name: &str) -> Option<Value> {
    let state = env.sim_state().await;
    state[kind]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["name"] == name)
        .cloned()
}

/// The ids of the volumes attached to an emulator VM.
fn attached(vm: &Value) -> Vec<String> {
    vm["volume_attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| text(&a["volume_id"]))
        .collect()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_made_volume_and_key_are_attached_by_id_and_survive_the_destroy() {
    let env = Env::new(0.002).await;
    let (volume_id, key_id) = hand_made(&env).await;
    env.write(CONFIG);

    let plan = env.run(&["plan"]).await.expect_code(0);
    assert!(plan.stdout.contains("1 to add"), "{}", plan.stdout);
    assert!(
        plan.stdout
            .contains(&format!("volume(id {volume_id}, unmanaged)")),
        "{}",
        plan.stdout
    );
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);

    let vm = object(&env, "instances", "trainer").await.expect("vm made");
    let vm_text = vm.to_string();
    assert!(
        vm_text.contains(&volume_id),
        "volume not attached: {vm_text}"
    );
    assert!(vm_text.contains(&key_id), "key not used: {vm_text}");
    let volume = object(&env, "volumes", "imagenet").await.expect("volume");
    assert_eq!(volume["status"], "in-use", "{volume}");
    // The state manages only the VM; the output read the data source.
    let state = env.state();
    let managed: Vec<&String> = state["resources"]
        .as_object()
        .expect("resources")
        .keys()
        .collect();
    assert_eq!(managed, ["vm.trainer"], "{state}");
    let out = env.run(&["output", "dataset-gb"]).await.expect_code(0);
    assert_eq!(out.stdout.trim(), "300", "{}", out.stdout);
    // Converged: the attachment by id reads back as planned.
    env.run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(0);
    // `graph --plan` reads the data sources as `plan` does: the same empty plan.
    let graph = env.run(&["graph", "--plan"]).await.expect_code(0);
    assert!(graph.stderr.contains("No changes"), "{}", graph.stderr);

    env.run(&["destroy", "--auto-approve"]).await.expect_code(0);
    assert!(object(&env, "instances", "trainer").await.is_none());
    let volume = object(&env, "volumes", "imagenet")
        .await
        .expect("volume kept");
    assert_eq!(text(&volume["id"]), volume_id);
    assert_eq!(volume["status"], "available", "{volume}");
    let key = object(&env, "ssh_keys", "team-key")
        .await
        .expect("key kept");
    assert_eq!(text(&key["id"]), key_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_source_naming_nothing_is_a_plan_error() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let plan = env.run(&["plan"]).await.expect_code(1);
    assert!(
        plan.stderr
            .contains("no volume named `imagenet` in region `NORWAY-1` in the account"),
        "{}",
        plan.stderr
    );
    assert!(plan.stderr.contains("data_not_found"), "{}", plan.stderr);
    assert!(plan.stderr.contains("main.kdl"), "{}", plan.stderr);
    // Nothing was made.
    assert!(env.sim_names().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_the_data_sources_are_not_read() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let validate = env.run(&["validate"]).await.expect_code(0);
    assert!(
        validate.stderr.contains("data_not_read"),
        "{}",
        validate.stderr
    );
    let plan = env.run(&["plan", "--refresh=false"]).await.expect_code(1);
    assert!(plan.stderr.contains("--refresh=false"), "{}", plan.stderr);
}

/// Requests per route the emulator has answered so far.
async fn routes(env: &Env) -> std::collections::BTreeMap<String, u64> {
    serde_json::from_value(env.counters().await["routes"].clone()).expect("routes")
}

/// Reading the data sources costs one list per kind they name, never a request per object:
/// a plan lists volumes and SSH keys twice (the data sources, then the refresh) and every
/// other kind once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_sources_cost_one_list_per_kind_they_name() {
    let env = Env::new(0.002).await;
    hand_made(&env).await;
    env.write(CONFIG);
    let before = routes(&env).await;
    env.run(&["plan"]).await.expect_code(0);
    let after = routes(&env).await;
    let made: std::collections::BTreeMap<&String, u64> = after
        .iter()
        .map(|(r, n)| (r, n - before.get(r).copied().unwrap_or_default()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let lists = |needle: &str| {
        made.iter()
            .filter(|(r, _)| r.starts_with("GET ") && r.ends_with(needle))
            .map(|(_, n)| *n)
            .sum::<u64>()
    };
    assert_eq!(lists("/volumes"), 2, "{made:?}");
    assert_eq!(lists("/ssh-keys"), 2, "{made:?}");
    assert_eq!(lists("/instances"), 1, "{made:?}");
    assert!(
        !made.keys().any(|r| r.contains("{id}") || r.contains(":id")),
        "a request per object: {made:?}"
    );
}

/// An existing VM gets a data volume in place (attached by id), then lets go of it
/// (detached, never deleted).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_volume_is_attached_and_detached_in_place() {
    let env = Env::new(0.002).await;
    let (volume_id, _) = hand_made(&env).await;
    let without = CONFIG.replace("    volumes (ref)\"data.volume.dataset\"\n", "");
    env.write(&without);
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    let vm = object(&env, "instances", "trainer").await.expect("vm made");
    assert_eq!(vm["volume_attachments"], serde_json::json!([]), "{vm}");

    env.write(CONFIG);
    let plan = env.run(&["plan"]).await.expect_code(0);
    assert!(plan.stdout.contains("1 to change"), "{}", plan.stdout);
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    let volume = object(&env, "volumes", "imagenet").await.expect("volume");
    assert_eq!(volume["status"], "in-use", "{volume}");
    let vm = object(&env, "instances", "trainer").await.expect("vm");
    assert_eq!(attached(&vm), std::slice::from_ref(&volume_id), "{vm}");
    env.run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(0);

    env.write(&without);
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    let volume = object(&env, "volumes", "imagenet")
        .await
        .expect("volume kept");
    assert_eq!(volume["status"], "available", "{volume}");
    assert!(object(&env, "instances", "trainer").await.is_some());
}

/// An image built elsewhere (a VM, its snapshot and the image, all made with the API):
/// `data "image"` boots a new VM from it by id, and the plan after is clean.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vm_boots_from_an_image_built_elsewhere() {
    let env = Env::new(0.002).await;
    let (_, key_id) = hand_made(&env).await;
    let api = api(&env);
    let wait = Duration::from_secs(30);
    let deployed = api
        .deploy_instance(&DeploymentRequest {
            name: "their-builder".into(),
            region: "NORWAY-1".into(),
            gpu_model: "RTX-A6000".into(),
            gpu_count: 1,
            image_name: Some("Ubuntu Server 22.04 LTS R550 CUDA 12.4".into()),
            ssh_key_ids: vec![Id::new(&key_id)],
            count: Some(1),
            ..DeploymentRequest::default()
        })
        .await
        .expect("vm deployed")
        .value;
    let vm = deployed.instances[0].id.clone();
    api.wait_instance_status(&vm, &["ACTIVE"], wait)
        .await
        .expect("active");
    let snapshot = api
        .create_snapshot(&CreateSnapshotRequest {
            instance_id: vm,
            name: "their-snapshot".into(),
            description: String::new(),
        })
        .await
        .expect("snapshot")
        .value
        .id;
    api.wait_snapshot_ready(&snapshot, wait)
        .await
        .expect("snapshot ready");
    let image = api
        .create_image_from_snapshot(
            &snapshot,
            &CreateImageRequest {
                name: "golden-2026-12".into(),
                description: String::new(),
            },
        )
        .await
        .expect("image")
        .value
        .id;
    api.wait_image_ready(&image, wait)
        .await
        .expect("image ready");

    env.write(
        r#"
provider "barrack" {
    region "NORWAY-1"
}

data "image" "golden" {
    name "golden-2026-12"
}

data "ssh-key" "team" {
    name "team-key"
}

vm "worker" {
    gpu "RTX-A6000"
    image (ref)"data.image.golden"
    ssh-keys (ref)"data.ssh-key.team"
}
"#,
    );
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    let worker = object(&env, "instances", "worker")
        .await
        .expect("worker made");
    assert_eq!(text(&worker["image"]["id"]), image.to_string(), "{worker}");
    env.run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(0);
    env.run(&["destroy", "--auto-approve"]).await.expect_code(0);
    assert!(object(&env, "images", "golden-2026-12").await.is_some());
}

const MODULE: &str = r#"
variable "team"
variable "key"

data "volume" "dataset" {
    name "imagenet"
}

vm "node" {
    name "${var.team}-node"
    gpu "RTX-A6000"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"var.key"
    volumes (ref)"data.volume.dataset"
}

output "dataset-gb" (ref)"data.volume.dataset.size-gb"
"#;

const CALLER: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}

data "ssh-key" "team" {
    name "team-key"
}

module "vision" source="./modules/node" {
    team "vision"
    key (ref)"data.ssh-key.team.id"
}

output "dataset-gb" (ref)"module.vision.dataset-gb"
"#;

/// A data source inside a module is read at plan time like the root's (the plan never
/// leaves out what uses it), and a root data source passed as a module input is attached
/// by id inside the module.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_sources_work_inside_modules_and_as_module_inputs() {
    let env = Env::new(0.002).await;
    let (volume_id, key_id) = hand_made(&env).await;
    std::fs::create_dir_all(env.path().join("modules/node")).expect("module dir");
    std::fs::write(env.path().join("modules/node/main.kdl"), MODULE).expect("module");
    env.write(CALLER);
    let plan = env.run(&["plan"]).await.expect_code(0);
    assert!(
        plan.stdout
            .contains(&format!("volume(id {volume_id}, unmanaged)"))
            && plan
                .stdout
                .contains(&format!("ssh-key(id {key_id}, unmanaged)"))
            && plan.stdout.contains("+ dataset-gb = 300"),
        "{}",
        plan.stdout
    );
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    let vm = object(&env, "instances", "vision-node")
        .await
        .expect("VM made");
    assert_eq!(attached(&vm), [volume_id]);
    env.run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(0);
}
