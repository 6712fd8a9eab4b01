//! B3: makespan of applying a 500-resource random DAG with the emulator's operation delays
//! (scaled), critical-path scheduling vs a FIFO ready queue at parallelism 10, and vs the
//! critical-path lower bound (the longest dependency path, at unbounded parallelism).
//! A fresh emulator per run.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use barrack_sim::delays;
use garrison_config::model::Kind;
use garrison_engine::{Event, ExecuteOptions, Scheduling};
use garrison_plan::{Step, StepOp};

use crate::env::{Env, Timed};
use crate::report::Line;
use garrison_testkit::synth;

/// Emulator `time_scale`: a VM create (30 s by contract) takes 0.3 s.
pub(crate) const TIME_SCALE: f64 = 0.01;
/// The client polls transitional states at most this far apart.
const POLL_MAX: Duration = Duration::from_millis(10);
const SEED: u64 = 42;

/// One apply's timings.
#[derive(Clone, Debug)]
pub(crate) struct Run {
    /// First step start to last step end, seconds.
    pub(crate) makespan: f64,
    /// Longest dependency path with each step taking what it took in this run, seconds.
    pub(crate) bound: f64,
    /// Sum of every step's measured duration, seconds.
    pub(crate) work: f64,
}

pub(crate) fn run(n: usize) -> Result<Vec<Line>, String> {
    let rt = tokio::runtime::Runtime::new().map_err(|e| format!("runtime: {e}"))?;
    rt.block_on(run_async(n))
}

async fn run_async(n: usize) -> Result<Vec<Line>, String> {
    let (text, _shape) = synth::random_dag(n, SEED);
    let cp10 = apply_once(&text, Scheduling::CriticalPath, 10).await?;
    let fifo10 = apply_once(&text, Scheduling::Fifo, 10).await?;
    let cp_all = apply_once(&text, Scheduling::CriticalPath, n).await?;
    let delay_bound = delay_bound_of(&text)?;

    let p10_bound = cp10.bound.max(cp10.work / 10.0);
    let speedup = fifo10.makespan / cp10.makespan;
    let all_ratio = cp_all.makespan / cp_all.bound;
    let p10_ratio = cp10.makespan / cp10.bound;
    Ok(vec![
        Line {
            name: format!("b3_dag{n}_critical_path_p10"),
            value: cp10.makespan,
            unit: "s".into(),
            baseline: Some(fifo10.makespan),
            ratio: Some(speedup),
            target: "beats FIFO at p10 (ratio = fifo/ours > 1)".into(),
            met: Some(speedup > 1.0),
        },
        Line {
            name: format!("b3_dag{n}_critical_path_unbounded"),
            value: cp_all.makespan,
            unit: "s".into(),
            baseline: Some(cp_all.bound),
            ratio: Some(all_ratio),
            target: "<= 1.05x the critical-path bound (ratio = ours/bound)".into(),
            met: Some(all_ratio <= 1.05),
        },
        Line {
            name: format!("b3_dag{n}_critical_path_p10_vs_bound"),
            value: cp10.makespan,
            unit: "s".into(),
            baseline: Some(cp10.bound),
            ratio: Some(p10_ratio),
            target: "<= 1.05x the unbounded bound (ratio = ours/bound)".into(),
            met: Some(p10_ratio <= 1.05),
        },
        Line {
            name: format!("b3_dag{n}_p10_lower_bound"),
            value: p10_bound,
            unit: "s".into(),
            baseline: None,
            ratio: Some(cp10.makespan / p10_bound),
            target: "max(path, work/10); ratio = ours/it".into(),
            met: None,
        },
        Line {
            name: format!("b3_dag{n}_fifo_p10"),
            value: fifo10.makespan,
            unit: "s".into(),
            baseline: Some(fifo10.bound),
            ratio: Some(fifo10.makespan / fifo10.bound),
            target: "- (baseline; ratio = fifo/bound)".into(),
            met: None,
        },
        Line {
            name: format!("b3_dag{n}_emulator_delay_bound"),
            value: delay_bound,
            unit: "s".into(),
            baseline: None,
            ratio: Some(cp_all.makespan / delay_bound),
            target: "- (longest path of scaled delays; ratio = unbounded/it)".into(),
            met: None,
        },
    ])
}

/// Applies `text` on a fresh emulator and times it from the executor's events.
async fn apply_once(text: &str, scheduling: Scheduling, parallelism: usize) -> Result<Run, String> {
    let env = Env::start(TIME_SCALE, POLL_MAX).await?;
    let model = env.model(text)?;
    let (plan, _report, events) = env
        .apply(
            model,
            ExecuteOptions {
                parallelism,
                scheduling,
            },
        )
        .await?;
    timings(&plan.steps, &events)
}

