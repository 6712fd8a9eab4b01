//! U2 through the binary: `output`, `state` and `force-unlock` read the state without the
//! config's variables, accept `--var`/`--var-file`, and take DIR like every other command;
//! a variable named with `-` is set from a shell with `_`.

mod support;

use support::Env;

const CONFIG: &str = r##"
provider "barrack" {
    region "US-1"
}

variable "hf-token" type="string" sensitive=#true
variable "size" type="int"

script "boot" {
    content (ref)"var.hf-token"
}

volume "data" {
    size-gb (ref)"var.size"
}

output "volume" {
    value (ref)"volume.data.name"
}
"##;

/// U2: after an apply with variables, the read-only commands need none of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_commands_need_no_variables() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    env.run(&[
        "apply",
        "--auto-approve",
        "--var",
        "hf-token=tok-123",
        "--var",
        "size=100",
    ])
    .await
    .expect_code(0);

    let out = env.run(&["output", "volume"]).await.expect_code(0);
    assert_eq!(out.stdout.trim(), "data", "{}", out.stderr);
    let list = env.run(&["state", "list"]).await.expect_code(0);
    assert!(list.stdout.contains("volume.data"), "{}", list.stderr);
    let show = env
        .run(&["state", "show", "volume.data"])
        .await
        .expect_code(0);
    assert!(show.stdout.contains("\"remote_id\""), "{}", show.stderr);
    // Not locked: says so and succeeds (the id is only checked against a lock).
    env.run(&["force-unlock", "00000000-0000-0000-0000-000000000000"])
        .await
        .expect_code(0);

    // They take `--var` too, and DIR positionally (and the old `--dir`).
    let dir = env.path().to_str().expect("utf-8 path").to_string();
    env.run(&["output", "volume", "--var", "size=100"])
        .await
        .expect_code(0);
    let out = env.run(&["output", "volume", &dir]).await.expect_code(0);
    assert_eq!(out.stdout.trim(), "data");
    let out = env.run(&["output", &dir]).await.expect_code(0);
    assert!(out.stdout.contains("volume = "), "{}", out.stdout);
    let out = env
        .run(&["output", "volume", "--dir", &dir])
        .await
        .expect_code(0);
    assert_eq!(out.stdout.trim(), "data");
    env.run(&["state", "show", "volume.data", &dir])
        .await
        .expect_code(0);
    env.run(&["state", "list", &dir, "--var-file", "/nonexistent.kdl"])
        .await
        .expect_code(1);
}

/// U2: the missing-variable hint names a spelling bash can export, and that spelling works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dashed_variable_is_set_from_the_environment() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let run = env.run(&["plan", "--var", "size=100"]).await.expect_code(1);
    assert!(
        run.stderr.contains("GARRISON_VAR_hf_token"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("GARRISON_VAR_hf-token"),
        "{}",
        run.stderr
    );
    let mut cmd = env.command(&["plan", "--var", "size=100"]);
    cmd.env("GARRISON_VAR_hf_token", "tok-456");
    let run = support::Run::from(cmd.output().await.expect("runs")).expect_code(0);
    assert!(run.stdout.contains("2 to add"), "{}", run.stdout);
}
