//! B2: no-op plan WITH refresh of N resources at 20 ms latency per request, against the
//! baseline of one GET per resource in the state at parallelism 10 (what Terraform does).
//!
//! Setup (not measured as the result): apply [`synth::account`] with the emulator at
//! `time_scale` 0 and no latency at high parallelism, check the next plan is empty, then
//! add the latency. Each measurement resets the emulator's counters and reads them after.

use std::time::{Duration, Instant};

use barrack_api::{Client, Id};
use futures::{StreamExt, TryStreamExt};
use garrison_config::model::Kind;
use garrison_engine::{plan_only, refresh, ExecuteOptions, Scheduling};
use garrison_state::{StateDoc, Store};

use crate::env::{label, Env};
use crate::report::Line;
use garrison_testkit::synth;

/// The contract's maximum page size, which the client asks for.
pub(crate) const PAGE_SIZE: usize = 200;
/// Resource kinds a refresh lists.
pub(crate) const KINDS: usize = Kind::ALL.len();
/// Latency per request during the measurement.
pub(crate) const LATENCY_MS: u64 = 20;
/// The baseline's parallelism (Terraform's default).
pub(crate) const BASELINE_PARALLELISM: usize = 10;

/// The issue's bound on a refresh's requests: `kinds x ceil(N / page_size) + kinds`.
pub(crate) fn request_bound(n: usize) -> u64 {
    (KINDS * n.div_ceil(PAGE_SIZE) + KINDS) as u64
}

/// Runs of each measurement; the lines report their median (`GARRISON_BENCH_B2_RUNS`).
pub(crate) const RUNS: usize = 5;
/// Up to this size the config is `synth::account` within the contract's limits (576 VMs at
/// most); above it, one VM in 16 resources, on an emulator whose GPU stock holds them.
const ACCOUNT_MAX: usize = 10_000;

pub(crate) fn run(sizes: &[usize], runs: usize) -> Result<Vec<Line>, String> {
    let rt = tokio::runtime::Runtime::new().map_err(|e| format!("runtime: {e}"))?;
    let mut lines = Vec::new();
    for &n in sizes {
        lines.extend(rt.block_on(run_async(n, runs.max(1)))?);
    }
    Ok(lines)
}

/// The config of `n` resources and an emulator that can hold it.
fn world(n: usize) -> (String, barrack_sim::SimConfig) {
    let mut sim = garrison_testkit::sim::quiet(0.0);
    if n <= ACCOUNT_MAX {
        return (synth::account(n), sim);
    }
    let cell = synth::account_cell(n);
    sim.limits.gpu_stock = sim
        .limits
        .gpu_stock
        .max(u32::try_from(cell).unwrap_or(u32::MAX));
    (synth::account_with(n, cell), sim)
}

/// The median of `values` (the mean of the middle two for an even count).
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// `min-max` of `values`, for the target column.
fn spread(values: &[f64]) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{min:.2}-{max:.2}")
}

async fn run_async(n: usize, runs: usize) -> Result<Vec<Line>, String> {
    let (text, sim) = world(n);
    let env = Env::with_sim(sim, Duration::from_millis(20)).await?;
    let model = env.model(&text)?;
    drop(text);
    let setup = Instant::now();
    let (_, report, _) = env
        .apply(
            model.clone(),
            ExecuteOptions {
                parallelism: 64,
                scheduling: Scheduling::CriticalPath,
            },
        )
        .await?;
    let setup_secs = setup.elapsed().as_secs_f64();
    if report.succeeded.len() < n {
        return Err(format!("setup applied {} of {n}", report.succeeded.len()));
    }
    let backend = env.backend();
    let state = Store::peek(backend.as_ref())
        .map_err(|e| format!("reading state: {e}"))?
        .state;
    if state.resources.len() != n {
        return Err(format!(
            "state holds {} resources, wanted {n}",
            state.resources.len()
        ));
    }

    env.set_latency(LATENCY_MS).await?;
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut requests = (0, 0);
    for _ in 0..runs {
        let (secs, req) = our_plan(&env, &model).await?;
        ours.push(secs);
        let (their_secs, their_req) = baseline(&env, &state, n).await?;
        theirs.push(their_secs);
        requests = (requests.0.max(req), their_req);
    }

    // Profile: the refresh alone (network + server + decode), the planning alone, and the
    // refresh without latency (server + decode only).
    let phases = phases(&env, &model, &state).await?;

    let l = label(n);
    let (our, their) = (median(&ours), median(&theirs));
    let ratio = their / our;
    let bound = request_bound(n);
    let (our_requests, their_requests) = requests;
    let mut lines = vec![
        Line {
            name: format!("b2_noop_plan_refresh_{l}_wall"),
            value: our,
            unit: "s".into(),
            baseline: Some(their),
            ratio: Some(ratio),
            target: format!(
                ">= 25x faster (median of {runs}: ours {} s, baseline {} s)",
                spread(&ours),
                spread(&theirs)
            ),
            met: Some(ratio >= 25.0),
        },
        Line {
            name: format!("b2_noop_plan_refresh_{l}_requests"),
            value: our_requests as f64,
            unit: "req".into(),
            baseline: Some(their_requests as f64),
            ratio: Some(their_requests as f64 / our_requests.max(1) as f64),
            target: format!(
                "<= {bound} (kinds x ceil(N/{PAGE_SIZE}) + kinds; most of {runs} runs)"
            ),
            met: Some(our_requests <= bound),
        },
        info(format!("b2_setup_apply_{l}_wall"), setup_secs, "s"),
    ];
    lines.extend(phases);
    Ok(lines)
}

