//! R1: with 20% of API requests failing (5xx before processing, connections dropped after
//! processing, 429s) and creates of every kind with a status ending in ERROR, repeated
//! applies of 100 resources converge (broken ones are replaced); then a plan is empty and
//! the emulator holds exactly the state: no orphans, no duplicates, nothing in ERROR.

use std::time::Instant;

use barrack_sim::{FaultConfig, SimConfig};
use garrison_testkit::synth;
use garrison_testkit::{Budget, World};

/// Resources per config.
const RESOURCES: usize = 100;
/// Applies allowed before a seed counts as not converging.
const MAX_RUNS: usize = 8;
/// Seeds in CI and in soak mode.
const SEEDS: Budget = Budget { ci: 3, soak: 20 };

/// Each fault at 7.5%: 1 - 0.925^3 = 21% of requests suffer at least one; and 7.5% of
/// creates (VMs, volumes, firewalls, snapshots, images) end in ERROR (C1).
fn faults() -> FaultConfig {
    FaultConfig {
        error_5xx: 0.075,
        drop_after_processing: 0.075,
        too_many_requests: 0.075,
        operation_error: 0.075,
        ..FaultConfig::default()
    }
}

async fn check(seed: u64) -> String {
    let started = Instant::now();
    let w = World::start_with(SimConfig {
        seed,
        faults: faults(),
        ..SimConfig::default()
    })
    .await;
    w.write_config(&synth::config(RESOURCES));
    let runs = w
        .converge(MAX_RUNS)
        .await
        .unwrap_or_else(|log| panic!("seed {seed}: no convergence in {MAX_RUNS} runs: {log:#?}"));
    let counters = w.counters().await;

    // The verdict comes from the emulator with faults off.
    w.no_faults().await;
    let plan = w
        .plan()
        .await
        .unwrap_or_else(|e| panic!("seed {seed}: plan: {e}"));
    assert!(
        !plan.summary.has_changes(),
        "seed {seed}: plan after convergence is not empty: {:#?}",
        plan.actions()
    );
    let audit = w.audit().await;
    assert!(audit.is_clean(), "seed {seed}: {audit}");
    assert_eq!(audit.remote_total(), RESOURCES, "seed {seed}: {audit}");
    assert_eq!(w.state().resources.len(), RESOURCES, "seed {seed}");
    let sim = w.sim_state().await;
    let broken: Vec<&serde_json::Value> = sim
        .as_object()
        .into_iter()
        .flat_map(|o| o.values())
        .filter_map(|v| v.as_array())
        .flatten()
        .filter(|r| {
            r["status"]
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("error"))
        })
        .collect();
    assert!(broken.is_empty(), "seed {seed}: left in ERROR: {broken:?}");
    format!(
        "seed {seed}: converged in {runs} run(s), {:.1}s, counters {counters}",
        started.elapsed().as_secs_f64()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faulty_applies_converge_without_orphans_or_duplicates() {
    let seeds = SEEDS.get() as u64;
    let mut lines = Vec::new();
    for seed in 1..=seeds {
        lines.push(check(seed).await);
    }
    // Visible with `--nocapture` / nextest's `--success-output`.
    std::io::Write::write_all(&mut std::io::stderr(), (lines.join("\n") + "\n").as_bytes()).ok();
}
