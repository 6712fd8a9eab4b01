//! The `Settle` step: wait while a resource is in a transition on the cloud (a VM still
//! CREATING after an interrupted or timed-out create, a volume still `creating`), then record
//! what it became. Ending in ERROR fails the step: the next plan replaces it.

use barrack_api::{Id, Poll};
use garrison_config::model::Op;
use garrison_plan::health::{health, Health};
use garrison_plan::Step;

use crate::observe::observe;
use crate::outcome::StepError;
use crate::remote::RemoteObject;
use crate::steps::Ctx;

impl Ctx {
    /// Waits up to the kind's create timeout for `remote_id` to leave its transition.
    pub(crate) async fn settle(&self, step: &Step, remote_id: &str) -> Result<(), StepError> {
        let kind = step.kind;
        let (name, region) = self
            .previous(&step.address)
            .map(|p| (p.name, p.region))
            .unwrap_or_else(|| (remote_id.to_string(), String::new()));
        let op = self.intent(
            &step.address,
            kind,
            garrison_config::model::JournalAction::Update,
            &name,
            &region,
        )?;
        let id = Id::new(remote_id);
        self.waiting(step, "a stable status");
        let status_of = |object: &RemoteObject| health(kind, &observe(object, ""));
        let waited = self
            .client
            .wait_until(
                &format!("{kind} {id} to settle"),
                self.timeout(kind, Op::Create),
                || self.fetch(kind, &id),
                |object: &RemoteObject| match status_of(object) {
                    Health::Busy(status) => Poll::Pending(status),
                    _ => Poll::Done,
                },
            )
            .await;
        let recorded = self.record_truth(op, &step.address, kind, &id).await;
        match waited {
            Ok(object) => match status_of(&object) {
                Health::Broken(status) => {
                    Err(format!("{kind} {id} ended in {status}; the next plan replaces it").into())
                }
                _ => recorded,
            },
            Err(e) => Err(format!(
                "{e}; it is still in transition on the cloud (the next apply waits again; \
                 raise `timeouts` for it if it is just slow)"
            )
            .into()),
        }
    }
}
