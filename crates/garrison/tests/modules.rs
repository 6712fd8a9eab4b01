//! Modules through the binary, against the emulator: one "trainer node" module (VM, volume,
//! firewall, startup script) stamped out twice with different inputs; the state holds
//! module addresses; a second plan is empty; a root outputs reads a module's output; a
//! `moved` block from root resources into a module keeps every object; `state mv` and
//! `--target` take module addresses.

mod support;

use std::collections::BTreeMap;

use serde_json::Value;
use support::Env;

const IMAGE: &str = "Ubuntu Server 22.04 LTS R550 CUDA 12.4";

/// The platform team's unit: everything one team's trainer needs, named after the team.
const TRAINER_NODE: &str = r##"
variable "team" type="string"
variable "dataset-gb" type="int" default=200
variable "ssh-key" description="the `ssh-key` resource to log in with"

script "boot" {
    name "${var.team}-boot"
    content "#!/bin/sh\necho ${var.team}\n"
}

firewall "fw" {
    name "${var.team}-fw"
    rule direction="ingress" protocol="tcp" port=22 remote="198.51.100.0/24"
}

volume "data" {
    name "${var.team}-data"
    size-gb (ref)"var.dataset-gb"
}

vm "trainer" {
    name "${var.team}-trainer"
    gpu "H100-SXM5-80GB" count=1
    image "@IMAGE@"
    ssh-keys (ref)"var.ssh-key"
    startup-script (ref)"script.boot"
    firewalls (ref)"firewall.fw"
    volumes (ref)"volume.data"
    public-ip #true
}

output "ip" (ref)"vm.trainer.public-ip"
"##;

const HEAD: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}

ssh-key "ops" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k"
}
"#;

/// Team b through the module, with its own inputs.
const TEAM_B: &str = r#"
module "team-b" source="./modules/trainer-node" {
    team "b"
    dataset-gb 300
    ssh-key (ref)"ssh-key.ops"
}

output "b-ip" (ref)"module.team-b.ip"
"#;

/// Team a as it was written before modules: the same four resources at the root.
const TEAM_A_FLAT: &str = r##"
script "boot" {
    name "a-boot"
    content "#!/bin/sh\necho a\n"
}

firewall "fw" {
    name "a-fw"
    rule direction="ingress" protocol="tcp" port=22 remote="198.51.100.0/24"
}

volume "data" {
    name "a-data"
    size-gb 200
}

vm "trainer" {
    name "a-trainer"
    gpu "H100-SXM5-80GB" count=1
    image "@IMAGE@"
    ssh-keys (ref)"ssh-key.ops"
    startup-script (ref)"script.boot"
    firewalls (ref)"firewall.fw"
    volumes (ref)"volume.data"
    public-ip #true
}
"##;

/// Team a through the module, and the blocks that move its objects there.
const TEAM_A_MODULE: &str = r#"
module "team-a" source="./modules/trainer-node" {
    team "a"
    ssh-key (ref)"ssh-key.ops"
}

moved from="script.boot" to="module.team-a.script.boot"
moved from="firewall.fw" to="module.team-a.firewall.fw"
moved from="volume.data" to="module.team-a.volume.data"
moved from="vm.trainer" to="module.team-a.vm.trainer"
"#;

fn setup(env: &Env, body: &str) {
    let dir = env.path().join("modules/trainer-node");
    std::fs::create_dir_all(&dir).expect("module dir");
    std::fs::write(dir.join("main.kdl"), TRAINER_NODE.replace("@IMAGE@", IMAGE))
        .expect("module file");
    env.write(&format!("{HEAD}{body}").replace("@IMAGE@", IMAGE));
}

