//! The move step (D7): the same cloud object under a new address. The state entry moves;
//! the cloud is not called. The new address is recorded before the old one is dropped: a
//! crash between leaves two entries of one object, which the next plan recognises and
//! drops from the state without deleting anything.

use garrison_plan::Step;
use garrison_state::Outcome;

use super::Ctx;
use crate::outcome::StepError;

impl Ctx {
    pub(crate) fn move_entry(&self, step: &Step, from: &str) -> Result<(), StepError> {
        let Some(mut entry) = self.previous(from) else {
            // Already moved (a resumed run): nothing left to do.
            return match self.previous(&step.address) {
                Some(_) => Ok(()),
                None => Err(format!("`{from}` is not in the state: nothing to move").into()),
            };
        };
        let from_key = std::mem::replace(&mut entry.address, step.address.clone());
        if let Some(resource) = self.resource(&step.address) {
            entry.dependencies = garrison_plan::graph::dependencies(resource)
                .into_iter()
                .collect();
            entry.protect = resource.protect;
        }
        let op = self.with_store(|s| Ok(s.next_op()))?;
        self.record(op, &step.address, Outcome::Upserted(entry))?;
        let op = self.with_store(|s| Ok(s.next_op()))?;
        self.record(op, &from_key, Outcome::Deleted)
    }
}
