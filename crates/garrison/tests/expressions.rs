//! A language for platform teams: a GPU pool switched on and off by a variable through
//! `count=(expr)"..."`, names computed with functions, and a failing precondition that stops
//! the plan and the apply, end to end against the emulator.

mod support;

use support::Env;

const CONFIG: &str = r##"
provider "barrack" {
    region "NORWAY-1"
}

variable "pool-on" type="bool" default=#false
variable "team" default="Vision"

volume "pool" count=(expr)"var.pool-on ? 2 : 0" {
    name #"${lower(var.team)}-pool-${format("%02d", count.index + 1)}"#
    size-gb (expr)"100 * (count.index + 1)"
}
"##;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_is_switched_on_and_off_by_a_variable() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let off = env.run(&["plan"]).await.expect_code(0);
    assert!(off.stdout.contains("No changes"), "{}", off.stdout);

    env.run(&["apply", "--auto-approve", "--var", "pool-on=true"])
        .await
        .expect_code(0);
    let mut names: Vec<String> = env.sim_names().await.into_iter().map(|(_, n)| n).collect();
    names.sort();
    assert_eq!(names, ["vision-pool-01", "vision-pool-02"]);
    let state = env.state();
    assert_eq!(
        state["resources"]["volume.pool[1]"]["attributes"]["size-gb"],
        200
    );

    let down = env
        .run(&["plan", "--var", "pool-on=false"])
        .await
        .expect_code(0);
    assert!(down.stdout.contains("2 to destroy"), "{}", down.stdout);
    env.run(&["apply", "--auto-approve", "--var", "pool-on=false"])
        .await
        .expect_code(0);
    assert!(env.sim_names().await.is_empty(), "the pool is off");
}

const GUARDED: &str = r##"
provider "barrack" {
    region "NORWAY-1"
}

variable "dataset-gb" type="number" default=500

volume "dataset" {
    size-gb (ref)"var.dataset-gb"
    precondition (expr)"var.dataset-gb >= 500" message="the ImageNet copy needs 500 GB"
}
"##;

/// A failing precondition stops `plan` and `apply` with its message and creates nothing; the
/// same config with a satisfying value applies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_precondition_stops_the_plan_and_creates_nothing() {
    let env = Env::new(0.002).await;
    env.write(GUARDED);
    for command in [&["plan"][..], &["apply", "--auto-approve"][..]] {
        let mut args = command.to_vec();
        args.extend(["--var", "dataset-gb=200"]);
        let out = env.run(&args).await;
        assert_ne!(out.code, 0, "{command:?} must fail: {}", out.stdout);
        assert!(
            out.stderr.contains("the ImageNet copy needs 500 GB")
                && out.stderr.contains("precondition_failed"),
            "{}",
            out.stderr
        );
    }
    assert!(env.sim_names().await.is_empty(), "nothing was created");
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert_eq!(env.sim_names().await.len(), 1);
}
