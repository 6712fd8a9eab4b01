//! The CLI's contract with scripts and people: usage errors exit 1 (2 only means "changes
//! present"), Terraform's one-dash spellings get a hint, every error is one `error:` line
//! with `hint:` lines, and a closed pipe never panics.

mod support;

use std::process::Stdio;

use garrison_testkit::dir::ONE_VOLUME as CONFIG;
use support::Env;

/// U1: a typo is a usage error, exit 1, so `plan --detailed-exitcode` in CI never reads it
/// as "changes present"; `-var` and `-auto-approve` name the two-dash flag.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_1_with_a_double_dash_hint() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let run = env
        .run(&["plan", "--detailed-exitcod"])
        .await
        .expect_code(1);
    assert!(run.stderr.contains("error:"), "{}", run.stderr);
    env.run(&["plna"]).await.expect_code(1);
    env.run(&[]).await.expect_code(1);

    for (args, want) in [
        (&["plan", "-var", "x=1"][..], "did you mean `--var`?"),
        (
            &["plan", "-var-file", "v.kdl"][..],
            "did you mean `--var-file`?",
        ),
        (
            &["apply", "-auto-approve"][..],
            "did you mean `--auto-approve`?",
        ),
        (&["plan", "-out", "p.plan"][..], "did you mean `--out`?"),
        (&["plan", "-json"][..], "did you mean `--json`?"),
    ] {
        let run = env.run(args).await.expect_code(1);
        assert!(run.stderr.contains(want), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("hint:"), "{args:?}: {}", run.stderr);
    }
    // Help and version are not errors.
    let help = env.run(&["--help"]).await.expect_code(0);
    assert!(help.stdout.contains("plan"), "{}", help.stdout);
    env.run(&["--version"]).await.expect_code(0);
    // Changes present is still 2.
    env.run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(2);
}

/// Errors are classified: one `error:` line with the cause, then `hint:` lines; no
/// miette box drawing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_one_line_with_hints() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let check = |run: support::Run| {
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert!(
            lines.first().is_some_and(|l| l.starts_with("error: ")),
            "{}",
            run.stderr
        );
        assert!(
            lines
                .iter()
                .skip(1)
                .all(|l| l.starts_with("hint: ") || l.starts_with("  ")),
            "{}",
            run.stderr
        );
        assert!(
            lines.iter().any(|l| l.starts_with("hint: ")),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains('×'), "{}", run.stderr);
    };
    let mut cmd = env.command(&["plan"]);
    cmd.env_remove("BARRACK_API_KEY");
    check(support::Run::from(cmd.output().await.expect("runs")).expect_code(1));
    check(env.run(&["plan", "/nonexistent-dir"]).await.expect_code(1));
    check(env.run(&["output", "nope"]).await.expect_code(1));
    check(
        env.run(&["state", "list", "/nonexistent-dir"])
            .await
            .expect_code(1),
    );
}

/// H5: stdout and stderr closed before the binary writes (as `| head -c 10` does): no
/// panic, no abort (134), the command's own exit code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_pipe_exits_quietly() {
    let env = Env::new(0.002).await;
    env.write("vm \"x\" {\n    gpu \"nope\"\n}\nvolume \"v\" {\n    size-gb \"x\"\n}\n");
    for (args, want) in [
        (&["validate"][..], 1),
        (&["plan"][..], 1),
        (&["plan", "-var", "x"][..], 1),
        (&["--help"][..], 0),
    ] {
        for _ in 0..3 {
            let mut child = env
                .command(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("garrison starts");
            drop(child.stdout.take());
            drop(child.stderr.take());
            let status = child.wait().await.expect("garrison ends");
            assert_eq!(status.code(), Some(want), "{args:?}: {status:?}");
        }
    }
    env.write(CONFIG);
    for _ in 0..3 {
        let mut child = env
            .command(&["plan"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("garrison starts");
        drop(child.stdout.take());
        drop(child.stderr.take());
        let status = child.wait().await.expect("garrison ends");
        assert_eq!(status.code(), Some(0), "plan: {status:?}");
    }
}
