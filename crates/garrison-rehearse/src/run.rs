//! The rehearsal itself: an emulator seeded from the account, a client for it with the
//! real polling policy scaled down, a copy of the state in a temporary directory, then the
//! engine's own `prepare` + `execute` of the given plan, timed from its events.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use barrack_api::{Client, ClientConfig, PollPolicy, RetryPolicy};
use barrack_sim::{SimConfig, SimHandle};
use garrison_config::model::Model;
use garrison_engine::{
    prepare, CancelToken, Event, EventSink, ExecuteOptions, PrepareOptions, Refreshed, Scheduling,
};
use garrison_plan::{Plan, Rehearsal};
use garrison_state::{Backend, LocalBackend, StateDoc};

use crate::error::RehearseError;
use crate::timing::{Clocked, Timeline};
use crate::{converge, guesses, seed, timing, RehearseOptions};

/// Rehearses `plan` (made from `model`, `state` and `refreshed`) against an emulator seeded
/// from `refreshed`; `balance` when it was read. Never touches the cloud.
pub async fn rehearse(
    model: &Model,
    state: &StateDoc,
    refreshed: &Refreshed,
    balance: Option<f64>,
    plan: &Plan,
    options: &RehearseOptions,
) -> Result<Rehearsal, RehearseError> {
    let started = Instant::now();
    let (account, mut caveats) = seed::account_of(refreshed, balance);
    let sim = barrack_sim::spawn(SimConfig {
        time_scale: options.time_scale,
        // The rate limit is predicted from the requests counted, not enforced in fast time.
        rate_limit_per_minute: None,
        // What the account offers: the catalog the config was validated against.
        catalog: model.catalog.clone(),
        ..SimConfig::default()
    })
    .await
    .map_err(RehearseError::Emulator)?;
    sim.seed(account)?;
    let client = client_for(&sim, options.time_scale)?;
    let dir = scratch_dir().map_err(|e| RehearseError::State(e.to_string()))?;
    let backend = LocalBackend::in_config_dir(dir.path());
    backend
        .write(state)
        .map_err(|e| RehearseError::State(e.to_string()))?;
    let mut model = model.clone();
    model.dir = dir.path().to_path_buf();
    let prepared = prepare(
        model.clone(),
        client.clone(),
        Box::new(backend),
        PrepareOptions {
            command: "garrison rehearse".into(),
            plan: plan.options.clone(),
            destroy: plan.destroy,
            expected: None,
        },
    )
    .await?;
    if prepared.plan().actions() != plan.actions() {
        caveats.push(
            "the emulator's copy of the account plans differently from the cloud (an object it could not mirror): the rehearsal ran the cloud's plan anyway".to_string(),
        );
    }
    caveats.extend(readiness_caveat(&model, plan));
    let (sink, timeline) = recorder();
    let execute = ExecuteOptions {
        parallelism: options.parallelism,
        scheduling: Scheduling::CriticalPath,
    };
    let report = prepared
        .with_plan(plan.clone())
        .without_readiness()
        .execute(execute, sink, CancelToken::new())
        .await?;
    let timeline = timeline.lock().map(|t| t.clone()).unwrap_or_default();
    let mutations = mutations(&sim);
    let after = converge::check(&model, dir.path(), &client, plan).await?;
    sim.shutdown().await;
    let mut rehearsal = timing::assemble(plan, &report, &timeline, options, mutations);
    rehearsal.converges = after.is_empty();
    rehearsal.not_converged = after;
    rehearsal.guesses = guesses::relied_on(plan);
    rehearsal.caveats = caveats;
    rehearsal.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(rehearsal)
}

/// The temporary directory for the state copy: in memory (`/dev/shm`) where there is one,
/// so the journal's fsyncs (real time, not scaled) do not inflate the predictions.
fn scratch_dir() -> std::io::Result<tempfile::TempDir> {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::Builder::new()
            .prefix("garrison-rehearse-")
            .tempdir_in(shm)
        {
            return Ok(dir);
        }
    }
    tempfile::Builder::new()
        .prefix("garrison-rehearse-")
        .tempdir()
}

/// A client for the emulator: Barrack's polling policy scaled like the delays (so waits
/// end as late, in scaled time, as they would against the cloud), quick retries, no rate
/// limit.
fn client_for(sim: &SimHandle, time_scale: f64) -> Result<Client, RehearseError> {
    let real = PollPolicy::default();
    let scale = |d: Duration| Duration::from_secs_f64((d.as_secs_f64() * time_scale).max(0.001));
    let mut config = ClientConfig::new(sim.base_url(), sim.api_key());
    config.poll = PollPolicy {
        initial: scale(real.initial),
        max: scale(real.max),
        multiplier: real.multiplier,
    };
    config.retry = RetryPolicy {
        max_attempts: 4,
        max_elapsed: Duration::from_secs(10),
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
    };
    // Its emulator has no rate limit: the limit is modelled on the timings (`timing.rs`).
    config.rate_limit = None;
    Client::new(config).map_err(|e| RehearseError::Client(e.to_string()))
}

/// A sink that stamps each step's start and end.
fn recorder() -> (EventSink, Arc<Mutex<Timeline>>) {
    let timeline = Arc::new(Mutex::new(Timeline::default()));
    let keep = timeline.clone();
    let sink: EventSink = Arc::new(move |event| {
        let at = Instant::now();
        let Ok(mut t) = keep.lock() else {
            return;
        };
        match event {
            Event::Started { step, .. } => {
                t.started.insert(step, at);
            }
            Event::Finished { step, .. } => {
                t.ended.insert(step, Clocked::Ok(at));
            }
            Event::Failed { step, message, .. } => {
                t.ended.insert(step, Clocked::Failed(at, message));
            }
            _ => {}
        }
    });
    (sink, timeline)
}

/// Requests that change something (every method but GET).
fn mutations(sim: &SimHandle) -> u64 {
    let counts: HashMap<String, u64> = sim.request_counts().into_iter().collect();
    counts
        .iter()
        .filter(|(route, _)| !route.starts_with("GET "))
        .map(|(_, n)| n)
        .sum()
}

/// The VMs the plan creates whose `ready-when` command the rehearsal leaves out (its VMs
/// are the emulator's): the apply waits for them, longer than predicted.
fn readiness_caveat(model: &Model, plan: &Plan) -> Option<String> {
    let waiting: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| matches!(s.op, garrison_plan::StepOp::Create))
        .filter_map(|s| model.resource(s.address.live()?))
        .filter(
            |r| matches!(&r.spec, garrison_config::model::Spec::Vm(vm) if vm.ready_when.is_some()),
        )
        .map(|r| r.address.to_string())
        .collect();
    (!waiting.is_empty()).then(|| {
        format!(
            "the `ready-when` commands of {} were not run (the rehearsal's VMs are the emulator's): the apply also waits for them",
            waiting.join(", ")
        )
    })
}
