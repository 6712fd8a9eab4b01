//! Which ready step goes first: the one with the longest remaining path (critical path), or
//! plan order (FIFO, the benchmark baseline). Weights are estimated seconds per kind and op.

use garrison_plan::graph::StepGraph;
use garrison_plan::{Step, StepOp};

/// How ready steps are ordered when more are ready than may run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scheduling {
    /// Longest remaining path (by estimated seconds) first.
    #[default]
    CriticalPath,
    /// Lowest step id first.
    Fifo,
}

/// Estimated seconds a step takes: the kind table's expected durations (from the contract's
/// life-cycle delays) for create, update and delete; fixed estimates for the other steps.
pub fn weight(step: &Step) -> u64 {
    let expected = step.kind.info().expected;
    match &step.op {
        StepOp::Create => expected.create.as_secs(),
        StepOp::Delete { .. } => expected.delete.as_secs(),
        StepOp::Update { .. } => expected.update.as_secs(),
        StepOp::SyncFirewallAttachments { .. } => 11,
        StepOp::HandOverVolumes { .. } => 4,
        StepOp::Forget | StepOp::Move { .. } => 0,
        StepOp::Import { .. } => 1,
        StepOp::Settle { .. } => 20,
    }
}

/// Per step (by index): its weight plus the heaviest path of steps that wait on it. Steps
/// must be in topological order (`after` ids smaller), as plans are.
pub fn remaining_path(graph: &StepGraph, weights: &[u64]) -> Vec<u64> {
    let mut memo: Vec<Option<u64>> = vec![None; graph.len()];
    fn visit(i: usize, g: &StepGraph, w: &[u64], memo: &mut [Option<u64>], depth: usize) -> u64 {
        if let Some(v) = memo[i] {
            return v;
        }
        // Depth guard: a cycle (planner bug) must not overflow the stack.
        let tail = if depth > g.len() {
            0
        } else {
            g.dependents(i)
                .iter()
                .map(|&d| visit(d, g, w, memo, depth + 1))
                .max()
                .unwrap_or(0)
        };
        let v = w[i] + tail;
        memo[i] = Some(v);
        v
    }
    (0..graph.len())
        .map(|i| visit(i, graph, weights, &mut memo, 0))
        .collect()
}

/// Picks the next step to start among `ready` (indexes into the plan's steps).
pub fn pick(ready: &[usize], scheduling: Scheduling, priority: &[u64]) -> Option<usize> {
    match scheduling {
        Scheduling::Fifo => ready.iter().copied().min(),
        Scheduling::CriticalPath => ready
            .iter()
            .copied()
            .max_by(|&a, &b| priority[a].cmp(&priority[b]).then(b.cmp(&a))),
    }
}

/// A dry run of the executor's scheduling with each step taking its [`weight`] in
/// seconds: the order steps start in and the total time. For benchmarks and tests.
pub fn simulate(steps: &[Step], parallelism: usize, scheduling: Scheduling) -> (Vec<usize>, u64) {
    let graph = StepGraph::new(steps);
    let weights: Vec<u64> = steps.iter().map(weight).collect();
    let priority = remaining_path(&graph, &weights);
    let mut missing = graph.in_degrees();
    let mut ready = graph.roots();
    let mut running: Vec<(u64, usize)> = Vec::new();
    let mut order = Vec::new();
    let mut now = 0;
    loop {
        while running.len() < parallelism.max(1) {
            let Some(i) = pick(&ready, scheduling, &priority) else {
                break;
            };
            ready.retain(|&r| r != i);
            order.push(i);
            running.push((now + weights[i], i));
        }
        let Some(end) = running.iter().map(|(end, _)| *end).min() else {
            break;
        };
        now = end;
        // Everything finishing at this instant completes before anything new starts.
        let (finished, still): (Vec<_>, Vec<_>) = running.into_iter().partition(|(e, _)| *e == end);
        running = still;
        for (_, done) in finished {
            for &j in graph.dependents(done) {
                missing[j] -= 1;
                if missing[j] == 0 {
                    ready.push(j);
                }
            }
        }
    }
    (order, now)
}

/// [`simulate`] with each step taking `durations[i]` seconds (measured, or predicted by a
/// rehearsal) while ready steps are still picked by the executor's estimated priority, as
/// apply picks them: the makespan, in seconds.
pub fn simulate_timed(
    steps: &[Step],
    durations: &[f64],
    parallelism: usize,
    scheduling: Scheduling,
) -> f64 {
    let graph = StepGraph::new(steps);
    let weights: Vec<u64> = steps.iter().map(weight).collect();
    let priority = remaining_path(&graph, &weights);
    let mut missing = graph.in_degrees();
    let mut ready = graph.roots();
    let mut running: Vec<(f64, usize)> = Vec::new();
    let mut now: f64 = 0.0;
    loop {
        while running.len() < parallelism.max(1) {
            let Some(i) = pick(&ready, scheduling, &priority) else {
                break;
            };
            ready.retain(|&r| r != i);
            let took = durations.get(i).copied().unwrap_or(0.0).max(0.0);
            running.push((now + took, i));
        }
        let Some(end) = running.iter().map(|(end, _)| *end).reduce(f64::min) else {
            break;
        };
        now = end;
        let (finished, still): (Vec<_>, Vec<_>) = running.into_iter().partition(|(e, _)| *e <= end);
        running = still;
        for (_, done) in finished {
            for &j in graph.dependents(done) {
                missing[j] -= 1;
                if missing[j] == 0 {
                    ready.push(j);
                }
            }
        }
    }
    now
}
