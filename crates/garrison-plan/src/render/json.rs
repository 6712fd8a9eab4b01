//! The JSON plan (`garrison plan --json`): a documented format of its own
//! (`docs/plan-json.md`, schema `docs/plan-json.schema.json`), converted from the plan, so
//! renaming an internal field does not change it.

mod format;
mod from_plan;
mod rehearsal;

pub use format::{
    ActionJson, AfterJson, AttrJson, BasisJson, BlockedJson, ChangeJson, CostJson, DriftJson,
    PlanJson, SummaryJson, WarningJson,
};
pub use rehearsal::{FailureJson, RehearsalJson, StepJson};

use crate::plan::Plan;

/// Version of the JSON plan format: changes when the meaning of a field changes.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// The plan as pretty JSON. Sensitive values were redacted when the plan was made.
pub fn to_json(plan: &Plan) -> String {
    serde_json::to_string_pretty(&PlanJson::from(plan)).unwrap_or_else(|e| {
        // The format holds only strings, numbers, booleans and JSON values (string keys):
        // this cannot fail; stay safe anyway.
        format!("{{\"error\": \"plan could not be encoded: {e}\"}}")
    })
}
