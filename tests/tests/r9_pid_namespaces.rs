//! R9 (D1): two applies on one state from different PID namespaces (a container with host
//! networking, or two machines on shared storage: same host name, pids invisible to each
//! other). The second fails fast naming the holder, never both run, and the final state
//! holds every resource the emulator holds. Needs `unshare --pid --fork --mount-proc`
//! (root); without it the test fails under CI (`CI=true`) and is skipped elsewhere.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use garrison_engine::{prepare, CancelToken, EngineError, ExecuteOptions, PrepareOptions};
use garrison_testkit::child::{
    error_file, maybe_run_child, ready_marker, release_marker, spawn_child_via, wait_for,
    EXIT_ENGINE_ERROR,
};
use garrison_testkit::synth;
use garrison_testkit::World;

const HOLDER_IN_NAMESPACE: &str = "a_holder_in_another_pid_namespace_keeps_the_lock";
const LOSER_IN_NAMESPACE: &str = "a_locker_in_another_pid_namespace_fails_fast_naming_the_holder";
const UNSHARE: [&str; 4] = ["unshare", "--pid", "--fork", "--mount-proc"];
const RESOURCES: usize = 12;
/// "Fails fast": the loser returns within this (process start included).
const FAST: Duration = Duration::from_secs(10);

/// Whether `unshare` works here; under CI its absence is a failure, not a skip.
#[allow(clippy::print_stderr)] // a skipped test says why
fn unshare_works() -> bool {
    let ok = Command::new(UNSHARE[0])
        .args(&UNSHARE[1..])
        .arg("true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("R9 needs `unshare --pid --fork --mount-proc` (root) and CI must provide it");
    }
    if !ok {
        eprintln!("skipping R9: `unshare --pid --fork --mount-proc` does not work here");
    }
    ok
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"))
}

fn options(command: &str) -> PrepareOptions {
    PrepareOptions {
        destroy: false,
        command: command.into(),
        expected: None,
        ..PrepareOptions::default()
    }
}

/// The winner's apply completed: the state holds exactly what the emulator holds.
async fn state_matches_the_cloud(w: &World) {
    assert_eq!(w.state().resources.len(), RESOURCES);
    let audit = w.audit().await;
    assert!(audit.is_clean(), "{audit}");
    assert_eq!(audit.remote_total(), RESOURCES, "{audit}");
}

/// The host-namespace apply holds the lock; an apply in a new PID namespace (which cannot
/// see the holder's pid) must fail fast naming it instead of judging it dead.
#[test]
fn a_locker_in_another_pid_namespace_fails_fast_naming_the_holder() {
    maybe_run_child();
    if !unshare_works() {
        return;
    }
    runtime().block_on(async {
        let w = World::start().await;
        w.write_config(&synth::config(RESOURCES));
        let prepared = prepare(
            w.model(),
            w.client.clone(),
            w.backend(),
            options("parent apply"),
        )
        .await
        .unwrap_or_else(|e| panic!("the parent takes the lock: {e}"));

        let started = Instant::now();
        let mut child = spawn_child_via(
            &UNSHARE,
            LOSER_IN_NAMESPACE,
            w.path(),
            &w.sim.base_url(),
            w.sim.api_key(),
            false,
        );
        let ended = wait_for(FAST, || matches!(child.try_wait(), Ok(Some(_))));
        if !ended {
            let _ = child.kill();
        }
        let status = child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
        assert!(ended, "the namespaced apply did not fail fast");
        assert!(started.elapsed() < FAST, "{:?}", started.elapsed());
        assert_eq!(
            status.code(),
            Some(EXIT_ENGINE_ERROR),
            "the namespaced apply must be refused, not run: {status}"
        );
        let message = std::fs::read_to_string(error_file(w.path()))
            .unwrap_or_else(|e| panic!("the child's error: {e}"));
        assert!(
            message.contains("locked by `parent apply`")
                && message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );

        let report = prepared
            .execute(
                ExecuteOptions::default(),
                garrison_engine::no_events(),
                CancelToken::new(),
            )
            .await
            .unwrap_or_else(|e| panic!("the parent's apply: {e}"));
        assert!(report.is_success(), "{report:#?}");
        state_matches_the_cloud(&w).await;
    });
}

/// An apply in a new PID namespace holds the lock; the host-namespace apply fails fast
/// naming it; once it finishes, the state holds everything it created.
#[test]
fn a_holder_in_another_pid_namespace_keeps_the_lock() {
    maybe_run_child();
    if !unshare_works() {
        return;
    }
    runtime().block_on(async {
        let w = World::start().await;
        w.write_config(&synth::config(RESOURCES));
        let mut child = spawn_child_via(
            &UNSHARE,
            HOLDER_IN_NAMESPACE,
            w.path(),
            &w.sim.base_url(),
            w.sim.api_key(),
            true,
        );
        let ready = ready_marker(w.path());
        let held = wait_for(Duration::from_secs(30), || {
            ready.exists() || matches!(child.try_wait(), Ok(Some(_)))
        });
        assert!(
            held && ready.exists(),
            "the namespaced child never took the lock"
        );

        let started = Instant::now();
        let err = prepare(
            w.model(),
            w.client.clone(),
            w.backend(),
            options("parent apply"),
        )
        .await
        .map(|_| ())
        .expect_err("the parent must not take a held lock");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        match &err {
            EngineError::State(garrison_state::Error::Locked { holder, .. }) => {
                assert_eq!(holder.command, "child apply", "{err}");
            }
            other => panic!("expected a lock error naming the child, got: {other}"),
        }

        std::fs::write(release_marker(w.path()), b"go").unwrap_or_else(|e| panic!("release: {e}"));
        let done = wait_for(Duration::from_secs(60), || {
            matches!(child.try_wait(), Ok(Some(_)))
        });
        assert!(done, "the child apply did not finish");
        let status = child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
        assert!(status.success(), "child apply: {status}");
        state_matches_the_cloud(&w).await;
    });
}
