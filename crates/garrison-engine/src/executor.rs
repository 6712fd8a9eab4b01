//! The executor: walks a plan's steps with tokio, at most `parallelism` at once and, under
//! a rate limit, no more at a time than the limiter has requests free (so the next step to
//! start is still the one on the critical path when requests, not slots, run short); a
//! step starts the moment everything in its `after` finished; a failure skips only its
//! dependents; cancellation starts nothing new and lets steps in flight finish.

use std::sync::Arc;
use std::time::{Duration, Instant};

use garrison_plan::graph::StepGraph;
use garrison_plan::{Step, StepOp};
use tokio::task::JoinSet;

use crate::cancel::CancelToken;
use crate::event::Event;
use crate::outcome::{SkipReason, StepError};
use crate::schedule::{pick, remaining_path, weight, Scheduling};
use crate::steps::Ctx;

/// How each step ended.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum StepEnd {
    Succeeded,
    Failed(StepError),
    /// Not run: the address of the failed dependency, or `cancelled`.
    Skipped(SkipReason),
}

/// A one-word description of what a step does.
pub fn describe(op: &StepOp) -> &'static str {
    match op {
        StepOp::Create => "create",
        StepOp::Delete { .. } => "delete",
        StepOp::Update { .. } => "update",
        StepOp::Forget => "forget",
        StepOp::Settle { .. } => "wait for",
        StepOp::SyncFirewallAttachments { .. } => "attach firewall",
        StepOp::Move { .. } => "move",
        StepOp::Import { .. } => "import",
        StepOp::HandOverVolumes { .. } => "move volumes",
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Waiting,
    Running,
    Done,
}

/// What a step task hands back: its index, its result and how long it ran.
type Joined = (usize, Result<(), StepError>, Duration);

/// Runs every step; returns each step's end (by index) and the order steps started in.
pub(crate) async fn run(
    ctx: Arc<Ctx>,
    steps: &[Step],
    parallelism: usize,
    scheduling: Scheduling,
    cancel: &CancelToken,
) -> (Vec<StepEnd>, Vec<usize>) {
    let mut walk = Walk::new(ctx, steps, scheduling);
    let mut running: JoinSet<Joined> = JoinSet::new();
    let parallelism = parallelism.max(1);
    loop {
        let (mut free, token_back) = match walk.ctx.client.rate_headroom() {
            Some((free, back)) => (free, Some(back)),
            None => (usize::MAX, None),
        };
        while running.len() < parallelism && free > 0 && !cancel.is_cancelled() {
            let Some(i) = walk.take_ready() else {
                break;
            };
            walk.start(i, &mut running);
            free -= 1;
        }
        let held_back = free == 0 && !walk.ready.is_empty() && !cancel.is_cancelled();
        let joined = match token_back.filter(|_| held_back) {
            // Steps are ready but the limiter has no request free: start them when one
            // finishes or a token comes back, whichever is first.
            Some(back) => tokio::select! {
                joined = running.join_next(), if !running.is_empty() => joined,
                _ = tokio::time::sleep(back) => continue,
            },
            None => running.join_next().await,
        };
        let Some(joined) = joined else {
            break;
        };
        match joined {
            Ok((i, result, elapsed)) => walk.finish(i, result, elapsed),
            // A panicked step: JoinSet does not say which one; every step still marked
            // running when the walk ends fails (see `Walk::ends`).
            Err(e) => tracing::error!(error = %e, "a step task panicked"),
        }
    }
    walk.ends()
}

/// The executor's bookkeeping over one plan's steps (by index).
struct Walk<'s> {
    ctx: Arc<Ctx>,
    steps: &'s [Step],
    graph: StepGraph,
    scheduling: Scheduling,
    priority: Vec<u64>,
    /// Per step: how many of the steps it waits for have not succeeded yet.
    missing: Vec<usize>,
    status: Vec<Status>,
    ends: Vec<Option<StepEnd>>,
    ready: Vec<usize>,
    started: Vec<usize>,
}

