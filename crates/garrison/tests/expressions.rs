//! A language for platform teams: a GPU pool switched on and off by a variable through
//! `count=(expr)"..."`, names computed with functions, end to end against the emulator.

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
