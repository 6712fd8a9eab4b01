//! Test helpers: an emulator standing in for the cloud, configs applied to it, and a
//! rehearsal of a plan (edited by the test first) against a copy of it.
#![allow(dead_code, unreachable_pub)]

use barrack_api::Client;
use barrack_sim::SimHandle;
use garrison_config::{load_str, Model, VarInputs};
use garrison_engine::{
    plan_with_inputs, prepare, CancelToken, ExecuteOptions, PrepareOptions, Refreshed,
};
use garrison_plan::{Plan, Rehearsal, Step, StepOp};
use garrison_rehearse::{rehearse, RehearseOptions};
use garrison_state::LocalBackend;
use garrison_testkit::client::fast_client;

pub const OS_IMAGE: &str = garrison_testkit::synth::OS_IMAGE;
pub const PUBKEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f me@laptop";

/// The "cloud" (an emulator), a client for it and a config directory.
pub struct Cloud {
    pub sim: SimHandle,
    pub client: Client,
    pub dir: tempfile::TempDir,
}

impl Cloud {
    pub async fn start() -> Cloud {
        let sim = garrison_testkit::sim::start(garrison_testkit::sim::quiet(0.002)).await;
        let client = fast_client(&sim.base_url(), sim.api_key());
        Cloud {
            sim,
            client,
            dir: garrison_testkit::dir::temp_dir(),
        }
    }

    pub fn model(&self, text: &str) -> Model {
        let loaded = load_str("main.kdl", text, &VarInputs::default())
            .unwrap_or_else(|f| panic!("config does not load: {f:?}"));
        let mut model = loaded.model;
        model.dir = self.dir.path().to_path_buf();
        model
    }

    fn backend(&self) -> LocalBackend {
        LocalBackend::in_config_dir(self.dir.path())
    }

    /// `garrison apply --auto-approve` of `text` on the cloud; panics unless it succeeds.
    pub async fn apply(&self, text: &str) {
        let prepared = prepare(
            self.model(text),
            self.client.clone(),
            Box::new(self.backend()),
            PrepareOptions::default(),
        )
        .await
        .expect("prepare");
        let report = prepared
            .execute(
                ExecuteOptions::default(),
                garrison_engine::no_events(),
                CancelToken::new(),
            )
            .await
            .expect("execute");
        assert!(
            report.is_success(),
            "{:?} {:?}",
            report.failed,
            report.skipped
        );
    }

    /// The plan of `text` against the cloud, edited by `edit`, then rehearsed (with the
    /// refreshed account changed by `drift` first). Asserts the cloud saw no change.
    pub async fn rehearse_with(
        &self,
        text: &str,
        edit: impl FnOnce(&mut Plan),
        drift: impl FnOnce(&mut Refreshed),
    ) -> (Plan, Rehearsal) {
        self.rehearse_at(text, edit, drift, RehearseOptions::default())
            .await
    }

    /// [`Cloud::rehearse_with`] with these options.
    pub async fn rehearse_at(
        &self,
        text: &str,
        edit: impl FnOnce(&mut Plan),
        drift: impl FnOnce(&mut Refreshed),
        options: RehearseOptions,
    ) -> (Plan, Rehearsal) {
        let model = self.model(text);
        let planned = plan_with_inputs(
            &model,
            &self.backend(),
            Some(&self.client),
            Default::default(),
        )
        .await
        .expect("plan");
        let mut plan = planned.plan;
        edit(&mut plan);
        let mut refreshed = planned.refreshed.expect("refreshed");
        drift(&mut refreshed);
        let before = mutations(&self.sim);
        let rehearsal = rehearse(&model, &planned.state, &refreshed, None, &plan, &options)
            .await
            .expect("the rehearsal runs");
        assert_eq!(
            mutations(&self.sim),
            before,
            "the rehearsal changed the cloud"
        );
        (plan, rehearsal)
    }

    pub async fn rehearse(&self, text: &str, edit: impl FnOnce(&mut Plan)) -> (Plan, Rehearsal) {
        self.rehearse_with(text, edit, |_| {}).await
    }
}

/// Requests to the cloud that change something.
pub fn mutations(sim: &SimHandle) -> u64 {
    sim.request_counts()
        .iter()
        .filter(|(route, _)| !route.starts_with("GET "))
        .map(|(_, n)| n)
        .sum()
}

/// The id of the step doing `verb` at `address`.
pub fn step_id(plan: &Plan, address: &str, verb: &str) -> usize {
    find(&plan.steps, address, verb)
        .unwrap_or_else(|| panic!("no {verb} {address}: {:#?}", plan.steps))
        .id
}

pub fn find<'a>(steps: &'a [Step], address: &str, verb: &str) -> Option<&'a Step> {
    steps
        .iter()
        .find(|s| s.address.to_string() == address && s.op.verb() == verb)
}

/// Removes `before` from the `after` list of step `of`.
pub fn drop_edge(plan: &mut Plan, of: usize, before: usize) {
    if let Some(s) = plan.steps.iter_mut().find(|s| s.id == of) {
        assert!(
            s.after.contains(&before),
            "step {of} does not wait for {before}"
        );
        s.after.retain(|&a| a != before);
    }
}

/// Drops every step doing `verb` (and the edges to it).
pub fn drop_steps(plan: &mut Plan, verb: &str) {
    let gone: Vec<usize> = plan
        .steps
        .iter()
        .filter(|s| s.op.verb() == verb)
        .map(|s| s.id)
        .collect();
    assert!(!gone.is_empty(), "no {verb} step");
    plan.steps.retain(|s| !gone.contains(&s.id));
    for s in &mut plan.steps {
        s.after.retain(|a| !gone.contains(a));
    }
}

pub fn is_move(op: &StepOp) -> bool {
    matches!(op, StepOp::Move { .. })
}
