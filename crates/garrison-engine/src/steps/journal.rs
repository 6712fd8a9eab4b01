//! The state side of a step: journal records (intent, completion), what the state holds
//! for an address, the object re-read and recorded as the truth, events.

use std::time::Duration;

use barrack_api::Id;
use garrison_config::model::{JournalAction, Kind, Op, RemoteId, Resource, StateKey};
use garrison_plan::Step;
use garrison_state::{OpRef, OpSpec, Outcome, Store};

use super::Ctx;
use crate::event::Event;
use crate::outcome::StepError;
use crate::record::resource_state;
use crate::remote::RemoteObject;

impl Ctx {
    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, garrison_state::Error>,
    ) -> Result<T, String> {
        let mut store = self
            .store
            .lock()
            .map_err(|_| "the state store is poisoned (a step panicked)".to_string())?;
        f(&mut store).map_err(|e| format!("recording state: {e}"))
    }

    pub(crate) fn intent(
        &self,
        address: &StateKey,
        kind: Kind,
        action: JournalAction,
        name: &str,
        region: &str,
    ) -> Result<OpRef, String> {
        self.with_store(|s| {
            s.record_intent(OpSpec {
                address: address.clone(),
                kind,
                action,
                name: name.to_string(),
                region: region.to_string(),
            })
        })
    }

    pub(crate) fn record(
        &self,
        op: OpRef,
        address: &StateKey,
        outcome: Outcome,
    ) -> Result<(), StepError> {
        Ok(self.with_store(|s| s.record_completion(op, address, outcome))?)
    }

    /// The remote id the state holds for `address` now.
    pub(crate) fn id_of(&self, address: &(impl std::fmt::Display + ?Sized)) -> Result<Id, String> {
        let key = address.to_string();
        self.with_store(|s| Ok(s.state().resources.get(&key).map(|r| r.remote_id.clone())))?
            .map(|id| Id::new(id.as_str()))
            .ok_or_else(|| format!("`{address}` has no remote id in the state (was it created?)"))
    }

    /// The remote id a link of `address`'s VM names: an existing object a data source
    /// found (as the plan shows it, `volume(id 7, unmanaged)`), else a resource of the state.
    pub(crate) fn link_id(&self, address: &StateKey, link: &str) -> Result<Id, String> {
        let found = self.resource(address).and_then(|r| match &r.spec {
            garrison_config::model::Spec::Vm(vm) => {
                vm.data_links.iter().find(|l| l.shown() == link)
            }
            _ => None,
        });
        match found {
            Some(l) => Ok(Id::new(l.id.as_str())),
            None => self.id_of(link),
        }
    }

    pub(crate) fn previous(
        &self,
        address: &(impl std::fmt::Display + ?Sized),
    ) -> Option<garrison_state::ResourceState> {
        let key = address.to_string();
        self.store
            .lock()
            .ok()
            .and_then(|s| s.state().resources.get(&key).cloned())
    }

    pub(crate) fn resource(&self, address: &StateKey) -> Option<&Resource> {
        self.model.resource(address.live()?)
    }

    pub(crate) fn timeout(&self, kind: Kind, op: Op) -> Duration {
        self.model.timeouts.get(kind, op)
    }

    pub(crate) fn waiting(&self, step: &Step, status: &str) {
        (self.sink)(Event::Waiting {
            step: step.id,
            address: step.address.to_string(),
            status: status.to_string(),
        });
    }

    pub(crate) fn warn(&self, address: &StateKey, message: String) {
        (self.sink)(Event::Warning {
            address: address.to_string(),
            message,
        });
    }

    /// Reads one object by id.
    pub(crate) async fn fetch(
        &self,
        kind: Kind,
        id: &Id,
    ) -> Result<RemoteObject, barrack_api::Error> {
        crate::kinds::fetch(&self.client, kind, id).await
    }

    /// Re-reads the object and records it as the state of `address`; when the re-read
    /// fails the intent stays unresolved (recovery re-reads it next run).
    pub(crate) async fn record_truth(
        &self,
        op: OpRef,
        address: &StateKey,
        kind: Kind,
        id: &Id,
    ) -> Result<(), StepError> {
        match self.fetch(kind, id).await {
            Ok(object) => {
                let previous = self.previous(address);
                let rs =
                    resource_state(address, &object, self.resource(address), previous.as_ref());
                let outcome = if previous.as_ref() == Some(&rs) {
                    Outcome::Unchanged
                } else {
                    Outcome::Upserted(rs)
                };
                self.record(op, address, outcome)
            }
            Err(e) if e.is_not_found() => self.record(op, address, Outcome::Deleted),
            Err(e) => Err(format!(
                "could not re-read {kind} {id} to record it ({e}); the next run resolves it"
            )
            .into()),
        }
    }
}

/// Where a replaced object waits for its delete under create-before-destroy:
/// `vm.x (deposed 42)`. Not a config address, so a plan destroys whatever is left there.
pub(crate) fn deposed_address(address: &StateKey, remote_id: &RemoteId) -> StateKey {
    StateKey::deposed(address.address().clone(), remote_id.clone())
}
