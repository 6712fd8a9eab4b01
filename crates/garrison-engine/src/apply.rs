//! The flows the CLI calls: [`prepare`] (lock, refresh, recover, plan) then
//! [`Prepared::execute`]; [`plan_only`] for `plan` without the lock.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use barrack_api::Client;
use garrison_config::model::{JournalAction, Model, StateKey};
use garrison_plan::{Plan, PlanOptions, RemoteView};
use garrison_state::{Backend, LockInfo, Outcome, OutputState, StateDoc, Store};

use crate::cancel::CancelToken;
use crate::error::EngineError;
use crate::event::{Event, EventSink};
use crate::executor::{self, StepEnd};
use crate::outcome::{SkipReason, StepError};
use crate::record::{reseal_legacy, resource_state};
use crate::recover::{apply_in_memory, resolve, Resolution};
use crate::refresh::{refresh, Refreshed};
use crate::saved::SavedPlan;
use crate::saved_inputs::{self, PlanInputs};
use crate::schedule::Scheduling;
use crate::settle::{is_transitional, settle};
use crate::stale::StaleReason;
use crate::steps::Ctx;
use garrison_plan::evaluate_outputs;
use garrison_plan::outputs::failed_output_postconditions;

/// Options of [`prepare`].
#[derive(Clone, Debug, Default)]
pub struct PrepareOptions {
    /// Plan to destroy everything in the state (`garrison destroy`).
    pub destroy: bool,
    /// The command holding the lock, e.g. `garrison apply` (shown to whoever finds it locked).
    pub command: String,
    /// Apply this reviewed plan: refuse when the config, state or cloud moved on.
    pub expected: Option<SavedPlan>,
    /// `--replace`, `--target`, `--exclude`, `--refresh-only` (a saved plan brings its own).
    pub plan: PlanOptions,
}

/// Operations at once at most, by default: a cap, not the pace. Under a rate limit the
/// executor starts a step only while the client's limiter has a request free, so the limit
/// bounds the parallelism (issue #11); without one, this does.
pub const DEFAULT_PARALLELISM: usize = 256;

/// Options of [`Prepared::execute`].
#[derive(Clone, Copy, Debug)]
pub struct ExecuteOptions {
    /// Operations at once at most (default [`DEFAULT_PARALLELISM`]).
    pub parallelism: usize,
    /// Which ready step goes first.
    pub scheduling: Scheduling,
}

impl Default for ExecuteOptions {
    fn default() -> Self {
        ExecuteOptions {
            parallelism: DEFAULT_PARALLELISM,
            scheduling: Scheduling::CriticalPath,
        }
    }
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApplyReport {
    /// Addresses of steps that succeeded (an address appears twice for a replace).
    pub succeeded: Vec<String>,
    /// `(address, error)` of steps that failed.
    pub failed: Vec<(String, StepError)>,
    /// `(address, why)` of steps that did not run: a failed dependency, or cancelled.
    pub skipped: Vec<(String, SkipReason)>,
    /// `(address, reason)` of resources the plan left alone (protected, ...): the run did
    /// everything else and is not a success.
    pub blocked: Vec<(String, String)>,
    /// Cancelled before every step ran.
    pub interrupted: bool,
    /// Bytes written to state and journal during the run.
    pub bytes_written: u64,
    pub elapsed: Duration,
    /// Step indexes in the order they started.
    pub started_order: Vec<usize>,
    /// The outputs as stored (sensitive ones redacted).
    pub outputs: BTreeMap<String, OutputState>,
}

impl ApplyReport {
    /// Nothing failed, nothing was skipped and nothing was blocked.
    pub fn is_success(&self) -> bool {
        self.failed.is_empty() && self.skipped.is_empty() && self.blocked.is_empty()
    }
}

/// A locked state, refreshed, recovered and planned: show `plan()`, ask, then `execute`.
/// Dropping it without executing releases the lock and changes nothing (recovery already
/// recorded is kept).
pub struct Prepared {
    model: Arc<Model>,
    client: Client,
    store: Arc<Mutex<Store>>,
    plan: Plan,
    view: RemoteView,
    refreshed: Refreshed,
    recovered: Vec<Event>,
    /// Run VMs' `ready-when` commands (a rehearsal does not).
    readiness: bool,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("plan_summary", &self.plan.summary)
            .field("steps", &self.plan.steps.len())
            .finish_non_exhaustive()
    }
}

