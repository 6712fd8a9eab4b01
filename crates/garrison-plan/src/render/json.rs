//! The JSON plan: the `Plan` document itself, with `format_version` (`docs/plan-json.md`).

use crate::plan::Plan;

/// The plan as pretty JSON. Sensitive values were redacted when the plan was made.
pub fn to_json(plan: &Plan) -> String {
    serde_json::to_string_pretty(plan).unwrap_or_else(|e| {
        // Plan holds only strings, numbers and maps: this cannot fail; stay safe anyway.
        format!("{{\"error\": \"plan could not be encoded: {e}\"}}")
    })
}
