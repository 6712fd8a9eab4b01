//! Day two through the binary, against the emulator: `import` blocks and `garrison import`,
//! `moved` and `removed` blocks, `--replace`, `--target`, `--exclude` and `--refresh-only`.
//! Every claim is checked in the emulator (ids, names, attributes, the mutating requests it
//! counted) and in the state file; every refusal is a diagnostic that changes neither.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use barrack_api::wire::DeploymentRequest;
use barrack_api::{Client, Id};
use serde_json::{json, Value};
use support::{api, hand_made_volume, Env, Run};

const PUBLIC_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k";
const IMAGE: &str = "Ubuntu Server 22.04 LTS R550 CUDA 12.4";

/// A config: the provider and one SSH key, then `body` (`@KEY@` and `@IMAGE@` filled in).
fn config(body: &str) -> String {
    let head = r#"
provider "barrack" {
    region "NORWAY-1"
}

ssh-key "k" {
    public-key "@KEY@"
}
"#;
    format!("{head}{body}")
        .replace("@KEY@", PUBLIC_KEY)
        .replace("@IMAGE@", IMAGE)
}

/// A fresh emulator (small time scale) with `body` written and applied.
async fn applied(body: &str) -> Env {
    let env = Env::new(0.002).await;
    env.write(&config(body));
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    env
}

// --- what the emulator and the state hold ---------------------------------------------

/// `(kind, id, name)` of every object in the emulator, sorted.
async fn objects(env: &Env) -> Vec<(String, String, String)> {
    let state = env.sim_state().await;
    let mut all = Vec::new();
    for kind in ["instances", "volumes", "ssh_keys", "scripts", "firewalls"] {
        for o in state[kind].as_array().into_iter().flatten() {
            all.push((kind.to_string(), text(&o["id"]), text(&o["name"])));
        }
    }
    all.sort();
    all
}