/// Takes the lock (replaying the journal), refreshes, resolves interrupted operations and
/// plans (`destroy` plans to delete everything). With `expected`, refuses when the plan to
/// apply no longer matches (config hash, state lineage or serial, or the actions).
pub async fn prepare(
    mut model: Model,
    client: Client,
    backend: Box<dyn Backend>,
    options: PrepareOptions,
) -> Result<Prepared, EngineError> {
    let command = if options.command.is_empty() {
        "garrison apply".to_string()
    } else {
        options.command.clone()
    };
    let store = Store::open(backend, LockInfo::new(command))?;
    let took_over = store
        .recovery()
        .took_over
        .clone()
        .map(|holder| Event::Warning {
            address: store.backend().location(),
            message: format!("took over a stale lock held by {holder}"),
        });
    let opened = store.state().clone();
    let store = Arc::new(Mutex::new(store));
    let refreshed = refresh(&client).await?;
    let mut recovered = recover_into(&store, &client, &refreshed, &model).await?;
    recovered.splice(0..0, took_over);
    let plan_options = match &options.expected {
        Some(saved) => PlanOptions {
            destroy: saved.plan.destroy,
            ..saved.plan.options.clone()
        },
        None => PlanOptions {
            destroy: options.destroy || options.plan.destroy,
            ..options.plan.clone()
        },
    };
    let (plan, view) = {
        let store = lock(&store)?;
        let view = refreshed.view_for(store.state(), &model);
        if let Some(kept) = garrison_plan::keep_existing_names(&model, store.state(), &view) {
            model = kept;
        }
        let plan = garrison_plan::plan(&model, store.state(), &view, plan_options)?;
        (plan, view)
    };
    if let Some(expected) = &options.expected {
        crate::stale::check_saved(expected, &plan, &model, &opened)?;
        if let Some(detail) = saved_inputs::moved(&expected.inputs, &expected.plan, &view, &model) {
            return Err(EngineError::StalePlan {
                reason: StaleReason::InputMoved { detail },
            });
        }
    }
    Ok(Prepared {
        model: Arc::new(model),
        client,
        store,
        plan,
        view,
        refreshed,
        recovered,
        readiness: true,
    })
}

fn lock(store: &Mutex<Store>) -> Result<std::sync::MutexGuard<'_, Store>, EngineError> {
    store
        .lock()
        .map_err(|_| EngineError::Internal("the state store lock is poisoned".into()))
}

/// Resolves the store's unresolved intents against the inventory, records them and
/// checkpoints; returns the events to show. An adopted object still in a transitional
/// state is waited for first (C6); intents with nothing of ours to show stay pending.
async fn recover_into(
    store: &Mutex<Store>,
    client: &Client,
    refreshed: &Refreshed,
    model: &Model,
) -> Result<Vec<Event>, EngineError> {
    let resolutions = {
        let store = lock(store)?;
        let intents = store.unresolved().to_vec();
        if intents.is_empty() {
            return Ok(Vec::new());
        }
        resolve(
            &intents,
            &refreshed.inventory,
            store.state(),
            Some(model),
            chrono::Utc::now(),
        )
    };
    let mut events = Vec::new();
    let mut settled = Vec::new();
    for r in resolutions {
        settled.push(settle_adopted(r, client, refreshed, model, &mut events).await);
    }
    let mut store = lock(store)?;
    for r in settled {
        events.extend(resolution_events(&r));
        if let Some(outcome) = r.outcome {
            store.record_completion(r.intent.op_ref(), &r.intent.address, outcome)?;
        }
    }
    store.checkpoint()?;
    Ok(events)
}

/// An adoption whose object is still transitional, once it has settled (re-read and
/// re-observed); if it does not settle, the intent stays pending with a warning.
async fn settle_adopted(
    mut r: Resolution,
    client: &Client,
    refreshed: &Refreshed,
    model: &Model,
    events: &mut Vec<Event>,
) -> Resolution {
    let Some(Outcome::Upserted(rs)) = r.outcome.as_ref().filter(|_| r.adopted) else {
        return r;
    };
    let kind = rs.kind;
    let Some(object) = refreshed.inventory.by_id(kind, rs.remote_id.as_str()) else {
        return r;
    };
    if !is_transitional(&object) {
        return r;
    }
    let resource = r.intent.address.live().and_then(|a| model.resource(a));
    let timeout = model.timeouts.get(kind, garrison_config::model::Op::Create);
    match settle(client, object, timeout).await {
        Ok(steady) => {
            let previous = Some(rs.clone());
            let next = resource_state(&r.intent.address, &steady, resource, previous.as_ref());
            r.outcome = Some(Outcome::Upserted(next));
        }
        Err(e) => {
            events.push(Event::Warning {
                address: r.intent.address.to_string(),
                message: format!(
                    "found {kind} `{}` (id {}) of the interrupted create, but it did not settle ({e}); it stays pending and is checked again on the next run",
                    rs.name, rs.remote_id
                ),
            });
            r.outcome = None;
            r.adopted = false;
        }
    }
    r
}

