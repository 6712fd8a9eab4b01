//! Guardrails as policy, through the binary: the config's `policy` block and Rego files
//! (`--policy DIR`) fail a plan that breaks them (exit 1, each violation with its source, in
//! text, JSON and Markdown), and an apply of such a plan changes nothing.

mod support;

use serde_json::Value;
use support::Env;

const BASE: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}
ssh-key "k" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEhISEhISEhISEhISEhISEhISEhISEhISEhISEhISEhI k@x"
}
vm "big" {
    gpu "L40" count=8
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.k"
    security-rule direction="ingress" protocol="tcp" port=8080 remote="0.0.0.0/0"
}
"#;

const GUARDRAILS: &str = r#"
policy {
    max-cost-per-hour 5
    allowed-gpus "A40" "RTX-A6000"
    deny-open-ingress #true
}
"#;

const REGO: &str = r#"
package garrison

deny contains msg if {
    some c in input.changes
    c.action == "create"
    some a in c.attrs
    a.name == "gpu-count"
    a.after.value > 4
    msg := sprintf("%s asks for %d GPUs (4 at most)", [c.address, a.after.value])
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_block_fails_the_plan_and_the_apply() {
    let env = Env::new(0.002).await;
    env.write(&format!("{BASE}{GUARDRAILS}"));
    let plan = env.run(&["plan"]).await.expect_code(1);
    assert!(plan.stdout.contains("Policy violations"), "{}", plan.stdout);
    for expected in ["limit is $5.00/h", "uses GPU L40", "whole internet"] {
        assert!(
            plan.stderr.contains(expected),
            "`{expected}` missing:\n{}",
            plan.stderr
        );
    }
    assert!(
        plan.stderr.contains("[policy block (main.kdl:"),
        "{}",
        plan.stderr
    );

    let json = env.run(&["plan", "--json"]).await.expect_code(1);
    let doc: Value = serde_json::from_str(&json.stdout).expect("plan JSON");
    assert_eq!(
        doc["policy_violations"].as_array().map(Vec::len),
        Some(3),
        "{doc}"
    );
    let md = env.run(&["plan", "--markdown"]).await.expect_code(1);
    assert!(
        md.stdout
            .contains("Policy violations: this plan is refused"),
        "{}",
        md.stdout
    );

    let apply = env.run(&["apply", "--auto-approve"]).await.expect_code(1);
    assert!(
        apply.stderr.contains("nothing is applied"),
        "{}",
        apply.stderr
    );
    assert!(
        env.sim_names().await.is_empty(),
        "the apply changed the cloud"
    );

    // Within the rules, the same config plans and applies.
    env.write(&format!(
        "{}{GUARDRAILS}",
        BASE.replace("L40\" count=8", "A40\" count=1")
            .replace("0.0.0.0/0", "10.0.0.0/8")
    ));
    env.run(&["plan"]).await.expect_code(0);
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rego_policies_deny_with_their_file_as_source() {
    let env = Env::new(0.002).await;
    env.write(BASE);
    let policies = env.path().join("policies");
    std::fs::create_dir(&policies).expect("mkdir");
    std::fs::write(policies.join("gpus.rego"), REGO).expect("write");
    let dir = policies.to_str().expect("utf-8").to_string();

    let plan = env.run(&["plan", "--policy", &dir]).await.expect_code(1);
    assert!(
        plan.stderr.contains("vm.big asks for 8 GPUs (4 at most)"),
        "{}",
        plan.stderr
    );
    assert!(plan.stderr.contains("gpus.rego]"), "{}", plan.stderr);
    let apply = env
        .run(&["apply", "--auto-approve", "--policy", &dir])
        .await
        .expect_code(1);
    assert!(apply.stderr.contains("asks for 8 GPUs"), "{}", apply.stderr);
    assert!(env.sim_names().await.is_empty());

    // A broken policy is an error, never a pass; a directory without policies is refused.
    std::fs::write(
        policies.join("broken.rego"),
        "package garrison\ndeny contains if {",
    )
    .expect("write");
    let broken = env.run(&["plan", "--policy", &dir]).await.expect_code(1);
    assert!(
        broken.stderr.contains("does not parse"),
        "{}",
        broken.stderr
    );
    let empty = env.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let none = env
        .run(&["plan", "--policy", empty.to_str().expect("utf-8")])
        .await
        .expect_code(1);
    assert!(none.stderr.contains("no `*.rego` file"), "{}", none.stderr);

    // Without the policy the plan is fine.
    env.run(&["plan"]).await.expect_code(0);
}
