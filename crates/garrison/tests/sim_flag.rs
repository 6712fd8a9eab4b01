//! The README's first command: `garrison --sim apply` against the embedded emulator, whose
//! account persists in `.garrison/sim.json` so the next command sees what the last made.

mod support;

use support::Env;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_flag_applies_plans_and_destroys_across_processes() {
    let env = Env::new(0.002).await; // its emulator stays unused: --sim starts its own
    env.copy_example("dev-box");
    let sim = |args: &[&str]| {
        let mut all = vec!["--sim"];
        all.extend_from_slice(args);
        let mut cmd = env.command(&all);
        cmd.env_remove("BARRACK_API_KEY")
            .env_remove("BARRACK_ENDPOINT")
            .env("GARRISON_SIM_TIME_SCALE", "0.002");
        cmd
    };
    let run = |mut cmd: tokio::process::Command| async move {
        support::Run::from(cmd.output().await.expect("runs"))
    };

    let applied = run(sim(&["apply", "--auto-approve"])).await.expect_code(0);
    assert!(
        applied.stderr.contains("Apply complete"),
        "{}",
        applied.stderr
    );
    assert!(env.path().join(".garrison/sim.json").exists());
    // A new process, a new emulator loaded from sim.json: nothing to do.
    run(sim(&["plan", "--detailed-exitcode"]))
        .await
        .expect_code(0);
    let output = run(sim(&["output", "ssh"])).await.expect_code(0);
    assert!(
        output.stdout.starts_with("ssh ubuntu@"),
        "{}",
        output.stdout
    );
    run(sim(&["destroy", "--auto-approve"]))
        .await
        .expect_code(0);
    let plan = run(sim(&["plan", "--detailed-exitcode"]))
        .await
        .expect_code(2);
    assert!(plan.stdout.contains("2 to add"), "{}", plan.stdout);
    // The test's own emulator saw nothing.
    assert!(env.sim_names().await.is_empty());
}