/// One object of the emulator by kind and name (panics when absent).
async fn object(env: &Env, kind: &str, name: &str) -> Value {
    let state = env.sim_state().await;
    state[kind]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no {kind} `{name}` in the emulator: {state:#}"))
}

/// Mutating requests (POST, PUT, PATCH, DELETE) the emulator has answered so far.
async fn mutations(env: &Env) -> u64 {
    let counters = env.counters().await;
    counters["routes"]
        .as_object()
        .expect("counters per route")
        .iter()
        .filter(|(route, _)| {
            ["POST ", "PUT ", "PATCH ", "DELETE "]
                .iter()
                .any(|m| route.starts_with(m))
        })
        .map(|(_, n)| n.as_u64().unwrap_or_default())
        .sum()
}

/// Address -> remote id of every state entry.
fn state_ids(env: &Env) -> BTreeMap<String, String> {
    env.state()["resources"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(a, rs)| (a.clone(), text(&rs["remote_id"])))
        .collect()
}

fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

// --- the checks -------------------------------------------------------------------------

/// Runs `garrison ARGS`, which must succeed without a single mutating request, leaving the
/// emulator's objects as they were.
async fn untouched(env: &Env, args: &[&str]) -> Run {
    let (before, calls) = (objects(env).await, mutations(env).await);
    let run = env.run(args).await.expect_code(0);
    assert_eq!(mutations(env).await, calls, "{args:?} changed the cloud");
    assert_eq!(objects(env).await, before, "{args:?} changed the cloud");
    run
}

/// Runs `garrison ARGS`, which must be refused: exit 1, a first line `error: ...` naming
/// `cause`, a `hint: ` line, and neither the state nor the emulator changed.
async fn refused(env: &Env, args: &[&str], cause: &str) -> Run {
    let state = env.state_text();
    let (before, calls) = (objects(env).await, mutations(env).await);
    let run = env.run(args).await.expect_code(1);
    let first = run.stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: "), "{args:?}: {}", run.stderr);
    assert!(run.stderr.contains(cause), "{args:?}: {}", run.stderr);
    assert!(run.stderr.contains("hint: "), "{args:?}: {}", run.stderr);
    assert_eq!(env.state_text(), state, "{args:?} changed the state");
    assert_eq!(mutations(env).await, calls, "{args:?} called the cloud");
    assert_eq!(objects(env).await, before, "{args:?} changed the cloud");
    run
}

/// `plan --detailed-exitcode` says nothing is left to do.
async fn clean(env: &Env) {
    let run = env.run(&["plan", "--detailed-exitcode"]).await;
    assert_eq!(run.code, 0, "not clean:\n{}\n{}", run.stdout, run.stderr);
}

// --- hand-made objects (made with the API, unknown to Garrison) -----------------------

async fn hand_made_key(api: &Client, name: &str) -> String {
    support::hand_made_key(api, name, PUBLIC_KEY).await
}

async fn hand_made_vm(api: &Client, name: &str, key: &str) -> String {
    let deployed = api
        .deploy_instance(&DeploymentRequest {
            name: name.into(),
            region: "NORWAY-1".into(),
            gpu_model: "RTX-A6000".into(),
            gpu_count: 1,
            image_name: Some(IMAGE.into()),
            ssh_key_ids: vec![Id::new(key)],
            count: Some(1),
            ..DeploymentRequest::default()
        })
        .await
        .expect("vm deployed")
        .value;
    let id = deployed.instances[0].id.clone();
    api.wait_instance_status(&id, &["ACTIVE"], Duration::from_secs(20))
        .await
        .expect("vm active");
    id.to_string()
}

// --- import -------------------------------------------------------------------------------

const IMPORTED: &str = r#"
vm "trainer" count=1 {
    gpu "RTX-A6000"
    image "@IMAGE@"
    ssh-keys (ref)"ssh-key.k"
}

volume "data" {
    name "team datasets"
    size-gb 200
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_blocks_by_id_and_by_name_then_the_blocks_can_go() {
    let env = Env::new(0.002).await;
    let api = api(&env);
    let key = hand_made_key(&api, "k").await;
    // Named unlike the config's default (`trainer-0`): an imported object keeps its name.
    let vm = hand_made_vm(&api, "legacy-trainer", &key).await;
    let volume = hand_made_volume(&api, "team datasets", 100).await;
    let blocks = format!(
        "import to=\"ssh-key.k\" name=\"k\"\nimport to=\"vm.trainer[0]\" id=\"{vm}\"\nimport to=\"volume.data\" name=\"team datasets\"\n"
    );
    env.write(&config(&format!("{IMPORTED}{blocks}")));

    let plan = untouched(&env, &["plan"]).await.stdout;
    assert!(
        plan.contains("Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy, 3 to import."),
        "{plan}"
    );
    assert!(
        plan.contains(&format!("vm.trainer[0] will be imported (vm id {vm})\n")),
        "{plan}"
    );
    assert!(
        plan.contains(&format!("ssh-key.k will be imported (ssh-key id {key})\n")),
        "{plan}"
    );
    // The diff that follows the import (the config wants 200 GB).
    assert!(
        plan.contains(&format!(
            "volume.data will be imported (volume id {volume}) and will be updated in place"
        )),
        "{plan}"
    );
    assert!(plan.contains("size-gb   100 -> 200"), "{plan}");

    let calls = mutations(&env).await;
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert_eq!(
        mutations(&env).await,
        calls + 1,
        "the resize is the only call"
    );
    let ids = state_ids(&env);
    let wanted: BTreeMap<String, String> = [
        ("ssh-key.k", &key),
        ("vm.trainer[0]", &vm),
        ("volume.data", &volume),
    ]
    .into_iter()
    .map(|(a, id)| (a.to_string(), id.clone()))
    .collect();
    assert_eq!(ids, wanted);
    assert_eq!(
        env.state()["resources"]["vm.trainer[0]"]["name"],
        "legacy-trainer"
    );
    assert_eq!(object(&env, "volumes", "team datasets").await["size"], 200);
    assert_eq!(objects(&env).await.len(), 3, "nothing was created");

    // Done: the blocks are no-ops, and can be removed.
    clean(&env).await;
    env.write(&config(IMPORTED));
    clean(&env).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_command_records_one_object_and_plan_is_clean() {
    let env = Env::new(0.002).await;
    let api = api(&env);
    let id = hand_made_volume(&api, "scratch", 100).await;
    env.write(&config("volume \"x\" {\n    size-gb 100\n}\n"));
    // The key is Garrison's to create; the volume is imported as it is.
    env.run(&["apply", "--auto-approve", "--target", "ssh-key.k"])
        .await
        .expect_code(0);

    let run = untouched(&env, &["import", "volume.x", &id]).await;
    assert!(
        run.stderr.contains(&format!(
            "Imported volume `scratch` (id {id}) as `volume.x`: recorded in the state; nothing in the cloud changed."
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Its config matches"), "{}", run.stderr);
    assert_eq!(state_ids(&env)["volume.x"], id);
    // The name is defaulted: the object keeps its own.
    clean(&env).await;
    let again = untouched(&env, &["import", "volume.x", &id]).await;
    assert!(
        again.stderr.contains(&format!(
            "`volume.x` already holds volume {id}: nothing to import."
        )),
        "{}",
        again.stderr
    );
}

// --- moved ---------------------------------------------------------------------------------

const BOX: &str = r#"
    gpu "RTX-A6000"
    image "@IMAGE@"
    ssh-keys (ref)"ssh-key.k"
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moved_label_keeps_the_vm_with_no_cloud_call() {
    // No `name`: the cloud name is the label, `a`.
    let env = applied(&format!("vm \"a\" {{{BOX}")).await;
    let id = state_ids(&env)["vm.a"].clone();

    env.write(&config(&format!(
        "vm \"b\" {{{BOX}\nmoved from=\"vm.a\" to=\"vm.b\"\n"
    )));
    let plan = untouched(&env, &["plan"]).await.stdout;
    assert!(
        plan.contains("Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 1 to move."),
        "{plan}"
    );
    assert!(plan.contains("vm.a has moved to vm.b"), "{plan}");
    untouched(&env, &["apply", "--auto-approve"]).await;
    let ids = state_ids(&env);
    assert_eq!(ids.get("vm.b"), Some(&id), "{ids:?}");
    assert!(!ids.contains_key("vm.a"), "{ids:?}");
    assert_eq!(text(&object(&env, "instances", "a").await["id"]), id);
    clean(&env).await;

    // The block can go: the object keeps its name `a` under `vm.b`.
    env.write(&config(&format!("vm \"b\" {{{BOX}")));
    clean(&env).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn count_to_for_each_with_moved_blocks_keeps_every_object() {
    let env = applied("volume \"data\" count=2 {\n    size-gb 100\n}\n").await;
    let before = state_ids(&env);

    // A key with a quote in it: written in raw strings, escaped in addresses. (A name
    // cannot hold a quote, so each instance names itself.)
    let body = r##"
locals {
    names {
        x "data-0"
        "we\"ird" "data-1"
    }
}

volume "data" for-each=(ref)"local.names" {
    name (ref)"each.value"
    size-gb 100
}

moved from="volume.data[0]" to=#"volume.data["x"]"#
moved from="volume.data[1]" to=#"volume.data["we\"ird"]"#
"##;
    env.write(&config(body));
    let plan = untouched(&env, &["plan"]).await.stdout;
    assert!(
        plan.contains("Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 2 to move."),
        "{plan}"
    );
    assert!(
        plan.contains(r#"volume.data[1] has moved to volume.data["we\"ird"]"#),
        "{plan}"
    );
    untouched(&env, &["apply", "--auto-approve"]).await;
    let after = state_ids(&env);
    assert_eq!(
        after.get(r#"volume.data["x"]"#),
        before.get("volume.data[0]")
    );
    assert_eq!(
        after.get(r#"volume.data["we\"ird"]"#),
        before.get("volume.data[1]")
    );
    assert_eq!(after.len(), 3, "{after:?}");
    // The objects keep their names (`data-0`, `data-1`).
    object(&env, "volumes", "data-0").await;
    object(&env, "volumes", "data-1").await;
    clean(&env).await;

    // The odd key is an address on the command line too.
    let plan = untouched(&env, &["plan", "--replace", r#"volume.data["we\"ird"]"#])
        .await
        .stdout;
    assert!(
        plan.contains(r#"-/+ volume.data["we\"ird"] will be replaced"#),
        "{plan}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adding_count_with_a_moved_block_keeps_the_object() {
    let env = applied("volume \"c\" {\n    size-gb 100\n}\n").await;
    let id = state_ids(&env)["volume.c"].clone();

    // The one object becomes instance 0 (keeping its name `c`); instance 1 is new.
    env.write(&config(
        "volume \"c\" count=2 {\n    size-gb 100\n}\nmoved from=\"volume.c\" to=\"volume.c[0]\"\n",
    ));
    let plan = untouched(&env, &["plan"]).await.stdout;
    assert!(
        plan.contains("Plan: 1 to add, 0 to change, 0 to replace, 0 to destroy, 1 to move."),
        "{plan}"
    );
    let calls = mutations(&env).await;
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert_eq!(
        mutations(&env).await,
        calls + 1,
        "only `volume.c[1]` is created"
    );
    let ids = state_ids(&env);
    assert_eq!(ids.get("volume.c[0]"), Some(&id), "{ids:?}");
    assert_eq!(text(&object(&env, "volumes", "c").await["id"]), id);
    object(&env, "volumes", "c-1").await;
    clean(&env).await;

    // A block is not an instance: moving the block `volume.c` (its two instances) to one
    // instance is refused, never a silent destroy of both.
    env.write(&config(
        "volume \"d\" count=2 {\n    size-gb 100\n}\nmoved from=\"volume.c\" to=\"volume.d[0]\"\n",
    ));
    for args in [&["plan"][..], &["apply", "--auto-approve"]] {
        refused(&env, args, "`volume.c` is a block").await;
    }
}

// --- removed -------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removed_without_destroy_keeps_the_objects_out_of_the_state() {
    let env = applied(
        "volume \"keep\" count=2 {\n    size-gb 100\n}\nvolume \"other\" {\n    size-gb 100\n}\n",
    )
    .await;
    let cloud = objects(&env).await;

    // A block address with `count`: every instance.
    env.write(&config(
        "volume \"other\" {\n    size-gb 100\n}\nremoved from=\"volume.keep\" destroy=#false\n",
    ));
    let plan = untouched(&env, &["plan"]).await.stdout;
    assert!(
        plan.contains("Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 2 to forget."),
        "{plan}"
    );
    assert!(
        plan.contains("x volume.keep[1] will be removed from state (the object is kept)"),
        "{plan}"
    );
    untouched(&env, &["apply", "--auto-approve"]).await;
    assert_eq!(objects(&env).await, cloud);
    let ids = state_ids(&env);
    assert_eq!(
        ids.keys().collect::<Vec<_>>(),
        ["ssh-key.k", "volume.other"],
        "{ids:?}"
    );
    clean(&env).await;
    env.write(&config("volume \"other\" {\n    size-gb 100\n}\n"));
    clean(&env).await;
}

// --- --replace -----------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_one_node_of_four_replaces_exactly_that_one() {
    let env = applied(&format!("vm \"node\" count=4 {{{BOX}")).await;
    let before = state_ids(&env);

    let plan = untouched(&env, &["plan", "--replace", "vm.node[2]"])
        .await
        .stdout;
    assert!(
        plan.contains("Plan: 0 to add, 0 to change, 1 to replace, 0 to destroy."),
        "{plan}"
    );
    env.run(&["apply", "--auto-approve", "--replace", "vm.node[2]"])
        .await
        .expect_code(0);
    let after = state_ids(&env);
    for address in ["vm.node[0]", "vm.node[1]", "vm.node[3]", "ssh-key.k"] {
        assert_eq!(after[address], before[address], "{address} was replaced");
    }
    assert_ne!(after["vm.node[2]"], before["vm.node[2]"]);
    let instances: Vec<String> = objects(&env)
        .await
        .into_iter()
        .filter(|(k, _, _)| k == "instances")
        .map(|(_, id, _)| id)
        .collect();
    assert_eq!(instances.len(), 4, "{instances:?}");
    assert!(instances.contains(&after["vm.node[2]"]));
    assert!(!instances.contains(&before["vm.node[2]"]));
    clean(&env).await;
}

// --- --target and --exclude ----------------------------------------------------------------

const SCOPED: &str = r#"
script "boot" {
    content "echo hi"
    description "@DESC@"
}

volume "a" {
    size-gb @SIZE@
}

volume "b" {
    size-gb @SIZE@
}

vm "box" {
    gpu "RTX-A6000"
    image "@IMAGE@"
    ssh-keys (ref)"ssh-key.k"
    startup-script (ref)"script.boot"
    volumes (ref)"volume.a"
}
"#;

/// `SCOPED` at version 1 or 2: the script's description and the volumes' size change (in
/// place).
fn scoped(version: u32) -> String {
    config(
        &SCOPED
            .replace("@DESC@", &format!("v{version}"))
            .replace("@SIZE@", &(100 * version).to_string()),
    )
}

/// `(kind, name, what a version changes)` of every object in the emulator: a script's
/// description, a volume's size.
async fn versions(env: &Env) -> Vec<(String, String, String)> {
    let state = env.sim_state().await;
    let mut out = Vec::new();
    for (kind, field) in [
        ("scripts", "description"),
        ("volumes", "size"),
        ("instances", "id"),
        ("ssh_keys", "id"),
    ] {
        for o in state[kind].as_array().into_iter().flatten() {
            let value = if field == "id" {
                "-".into()
            } else {
                text(&o[field])
            };
            out.push((kind.to_string(), text(&o["name"]), value));
        }
    }
    out.sort();
    out
}

fn row(kind: &str, name: &str, value: &str) -> (String, String, String) {
    (kind.into(), name.into(), value.into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn target_and_exclude_change_exactly_their_objects() {
    let env = Env::new(0.002).await;
    env.write(&scoped(1));

    // The VM and what it depends on: not `volume.b`.
    let run = env
        .run(&["apply", "--auto-approve", "--target", "vm.box"])
        .await
        .expect_code(0);
    assert!(
        run.stdout
            .contains("warning: this plan is partial (--target vm.box): 1 change outside it"),
        "{}",
        run.stdout
    );
    assert_eq!(
        versions(&env).await,
        [
            row("instances", "box", "-"),
            row("scripts", "boot", "v1"),
            row("ssh_keys", "k", "-"),
            row("volumes", "a", "100"),
        ]
    );

    // Everything but `volume.a` and what depends on it (`vm.box`): `volume.b` is created and
    // the script updated; `volume.a` keeps its 100 GB.
    env.write(&scoped(2));
    let run = env
        .run(&["apply", "--auto-approve", "--exclude", "volume.a"])
        .await
        .expect_code(0);
    assert!(
        run.stdout
            .contains("warning: this plan is partial (--exclude volume.a): 1 change outside it"),
        "{}",
        run.stdout
    );
    assert_eq!(
        versions(&env).await,
        [
            row("instances", "box", "-"),
            row("scripts", "boot", "v2"),
            row("ssh_keys", "k", "-"),
            row("volumes", "a", "100"),
            row("volumes", "b", "200"),
        ]
    );
    let plan = env.run(&["plan"]).await.expect_code(0).stdout;
    assert!(
        plan.contains("Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy."),
        "{plan}"
    );
    assert!(
        plan.contains("~ volume.a will be updated in place"),
        "{plan}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_targeted_plan_applies_exactly_that() {
    let env = Env::new(0.002).await;
    env.write(&scoped(1));
    untouched(&env, &["plan", "--target", "volume.b", "--out", "b.plan"]).await;
    refused(
        &env,
        &["apply", "--target", "volume.a", "b.plan"],
        "cannot change a saved plan",
    )
    .await;
    env.run(&["apply", "b.plan"]).await.expect_code(0);
    assert_eq!(versions(&env).await, [row("volumes", "b", "100")]);
    assert_eq!(
        state_ids(&env).keys().collect::<Vec<_>>(),
        ["volume.b"],
        "only the target is recorded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_plan_leaves_an_excluded_moved_vm_in_its_firewall() {
    let members = r#"
firewall "fw" {
    rule direction="ingress" protocol="tcp" port=22 remote="10.0.0.0/8"
}

vm "other" {
    gpu "RTX-A6000"
    image "@IMAGE@"
    ssh-keys (ref)"ssh-key.k"
    firewalls (ref)"firewall.fw"
}
"#;
    let vm = |label: &str| {
        format!(
            "vm \"{label}\" {{\n    name \"a\"\n    gpu \"RTX-A6000\"\n    image \"@IMAGE@\"\n    ssh-keys (ref)\"ssh-key.k\"\n    firewalls (ref)\"firewall.fw\"\n}}\n"
        )
    };
    let env = applied(&format!("{members}{}", vm("a"))).await;
    let attached = || async { object(&env, "firewalls", "fw").await["attachments"].clone() };
    let before = attached().await;
    assert_eq!(before.as_array().map(Vec::len), Some(2), "{before}");

    // `vm.a` is now `vm.b`; leaving `vm.b` (or everything but the firewall) out must not
    // take it out of the firewall.
    env.write(&config(&format!(
        "{members}{}moved from=\"vm.a\" to=\"vm.b\"\n",
        vm("b")
    )));
    for scope in [["--exclude", "vm.b"], ["--target", "firewall.fw"]] {
        let plan = untouched(&env, &["plan", scope[0], scope[1]]).await.stdout;
        assert!(!plan.contains("attachments set to"), "{scope:?}: {plan}");
    }
    untouched(&env, &["apply", "--auto-approve", "--exclude", "vm.b"]).await;
    assert_eq!(attached().await, before);
    untouched(&env, &["apply", "--auto-approve"]).await;
    assert_eq!(attached().await, before);
    clean(&env).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_plan_deletes_only_what_nothing_left_out_still_uses() {
    let vm = |volumes: &str| {
        format!(
            "vm \"x\" {{\n    gpu \"RTX-A6000\"\n    image \"@IMAGE@\"\n    ssh-keys (ref)\"ssh-key.k\"\n{volumes}}}\n"
        )
    };
    let old = "volume \"old\" {\n    size-gb 100\n}\n";
    let env = applied(&format!("{old}{}", vm("    volumes (ref)\"volume.old\"\n"))).await;

    // A replacement the VM must relink to: with the VM left out, it waits; targeted, the
    // VM's update comes with it.
    let replace = ["--replace", "volume.old"];
    untouched(
        &env,
        &[
            "apply",
            "--auto-approve",
            replace[0],
            replace[1],
            "--exclude",
            "vm.x",
        ],
    )
    .await;
    let before = state_ids(&env);
    env.run(&[
        "apply",
        "--auto-approve",
        replace[0],
        replace[1],
        "--target",
        "volume.old",
    ])
    .await
    .expect_code(0);
    let ids = state_ids(&env);
    assert_ne!(ids["volume.old"], before["volume.old"]);
    assert_eq!(ids["vm.x"], before["vm.x"]);
    let vm_id = ids["vm.x"].clone();
    let attached = object(&env, "volumes", "old").await;
    assert_eq!(text(&attached["instance_id"]), vm_id, "{attached}");
    clean(&env).await;

    // `volume.old` leaves the config; `vm.x` lets go of it.
    env.write(&config(&vm("")));
    // Excluding `vm.x` keeps it attached: the volume cannot be deleted, so it stays too.
    let run = untouched(&env, &["apply", "--auto-approve", "--exclude", "vm.x"]).await;
    assert!(run.stderr.contains("Apply complete"), "{}", run.stderr);
    assert_eq!(state_ids(&env), ids);
    // Targeting the volume takes what must let go of it first: detached, then deleted.
    env.run(&["apply", "--auto-approve", "--target", "volume.old"])
        .await
        .expect_code(0);
    let after = state_ids(&env);
    assert!(!after.contains_key("volume.old"), "{after:?}");
    assert_eq!(after["vm.x"], ids["vm.x"], "the VM was kept");
    let volumes = env.sim_state().await["volumes"].clone();
    assert_eq!(volumes.as_array().map(Vec::len), Some(0), "{volumes}");
    clean(&env).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excluding_what_everything_depends_on_leaves_only_the_independent() {
    let env = Env::new(0.002).await;
    env.write(&config(&format!(
        "vm \"x\" {{{BOX}\nvolume \"v\" {{\n    size-gb 100\n}}\n"
    )));
    let run = env
        .run(&["apply", "--auto-approve", "--exclude", "ssh-key.k"])
        .await
        .expect_code(0);
    assert!(
        run.stdout
            .contains("(--exclude ssh-key.k): 2 changes outside it"),
        "{}",
        run.stdout
    );
    let names: Vec<String> = objects(&env)
        .await
        .into_iter()
        .map(|(k, _, n)| format!("{k} {n}"))
        .collect();
    assert_eq!(names, ["volumes v"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replacing_a_protected_resource_is_blocked_and_the_rest_happens() {
    let body = |size: u32| {
        format!("volume \"p\" {{\n    size-gb 100\n    protect #true\n}}\nvolume \"q\" {{\n    size-gb {size}\n}}\n")
    };
    let env = applied(&body(100)).await;
    let ids = state_ids(&env);
    env.write(&config(&body(200)));
    let plan = env
        .run(&["plan", "--replace", "volume.p"])
        .await
        .expect_code(1);
    assert!(
        plan.stdout
            .contains("! volume.p (would replace): is protected and would be replaced"),
        "{}",
        plan.stdout
    );
    let run = env
        .run(&["apply", "--auto-approve", "--replace", "volume.p"])
        .await
        .expect_code(1);
    assert!(
        run.stderr
            .contains("volume.p: is protected and would be replaced"),
        "{}",
        run.stderr
    );
    // `volume.p` kept its object; `volume.q` grew.
    assert_eq!(state_ids(&env), ids);
    assert_eq!(object(&env, "volumes", "p").await["size"], 100);
    assert_eq!(object(&env, "volumes", "q").await["size"], 200);
}

// --- --refresh-only ------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_only_records_drift_and_never_touches_the_cloud() {
    let env = applied(
        "script \"s\" {\n    content \"echo hi\"\n    description \"v1\"\n}\nvolume \"v\" {\n    size-gb 100\n}\n",
    )
    .await;
    let check = ["plan", "--refresh-only", "--detailed-exitcode"];
    untouched(&env, &check).await;

    let ids = state_ids(&env);
    env.drift(
        "scripts",
        &ids["script.s"],
        json!({"description": "console"}),
    )
    .await;
    let before = env.state_text();
    let (cloud, calls) = (objects(&env).await, mutations(&env).await);
    let run = env.run(&check).await.expect_code(2);
    assert!(
        run.stdout
            .contains(r#"! script.s: description "v1" -> "console""#),
        "{}",
        run.stdout
    );
    assert_eq!(env.state_text(), before, "a plan changed the state");

    env.run(&["apply", "--refresh-only", "--auto-approve"])
        .await
        .expect_code(0);
    assert_eq!(mutations(&env).await, calls, "the cloud was called");
    assert_eq!(objects(&env).await, cloud);
    assert_eq!(object(&env, "scripts", "s").await["description"], "console");
    assert_eq!(
        env.state()["resources"]["script.s"]["attributes"]["description"],
        "console"
    );
    untouched(&env, &check).await;
    // The config still says `v1`: a plan would put it back.
    let plan = env
        .run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(2);
    assert!(
        plan.stdout.contains("~ script.s will be updated in place"),
        "{}",
        plan.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_only_accepts_an_object_deleted_outside_garrison() {
    let env =
        applied("volume \"a\" {\n    size-gb 100\n}\nvolume \"b\" {\n    size-gb 100\n}\n").await;
    let check = ["plan", "--refresh-only", "--detailed-exitcode"];
    let b = state_ids(&env)["volume.b"].clone();
    let status = reqwest::Client::new()
        .delete(format!("{}/resources/volumes/{b}", env.sim.admin_url()))
        .send()
        .await
        .expect("admin reachable")
        .status();
    assert!(status.is_success(), "{status}");
    let run = env.run(&check).await.expect_code(2);
    assert!(run.stdout.contains("! volume.b: deleted"), "{}", run.stdout);

    untouched(&env, &["apply", "--refresh-only", "--auto-approve"]).await;
    let ids = state_ids(&env);
    assert!(
        !ids.contains_key("volume.b"),
        "the deletion was not recorded: {ids:?}"
    );
    assert!(ids.contains_key("volume.a"), "{ids:?}");
    // Accepted: the drift check is quiet; a plan creates the volume again.
    untouched(&env, &check).await;
    let plan = env
        .run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(2);
    assert!(
        plan.stdout.contains("+ volume.b will be created"),
        "{}",
        plan.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_refresh_only_plan_records_without_asking() {
    let env = applied("script \"s\" {\n    content \"echo hi\"\n    description \"v1\"\n}\n").await;
    let id = state_ids(&env)["script.s"].clone();
    env.drift("scripts", &id, json!({"description": "console"}))
        .await;

    // Unreviewed and no terminal to ask on: refused, with a hint that is a real command.
    let run = refused(
        &env,
        &["apply", "--refresh-only"],
        "refusing to record without confirmation",
    )
    .await;
    assert!(
        run.stderr
            .contains("`garrison apply --refresh-only --auto-approve`"),
        "{}",
        run.stderr
    );

    // A saved plan was reviewed when it was made: applied as it is, and refused once the
    // cloud drifted further (it would record what nobody reviewed).
    untouched(&env, &["plan", "--refresh-only", "--out", "drift.plan"]).await;
    env.drift("scripts", &id, json!({"description": "console again"}))
        .await;
    refused(
        &env,
        &["apply", "drift.plan"],
        "the cloud changed since the plan was made",
    )
    .await;
    env.drift("scripts", &id, json!({"description": "console"}))
        .await;
    untouched(&env, &["apply", "drift.plan"]).await;
    assert_eq!(
        env.state()["resources"]["script.s"]["attributes"]["description"],
        "console"
    );
    untouched(&env, &["plan", "--refresh-only", "--detailed-exitcode"]).await;
}

// --- failures -------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_is_a_diagnostic_that_changes_nothing() {
    let volumes = "volume \"a\" {\n    size-gb 100\n}\nvolume \"b\" {\n    size-gb 100\n}\nvolume \"c\" {\n    size-gb 100\n}\nvolume \"n\" count=1 {\n    size-gb 100\n}\n";
    let env = Env::new(0.002).await;
    env.write(&config(volumes));
    env.run(&[
        "apply",
        "--auto-approve",
        "--exclude",
        "volume.c",
        "--exclude",
        "volume.n",
    ])
    .await
    .expect_code(0);
    let loose = hand_made_volume(&api(&env), "loose", 100).await;
    let a = state_ids(&env)["volume.a"].clone();
    let with = |extra: &str| config(&format!("{volumes}{extra}\n"));

    // Importing a missing id: the block, and the command.
    env.write(&with("import to=\"volume.c\" id=\"999999\""));
    for args in [&["plan"][..], &["apply", "--auto-approve"]] {
        refused(&env, args, "there is no volume with id").await;
    }
    env.write(&config(volumes));
    refused(
        &env,
        &["import", "volume.c", "999999"],
        "there is no volume with id",
    )
    .await;

    // One object at two addresses (by id and by name: the config cannot tell).
    env.write(&with(&format!(
        "volume \"d\" {{\n    size-gb 100\n}}\nimport to=\"volume.c\" id=\"{loose}\"\nimport to=\"volume.d\" name=\"loose\""
    )));
    for args in [&["plan"][..], &["apply", "--auto-approve"]] {
        refused(&env, args, "is also imported at `volume.c`").await;
    }

    // Into an occupied address.
    env.write(&with(&format!("import to=\"volume.a\" id=\"{loose}\"")));
    for args in [&["plan"][..], &["apply", "--auto-approve"]] {
        refused(&env, args, "the state already manages another object here").await;
    }
    env.write(&config(volumes));
    refused(
        &env,
        &["import", "volume.a", &loose],
        "the state already manages another object here",
    )
    .await;

    // A block (or an index it does not have) is not an instance to import into.
    for to in ["volume.n", "volume.n[3]"] {
        let run = refused(
            &env,
            &["import", to, &loose],
            "is not an instance of `volume.n`",
        )
        .await;
        assert!(run.stderr.contains("e.g. `volume.n[0]`"), "{}", run.stderr);
    }

    // An object already managed at another address.
    refused(
        &env,
        &["import", "volume.c", &a],
        "is already managed at `volume.a`",
    )
    .await;

    // A `moved` onto an address the state holds.
    env.write(&config(
        "volume \"a\" {\n    size-gb 100\n}\nvolume \"c\" {\n    size-gb 100\n}\nmoved from=\"volume.b\" to=\"volume.a\"\n",
    ));
    for args in [&["plan"][..], &["apply", "--auto-approve"]] {
        refused(&env, args, "the state already manages another object").await;
    }

    // A `moved` and an `import` to one address.
    env.write(&config(&format!(
        "volume \"a\" {{\n    size-gb 100\n}}\nvolume \"d\" {{\n    size-gb 100\n}}\nmoved from=\"volume.b\" to=\"volume.d\"\nimport to=\"volume.d\" id=\"{loose}\"\n"
    )));
    for args in [&["plan"][..], &["apply", "--auto-approve"]] {
        refused(&env, args, "a `moved` block also moves an object here").await;
    }

    // `--target`, `--exclude` or `--replace` naming nothing.
    env.write(&config(volumes));
    for flag in ["--target", "--exclude", "--replace"] {
        refused(&env, &["plan", flag, "volume.nothing"], "names nothing").await;
        refused(
            &env,
            &["apply", "--auto-approve", flag, "volume.nothing"],
            "names nothing",
        )
        .await;
    }
}
