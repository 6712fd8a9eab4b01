//! R2, late delivery (D2, D3): an apply in a child process is SIGKILLed while the emulator
//! holds its mutations (`late_delivery`); the held creates land AFTER the kill. The next
//! apply or destroy (at once, while they are still landing, or after) converges with no
//! orphans, no duplicates and nothing foreign adopted. A D3 trial creates a foreign object
//! with an intent's name before recovery: it is never adopted or destroyed, and the
//! conflict names both.

use std::time::{Duration, Instant};

use barrack_api::wire::CreateVolumeRequest;
use barrack_sim::FaultConfig;
use garrison_engine::{
    no_events, prepare, ApplyReport, CancelToken, EngineError, ExecuteOptions, PrepareOptions,
};
use garrison_testkit::child::{maybe_run_child, spawn_child};
use garrison_testkit::{synth, Budget, World};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const TRIALS: Budget = Budget { ci: 6, soak: 24 };
const D3_TRIALS: Budget = Budget { ci: 2, soak: 8 };
const RESOURCES: usize = 20;
const LATE_TEST: &str = "held_creates_landing_after_sigkill_are_adopted_not_orphaned";
const D3_TEST: &str = "a_foreign_object_named_like_a_held_create_is_never_adopted";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"))
}

async fn held(w: &World) -> u64 {
    w.counters().await["late"]["held"].as_u64().unwrap_or(0)
}

/// Polls until `cond` holds on the held count, within `within`.
async fn wait_held(w: &World, within: Duration, cond: impl Fn(u64) -> bool) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if cond(held(w).await) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    false
}

/// Starts the child apply with every mutation held `hold_ms`, kills it `extra` after the
/// first mutation is held, turns faults off; returns how many were held at the kill and
/// how many had been delivered late by then.
async fn kill_while_held(w: &World, test: &str, hold_ms: u64, extra: Duration) -> (u64, u64) {
    w.set_faults(&FaultConfig {
        late_delivery: 1.0,
        late_delivery_ms: hold_ms,
        ..FaultConfig::default()
    })
    .await;
    let mut child = spawn_child(test, w.path(), &w.sim.base_url(), w.sim.api_key(), false);
    assert!(
        wait_held(w, Duration::from_secs(30), |n| n >= 1).await,
        "no mutation was ever held"
    );
    tokio::time::sleep(extra).await;
    let at_kill = held(w).await;
    let delivered = w.counters().await["late"]["delivered"]
        .as_u64()
        .unwrap_or(0);
    child.kill().unwrap_or_else(|e| panic!("SIGKILL: {e}"));
    child.wait().unwrap_or_else(|e| panic!("reap: {e}"));
    w.no_faults().await;
    (at_kill, delivered)
}

async fn destroy(w: &World) -> Result<ApplyReport, EngineError> {
    let prepared = prepare(
        w.model(),
        w.client.clone(),
        w.backend(),
        PrepareOptions {
            destroy: true,
            command: "garrison destroy".into(),
            expected: None,
            ..PrepareOptions::default()
        },
    )
    .await?;
    prepared
        .execute(ExecuteOptions::default(), no_events(), CancelToken::new())
        .await
}

#[derive(Debug, Default)]
struct Tally {
    trials: usize,
    held_at_kill: u64,
    landed_after_kill: u64,
    runs_after_kill: usize,
    /// `(seed, waited for the landings first, destroy)` of trials that needed a second run.
    second_run_needed: Vec<(u64, bool, bool)>,
    apply_trials: usize,
    destroy_trials: usize,
    pending_never_landed: usize,
    /// What an apply run left to do (then done by the next run).
    left_after_run: Vec<String>,
}

