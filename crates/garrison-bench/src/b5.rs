//! B5: the rehearsal of B3's 500-resource DAG: its predicted makespan (parallelism 10, no
//! rate limit, like B3's emulator) against the makespan B3 measures by applying it (scaled
//! back to contract seconds), and the wall-clock time the rehearsal adds to a plan.

use std::time::Instant;

use garrison_engine::{plan_with_inputs, ExecuteOptions, Scheduling};
use garrison_rehearse::{rehearse, RehearseOptions};
use garrison_testkit::synth;

use crate::b3::{timings, TIME_SCALE};
use crate::env::{Env, Timed};
use crate::report::Line;

const SEED: u64 = 42;

pub(crate) fn run(n: usize) -> Result<Vec<Line>, String> {
    let rt = tokio::runtime::Runtime::new().map_err(|e| format!("runtime: {e}"))?;
    rt.block_on(run_async(n))
}

async fn run_async(n: usize) -> Result<Vec<Line>, String> {
    let (text, _) = synth::random_dag(n, SEED);
    let mut lines = Vec::new();
    let measured = measured_makespan(&text).await?;
    for scale in [0.002, 0.0005] {
        let (predicted, elapsed, steps) = rehearsed(&text, scale).await?;
        let ratio = predicted / measured;
        let tag = format!("{scale}").replace("0.", "s");
        lines.push(Line {
            name: format!("b5_dag{n}_predicted_makespan_{tag}"),
            value: predicted,
            unit: "s".into(),
            baseline: Some(measured),
            ratio: Some(ratio),
            target: "within 10% of B3's measured p10 makespan (contract s)".into(),
            met: Some((0.9..=1.1).contains(&ratio)),
        });
        lines.push(Line {
            name: format!("b5_dag{n}_rehearsal_wall_{tag}"),
            value: elapsed,
            unit: "s".into(),
            baseline: None,
            ratio: None,
            target: format!("< 1 s added to a plan of {steps} operations"),
            met: Some(elapsed < 1.0),
        });
    }
    Ok(lines)
}

/// B3's measurement: critical path at p10 on a fresh emulator, in contract seconds.
async fn measured_makespan(text: &str) -> Result<f64, String> {
    let env = Env::start(TIME_SCALE, std::time::Duration::from_millis(10)).await?;
    let model = env.model(text)?;
    let options = ExecuteOptions {
        parallelism: 10,
        scheduling: Scheduling::CriticalPath,
    };
    let (plan, _, events): (_, _, Vec<Timed>) = env.apply(model, options).await?;
    Ok(timings(&plan.steps, &events)?.makespan / TIME_SCALE)
}

/// The rehearsal's predicted makespan, its wall-clock seconds and the plan's operations.
async fn rehearsed(text: &str, time_scale: f64) -> Result<(f64, f64, usize), String> {
    let env = Env::start(TIME_SCALE, std::time::Duration::from_millis(10)).await?;
    let model = env.model(text)?;
    let backend = env.backend();
    let planned = plan_with_inputs(
        &model,
        backend.as_ref(),
        Some(&env.client),
        Default::default(),
    )
    .await
    .map_err(|e| format!("plan: {e}"))?;
    let refreshed = planned.refreshed.unwrap_or_default();
    let options = RehearseOptions {
        parallelism: 10,
        rate_limit_per_minute: None,
        time_scale,
    };
    let started = Instant::now();
    let r = rehearse(
        &model,
        &planned.state,
        &refreshed,
        None,
        &planned.plan,
        &options,
    )
    .await
    .map_err(|e| format!("rehearse: {e}"))?;
    let elapsed = started.elapsed().as_secs_f64();
    if !r.passed() {
        return Err(format!("the rehearsal failed: {:?}", r.failures.first()));
    }
    Ok((r.makespan_secs, elapsed, planned.plan.steps.len()))
}
