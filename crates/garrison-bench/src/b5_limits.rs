//! B5-limits: apply at the cloud's limits (issue #11). Fleets of VMs with volumes and
//! firewalls (`synth::fleet`) applied at `time_scale` 0.05 against an emulator enforcing
//! the documented 500 requests per minute, by a client with the user's defaults (its rate
//! limiter, the shared watcher, Barrack's poll policy, the default parallelism); in the same
//! run the same apply with no limit anywhere, and the baseline: per-resource polling at
//! parallelism 10 with no client limiter (the behaviour before the issue) under the limit.
//! Makespan is the execute call's wall time (after the refresh); requests and 429s are the
//! emulator's counters over it.

use std::time::Instant;

use barrack_api::{ClientConfig, DEFAULT_RATE_LIMIT_PER_MINUTE};
use barrack_sim::SimConfig;
use garrison_engine::{prepare, CancelToken, EventSink, ExecuteOptions, PrepareOptions};
use garrison_testkit::synth;
use serde_json::Value;

use crate::b3::{contract_delay, longest_path};
use crate::env::{label, Env};
use crate::report::Line;

/// Life-cycle delays run at this fraction of the contract's.
const TIME_SCALE: f64 = 0.05;

/// Largest fleet whose baseline runs by default (`GARRISON_BENCH_LIMITS_BASELINE=1`: all).
const BASELINE_MAX: usize = 600;

/// One apply's measurements.
#[derive(Clone, Debug)]
struct Run {
    makespan: f64,
    requests: u64,
    mutations: u64,
    throttled: u64,
    /// The longest path of the plan in scaled contract delays, seconds.
    path: f64,
    /// HTTP requests of the watcher's rounds of lists.
    list_requests: u64,
    /// HTTP requests of one refresh (execute's last one).
    refresh: u64,
}

/// How an apply is made.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// The defaults, under the limit.
    Ours,
    /// The defaults, with no limit on either side.
    Unlimited,
    /// Per-resource polling at parallelism 10, no client limiter, under the limit.
    Baseline,
}

pub(crate) fn run(sizes: &[usize]) -> Result<Vec<Line>, String> {
    let rt = tokio::runtime::Runtime::new().map_err(|e| format!("runtime: {e}"))?;
    rt.block_on(async {
        let mut lines = Vec::new();
        for &n in sizes {
            lines.extend(size(n).await?);
        }
        Ok(lines)
    })
}

/// `(vms, firewalls)` of a fleet of `n` resources: `3 + firewalls + 2 * vms = n`.
fn shape(n: usize) -> (usize, usize) {
    let firewalls = if n % 2 == 0 { 9 } else { 6 };
    let firewalls = if n < 200 { firewalls - 6 } else { firewalls };
    (n.saturating_sub(3 + firewalls) / 2, firewalls)
}

async fn size(n: usize) -> Result<Vec<Line>, String> {
    let (vms, firewalls) = shape(n);
    let text = synth::fleet(vms, firewalls);
    let ours = apply(&text, Mode::Ours).await?;
    let unlimited = apply(&text, Mode::Unlimited).await?;
    // Per-resource polling past 600 resources takes most of an hour under the limit
    // (about 10 requests per resource): measured only when asked.
    let baseline =
        if n <= BASELINE_MAX || std::env::var_os("GARRISON_BENCH_LIMITS_BASELINE").is_some() {
            Some(apply(&text, Mode::Baseline).await?)
        } else {
            None
        };
    let l = label(3 + firewalls + 2 * vms);
    let rate = f64::from(DEFAULT_RATE_LIMIT_PER_MINUTE) / 60.0;
    let bound = ours.path.max(ours.mutations as f64 / rate);
    let most = ours.mutations + ours.list_requests + ours.refresh;
    // The 1.5x of the unlimited time holds where the whole apply fits in one
    // minute's limit (its 60-VM case); past that the rate is the bound.
    let fits = ours.requests <= u64::from(DEFAULT_RATE_LIMIT_PER_MINUTE);
    let no_limit_ratio = ours.makespan / unlimited.makespan;
    Ok(vec![
        Line {
            name: format!("b5_limits_{l}_makespan"),
            value: ours.makespan,
            unit: "s".into(),
            baseline: Some(bound),
            ratio: Some(ours.makespan / bound),
            target: "<= 1.2x max(critical path, mutations / rate) (ratio = ours/bound)".into(),
            met: Some(ours.makespan <= 1.2 * bound),
        },
        Line {
            name: format!("b5_limits_{l}_makespan_vs_polling"),
            value: ours.makespan,
            unit: "s".into(),
            baseline: baseline.as_ref().map(|b| b.makespan),
            ratio: baseline.as_ref().map(|b| b.makespan / ours.makespan),
            target: "- (baseline: per-resource polling p10; ratio = it/ours)".into(),
            met: None,
        },
        Line {
            name: format!("b5_limits_{l}_makespan_vs_no_limit"),
            value: ours.makespan,
            unit: "s".into(),
            baseline: Some(unlimited.makespan),
            ratio: Some(no_limit_ratio),
            target: "<= 1.5x no limit when the apply fits one minute's limit (ratio = ours/it)"
                .into(),
            met: fits.then_some(no_limit_ratio <= 1.5),
        },
        Line {
            name: format!("b5_limits_{l}_requests"),
            value: ours.requests as f64,
            unit: "req".into(),
            baseline: baseline.as_ref().map(|b| b.requests as f64),
            ratio: baseline
                .as_ref()
                .map(|b| b.requests as f64 / ours.requests.max(1) as f64),
            target: format!(
                "<= mutations + the rounds' lists + the final refresh = {most} (baseline: polling; ratio = it/ours)"
            ),
            met: Some(ours.requests <= most),
        },
        Line {
            name: format!("b5_limits_{l}_429s"),
            value: ours.throttled as f64,
            unit: "429".into(),
            baseline: baseline.as_ref().map(|b| b.throttled as f64),
            ratio: None,
            target: "0 (baseline: polling)".into(),
            met: Some(ours.throttled == 0),
        },
    ])
}

