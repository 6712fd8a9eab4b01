//! From the executor's stamped events to predictions: each step's duration (emulator time
//! scaled back to real seconds), the makespan at the chosen parallelism and rate limit, and
//! the critical path through the plan's [`StepGraph`].

use std::collections::HashMap;
use std::time::Instant;

use garrison_engine::schedule::simulate_timed;
use garrison_engine::{describe, ApplyReport, Scheduling, SkipReason};
use garrison_plan::graph::StepGraph;
use garrison_plan::{Plan, Rehearsal, RehearsedFailure, RehearsedOutcome, RehearsedStep, Step};

use crate::RehearseOptions;

/// The least time `requests` requests take under the client's limiter (`barrack-api`'s
/// `limiter.rs`): `per_minute` at once, then `per_minute` more each minute.
fn rate_limited_secs(requests: u64, per_minute: u32) -> f64 {
    (requests.saturating_sub(1) / u64::from(per_minute)) as f64 * 60.0
}

/// How a step ended, and when.
#[derive(Clone, Debug)]
pub(crate) enum Clocked {
    Ok(Instant),
    Failed(Instant, String),
}

/// When each step (by id) started and ended.
#[derive(Clone, Debug, Default)]
pub(crate) struct Timeline {
    pub(crate) started: HashMap<usize, Instant>,
    pub(crate) ended: HashMap<usize, Clocked>,
}

/// The rehearsal's steps, failures and predictions (convergence, guesses and caveats are
/// filled in by the caller).
pub(crate) fn assemble(
    plan: &Plan,
    report: &ApplyReport,
    timeline: &Timeline,
    options: &RehearseOptions,
    mutations: u64,
) -> Rehearsal {
    let steps: Vec<RehearsedStep> = plan
        .steps
        .iter()
        .map(|s| rehearsed(s, timeline, options.time_scale))
        .collect();
    let durations: Vec<f64> = steps.iter().map(|s| s.predicted_secs).collect();
    let scheduled = simulate_timed(
        &plan.steps,
        &durations,
        options.parallelism,
        Scheduling::CriticalPath,
    );
    let limited = options
        .rate_limit_per_minute
        .filter(|n| *n > 0)
        .map_or(0.0, |n| rate_limited_secs(mutations, n));
    let (critical_path, critical_path_secs) = critical_path(&plan.steps, &durations);
    Rehearsal {
        parallelism: options.parallelism.max(1),
        rate_limit_per_minute: options.rate_limit_per_minute,
        failures: failures(plan, report, timeline),
        steps,
        makespan_secs: scheduled.max(limited),
        critical_path,
        critical_path_secs,
        mutations,
        ..Rehearsal::default()
    }
}

fn rehearsed(step: &Step, timeline: &Timeline, time_scale: f64) -> RehearsedStep {
    let start = timeline.started.get(&step.id);
    let (outcome, end) = match timeline.ended.get(&step.id) {
        Some(Clocked::Ok(at)) => (RehearsedOutcome::Succeeded, Some(*at)),
        Some(Clocked::Failed(at, _)) => (RehearsedOutcome::Failed, Some(*at)),
        None => (RehearsedOutcome::Skipped, None),
    };
    let predicted_secs = match (start, end) {
        (Some(s), Some(e)) if time_scale > 0.0 => {
            e.saturating_duration_since(*s).as_secs_f64() / time_scale
        }
        _ => 0.0,
    };
    RehearsedStep {
        id: step.id,
        address: step.address.to_string(),
        what: describe(&step.op).to_string(),
        outcome,
        predicted_secs,
    }
}

/// Each failed step with the API's message and status, and how many steps it kept from
/// running.
fn failures(plan: &Plan, report: &ApplyReport, timeline: &Timeline) -> Vec<RehearsedFailure> {
    plan.steps
        .iter()
        .filter_map(|s| match timeline.ended.get(&s.id) {
            Some(Clocked::Failed(_, message)) => Some((s, message)),
            _ => None,
        })
        .map(|(s, message)| {
            let address = s.address.to_string();
            let status = report
                .failed
                .iter()
                .find(|(a, e)| *a == address && e.message == *message)
                .and_then(|(_, e)| e.status);
            let skipped = report
                .skipped
                .iter()
                .filter(|(_, why)| matches!(why, SkipReason::DependencyFailed(a) if *a == address))
                .count();
            RehearsedFailure {
                step: s.id,
                address,
                what: describe(&s.op).to_string(),
                message: message.clone(),
                status,
                skipped,
            }
        })
        .collect()
}

/// The longest chain of waiting steps by `durations` (step ids, first to last) and its
/// length in seconds. Walks the graph in Kahn order, so any acyclic step list works.
pub(crate) fn critical_path(steps: &[Step], durations: &[f64]) -> (Vec<usize>, f64) {
    let graph = StepGraph::new(steps);
    let mut missing = graph.in_degrees();
    let mut queue = graph.roots();
    let mut finish = vec![0.0_f64; steps.len()];
    let mut via: Vec<Option<usize>> = vec![None; steps.len()];
    let mut start = vec![0.0_f64; steps.len()];
    while let Some(i) = queue.pop() {
        finish[i] = start[i] + durations.get(i).copied().unwrap_or(0.0);
        for &d in graph.dependents(i) {
            if via[d].is_none() || finish[i] > start[d] {
                start[d] = finish[i];
                via[d] = Some(i);
            }
            missing[d] -= 1;
            if missing[d] == 0 {
                queue.push(d);
            }
        }
    }
    let Some(last) = (0..steps.len()).max_by(|&a, &b| finish[a].total_cmp(&finish[b])) else {
        return (Vec::new(), 0.0);
    };
    let mut path = vec![steps[last].id];
    let mut at = last;
    while let Some(prev) = via[at] {
        path.push(steps[prev].id);
        at = prev;
    }
    path.reverse();
    (path, finish[last])
}

#[cfg(test)]
mod tests {
    use garrison_core::Kind;
    use garrison_plan::StepOp;

    use super::*;

    fn step(id: usize, after: &[usize]) -> Step {
        Step {
            id,
            address: format!("script.s{id}").parse().expect("a state key"),
            kind: Kind::Script,
            op: StepOp::Create,
            after: after.to_vec(),
            create_before_destroy: false,
        }
    }

    #[test]
    fn the_critical_path_follows_the_heaviest_chain() {
        // 0 -> 1 -> 3 weighs 1 + 5 + 1; 0 -> 2 -> 3 weighs 1 + 2 + 1; 4 alone weighs 6.
        let steps = [
            step(0, &[]),
            step(1, &[0]),
            step(2, &[0]),
            step(3, &[1, 2]),
            step(4, &[]),
        ];
        let (path, secs) = critical_path(&steps, &[1.0, 5.0, 2.0, 1.0, 6.0]);
        assert_eq!(path, [0, 1, 3]);
        assert!((secs - 7.0).abs() < 1e-9);
        assert_eq!(critical_path(&[], &[]), (Vec::new(), 0.0));
    }

    #[test]
    fn the_limiter_sends_a_full_minute_at_once() {
        assert_eq!(rate_limited_secs(0, 500), 0.0);
        assert_eq!(rate_limited_secs(500, 500), 0.0);
        assert_eq!(rate_limited_secs(501, 500), 60.0);
        assert_eq!(rate_limited_secs(1_500, 500), 120.0);
    }
}
