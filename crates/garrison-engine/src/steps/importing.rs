//! The import step: an existing object (an `import` block) recorded at its config address.
//! The cloud is only read; the record is a journal completion like any other, so an
//! interrupted apply has either recorded it or not, and the next plan imports it again.

use barrack_api::Id;
use garrison_plan::Step;
use garrison_state::Outcome;

use super::Ctx;
use crate::outcome::StepError;
use crate::record::resource_state;

impl Ctx {
    pub(crate) async fn import_entry(&self, step: &Step, remote_id: &str) -> Result<(), StepError> {
        if let Some(rs) = self.previous(&step.address) {
            if rs.remote_id.as_str() == remote_id {
                return Ok(()); // a resumed run: already recorded
            }
            return Err(format!(
                "`{}` already holds another object (id {}) in the state",
                step.address, rs.remote_id
            )
            .into());
        }
        let id = Id::new(remote_id);
        let object = self.fetch(step.kind, &id).await.map_err(|e| {
            let mut err = StepError::from(e);
            err.message = format!(
                "reading {} {remote_id} to import it: {}",
                step.kind, err.message
            );
            err
        })?;
        let entry = resource_state(&step.address, &object, self.resource(&step.address), None);
        let op = self.with_store(|s| Ok(s.next_op()))?;
        self.record(op, &step.address, Outcome::Upserted(entry))
    }
}