/// Applies `text` on a fresh emulator as `mode` says.
async fn apply(text: &str, mode: Mode) -> Result<Run, String> {
    let limited = !matches!(mode, Mode::Unlimited);
    let sim = SimConfig {
        rate_limit_per_minute: limited.then_some(DEFAULT_RATE_LIMIT_PER_MINUTE),
        ..garrison_testkit::sim::quiet(TIME_SCALE)
    };
    let env = Env::with(sim, |c: &mut ClientConfig| match mode {
        Mode::Ours => {}
        Mode::Unlimited => c.rate_limit = None,
        Mode::Baseline => {
            c.rate_limit = None;
            c.watch_lists = false;
        }
    })
    .await?;
    let parallelism = match mode {
        Mode::Baseline => 10,
        _ => ExecuteOptions::default().parallelism,
    };
    let model = env.model(text)?;
    let prepared = prepare(
        model,
        env.client.clone(),
        env.backend(),
        PrepareOptions {
            command: "garrison-bench".into(),
            ..PrepareOptions::default()
        },
    )
    .await
    .map_err(|e| format!("prepare: {e}"))?;
    let path = longest_path(&prepared.plan().steps, contract_delay) * TIME_SCALE;
    env.reset_counters().await?;
    let started = Instant::now();
    let sink: EventSink = std::sync::Arc::new(|_| {});
    let options = ExecuteOptions {
        parallelism,
        ..ExecuteOptions::default()
    };
    let report = prepared
        .execute(options, sink, CancelToken::new())
        .await
        .map_err(|e| format!("execute: {e}"))?;
    let makespan = started.elapsed().as_secs_f64();
    if !report.is_success() {
        return Err(format!(
            "{mode:?} apply failed: {:?}",
            report.failed.first()
        ));
    }
    let counters = env.admin("GET", "/counters", None).await?;
    let refresh = final_refresh_requests(&env).await?;
    Ok(Run {
        makespan,
        requests: counters["total"].as_u64().unwrap_or(0),
        mutations: mutations(&counters),
        throttled: counters["throttled"].as_u64().unwrap_or(0),
        path,
        list_requests: env.client.watch_rounds().1 as u64,
        refresh,
    })
}

/// The requests of one refresh of the account as the apply left it: what execute's last
/// refresh took (its lists have more pages than prepare's refresh of the empty account).
async fn final_refresh_requests(env: &Env) -> Result<u64, String> {
    let before = env.requests().await?;
    garrison_engine::refresh(&env.client)
        .await
        .map_err(|e| format!("refresh: {e}"))?;
    Ok(env.requests().await? - before)
}

/// Requests to routes that change something (every method but GET).
fn mutations(counters: &Value) -> u64 {
    counters["routes"]
        .as_object()
        .map(|routes| {
            routes
                .iter()
                .filter(|(route, _)| !route.starts_with("GET "))
                .filter_map(|(_, n)| n.as_u64())
                .sum()
        })
        .unwrap_or(0)
}
