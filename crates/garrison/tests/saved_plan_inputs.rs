//! S7: a saved plan records the cloud's values of what it plans to change and the seals of
//! sensitive variables; `apply PLAN` refreshes and refuses when either moved, naming the
//! resource and attribute (or variable), never a sensitive value.

mod support;

use support::Env;

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k";

fn vm_config(with_volume: bool) -> String {
    let volumes = if with_volume {
        "    volumes (ref)\"volume.v\"\n"
    } else {
        ""
    };
    format!(
        "provider \"barrack\" {{\n    region \"US-1\"\n}}\n\nssh-key \"k\" {{\n    public-key \"{KEY}\"\n}}\n\n\
         vm \"m\" {{\n    gpu \"A40\"\n    image \"Ubuntu Server 22.04 LTS R550 CUDA 12.4\"\n    ssh-keys (ref)\"ssh-key.k\"\n    public-ip #true\n    power \"running\"\n{volumes}}}\n\n\
         volume \"v\" {{\n    size-gb 100\n}}\n"
    )
}

const FIREWALL: &str = r#"provider "barrack" {
    region "US-1"
}

variable "cidr" type="string" sensitive=#true

firewall "f" {
    description "ssh"
    rule direction="ingress" protocol="tcp" port=22 remote=(ref)"var.cidr"
}
"#;

/// S7 (a): drift inside an already planned update (the VM stopped and its public IP
/// disabled out of band) makes `apply PLAN` refuse, naming what moved; nothing is "fixed".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_refuses_drift_inside_a_planned_update() {
    let env = Env::new(0.002).await;
    env.write(&vm_config(false));
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);

    // Plan an in-place update of the VM (attach the volume) and save it.
    env.write(&vm_config(true));
    let plan_file = env.path().join("p.plan");
    let plan_path = plan_file.to_string_lossy().into_owned();
    let run = env.run(&["plan", "--out", &plan_path]).await.expect_code(0);
    assert!(
        run.stdout.contains("vm.m will be updated in place"),
        "{}",
        run.stdout
    );

    // Out of band: the VM is stopped and its public IP disabled.
    let vm_id = env.sim_state().await["instances"][0]["id"].to_string();
    env.drift(
        "instances",
        &vm_id,
        serde_json::json!({"status": "SHUTOFF", "public_ip_enabled": false, "public_ip": null}),
    )
    .await;

    let run = env.run(&["apply", &plan_path]).await;
    assert_ne!(
        run.code, 0,
        "a moved saved plan must not apply\n{}",
        run.stderr
    );
    assert!(run.stderr.contains("vm.m"), "{}", run.stderr);
    assert!(
        run.stderr.contains("`power`") || run.stderr.contains("`public-ip`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("changed outside Garrison"),
        "{}",
        run.stderr
    );
    let sim = env.sim_state().await;
    assert_eq!(
        sim["instances"][0]["status"], "SHUTOFF",
        "nothing was fixed: {sim:#}"
    );
    assert_eq!(
        sim["volumes"][0]["status"], "available",
        "nothing was applied: {sim:#}"
    );
}

/// S7 (b): a saved plan made with a sensitive variable refuses to apply with another value
/// of it, naming the variable and printing neither value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_refuses_another_value_of_a_sensitive_variable() {
    let env = Env::new(0.002).await;
    env.write(FIREWALL);
    let plan_file = env.path().join("p.plan");
    let plan_path = plan_file.to_string_lossy().into_owned();
    env.run(&["plan", "--var", "cidr=10.9.9.0/24", "--out", &plan_path])
        .await
        .expect_code(0);
    let saved = std::fs::read_to_string(&plan_file).expect("saved plan");
    assert!(
        !saved.contains("10.9.9.0"),
        "the secret is not in the plan file"
    );

    let run = env
        .run(&["apply", &plan_path, "--var", "cidr=0.0.0.0/0"])
        .await;
    assert_ne!(run.code, 0, "another secret must not apply\n{}", run.stderr);
    assert!(
        run.stderr.contains("sensitive variable `cidr`"),
        "{}",
        run.stderr
    );
    for secret in ["0.0.0.0/0", "10.9.9.0"] {
        assert!(!run.stderr.contains(secret), "{}", run.stderr);
        assert!(!run.stdout.contains(secret), "{}", run.stdout);
    }
    assert_eq!(
        env.sim_state().await["firewalls"].as_array().map(Vec::len),
        Some(0),
        "nothing was created"
    );

    // The same value applies.
    env.run(&["apply", &plan_path, "--var", "cidr=10.9.9.0/24"])
        .await
        .expect_code(0);
    assert_eq!(
        env.sim_state().await["firewalls"].as_array().map(Vec::len),
        Some(1)
    );
}