/// `garrison plan` (refresh = one paginated list per kind): seconds and requests.
async fn our_plan(env: &Env, model: &garrison_config::Model) -> Result<(f64, u64), String> {
    env.reset_counters().await?;
    let backend = env.backend();
    let started = Instant::now();
    let plan = plan_only(
        model,
        backend.as_ref(),
        Some(&env.client),
        Default::default(),
    )
    .await
    .map_err(|e| format!("plan: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    if plan.summary.has_changes() {
        return Err(format!("the no-op plan has changes: {:?}", plan.summary));
    }
    Ok((secs, env.requests().await?))
}

/// The baseline: GET every resource in the state by id, at most 10 in flight.
async fn baseline(env: &Env, state: &StateDoc, n: usize) -> Result<(f64, u64), String> {
    env.reset_counters().await?;
    let started = Instant::now();
    let got = get_each(&env.client, state, BASELINE_PARALLELISM).await?;
    let secs = started.elapsed().as_secs_f64();
    if got != n {
        return Err(format!("baseline read {got} of {n}"));
    }
    Ok((secs, env.requests().await?))
}

fn info(name: String, value: f64, unit: &str) -> Line {
    Line {
        name,
        value,
        unit: unit.into(),
        baseline: None,
        ratio: None,
        target: "-".into(),
        met: None,
    }
}

/// Coarse phase timers of a refreshed plan, for the profile in `docs/performance.md`.
async fn phases(
    env: &Env,
    model: &garrison_config::Model,
    state: &StateDoc,
) -> Result<Vec<Line>, String> {
    let l = label(state.resources.len());
    let started = Instant::now();
    let refreshed = refresh(&env.client)
        .await
        .map_err(|e| format!("refresh: {e}"))?;
    let refresh_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let view = refreshed.view(state);
    let view_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let plan = garrison_plan::plan(model, state, &view, garrison_plan::PlanOptions::default())
        .map_err(|e| format!("plan: {e}"))?;
    let plan_secs = started.elapsed().as_secs_f64();
    if plan.summary.has_changes() {
        return Err(format!("the no-op plan has changes: {:?}", plan.summary));
    }
    env.set_latency(0).await?;
    let started = Instant::now();
    let again = refresh(&env.client)
        .await
        .map_err(|e| format!("refresh: {e}"))?;
    let bare_secs = started.elapsed().as_secs_f64();
    if again.inventory != refreshed.inventory {
        return Err("the inventory changed between two refreshes".into());
    }
    Ok(vec![
        info(format!("b2_phase_refresh_at_20ms_{l}"), refresh_secs, "s"),
        info(format!("b2_phase_refresh_at_0ms_{l}"), bare_secs, "s"),
        info(format!("b2_phase_remote_view_{l}"), view_secs, "s"),
        info(format!("b2_phase_plan_{l}"), plan_secs, "s"),
    ])
}

/// The baseline refresh: one GET per state resource by id, `parallelism` in flight.
/// Returns how many were read.
pub(crate) async fn get_each(
    client: &Client,
    state: &StateDoc,
    parallelism: usize,
) -> Result<usize, String> {
    let targets: Vec<(Kind, Id)> = state
        .resources
        .values()
        .map(|rs| (rs.kind, Id::new(rs.remote_id.as_str())))
        .collect();
    let read: Vec<()> = futures::stream::iter(targets)
        .map(|(kind, id)| async move { get_one(client, kind, &id).await })
        .buffer_unordered(parallelism.max(1))
        .try_collect()
        .await?;
    Ok(read.len())
}

async fn get_one(client: &Client, kind: Kind, id: &Id) -> Result<(), String> {
    let result = match kind {
        Kind::Vm => client.get_instance(id).await.map(drop),
        Kind::Volume => client.get_volume(id).await.map(drop),
        Kind::Firewall => client.get_firewall(id).await.map(drop),
        Kind::SshKey => client.get_ssh_key(id).await.map(drop),
        Kind::Script => client.get_script(id).await.map(drop),
        Kind::Snapshot => client.get_snapshot(id).await.map(drop),
        Kind::Image => client.get_image(id).await.map(drop),
    };
    result.map_err(|e| format!("GET {kind} {id}: {e}", id = id.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0, 9.0, 0.5]), 2.0);
        assert_eq!(median(&[4.0, 1.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn request_bound_follows_the_issue() {
        assert_eq!(request_bound(10_000), 7 * 50 + 7);
        assert_eq!(request_bound(201), 7 * 2 + 7);
        assert_eq!(request_bound(0), 7);
    }
}
