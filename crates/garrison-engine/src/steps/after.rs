//! What runs after a create or an update succeeded: the resource's postconditions, with
//! `self` the object as the step recorded it in the state (read back from the cloud; its
//! attributes as references name them, `public-ip` the address). A
//! false one fails the step with its message: the object stays recorded, its dependents
//! do not run, the apply ends non-zero.

use garrison_plan::Step;
use serde_json::Value;

use super::Ctx;
use crate::outcome::StepError;

impl Ctx {
    /// Checks the postconditions of `step`'s resource against the object now recorded.
    pub(crate) fn postconditions(&self, step: &Step) -> Result<(), StepError> {
        let Some(resource) = self.resource(&step.address) else {
            return Ok(());
        };
        if resource.postconditions.is_empty() {
            return Ok(());
        }
        let recorded = self
            .previous(&step.address)
            .map(|rs| garrison_plan::outputs::as_referenced(step.kind, &rs.attributes))
            .unwrap_or(Value::Null);
        for pc in &resource.postconditions {
            let index = resource.address.index.as_ref();
            if let Err(message) =
                garrison_config::postcondition::check(&self.model, pc, index, &recorded)
            {
                let address = &step.address;
                return Err(format!("postcondition of `{address}` failed: {message}").into());
            }
        }
        Ok(())
    }
}