impl<'s> Walk<'s> {
    fn new(ctx: Arc<Ctx>, steps: &'s [Step], scheduling: Scheduling) -> Self {
        let graph = StepGraph::new(steps);
        let weights: Vec<u64> = steps.iter().map(weight).collect();
        let priority = remaining_path(&graph, &weights);
        Walk {
            ctx,
            steps,
            missing: graph.in_degrees(),
            ready: graph.roots(),
            status: vec![Status::Waiting; steps.len()],
            ends: vec![None; steps.len()],
            started: Vec::new(),
            graph,
            scheduling,
            priority,
        }
    }

    /// The ready step to start next, taken off the ready list.
    fn take_ready(&mut self) -> Option<usize> {
        let i = pick(&self.ready, self.scheduling, &self.priority)?;
        self.ready.retain(|&r| r != i);
        Some(i)
    }

    fn start(&mut self, i: usize, running: &mut JoinSet<Joined>) {
        self.status[i] = Status::Running;
        self.started.push(i);
        let step = self.steps[i].clone();
        (self.ctx.sink)(Event::Started {
            step: step.id,
            address: step.address.to_string(),
            what: describe(&step.op).into(),
        });
        let ctx = self.ctx.clone();
        running.spawn(async move {
            let at = Instant::now();
            let result = ctx.run(&step).await;
            (i, result, at.elapsed())
        });
    }

    fn finish(&mut self, i: usize, result: Result<(), StepError>, elapsed: Duration) {
        self.status[i] = Status::Done;
        let step = &self.steps[i];
        match result {
            Ok(()) => {
                (self.ctx.sink)(Event::Finished {
                    step: step.id,
                    address: step.address.to_string(),
                    what: describe(&step.op).into(),
                    elapsed,
                });
                self.ends[i] = Some(StepEnd::Succeeded);
                for &d in self.graph.dependents(i) {
                    self.missing[d] -= 1;
                    if self.missing[d] == 0 && self.ends[d].is_none() {
                        self.ready.push(d);
                    }
                }
            }
            Err(error) => {
                (self.ctx.sink)(Event::Failed {
                    step: step.id,
                    address: step.address.to_string(),
                    what: describe(&step.op).into(),
                    message: error.to_string(),
                });
                self.ends[i] = Some(StepEnd::Failed(error));
                self.skip_downstream(i);
            }
        }
    }

    /// Skips everything that waits (directly or not) on the failed step `i`.
    fn skip_downstream(&mut self, i: usize) {
        let because = &self.steps[i].address;
        let mut stack = self.graph.dependents(i).to_vec();
        while let Some(d) = stack.pop() {
            if self.ends[d].is_some() || self.status[d] != Status::Waiting {
                continue;
            }
            self.ends[d] = Some(StepEnd::Skipped(SkipReason::DependencyFailed(
                because.to_string(),
            )));
            self.ready.retain(|&r| r != d);
            (self.ctx.sink)(Event::Skipped {
                step: self.steps[d].id,
                address: self.steps[d].address.to_string(),
                what: describe(&self.steps[d].op).into(),
                because: SkipReason::DependencyFailed(because.to_string()),
            });
            stack.extend(self.graph.dependents(d).iter().copied());
        }
    }

    /// Every step's end, and the start order. A step still running panicked; one never
    /// started was cancelled.
    fn ends(self) -> (Vec<StepEnd>, Vec<usize>) {
        let ends = self
            .ends
            .into_iter()
            .enumerate()
            .map(|(i, end)| match end {
                Some(end) => end,
                None if self.status[i] == Status::Running => StepEnd::Failed(
                    "the step's task panicked (a bug); the next run recovers".into(),
                ),
                None => {
                    let step = &self.steps[i];
                    (self.ctx.sink)(Event::Skipped {
                        step: step.id,
                        address: step.address.to_string(),
                        what: describe(&step.op).into(),
                        because: SkipReason::Cancelled,
                    });
                    StepEnd::Skipped(SkipReason::Cancelled)
                }
            })
            .collect();
        (ends, self.started)
    }
}
