//! `apply` and `destroy` through the binary as a person meets them: saved destroy plans,
//! the lock on Ctrl-C and during `plan`, a terminal without colour, the confirmation
//! prompt, and the files `--sim` leaves behind.

mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use support::Env;
use tokio::io::{AsyncBufReadExt, BufReader};

const CONFIG: &str = r#"
provider "barrack" {
    region "US-1"
}

ssh-key "k" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k"
}

vm "w" count=6 {
    gpu "A40"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.k"
}
"#;

const SMALL: &str = r##"
provider "barrack" {
    region "US-1"
}

volume "data" {
    size-gb 100
}

script "boot" {
    content "#!/bin/sh\necho secret-content-77\n"
}
"##;

/// Waits until a VM create is journaled (so operations are in flight).
async fn wait_for_vm_intent(env: &Env) {
    let journal = env.path().join(".garrison/state.json.journal");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&journal)
        .unwrap_or_default()
        .contains("\"vm.w[")
    {
        assert!(Instant::now() < deadline, "no VM create started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn sigint(pid: &str) {
    let status = std::process::Command::new("kill")
        .args(["-INT", pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Runs `sh -c CMD` under `script` so the binary's stdin, stdout and stderr are a terminal;
/// returns everything the terminal showed.
async fn on_a_terminal(env: &Env, command: &str, stdin: &str) -> String {
    let mut cmd = tokio::process::Command::new("script");
    cmd.args(["-qec", command, "/dev/null"])
        .current_dir(env.path())
        .env("BARRACK_API_KEY", support::API_KEY)
        .env("BARRACK_ENDPOINT", env.sim.base_url())
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().expect("script(1) runs (util-linux)");
    if let Some(mut input) = child.stdin.take() {
        use tokio::io::AsyncWriteExt;
        input.write_all(stdin.as_bytes()).await.expect("stdin");
    }
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("finishes")
        .expect("waits");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn garrison() -> &'static str {
    env!("CARGO_BIN_EXE_garrison")
}

/// U7: a saved destroy plan (`plan --destroy --out`) applies with `apply PLANFILE`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_takes_a_saved_destroy_plan() {
    let env = Env::new(0.002).await;
    env.write(SMALL);
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert_eq!(env.sim_names().await.len(), 2);
    env.run(&["plan", "--destroy", "--out", "destroy.plan"])
        .await
        .expect_code(0);
    let run = env.run(&["apply", "destroy.plan"]).await.expect_code(0);
    assert!(run.stderr.contains("Destroy complete"), "{}", run.stderr);
    assert!(env.sim_names().await.is_empty());
    // And the other way round: a plan to apply is not a destroy plan.
    env.run(&["plan", "--out", "apply.plan"])
        .await
        .expect_code(0);
    let run = env.run(&["destroy", "apply.plan"]).await.expect_code(1);
    assert!(run.stderr.contains("not a destroy plan"), "{}", run.stderr);
    assert!(env.sim_names().await.is_empty());
}

/// U9: a second Ctrl-C aborts at once and still releases the lock (exit 130); the next
/// apply finishes the job. U10: the first Ctrl-C's summary says what Ctrl-C cancelled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_ctrl_c_releases_the_lock() {
    let env = Env::new(0.05).await;
    env.write(CONFIG);
    let mut child = env
        .command(&["apply", "--auto-approve", "--parallelism", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("garrison starts");
    let pid = child.id().expect("pid").to_string();
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    wait_for_vm_intent(&env).await;
    sigint(&pid);
    let mut seen = String::new();
    while let Some(line) = lines.next_line().await.expect("stderr reads") {
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("Stopping") {
            break;
        }
    }
    assert!(seen.contains("Stopping"), "{seen}");
    sigint(&pid);
    while let Some(line) = lines.next_line().await.expect("stderr reads") {
        seen.push_str(&line);
        seen.push('\n');
    }
    let status = child.wait().await.expect("garrison ends");
    assert_eq!(status.code(), Some(130), "{seen}");
    assert!(
        !env.path().join(".garrison/state.json.lock").exists(),
        "the lock file stayed after the abort:\n{seen}"
    );
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    env.run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(0);
    assert_eq!(env.sim_names().await.len(), 7);
}

/// U10: one Ctrl-C: cancelled steps are "not started (cancelled by Ctrl-C)", never
/// "skipped ... because `cancelled` failed".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_summary_says_ctrl_c() {
    let env = Env::new(0.05).await;
    env.write(CONFIG);
    let child = env
        .command(&["apply", "--auto-approve", "--parallelism", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("garrison starts");
    let pid = child.id().expect("pid").to_string();
    wait_for_vm_intent(&env).await;
    sigint(&pid);
    let out = child.wait_with_output().await.expect("garrison ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("(cancelled by Ctrl-C)"), "{stderr}");
    assert!(stderr.contains("Interrupted by Ctrl-C"), "{stderr}");
    assert!(!stderr.contains("`cancelled`"), "{stderr}");
}

/// U9: `plan` while an apply holds the lock says who holds it and since when.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_during_an_apply_says_the_state_is_locked() {
    let env = Env::new(0.05).await;
    env.write(CONFIG);
    let mut child = env
        .command(&["apply", "--auto-approve", "--parallelism", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("garrison starts");
    wait_for_vm_intent(&env).await;
    let plan = env.run(&["plan"]).await;
    let _ = child.kill().await;
    assert!(
        plan.stderr.contains("the state is locked") && plan.stderr.contains("`garrison apply`"),
        "{}",
        plan.stderr
    );
    assert!(plan.stderr.contains("since "), "{}", plan.stderr);
    assert!(
        plan.stderr.contains("may be about to change"),
        "{}",
        plan.stderr
    );
}

/// U10: on a terminal, `--no-color` and `NO_COLOR` write no escape sequence at all (the
/// live status line included).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_color_writes_no_escape_sequences() {
    let env = Env::new(0.01).await;
    env.write(CONFIG);
    let shown = on_a_terminal(
        &env,
        &format!("{} --no-color apply --auto-approve", garrison()),
        "",
    )
    .await;
    assert!(shown.contains("Apply complete"), "{shown}");
    assert!(!shown.contains('\x1b'), "escape sequences: {shown:?}");
    env.edit("main.kdl", |t| t.replace("count=6", "count=4"));
    let shown = on_a_terminal(
        &env,
        &format!("NO_COLOR=1 {} apply --auto-approve", garrison()),
        "",
    )
    .await;
    assert!(shown.contains("Apply complete"), "{shown}");
    assert!(!shown.contains('\x1b'), "escape sequences: {shown:?}");
}

/// U15: the question comes right after the summary and the cost, repeated below the plan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_prompt_repeats_the_summary_and_cost() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let shown = on_a_terminal(&env, &format!("{} --no-color apply", garrison()), "no\n").await;
    let question = shown
        .find("Do you want to apply these changes?")
        .unwrap_or_else(|| panic!("no question: {shown}"));
    let before: Vec<&str> = shown[..question]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let n = before.len();
    assert!(n >= 2, "{shown}");
    assert!(before[n - 2].starts_with("Plan: 7 to add"), "{shown}");
    assert!(
        before[n - 1].starts_with("Cost:") && before[n - 1].contains("(+$"),
        "{shown}"
    );
    assert!(shown.contains("Cancelled: nothing was changed."), "{shown}");
    assert!(env.sim_names().await.is_empty());
}

/// S8: `--sim` keeps its account (script contents) in a 0700 directory, file 0600.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new(0.002).await;
    env.write(SMALL);
    let mut cmd = env.command(&["--sim", "apply", "--auto-approve"]);
    cmd.env_remove("BARRACK_API_KEY")
        .env_remove("BARRACK_ENDPOINT")
        .env("GARRISON_SIM_TIME_SCALE", "0.002");
    support::Run::from(cmd.output().await.expect("runs")).expect_code(0);
    let mode = |p: &str| {
        std::fs::metadata(env.path().join(p))
            .expect("exists")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(".garrison"), 0o700);
    assert_eq!(mode(".garrison/sim.json"), 0o600);
    let sim = std::fs::read_to_string(env.path().join(".garrison/sim.json")).expect("sim.json");
    assert!(
        sim.contains("secret-content-77"),
        "the test must look at the right file"
    );
}

/// U9: Ctrl-C at the confirmation question cancels and releases the lock (it used to kill
/// the process and leave the lock file).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_at_the_question_releases_the_lock() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let env = Env::new(0.002).await;
    env.write(SMALL);
    let mut child = tokio::process::Command::new("script")
        .args([
            "-qec",
            &format!("{} --no-color apply", garrison()),
            "/dev/null",
        ])
        .current_dir(env.path())
        .env("BARRACK_API_KEY", support::API_KEY)
        .env("BARRACK_ENDPOINT", env.sim.base_url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("script(1) runs (util-linux)");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut shown = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(30);
    while !String::from_utf8_lossy(&shown).contains("Only `yes` is accepted") {
        assert!(
            Instant::now() < deadline,
            "no question: {}",
            String::from_utf8_lossy(&shown)
        );
        let n = tokio::time::timeout(Duration::from_secs(30), stdout.read(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("no output: {}", String::from_utf8_lossy(&shown)))
            .expect("reads");
        assert!(n > 0, "ended early: {}", String::from_utf8_lossy(&shown));
        shown.extend_from_slice(&buf[..n]);
    }
    assert!(
        env.path().join(".garrison/state.json.lock").exists(),
        "the lock is held while asking"
    );
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"\x03").await.expect("writes ^C");
    let ended = tokio::time::timeout(Duration::from_secs(30), stdout.read_to_end(&mut shown)).await;
    assert!(
        ended.is_ok(),
        "Ctrl-C at the question was ignored: {}",
        String::from_utf8_lossy(&shown)
    );
    let _ = tokio::time::timeout(Duration::from_secs(30), child.wait()).await;
    let shown = String::from_utf8_lossy(&shown);
    assert!(shown.contains("Cancelled: nothing was changed."), "{shown}");
    assert!(
        !env.path().join(".garrison/state.json.lock").exists(),
        "the lock file stayed: {shown}"
    );
    assert!(env.sim_names().await.is_empty());
}