async fn late_trial(seed: u64, tally: &mut Tally) {
    let mut rng = StdRng::seed_from_u64(seed);
    let w = World::start().await;
    w.write_config(&synth::config(RESOURCES));
    let hold_ms = rng.gen_range(300..900);
    let extra = Duration::from_millis(rng.gen_range(0..hold_ms + 400));
    let (at_kill, delivered_before) = kill_while_held(&w, LATE_TEST, hold_ms, extra).await;
    tally.held_at_kill += at_kill;
    let wait_first = rng.gen_bool(0.5);
    let use_destroy = rng.gen_bool(0.5);
    if wait_first {
        assert!(wait_held(&w, Duration::from_secs(10), |n| n == 0).await);
    }
    let mut runs = 0;
    for _ in 0..3 {
        runs += 1;
        let _ = if use_destroy {
            destroy(&w).await.map(|_| ())
        } else {
            w.apply().await.map(|_| ())
        };
        // Whatever was still held has landed before we judge.
        assert!(wait_held(&w, Duration::from_secs(10), |n| n == 0).await);
        let state = w.state();
        let done = if use_destroy {
            w.audit().await.remote_total() == 0 && state.resources.is_empty()
        } else {
            let plan = w
                .plan()
                .await
                .unwrap_or_else(|e| panic!("seed {seed}: plan: {e}"));
            if plan.summary.has_changes() {
                tally
                    .left_after_run
                    .push(format!("seed {seed}: {:?}", plan.actions()));
            }
            !plan.summary.has_changes()
        };
        if done {
            break;
        }
    }
    tally.runs_after_kill += runs;
    if runs > 1 {
        tally
            .second_run_needed
            .push((seed, wait_first, use_destroy));
    }
    let delivered = w.counters().await["late"]["delivered"]
        .as_u64()
        .unwrap_or(0);
    tally.landed_after_kill += delivered.saturating_sub(delivered_before);
    let audit = w.audit().await;
    assert!(audit.is_clean(), "seed {seed}: {audit}");
    // A create killed before the server received it never lands: its intent may stay
    // pending (for the bound), but only while nothing holds its name.
    let sim = w.sim_state().await;
    for intent in &w.state().pending {
        let key = garrison_testkit::audit::KINDS
            .iter()
            .find(|(_, kind)| *kind == intent.kind.to_string())
            .map_or("", |(key, _)| *key);
        let taken = sim[key]
            .as_array()
            .into_iter()
            .flatten()
            .any(|o| o["name"] == intent.name.as_str());
        assert!(
            !taken,
            "seed {seed}: pending {intent:?} but its name exists: {sim}"
        );
        tally.pending_never_landed += 1;
    }
    if use_destroy {
        tally.destroy_trials += 1;
        assert_eq!(
            audit.remote_total(),
            0,
            "seed {seed}: orphans after destroy: {audit}"
        );
    } else {
        tally.apply_trials += 1;
        assert_eq!(audit.remote_total(), RESOURCES, "seed {seed}: {audit}");
    }
    assert!(
        runs <= 2,
        "seed {seed}: {runs} runs to converge (wait_first {wait_first}, destroy {use_destroy})"
    );
    tally.trials += 1;
}

#[test]
fn held_creates_landing_after_sigkill_are_adopted_not_orphaned() {
    maybe_run_child();
    let trials = TRIALS.get() as u64;
    let started = Instant::now();
    let mut tally = Tally::default();
    runtime().block_on(async {
        for seed in 1..=trials {
            late_trial(seed, &mut tally).await;
        }
    });
    std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "late delivery: {trials} trials in {:.1}s: {tally:?}\n",
            started.elapsed().as_secs_f64()
        )
        .as_bytes(),
    )
    .ok();
    assert!(tally.held_at_kill >= trials, "{tally:?}");
}

const DATA: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}
volume "data" {
    size-gb 100
}
"#;

async fn d3_trial(seed: u64) {
    let w = World::start().await;
    w.write_config(DATA);
    kill_while_held(&w, D3_TEST, 600, Duration::from_millis(40 * (seed % 10))).await;
    // Team B takes the name while our create is still held.
    let foreign = w
        .client
        .create_volume(&CreateVolumeRequest {
            name: "data".into(),
            region: "NORWAY-1".into(),
            size: 500,
            description: "team B production data".into(),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: team B's create: {e}"))
        .value;
    assert!(wait_held(&w, Duration::from_secs(10), |n| n == 0).await);
    let refused = match w.plan().await {
        Err(EngineError::Plan(f)) => f.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        other => panic!("seed {seed}: expected a name conflict, got {other:?}"),
    };
    let message = refused.join("\n");
    for part in [
        "`volume.data`",
        &format!("id {}", foreign.id.as_str()),
        &format!("created {}", foreign.created_at),
        "our interrupted create of `data`",
    ] {
        assert!(
            message.contains(part),
            "seed {seed}: `{part}` missing: {message}"
        );
    }
    assert!(matches!(w.apply().await, Err(EngineError::Plan(_))));
    let report = destroy(&w)
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: destroy: {e}"));
    assert!(report.is_success(), "seed {seed}: {report:#?}");
    let sim = w.sim_state().await;
    let volumes = sim["volumes"].as_array().cloned().unwrap_or_default();
    assert_eq!(volumes.len(), 1, "seed {seed}: {volumes:?}");
    assert_eq!(
        volumes[0]["size"], 500,
        "seed {seed}: team B's volume was touched"
    );
    assert!(w.state().resources.is_empty(), "seed {seed}: adopted");
}

#[test]
fn a_foreign_object_named_like_a_held_create_is_never_adopted() {
    maybe_run_child();
    let trials = D3_TRIALS.get() as u64;
    runtime().block_on(async {
        for seed in 1..=trials {
            d3_trial(seed).await;
        }
    });
}
