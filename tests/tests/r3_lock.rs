//! R3: two applies on one state at once. The second fails fast naming the holder of the
//! lock (`garrison_state::Error::Locked`), the first completes, and the state file stays
//! valid (decodes, checksum verified) and matches the emulator.

use std::time::{Duration, Instant};

use garrison_engine::{prepare, CancelToken, EngineError, ExecuteOptions, PrepareOptions};
use garrison_state::{LocalBackend, StateDoc};
use garrison_testkit::child::{
    maybe_run_child, ready_marker, release_marker, spawn_child, wait_for,
};
use garrison_testkit::synth;
use garrison_testkit::World;

/// The test the child runs as (it re-runs this binary filtered to it).
const CHILD_TEST: &str = "an_apply_in_another_process_is_named_as_the_holder";
const RESOURCES: usize = 30;
/// "Fails fast": the loser returns within this.
const FAST: Duration = Duration::from_secs(2);

fn options(command: &str) -> PrepareOptions {
    PrepareOptions {
        destroy: false,
        command: command.into(),
        expected: None,
        ..PrepareOptions::default()
    }
}

/// The state file decodes and its checksum holds.
fn valid_state(w: &World) -> StateDoc {
    let backend = LocalBackend::in_config_dir(w.path());
    let bytes = std::fs::read(backend.path())
        .unwrap_or_else(|e| panic!("read {}: {e}", backend.path().display()));
    garrison_state::decode(backend.path(), &bytes)
        .unwrap_or_else(|e| panic!("the state file is not valid: {e}"))
}

/// The loser's error must be `Locked` naming `command` (and `pid`, when given).
fn check_locked(err: &EngineError, command: &str, pid: Option<u32>) {
    match err {
        EngineError::State(garrison_state::Error::Locked { holder, .. }) => {
            assert_eq!(holder.command, command, "{err}");
            if let Some(pid) = pid {
                assert_eq!(holder.pid, pid, "{err}");
            }
            let text = err.to_string();
            assert!(
                text.contains(command),
                "the message names the holder: {text}"
            );
        }
        other => panic!("expected a lock error naming `{command}`, got: {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_applies_at_once_one_fails_fast_naming_the_holder() {
    let w = World::start().await;
    w.write_config(&synth::config(RESOURCES));
    let started = Instant::now();
    let (a, b) = tokio::join!(
        prepare(w.model(), w.client.clone(), w.backend(), options("apply A")),
        prepare(w.model(), w.client.clone(), w.backend(), options("apply B")),
    );
    let (winner, err, holder) = match (a, b) {
        (Ok(p), Err(e)) => (p, e, "apply A"),
        (Err(e), Ok(p)) => (p, e, "apply B"),
        (Ok(_), Ok(_)) => panic!("both applies took the lock"),
        (Err(a), Err(b)) => panic!("neither apply took the lock: {a}; {b}"),
    };
    assert!(started.elapsed() < FAST, "{:?}", started.elapsed());
    check_locked(&err, holder, Some(std::process::id()));

    let report = winner
        .execute(
            ExecuteOptions::default(),
            garrison_engine::no_events(),
            CancelToken::new(),
        )
        .await
        .unwrap_or_else(|e| panic!("the winner's apply: {e}"));
    assert!(report.is_success(), "{report:#?}");
    let state = valid_state(&w);
    assert_eq!(state.resources.len(), RESOURCES);
    let audit = w.audit().await;
    assert!(audit.is_clean(), "{audit}");
    // The lock is released: the next apply finds nothing to do.
    let (plan, _) = w
        .apply()
        .await
        .unwrap_or_else(|e| panic!("next apply: {e}"));
    assert!(!plan.summary.has_changes(), "{:#?}", plan.actions());
}

#[test]
fn an_apply_in_another_process_is_named_as_the_holder() {
    maybe_run_child();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    rt.block_on(async {
        let w = World::start().await;
        w.write_config(&synth::config(RESOURCES));
        let mut child = spawn_child(
            CHILD_TEST,
            w.path(),
            &w.sim.base_url(),
            w.sim.api_key(),
            true,
        );
        let ready = ready_marker(w.path());
        let held = wait_for(Duration::from_secs(30), || {
            ready.exists() || matches!(child.try_wait(), Ok(Some(_)))
        });
        assert!(held && ready.exists(), "the child never took the lock");

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
        assert!(started.elapsed() < FAST, "{:?}", started.elapsed());
        check_locked(&err, "child apply", Some(child.id()));

        std::fs::write(release_marker(w.path()), b"go").unwrap_or_else(|e| panic!("release: {e}"));
        let done = wait_for(Duration::from_secs(60), || {
            matches!(child.try_wait(), Ok(Some(_)))
        });
        assert!(done, "the child apply did not finish");
        let status = child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
        assert!(status.success(), "child apply: {status}");
        let state = valid_state(&w);
        assert_eq!(state.resources.len(), RESOURCES);
        let audit = w.audit().await;
        assert!(audit.is_clean(), "{audit}");
        let plan = w.plan().await.unwrap_or_else(|e| panic!("plan: {e}"));
        assert!(!plan.summary.has_changes(), "{:#?}", plan.actions());
    });
}