/// Address -> remote id of every state entry.
fn state_ids(env: &Env) -> BTreeMap<String, String> {
    env.state()["resources"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(a, rs)| {
            (
                a.clone(),
                rs["remote_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// `kind/name -> (id, size)` of the emulator's objects.
async fn objects(env: &Env) -> BTreeMap<String, (String, Value)> {
    let state = env.sim_state().await;
    let mut all = BTreeMap::new();
    for kind in ["instances", "volumes", "ssh_keys", "scripts", "firewalls"] {
        for o in state[kind].as_array().into_iter().flatten() {
            let name = o["name"].as_str().unwrap_or_default();
            let id = o["id"]
                .as_str()
                .map_or_else(|| o["id"].to_string(), str::to_owned);
            all.insert(format!("{kind}/{name}"), (id, o["size"].clone()));
        }
    }
    all
}

/// Mutating requests the emulator has answered so far.
async fn mutations(env: &Env) -> u64 {
    let counters = env.counters().await;
    counters["routes"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(route, _)| {
            ["POST ", "PUT ", "PATCH ", "DELETE "]
                .iter()
                .any(|m| route.starts_with(m))
        })
        .map(|(_, n)| n.as_u64().unwrap_or_default())
        .sum()
}

async fn clean(env: &Env) {
    let run = env.run(&["plan", "--detailed-exitcode"]).await;
    assert_eq!(run.code, 0, "not clean:\n{}\n{}", run.stdout, run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_module_twice_then_root_resources_moved_into_it() {
    let env = Env::new(0.002).await;
    setup(&env, &format!("{TEAM_A_FLAT}{TEAM_B}"));
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    let ids = state_ids(&env);
    for address in [
        "vm.trainer",
        "module.team-b.vm.trainer",
        "module.team-b.volume.data",
        "module.team-b.firewall.fw",
        "module.team-b.script.boot",
    ] {
        assert!(ids.contains_key(address), "{address} not in {ids:?}");
    }
    clean(&env).await;

    // Team a becomes a second instance of the module: moves only, nothing in the cloud.
    setup(&env, &format!("{TEAM_A_MODULE}{TEAM_B}"));
    let plan = env.run(&["plan"]).await.expect_code(0);
    assert!(
        plan.stdout
            .contains("0 to add, 0 to change, 0 to replace, 0 to destroy, 4 to move"),
        "{}",
        plan.stdout
    );
    let (before, calls) = (objects(&env).await, mutations(&env).await);
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert_eq!(mutations(&env).await, calls, "the moves called the cloud");
    assert_eq!(objects(&env).await, before, "the moves changed the cloud");
    let moved = state_ids(&env);
    for kind_label in ["vm.trainer", "volume.data", "firewall.fw", "script.boot"] {
        let to = format!("module.team-a.{kind_label}");
        assert_eq!(moved.get(&to), ids.get(kind_label), "{to} kept its object");
        assert!(
            !moved.contains_key(kind_label),
            "{kind_label} left the state"
        );
    }
    clean(&env).await;

    // Both instances from one module, with their own inputs.
    let objects = objects(&env).await;
    assert_eq!(objects["volumes/a-data"].1, 200, "{objects:?}");
    assert_eq!(objects["volumes/b-data"].1, 300, "{objects:?}");
    for name in [
        "instances/a-trainer",
        "instances/b-trainer",
        "firewalls/a-fw",
        "scripts/b-boot",
    ] {
        assert!(objects.contains_key(name), "{name} not in {objects:?}");
    }
    // A root output reads the module's output.
    let ip = env.run(&["output", "b-ip"]).await.expect_code(0);
    assert!(ip.stdout.trim().contains('.'), "{}", ip.stdout);

    // Module addresses on the command line.
    let list = env.run(&["state", "list"]).await.expect_code(0);
    assert!(
        list.stdout.contains("module.team-a.vm.trainer"),
        "{}",
        list.stdout
    );
    let target = env
        .run(&[
            "plan",
            "--target",
            "module.team-b.vm.trainer",
            "--detailed-exitcode",
        ])
        .await;
    assert_eq!(target.code, 0, "{}\n{}", target.stdout, target.stderr);
    // A whole module instance as a target: team-b's volume grows; a plan of team-a alone
    // leaves it out, a plan of team-b has it.
    env.edit("main.kdl", |t| {
        t.replace("dataset-gb 300", "dataset-gb 350")
    });
    let other = env
        .run(&["plan", "--target", "module.team-a"])
        .await
        .expect_code(0);
    assert!(
        !other.stdout.contains("will be updated")
            && other.stdout.contains("--target module.team-a"),
        "{}",
        other.stdout
    );
    let partial = env
        .run(&["plan", "--target", "module.team-b"])
        .await
        .expect_code(0);
    assert!(
        partial
            .stdout
            .contains("module.team-b.volume.data will be updated"),
        "{}",
        partial.stdout
    );
    env.edit("main.kdl", |t| {
        t.replace("dataset-gb 350", "dataset-gb 300")
    });
    env.run(&[
        "state",
        "mv",
        "module.team-b.volume.data",
        "module.spare.volume.data",
    ])
    .await
    .expect_code(0);
    assert!(state_ids(&env).contains_key("module.spare.volume.data"));
    env.run(&[
        "state",
        "mv",
        "module.spare.volume.data",
        "module.team-b.volume.data",
    ])
    .await
    .expect_code(0);
    clean(&env).await;
}

/// `garrison fmt` formats the modules the config calls too (`--check` lists them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fmt_formats_the_modules_a_config_calls() {
    let env = Env::new(0.002).await;
    setup(&env, TEAM_B);
    let module = env.path().join("modules/trainer-node/main.kdl");
    let tidy = std::fs::read_to_string(&module).expect("module file");
    let messy = tidy.replace("    size-gb (ref)", "  size-gb   (ref)");
    assert_ne!(messy, tidy);
    std::fs::write(&module, &messy).expect("write module");
    // a directory no config calls is left alone
    std::fs::create_dir_all(env.path().join("unused")).expect("mkdir");
    std::fs::write(env.path().join("unused/x.kdl"), "vm   \"x\"\n").expect("write");

    let check = env.run(&["fmt", "--check"]).await;
    assert_ne!(check.code, 0, "{}", check.stdout);
    assert!(
        check.stdout.contains("modules/trainer-node/main.kdl"),
        "{}",
        check.stdout
    );
    assert!(!check.stdout.contains("unused"), "{}", check.stdout);
    env.run(&["fmt"]).await.expect_code(0);
    // (the leading blank line of the test's text goes too)
    assert_eq!(
        std::fs::read_to_string(&module).expect("module"),
        tidy.trim_start()
    );
    env.run(&["fmt", "--check"]).await.expect_code(0);
}
