//! R2: an apply in a child process is SIGKILLed at random (seeded) moments, once or twice
//! per trial; the next apply in-process converges, the emulator holds exactly the state (no
//! orphans, no duplicates), and every resource a killed run had recorded as created still
//! exists, remotely and in the state, with the same id.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use garrison_state::Store;
use garrison_testkit::audit::remote_ids;
use garrison_testkit::child::{maybe_run_child, spawn_child};
use garrison_testkit::synth;
use garrison_testkit::{Budget, World};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// This test's name: the child re-runs the test binary filtered to it.
const TEST: &str = "sigkill_at_random_moments_loses_nothing";
const RESOURCES: usize = 60;
const TRIALS: Budget = Budget { ci: 8, soak: 20 };

/// How long an uninterrupted child apply takes here: kill moments are drawn from
/// `0..that` after the spawn.
async fn calibrate() -> Duration {
    let w = World::start().await;
    w.write_config(&synth::config(RESOURCES));
    let started = Instant::now();
    let mut child = spawn_child(TEST, w.path(), &w.sim.base_url(), w.sim.api_key(), false);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            assert!(status.success(), "the calibration apply failed: {status}");
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "calibration apply hangs"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[derive(Debug, Default)]
struct Tally {
    kills_mid_run: usize,
    finished_before_kill: usize,
    pending_at_kill: usize,
    recorded_at_kill: usize,
}

async fn trial(seed: u64, max_delay: Duration, tally: &mut Tally) {
    let mut rng = StdRng::seed_from_u64(seed);
    let w = World::start().await;
    w.write_config(&synth::config(RESOURCES));
    // address -> (kind, id) of everything a killed run had recorded.
    let mut completed: BTreeMap<String, (String, String)> = BTreeMap::new();
    let kills = rng.gen_range(1..=2);
    for k in 0..kills {
        let delay = Duration::from_millis(rng.gen_range(0..max_delay.as_millis().max(1) as u64));
        let mut child = spawn_child(TEST, w.path(), &w.sim.base_url(), w.sim.api_key(), false);
        let until = Instant::now() + delay;
        let mut exited = None;
        while Instant::now() < until {
            if let Ok(Some(status)) = child.try_wait() {
                exited = Some(status);
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        match exited {
            Some(status) => {
                tally.finished_before_kill += 1;
                assert!(
                    status.success(),
                    "seed {seed} kill {k}: child exited {status}"
                );
            }
            None => {
                child.kill().unwrap_or_else(|e| panic!("SIGKILL: {e}"));
                child.wait().unwrap_or_else(|e| panic!("reap: {e}"));
                tally.kills_mid_run += 1;
            }
        }
        // The journal of a killed run must replay (a torn last line is tolerated).
        let replay = Store::peek(w.backend().as_ref()).unwrap_or_else(|e| {
            panic!("seed {seed} kill {k}: state unreadable after SIGKILL: {e}")
        });
        tally.pending_at_kill += replay.unresolved.len();
        tally.recorded_at_kill += replay.state.resources.len();
        let remote = remote_ids(&w.sim_state().await);
        for rs in replay.state.resources.values() {
            let key = (rs.kind.to_string(), rs.remote_id.to_string());
            assert!(
                remote.contains(&key),
                "seed {seed} kill {k}: {} recorded as {key:?} but the emulator does not hold it",
                rs.address
            );
            completed.insert(rs.address.to_string(), key);
        }
    }

    // With no faults, the one apply after the kills must finish everything.
    let (_, report) = w
        .apply()
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: the apply after the kills: {e}"));
    assert!(
        report.is_success(),
        "seed {seed}: the apply after the kills failed: {:#?}",
        report.failed
    );
    let plan = w
        .plan()
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: plan: {e}"));
    assert!(
        !plan.summary.has_changes(),
        "seed {seed}: {:#?}",
        plan.actions()
    );
    let audit = w.audit().await;
    assert!(audit.is_clean(), "seed {seed}: {audit}");
    assert_eq!(audit.remote_total(), RESOURCES, "seed {seed}: {audit}");
    let state = w.state();
    for (address, (kind, id)) in &completed {
        let rs = state
            .resources
            .get(address)
            .unwrap_or_else(|| panic!("seed {seed}: {address} was recorded, now lost"));
        assert_eq!(
            (rs.kind.to_string(), rs.remote_id.to_string()),
            (kind.clone(), id.clone()),
            "seed {seed}: {address} was recorded as {kind} {id}, now replaced"
        );
    }
}

#[test]
fn sigkill_at_random_moments_loses_nothing() {
    maybe_run_child();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let trials = TRIALS.get() as u64;
    let started = Instant::now();
    let mut tally = Tally::default();
    let max_delay = rt.block_on(async {
        let max_delay = calibrate().await;
        for seed in 1..=trials {
            trial(seed, max_delay, &mut tally).await;
        }
        max_delay
    });
    std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "{trials} trials in {:.1}s, uninterrupted apply {max_delay:?}: {tally:?}\n",
            started.elapsed().as_secs_f64()
        )
        .as_bytes(),
    )
    .ok();
    // The seeded moments must mostly land inside a run, or the test tests nothing.
    assert!(
        tally.kills_mid_run * 2 >= tally.kills_mid_run + tally.finished_before_kill,
        "{tally:?}"
    );
}
