//! A firewall's attachment set is rewritten whole by the API, so a sync must keep the VMs
//! Garrison does not manage: a VM let go with `removed ... destroy=#false` stays attached
//! to the managed firewall when another VM joins it (it is no longer ours to detach).

mod support;

use serde_json::Value;
use support::Env;

const KEY: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}
ssh-key "k" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEhISEhISEhISEhISEhISEhISEhISEhISEhISEhISEhI k@x"
}
firewall "fw" {
    rule direction="ingress" protocol="tcp" port=22 remote="10.0.0.0/8"
}
"#;

fn vm(label: &str) -> String {
    format!(
        "vm \"{label}\" {{\n    gpu \"A40\"\n    image \"Ubuntu Server 22.04 LTS R550 CUDA 12.4\"\n    ssh-keys (ref)\"ssh-key.k\"\n    firewalls (ref)\"firewall.fw\"\n}}\n"
    )
}

/// The names of the VMs attached to the only firewall.
async fn members(env: &Env) -> Vec<String> {
    let state = env.sim_state().await;
    let name_of = |id: &Value| {
        state["instances"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| &i["id"] == id)
            .map(|i| i["name"].as_str().unwrap_or_default().to_string())
            .unwrap_or_else(|| format!("(gone {id})"))
    };
    let mut names: Vec<String> = state["firewalls"][0]["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| name_of(&a["instance_id"]))
        .collect();
    names.sort();
    names
}

/// Removed without destroying, a VM keeps its firewall while the set changes around it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vm_let_go_stays_in_the_managed_firewall() {
    let env = Env::new(0.002).await;
    env.write(&format!("{KEY}{}{}", vm("a"), vm("b")));
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert_eq!(members(&env).await, ["a", "b"]);

    env.write(&format!(
        "{KEY}{}{}removed from=\"vm.b\" destroy=#false\n",
        vm("a"),
        vm("c")
    ));
    let out = env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert_eq!(members(&env).await, ["a", "b", "c"], "{}", out.stderr);
    assert!(
        env.state()["resources"].get("vm.b").is_none(),
        "vm.b is let go"
    );

    // With the block gone and nothing to change, the firewall is not touched again.
    env.write(&format!("{KEY}{}{}", vm("a"), vm("c")));
    let plan = env.run(&["plan", "--detailed-exitcode"]).await;
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
    assert_eq!(members(&env).await, ["a", "b", "c"]);
}
