//! Error classes through the binary: one error of each class exits with the code
//! docs/cli.md gives its class, as one `error:` line; a panic is an internal error (one
//! line, no secret, never "interrupted"), triggered with the debug-build-only
//! `GARRISON_DEBUG_PANIC`.

mod support;

use garrison_state::{Backend, LocalBackend, LockInfo};
use garrison_testkit::dir::ONE_VOLUME as CONFIG;
use support::{Env, Run, API_KEY};

/// The exit code docs/cli.md documents for a class (its row: "| `class` | code |").
fn documented_code(class: &str) -> i32 {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/cli.md"))
        .expect("docs/cli.md");
    let prefix = format!("| `{class}` | ");
    let row = doc
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("docs/cli.md has no row for `{class}`"));
    row[prefix.len()..]
        .split(' ')
        .next()
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no code in `{row}`"))
}

/// The run exits with its class's documented code and starts with one `error:` line
/// saying `marker`.
fn check(class: &str, run: Run, marker: &str) {
    let run = run.expect_code(documented_code(class));
    let first = run.stderr.lines().find(|l| l.starts_with("error: "));
    assert!(
        first.is_some_and(|l| l.contains(marker)),
        "{class}: no `error:` line with `{marker}`:\n{}",
        run.stderr
    );
}

async fn output(mut cmd: tokio::process::Command) -> Run {
    Run::from(cmd.output().await.expect("garrison runs"))
}

/// One error of each class, each with its documented exit code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_class_exits_with_its_documented_code() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let mut no_key = env.command(&["plan"]);
    no_key.env_remove("BARRACK_API_KEY");
    check(
        "config",
        output(no_key).await,
        "`BARRACK_API_KEY` is not set",
    );
    check("usage", env.run(&["plan", "--nope"]).await, "--nope");
    check(
        "usage",
        env.run(&["output", "nope"]).await,
        "no output named",
    );
    let mut wrong_key = env.command(&["plan"]);
    wrong_key.env("BARRACK_API_KEY", "wrong-key-0000");
    check("remote", output(wrong_key).await, "401");

    let backend = LocalBackend::in_config_dir(env.path());
    let guard = backend.lock(LockInfo::new("garrison apply")).expect("lock");
    let run = env.run(&["apply", "--auto-approve"]).await;
    check("state", run, "[garrison::state::locked]");
    guard.release().expect("release");

    #[cfg(debug_assertions)]
    {
        let mut panics = env.command(&["plan"]);
        panics.env("GARRISON_DEBUG_PANIC", "boom");
        check("internal", output(panics).await, "internal error: ");
    }
}

/// A panic: one line saying it is a bug, the internal code (not Rust's 101), no secret,
/// no backtrace, nothing about an interruption, and stdout untouched.
#[cfg(debug_assertions)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_is_one_line_saying_it_is_a_bug() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    for args in [&["plan"][..], &["apply", "--auto-approve"][..]] {
        let mut cmd = env.command(args);
        cmd.env(
            "GARRISON_DEBUG_PANIC",
            format!("boom, the key is {API_KEY}"),
        )
        .env_remove("RUST_BACKTRACE");
        let run = output(cmd).await.expect_code(documented_code("internal"));
        assert_eq!(
            run.stderr,
            "error: internal error: GARRISON_DEBUG_PANIC: boom, the key is [redacted] (this is a bug, please report it)\n",
            "{args:?}"
        );
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    assert!(env.sim_names().await.is_empty(), "nothing was made");
}
