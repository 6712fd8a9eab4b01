//! A delete step: the object at the step's address or, under create-before-destroy, at its
//! deposed address; the kind's delete (`crate::kinds`); gone, failed or unknown recorded.

use barrack_api::{Id, Poll};
use garrison_config::model::{JournalAction, Kind, Op, RemoteId, StateKey};
use garrison_plan::Step;
use garrison_state::{OpRef, Outcome};

use super::journal::deposed_address;
use super::Ctx;
use crate::outcome::StepError;

impl Ctx {
    pub(crate) async fn delete(&self, step: &Step, remote_id: &str) -> Result<(), StepError> {
        // The object lives at the step's address, or (create-before-destroy) at its deposed
        // address once the replacement took the address over.
        let holder = self.holder_of(&step.address, remote_id);
        let (name, region) = holder
            .as_ref()
            .map(|p| (p.name.clone(), p.region.clone()))
            .unwrap_or_else(|| (remote_id.to_string(), String::new()));
        let at = holder
            .as_ref()
            .map_or_else(|| step.address.clone(), |h| h.address.clone());
        let op = self.intent(&at, step.kind, JournalAction::Delete, &name, &region)?;
        let id = Id::new(remote_id);
        // `touched`: something already changed (detach) before the delete call.
        let mut touched = false;
        let result = crate::kinds::delete(self, step, &id, &mut touched).await;
        // Nothing in the state holds this object any more (already replaced and dropped).
        let replaced = holder.is_none() && self.previous(&step.address).is_some();
        match result {
            Ok(()) => self.complete_delete(op, &at, replaced),
            Err(e) if e.is_not_found() => self.complete_delete(op, &at, replaced),
            Err(e)
                if e.outcome_unknown()
                    || touched
                    || matches!(
                        e,
                        barrack_api::Error::WaitTimeout { .. }
                            | barrack_api::Error::WaitFailed { .. }
                    ) =>
            {
                if !replaced {
                    // Best effort: record what is there now; otherwise recovery does.
                    let _ = self.record_truth(op, &at, step.kind, &id).await;
                }
                Err(e.into())
            }
            Err(e) => {
                self.record(
                    op,
                    &at,
                    Outcome::Failed {
                        message: e.to_string(),
                    },
                )?;
                Err(e.into())
            }
        }
    }

    /// The state entry holding `remote_id` for `address`: the address itself, or its
    /// deposed entry (create-before-destroy).
    pub(crate) fn holder_of(
        &self,
        address: &StateKey,
        remote_id: &str,
    ) -> Option<garrison_state::ResourceState> {
        let deposed = deposed_address(address, &RemoteId::from(remote_id)).to_string();
        let live = address.to_string();
        self.store.lock().ok().and_then(|s| {
            let resources = &s.state().resources;
            resources
                .get(&live)
                .filter(|p| p.remote_id.as_str() == remote_id)
                .or_else(|| resources.get(&deposed))
                .cloned()
        })
    }

    pub(crate) fn complete_delete(
        &self,
        op: OpRef,
        address: &StateKey,
        replaced: bool,
    ) -> Result<(), StepError> {
        if replaced {
            self.record(
                op,
                address,
                Outcome::Failed {
                    message: "deleted the replaced object; the address keeps its replacement"
                        .into(),
                },
            )
        } else {
            self.record(op, address, Outcome::Deleted)
        }
    }

    pub(crate) async fn wait_gone(
        &self,
        step: &Step,
        kind: Kind,
        id: &Id,
    ) -> Result<(), barrack_api::Error> {
        let timeout = self.timeout(kind, Op::Delete);
        self.waiting(step, "deleted");
        let what = format!("{kind} {id} to be deleted");
        self.client
            .wait_until(
                &what,
                timeout,
                || async {
                    match self.fetch(kind, id).await {
                        Ok(_) => Ok(false),
                        Err(e) if e.is_not_found() => Ok(true),
                        Err(e) => Err(e),
                    }
                },
                |gone: &bool| {
                    if *gone {
                        Poll::Done
                    } else {
                        Poll::Pending("present".into())
                    }
                },
            )
            .await
            .map(drop)
    }
}
