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

/// Succeeds on its third run (a counter file), saying why not on stderr before; records
/// the address it was given.
const READY_SH: &str = r#"n=$(cat runs 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > runs
if [ "$n" -lt 3 ]; then
    echo "status: running (run $n)" >&2
    exit 1
fi
echo "$1" > ready-ip
"#;

const BUILDER: &str = r#"
vm "builder" {
    gpu "RTX-A6000"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.ops"
    public-ip #true
    ready-when "sh" "ready.sh" "${self.public-ip}" interval="1s" timeout="2m"
}

snapshot "golden" {
    vm (ref)"vm.builder"
}
"#;

/// Events of `apply --json` as `(type, address, detail)`.
fn events(stdout: &str) -> Vec<(String, String, String)> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            let detail = format!("{}{}", text("for_status"), text("operation"));
            (text("type"), text("address"), detail)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_snapshot_waits_until_ready_when_succeeds() {
    let env = Env::new(0.002).await;
    env.write(&format!("{HEAD}{BUILDER}"));
    std::fs::write(env.path().join("ready.sh"), READY_SH).expect("script written");
    let run = env
        .run(&["apply", "--auto-approve", "--json"])
        .await
        .expect_code(0);
    let runs = std::fs::read_to_string(env.path().join("runs")).expect("ran");
    assert_eq!(runs.trim(), "3", "the command runs until it succeeds");
    // The rehearsal before the apply did not run it (its VM is the emulator's), and says so.
    assert!(
        run.stderr
            .contains("the `ready-when` commands of vm.builder were not run"),
        "{}",
        run.stderr
    );
    // It was given the VM's address, read back after ACTIVE.
    let ip = std::fs::read_to_string(env.path().join("ready-ip")).expect("succeeded");
    let state = env.state();
    let recorded = &state["resources"]["vm.builder"]["attributes"]["public-ip-address"];
    assert_eq!(Some(ip.trim()), recorded.as_str(), "{state}");
    // The snapshot started only after the third run and the VM's step finished.
    let events = events(&run.stdout);
    let at = |t: &str, a: &str, d: &str| {
        events
            .iter()
            .position(|e| e.0 == t && e.1 == a && e.2 == d)
            .unwrap_or_else(|| panic!("no {t} {a} {d}: {events:?}"))
    };
    let third = at("operation_waiting", "vm.builder", "ready-when (run 3)");
    let vm_done = at("operation_finished", "vm.builder", "create");
    let snapshot = at("operation_started", "snapshot.golden", "create");
    assert!(third < vm_done && vm_done < snapshot, "{events:?}");
}

/// A `ready-when` that never succeeds fails the VM with its last stderr line and marks it
/// not ready: the next plan replaces it (Terraform's taint), and the snapshot waits for
/// the new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ready_when_that_never_succeeds_fails_the_vm_with_its_last_stderr_line() {
    let env = Env::new(0.002).await;
    let body = BUILDER.replace("timeout=\"2m\"", "timeout=\"1s\"");
    env.write(&format!("{HEAD}{body}"));
    std::fs::write(env.path().join("ready.sh"), READY_SH).expect("script written");
    let run = env.run(&["apply", "--auto-approve"]).await.expect_code(1);
    assert!(
        run.stderr
            .contains("`vm.builder` was not ready after 1s: `ready-when` failed 1 time; last error: status: running (run 1)"),
        "{}",
        run.stderr
    );
    // The VM is recorded, marked not ready; the snapshot that needs it did not run.
    let state = env.state();
    assert_eq!(
        state["resources"]["vm.builder"]["not_ready"], true,
        "{state}"
    );
    assert!(state["resources"]["snapshot.golden"].is_null(), "{state}");
    let old_id = state["resources"]["vm.builder"]["remote_id"].clone();

    // The next plan replaces the unready VM (no snapshot of it is ever taken) ...
    env.write(&format!("{HEAD}{BUILDER}"));
    let plan = env.run(&["plan"]).await.expect_code(0);
    assert!(
        plan.stdout.contains("vm.builder will be replaced")
            && plan
                .stdout
                .contains("its `ready-when` command did not succeed"),
        "{}",
        plan.stdout
    );
    // ... and once the new one is ready, the snapshot follows and the mark is gone.
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    let state = env.state();
    let builder = &state["resources"]["vm.builder"];
    assert!(builder.get("not_ready").is_none(), "{state}");
    assert_ne!(builder["remote_id"], old_id, "{state}");
    assert!(state["resources"]["snapshot.golden"].is_object(), "{state}");
}