/// Makespan, measured-duration bound and work of a run, from its events.
pub(crate) fn timings(steps: &[Step], events: &[Timed]) -> Result<Run, String> {
    let mut first: Option<Instant> = None;
    let mut last: Option<Instant> = None;
    let mut took: HashMap<usize, f64> = HashMap::new();
    for (at, event) in events {
        match event {
            Event::Started { .. } => {
                first = Some(first.map_or(*at, |f| f.min(*at)));
            }
            Event::Finished { step, elapsed, .. } => {
                last = Some(last.map_or(*at, |l| l.max(*at)));
                took.insert(*step, elapsed.as_secs_f64());
            }
            _ => {}
        }
    }
    let (Some(first), Some(last)) = (first, last) else {
        return Err("no step ran".into());
    };
    let bound = longest_path(steps, |s| took.get(&s.id).copied().unwrap_or(0.0));
    Ok(Run {
        makespan: last.duration_since(first).as_secs_f64(),
        bound,
        work: took.values().sum(),
    })
}

/// The longest path through `steps` (topologically ordered: `after` ids come first) with
/// each step weighing `weight(step)`.
pub(crate) fn longest_path(steps: &[Step], weight: impl Fn(&Step) -> f64) -> f64 {
    let mut finish: HashMap<usize, f64> = HashMap::new();
    let mut longest: f64 = 0.0;
    for step in steps {
        let start = step
            .after
            .iter()
            .filter_map(|a| finish.get(a))
            .fold(0.0_f64, |m, &f| m.max(f));
        let end = start + weight(step);
        finish.insert(step.id, end);
        longest = longest.max(end);
    }
    longest
}

/// The emulator's contract delay of a step, seconds at `time_scale` 1.
pub(crate) fn contract_delay(step: &Step) -> f64 {
    match (&step.op, step.kind) {
        (StepOp::Create, Kind::Vm) => delays::INSTANCE_CREATING + delays::INSTANCE_BUILD,
        (StepOp::Create, Kind::Snapshot) => delays::SNAPSHOT_CREATING,
        (StepOp::Create, Kind::Image) => delays::IMAGE_CREATING,
        (StepOp::Create, Kind::Volume) => delays::VOLUME_CREATING,
        (StepOp::Create, Kind::Firewall) => delays::FIREWALL_CREATING,
        (StepOp::SyncFirewallAttachments { .. }, _) => delays::FIREWALL_ATTACHING,
        _ => 0.0,
    }
}

/// The longest path of the plan of `text` (against nothing) in scaled contract delays.
fn delay_bound_of(text: &str) -> Result<f64, String> {
    let loaded = garrison_config::load_str("dag.kdl", text, &Default::default())
        .map_err(|f| format!("config invalid: {} errors", f.errors.len()))?;
    let plan = garrison_plan::plan(
        &loaded.model,
        &garrison_state::StateDoc::fresh(),
        &garrison_plan::RemoteView::default(),
        garrison_plan::PlanOptions::default(),
    )
    .map_err(|f| f.to_string())?;
    Ok(longest_path(&plan.steps, contract_delay) * TIME_SCALE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(text: &str) -> Vec<Step> {
        let loaded = garrison_config::load_str("t.kdl", text, &Default::default())
            .unwrap_or_else(|f| panic!("{:?}", f.errors.len()));
        garrison_plan::plan(
            &loaded.model,
            &garrison_state::StateDoc::fresh(),
            &garrison_plan::RemoteView::default(),
            garrison_plan::PlanOptions::default(),
        )
        .unwrap_or_else(|f| panic!("{f}"))
        .steps
    }

    #[test]
    fn longest_path_follows_the_vm_snapshot_image_chain() {
        let (text, shape) = synth::random_dag(60, 3);
        let steps = plan_of(&text);
        let path = longest_path(&steps, contract_delay);
        // At least one VM (30 s); never more than everything in a row.
        let total: f64 = steps.iter().map(contract_delay).sum();
        assert!(path >= 30.0, "{path} {shape:?}");
        assert!(path <= total, "{path} > {total}");
        // Unit weights: the path counts steps of the longest chain, at least 1.
        let hops = longest_path(&steps, |_| 1.0);
        assert!(hops >= 1.0 && hops <= steps.len() as f64);
    }

    #[test]
    fn timings_measure_from_first_start_to_last_end() {
        let steps = plan_of(&synth::account(20));
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let started = |step: usize| Event::Started {
            step,
            address: String::new(),
            what: "create".into(),
        };
        let finished = |step: usize, ms| Event::Finished {
            step,
            address: String::new(),
            what: "create".into(),
            elapsed: Duration::from_millis(ms),
        };
        let a = steps[0].id;
        let b = steps[1].id;
        let events = vec![
            (at(10), started(a)),
            (at(20), started(b)),
            (at(110), finished(a, 100)),
            (at(320), finished(b, 300)),
        ];
        let run = timings(&steps, &events).unwrap_or_else(|e| panic!("{e}"));
        assert!((run.makespan - 0.31).abs() < 1e-9, "{run:?}");
        assert!((run.work - 0.4).abs() < 1e-9, "{run:?}");
        assert!(
            run.bound >= 0.3 - 1e-9 && run.bound <= 0.4 + 1e-9,
            "{run:?}"
        );
        assert!(timings(&steps, &[]).is_err());
    }
}
