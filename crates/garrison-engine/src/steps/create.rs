//! A create step: the intent, the kind's create (`crate::kinds`), the completion; the
//! adoption of a create that an earlier run sent and that landed late (D2, D3).

use barrack_api::Id;
use garrison_config::model::{JournalAction, Resource};
use garrison_plan::Step;
use garrison_state::Outcome;

use super::journal::deposed_address;
use super::Ctx;
use crate::event::Event;
use crate::outcome::StepError;
use crate::record::resource_state;
use crate::remote::RemoteObject;

/// How a create went wrong.
pub(crate) enum CreateFailure {
    /// Certainly nothing was created.
    NotCreated(StepError),
    /// We cannot know: leave the intent for recovery.
    Unknown(StepError),
    /// The resource exists (with this id) but a later stage failed.
    Exists { id: Id, message: StepError },
}

pub(crate) fn classify(e: barrack_api::Error) -> CreateFailure {
    if e.outcome_unknown() {
        CreateFailure::Unknown(e.into())
    } else {
        CreateFailure::NotCreated(e.into())
    }
}

pub(crate) fn exists(id: &Id) -> impl Fn(barrack_api::Error) -> CreateFailure + '_ {
    move |e| CreateFailure::Exists {
        id: id.clone(),
        message: e.into(),
    }
}

impl Ctx {
    /// A create's answer. "Name taken" while an earlier run's create of this address and
    /// name is pending may be that create, landed late (D2): adopt it if it is ours by the
    /// ownership rule, else fail naming both (D3). See `late.rs`.
    pub(crate) async fn or_adopt<T>(
        &self,
        step: &Step,
        resource: &Resource,
        result: Result<barrack_api::Created<T>, barrack_api::Error>,
        pick: fn(RemoteObject) -> Option<T>,
    ) -> Result<barrack_api::Created<T>, CreateFailure> {
        let e = match result {
            Ok(created) => return Ok(created),
            Err(e) => e,
        };
        if e.outcome_unknown() || !matches!(e.status(), Some(400 | 409)) {
            return Err(classify(e));
        }
        let pending = self
            .with_store(|s| {
                Ok(crate::late::earliest_pending(
                    s,
                    &step.address,
                    step.kind,
                    &resource.name,
                ))
            })
            .ok()
            .flatten();
        let Some(intent) = pending else {
            return Err(classify(e));
        };
        match crate::late::adopt_late(&self.client, &intent, step.kind, resource).await {
            Ok(Some(object)) => {
                let (name, id) = (object.name().to_string(), object.id().as_str().to_string());
                let Some(value) = pick(object) else {
                    return Err(classify(e));
                };
                (self.sink)(Event::Adopted {
                    address: step.address.to_string(),
                    kind: step.kind,
                    name,
                    remote_id: id,
                });
                Ok(barrack_api::Created {
                    value,
                    adopted: true,
                })
            }
            Ok(None) => Err(classify(e)),
            Err(conflict) => Err(CreateFailure::NotCreated(format!("{e}; {conflict}").into())),
        }
    }
}

impl Ctx {
    pub(crate) async fn create(&self, step: &Step) -> Result<(), StepError> {
        let resource = self
            .resource(&step.address)
            .ok_or_else(|| format!("`{}` is not in the config", step.address))?;
        // Create-before-destroy: the object being replaced still exists. Move it to its
        // deposed address first, so that whatever happens next (a crash, a failed delete)
        // the state still knows it and the next plan destroys it.
        if let Some(previous) = self
            .previous(&step.address)
            .filter(|_| self.create_before_destroy.contains(&step.address))
        {
            let deposed = deposed_address(&step.address, &previous.remote_id);
            let mut old = previous;
            old.address = deposed.clone();
            let op = self.with_store(|s| Ok(s.next_op()))?;
            self.record(op, &deposed, Outcome::Upserted(old))?;
        }
        let op = self.intent(
            &step.address,
            step.kind,
            JournalAction::Create,
            &resource.name,
            &resource.region,
        )?;
        match crate::kinds::create(self, step, resource).await {
            Ok(object) => {
                let mut rs =
                    resource_state(&step.address, &object, Some(resource), None);
                rs.private_key_lost = self
                    .lost_keys
                    .lock()
                    .is_ok_and(|keys| keys.contains(&step.address));
                self.record(op, &step.address, Outcome::Upserted(rs))
            }
            Err(CreateFailure::NotCreated(message)) => {
                self.record(
                    op,
                    &step.address,
                    Outcome::Failed {
                        message: message.to_string(),
                    },
                )?;
                Err(message)
            }
            Err(CreateFailure::Unknown(cause)) => Err(StepError {
                message: format!(
                    "{cause} (the outcome is unknown; the next run finds `{}` by name and adopts it)",
                    resource.name
                ),
                ..cause
            }),
            Err(CreateFailure::Exists { id, message }) => {
                match self.fetch(step.kind, &id).await {
                    Ok(object) => {
                        let rs = resource_state(&step.address, &object, Some(resource), None);
                        self.record(op, &step.address, Outcome::Upserted(rs))?;
                    }
                    Err(e) => {
                        return Err(StepError {
                            message: format!(
                                "{message}; {} {id} exists but could not be re-read ({e}); the next run adopts it",
                                step.kind
                            ),
                            ..message
                        })
                    }
                }
                Err(message)
            }
        }
    }
}
