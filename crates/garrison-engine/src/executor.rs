//! The executor: walks a plan's steps with tokio, at most `parallelism` at once; a step
//! starts the moment everything in its `after` finished; a failure skips only its
//! dependents; cancellation starts nothing new and lets steps in flight finish.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use garrison_plan::{Step, StepOp};
use tokio::task::JoinSet;

use crate::cancel::CancelToken;
use crate::event::Event;
use crate::schedule::{pick, remaining_path, weight, Scheduling};
use crate::steps::Ctx;

/// How each step ended.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum StepEnd {
    Succeeded,
    Failed(String),
    /// Not run: the address of the failed dependency, or `cancelled`.
    Skipped(String),
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
        StepOp::HandOverVolumes { .. } => "move volumes",
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Waiting,
    Running,
    Done,
}

/// Runs every step; returns each step's end (by index) and the order steps started in.
pub(crate) async fn run(
    ctx: Arc<Ctx>,
    steps: &[Step],
    parallelism: usize,
    scheduling: Scheduling,
    cancel: &CancelToken,
) -> (Vec<StepEnd>, Vec<usize>) {
    let n = steps.len();
    let index: HashMap<usize, usize> = steps.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut missing: Vec<usize> = vec![0; n];
    for (i, step) in steps.iter().enumerate() {
        for before in &step.after {
            if let Some(&b) = index.get(before) {
                dependents[b].push(i);
                missing[i] += 1;
            }
        }
    }
    let weights: Vec<u64> = steps.iter().map(weight).collect();
    let priority = remaining_path(steps, &weights);
    let mut status = vec![Status::Waiting; n];
    let mut ends: Vec<Option<StepEnd>> = vec![None; n];
    let mut ready: Vec<usize> = (0..n).filter(|&i| missing[i] == 0).collect();
    let mut started = Vec::new();
    let mut running: JoinSet<(usize, Result<(), String>, Duration)> = JoinSet::new();
    let parallelism = parallelism.max(1);

    loop {
        while running.len() < parallelism && !cancel.is_cancelled() {
            let Some(i) = pick(&ready, scheduling, &priority) else {
                break;
            };
            ready.retain(|&r| r != i);
            status[i] = Status::Running;
            started.push(i);
            let step = steps[i].clone();
            (ctx.sink)(Event::Started {
                step: step.id,
                address: step.address.clone(),
                what: describe(&step.op).into(),
            });
            let ctx = ctx.clone();
            running.spawn(async move {
                let at = Instant::now();
                let result = ctx.run(&step).await;
                (i, result, at.elapsed())
            });
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (i, result, elapsed) = match joined {
            Ok(done) => done,
            Err(e) => {
                // A panicked step: find which one is still marked running and not joined.
                // JoinSet does not say; fail every running step conservatively at the end.
                tracing::error!(error = %e, "a step task panicked");
                continue;
            }
        };
        status[i] = Status::Done;
        let step = &steps[i];
        match result {
            Ok(()) => {
                (ctx.sink)(Event::Finished {
                    step: step.id,
                    address: step.address.clone(),
                    what: describe(&step.op).into(),
                    elapsed,
                });
                ends[i] = Some(StepEnd::Succeeded);
                for &d in &dependents[i] {
                    missing[d] -= 1;
                    if missing[d] == 0 && ends[d].is_none() {
                        ready.push(d);
                    }
                }
            }
            Err(message) => {
                (ctx.sink)(Event::Failed {
                    step: step.id,
                    address: step.address.clone(),
                    what: describe(&step.op).into(),
                    message: message.clone(),
                });
                ends[i] = Some(StepEnd::Failed(message));
                // Skip everything downstream.
                let mut stack = dependents[i].clone();
                while let Some(d) = stack.pop() {
                    if ends[d].is_some() || status[d] != Status::Waiting {
                        continue;
                    }
                    ends[d] = Some(StepEnd::Skipped(step.address.clone()));
                    ready.retain(|&r| r != d);
                    (ctx.sink)(Event::Skipped {
                        step: steps[d].id,
                        address: steps[d].address.clone(),
                        what: describe(&steps[d].op).into(),
                        because: step.address.clone(),
                    });
                    stack.extend(dependents[d].iter().copied());
                }
            }
        }
    }

    let ends = ends
        .into_iter()
        .enumerate()
        .map(|(i, end)| match end {
            Some(end) => end,
            None if status[i] == Status::Running => {
                StepEnd::Failed("the step's task panicked (a bug); the next run recovers".into())
            }
            None => {
                (ctx.sink)(Event::Skipped {
                    step: steps[i].id,
                    address: steps[i].address.clone(),
                    what: describe(&steps[i].op).into(),
                    because: "cancelled".into(),
                });
                StepEnd::Skipped("cancelled".into())
            }
        })
        .collect();
    (ends, started)
}