fn resolution_events(r: &Resolution) -> Vec<Event> {
    let mut events = Vec::new();
    if let Some(note) = &r.note {
        events.push(Event::Warning {
            address: r.intent.address.to_string(),
            message: note.clone(),
        });
    }
    events.push(match (&r.outcome, r.adopted) {
        (Some(Outcome::Upserted(rs)), true) => Event::Adopted {
            address: r.intent.address.to_string(),
            kind: r.intent.kind,
            name: rs.name.clone(),
            remote_id: rs.remote_id.to_string(),
        },
        (outcome, _) => Event::Resolved {
            address: r.intent.address.to_string(),
            action: r.intent.action.to_string(),
            outcome: match outcome {
                Some(Outcome::Upserted(_) | Outcome::Unchanged) => "re-read".into(),
                Some(Outcome::Deleted) => "deleted".into(),
                Some(Outcome::Failed { .. }) => "did not happen".into(),
                None => "still pending".into(),
            },
        },
    });
    events
}

/// Completes every pending create whose address now holds, in the state, an object of the
/// same kind and name: that name is ours, so the pending create can never make anything.
fn settle_superseded(store: &mut Store) -> Result<(), EngineError> {
    let done: Vec<_> = store
        .unresolved()
        .iter()
        .filter(|i| i.action == JournalAction::Create)
        .filter_map(|i| {
            let rs = store.state().resources.get(&i.address.to_string())?;
            (rs.kind == i.kind && rs.name == i.name).then(|| (i.op_ref(), rs.clone()))
        })
        .collect();
    for (op, rs) in done {
        let address = rs.address.clone();
        store.record_completion(op, &address, Outcome::Upserted(rs))?;
    }
    Ok(())
}

impl Prepared {
    /// The plan to show before asking.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Adds advice lines to the plan's hints (`garrison.lock`'s moved pins): shown, never
    /// acted on.
    pub fn add_hints(&mut self, hints: Vec<String>) {
        self.plan.hints.extend(hints);
    }

    /// What refresh saw (for `garrison refresh` and tests).
    pub fn view(&self) -> &RemoteView {
        &self.view
    }

    /// What refresh read (inventory, stock, prices): what a rehearsal seeds its emulator
    /// with.
    pub fn refreshed(&self) -> &Refreshed {
        &self.refreshed
    }

    /// The model planned (after names kept from existing objects).
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Executes `plan` instead of the one prepared: a rehearsal runs exactly the plan it
    /// was given (its steps and their order), against an emulator.
    pub fn with_plan(mut self, plan: Plan) -> Prepared {
        self.plan = plan;
        self
    }

    /// Leaves VMs' `ready-when` commands out: a rehearsal's VMs are the emulator's, and a
    /// local command must not run against them.
    pub fn without_readiness(mut self) -> Prepared {
        self.readiness = false;
        self
    }

    /// A stale lock taken over (a warning, first) and interrupted operations resolved while
    /// preparing (adoptions first to show).
    pub fn recovered(&self) -> &[Event] {
        &self.recovered
    }

    /// The state as of now (after recovery).
    pub fn state(&self) -> Result<StateDoc, EngineError> {
        Ok(lock(&self.store)?.state().clone())
    }

    /// Records the refreshed attributes, the objects deleted outside Garrison and the
    /// outputs without changing anything remotely (`garrison refresh`, `apply
    /// --refresh-only`), then checkpoints and releases the lock.
    pub fn refresh_only(self) -> Result<ApplyReport, EngineError> {
        let started = Instant::now();
        let mut store = lock(&self.store)?;
        reconcile(&mut store, &self.refreshed, &self.model)?;
        forget_gone(&mut store, &self.refreshed)?;
        let outputs = evaluate_outputs(&self.model, store.state());
        store.set_outputs(outputs.clone());
        store.checkpoint()?;
        Ok(ApplyReport {
            bytes_written: store.bytes_written(),
            elapsed: started.elapsed(),
            outputs,
            ..ApplyReport::default()
        })
    }

