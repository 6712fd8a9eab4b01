//! Postconditions and readiness end to end, against the emulator: a false postcondition
//! fails its step with the message (the object stays recorded, its dependents do not run,
//! the apply exits 1); an output's is checked against its final value; a VM's `ready-when`
//! command is retried until it succeeds, and what depends on the VM waits for it.

mod support;

use support::Env;

const HEAD: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}

ssh-key "ops" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg ops"
}
"#;

const POST: &str = r#"
variable "min-gb" type="int" default=200

volume "scratch" {
    size-gb 100
    postcondition (expr)"self.size-gb >= var.min-gb" message="scratch has ${self.size-gb} GB, under ${var.min-gb}"
    postcondition (expr)"self.status == \"available\"" message="never shown"
}

vm "box" {
    gpu "RTX-A6000"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.ops"
    volumes (ref)"volume.scratch"
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_false_postcondition_fails_its_step_and_stops_its_dependents() {
    let env = Env::new(0.002).await;
    env.write(&format!("{HEAD}{POST}"));
    // The rehearsal before apply meets the failure first: nothing is changed.
    let run = env.run(&["apply", "--auto-approve"]).await.expect_code(1);
    assert!(run.stderr.contains("Rehearsal FAILED"), "{}", run.stderr);
    assert!(run.stderr.contains("scratch has 100 GB"), "{}", run.stderr);
    assert!(env.sim_names().await.is_empty());
    // Applied anyway, the step fails after the create, with the message.
    let run = env
        .run(&["apply", "--auto-approve", "--force"])
        .await
        .expect_code(1);
    assert!(
        run.stderr
            .contains("postcondition of `volume.scratch` failed: scratch has 100 GB, under 200"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("never shown"), "{}", run.stderr);
    // The volume exists and is recorded; the VM that needs it was not made.
    let state = env.state();
    assert!(state["resources"]["volume.scratch"].is_object(), "{state}");
    assert!(state["resources"]["vm.box"].is_null(), "{state}");
    let names = env.sim_names().await;
    assert!(
        names.contains(&("volumes".into(), "scratch".into())),
        "{names:?}"
    );
    assert!(!names.iter().any(|(k, _)| k == "instances"), "{names:?}");

    // With a bar it clears, the next apply creates the VM (the volume is unchanged, so its
    // postcondition is not checked again).
    let run = env
        .run(&["apply", "--auto-approve", "--var", "min-gb=50"])
        .await
        .expect_code(0);
    assert!(run.stdout.contains("vm.box"), "{}", run.stdout);
    assert!(env.state()["resources"]["vm.box"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_output_postcondition_is_checked_against_the_final_value() {
    let env = Env::new(0.002).await;
    env.write(&format!(
        "{HEAD}{}",
        r#"
vm "box" {
    gpu "RTX-A6000"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.ops"
}

output "ip" {
    value (ref)"vm.box.public-ip"
    postcondition (expr)"self != null" message="the box has no public IP (add `public-ip #true`)"
}
"#
    ));
    let run = env.run(&["apply", "--auto-approve"]).await.expect_code(1);
    assert!(
        run.stderr
            .contains("postcondition of `output.ip` failed: the box has no public IP"),
        "{}",
        run.stderr
    );
    assert!(env.state()["resources"]["vm.box"].is_object());
}