    /// Carries the plan out. Returns `Err` only when the run could not happen or finish
    /// recording (state IO); failed steps are in the report.
    pub async fn execute(
        self,
        options: ExecuteOptions,
        sink: EventSink,
        cancel: CancelToken,
    ) -> Result<ApplyReport, EngineError> {
        let started = Instant::now();
        let bytes_before = lock(&self.store)?.bytes_written();
        let mut ctx = Ctx::new(
            self.client.clone(),
            self.model.clone(),
            self.store.clone(),
            sink.clone(),
            &self.plan.steps,
        );
        ctx.readiness = self.readiness;
        let ctx = Arc::new(ctx);
        let steps = self.plan.steps.clone();
        let (ends, started_order) = executor::run(
            ctx,
            &steps,
            options.parallelism,
            options.scheduling,
            &cancel,
        )
        .await;
        let mut report = ApplyReport {
            started_order,
            blocked: self
                .plan
                .blocked
                .iter()
                .map(|b| (b.address.clone(), b.reason.clone()))
                .collect(),
            ..ApplyReport::default()
        };
        for (step, end) in steps.iter().zip(ends) {
            match end {
                StepEnd::Succeeded => report.succeeded.push(step.address.to_string()),
                StepEnd::Failed(message) => report.failed.push((step.address.to_string(), message)),
                StepEnd::Skipped(because) => {
                    if because == SkipReason::Cancelled {
                        report.interrupted = true;
                    }
                    report.skipped.push((step.address.to_string(), because));
                }
            }
        }
        // Operations change their neighbours too (attachments): read everything once more
        // so the recorded attributes are what the cloud holds, then outputs. A plan of
        // Garrison-only changes (`protect`) has no step and is recorded here too.
        if !steps.is_empty() || self.plan.summary.has_changes() {
            match refresh(&self.client).await {
                Ok(after) => {
                    let mut store = lock(&self.store)?;
                    reconcile(&mut store, &after, &self.model)?;
                }
                Err(e) => sink(Event::Warning {
                    address: String::new(),
                    message: format!("the final refresh failed ({e}); the next plan re-reads"),
                }),
            }
        }
        let mut store = lock(&self.store)?;
        settle_superseded(&mut store)?;
        if steps.is_empty() {
            reseal(&mut store, &self.refreshed, &self.model)?;
        }
        // A destroy leaves no outputs (its plan shows them removed).
        let outputs = if self.plan.destroy {
            Default::default()
        } else {
            evaluate_outputs(&self.model, store.state())
        };
        for (address, message) in failed_output_postconditions(&self.model, store.state()) {
            report.failed.push((address, StepError::from(message)));
        }
        store.set_outputs(outputs.clone());
        store.checkpoint()?;
        report.outputs = outputs;
        report.bytes_written = store.bytes_written().saturating_sub(bytes_before);
        report.elapsed = started.elapsed();
        Ok(report)
    }
}

/// Records, for every state resource the inventory still holds and no intent is pending
/// on, the attributes as read now (when they differ from the recorded ones).
fn reconcile(store: &mut Store, refreshed: &Refreshed, model: &Model) -> Result<(), EngineError> {
    let pending = pending(store);
    let index = refreshed.inventory.index();
    let updates: Vec<_> = store
        .state()
        .resources
        .iter()
        .filter(|(_, rs)| !pending.contains(&rs.address))
        .filter_map(|(_, rs)| {
            let object = index.get(&(rs.kind, rs.remote_id.to_string()))?;
            let resource = rs.address.live().and_then(|a| model.resource(a));
            let mut next = resource_state(&rs.address, object, resource, Some(rs));
            // Inputs the API never returns stay as last applied: only a step applies them.
            next.input_hashes = rs.input_hashes.clone();
            let changed = next.attributes != rs.attributes
                || next.protect != rs.protect
                || next.dependencies != rs.dependencies;
            changed.then(|| (rs.address.clone(), next))
        })
        .collect();
    record(
        store,
        updates
            .into_iter()
            .map(|(address, next)| (address, Outcome::Upserted(next))),
    )
}

/// Drops every state entry whose object the refresh did not find (deleted outside
/// Garrison) and no intent is pending on: accepting drift accepts a deletion too, so the
/// next drift check is quiet (and a plan creates the object again, if the config has it).
fn forget_gone(store: &mut Store, refreshed: &Refreshed) -> Result<(), EngineError> {
    let pending = pending(store);
    let index = refreshed.inventory.index();
    let gone: Vec<StateKey> = store
        .state()
        .resources
        .values()
        .filter(|rs| !pending.contains(&rs.address))
        .filter(|rs| !index.contains_key(&(rs.kind, rs.remote_id.to_string())))
        .map(|rs| rs.address.clone())
        .collect();
    record(
        store,
        gone.into_iter().map(|address| (address, Outcome::Deleted)),
    )
}

/// The addresses an unresolved intent is pending on: refresh leaves them to recovery.
fn pending(store: &Store) -> Vec<StateKey> {
    store
        .unresolved()
        .iter()
        .map(|i| i.address.clone())
        .collect()
}

/// One completion per entry, each under its own new op (no intent: refresh found it so).
fn record(
    store: &mut Store,
    entries: impl IntoIterator<Item = (StateKey, Outcome)>,
) -> Result<(), EngineError> {
    for (address, outcome) in entries {
        let op = store.next_op();
        store.record_completion(op, &address, outcome)?;
    }
    Ok(())
}

/// Replaces legacy `sha256:` seals that still match the cloud with argon2id seals (an apply
/// with nothing to do; otherwise the final refresh re-records every resource).
fn reseal(store: &mut Store, refreshed: &Refreshed, model: &Model) -> Result<(), EngineError> {
    let index = refreshed.inventory.index();
    let updates: Vec<_> = store
        .state()
        .resources
        .values()
        .filter_map(|rs| {
            let object = index.get(&(rs.kind, rs.remote_id.to_string()))?;
            let resource = rs.address.live().and_then(|a| model.resource(a));
            reseal_legacy(rs, object, resource).map(|next| (rs.address.clone(), next))
        })
        .collect();
    record(
        store,
        updates
            .into_iter()
            .map(|(address, next)| (address, Outcome::Upserted(next))),
    )
}

/// A plan without the lock (`garrison plan`): the state is only read (journal replayed in
/// memory). With a client, the cloud is refreshed and interrupted operations are resolved
/// in memory; with `None` (`--refresh=false`) no API call is made at all.
pub async fn plan_only(
    model: &Model,
    backend: &dyn Backend,
    client: Option<&Client>,
    options: PlanOptions,
) -> Result<Plan, EngineError> {
    plan_with_view(model, backend, client, options)
        .await
        .map(|planned| planned.plan)
}

/// A plan without the lock, with what it was made from: the state (journal replayed,
/// interrupted operations resolved in memory) and what refresh read (`None` without a
/// client). `garrison plan --rehearse` rehearses it.
#[derive(Clone, Debug)]
pub struct Planned {
    pub plan: Plan,
    pub view: RemoteView,
    pub state: StateDoc,
    pub refreshed: Option<Refreshed>,
}

/// [`plan_only`] with its inputs (see [`Planned`]).
pub async fn plan_with_inputs(
    model: &Model,
    backend: &dyn Backend,
    client: Option<&Client>,
    options: PlanOptions,
) -> Result<Planned, EngineError> {
    plan_with_view(model, backend, client, options).await
}

/// [`plan_only`], and the inputs a saved plan records ([`SavedPlan::with_inputs`]): the
/// cloud's values of every planned resource and the seals of the sensitive variables.
pub async fn plan_for_saving(
    model: &Model,
    backend: &dyn Backend,
    client: Option<&Client>,
    options: PlanOptions,
) -> Result<(Plan, PlanInputs), EngineError> {
    let Planned {
        plan, view, state, ..
    } = plan_with_view(model, backend, client, options).await?;
    // Sealing costs ~20 ms per sensitive value: only when the plan is saved.
    let inputs = saved_inputs::capture(&plan, &view, &state, model);
    Ok((plan, inputs))
}

async fn plan_with_view(
    model: &Model,
    backend: &dyn Backend,
    client: Option<&Client>,
    options: PlanOptions,
) -> Result<Planned, EngineError> {
    let replay = Store::peek(backend)?;
    let mut state = replay.state;
    let mut read = None;
    let view = match client {
        Some(client) => {
            let refreshed = refresh(client).await?;
            if !replay.unresolved.is_empty() {
                let resolutions = resolve(
                    &replay.unresolved,
                    &refreshed.inventory,
                    &state,
                    Some(model),
                    chrono::Utc::now(),
                );
                apply_in_memory(&mut state, &resolutions);
            }
            let view = refreshed.view_for(&state, model);
            read = Some(refreshed);
            view
        }
        None => RemoteView::default(),
    };
    let kept = garrison_plan::keep_existing_names(model, &state, &view);
    let model = kept.as_ref().unwrap_or(model);
    let plan = garrison_plan::plan(model, &state, &view, options)?;
    Ok(Planned {
        plan,
        view,
        state,
        refreshed: read,
    })
}
