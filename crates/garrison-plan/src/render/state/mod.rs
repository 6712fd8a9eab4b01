//! The state as people and tools read it (`garrison show` without a plan file): every
//! resource with its identity and recorded attributes, and the outputs. Seals and sensitive
//! outputs are shown as `(sensitive)`, never their seal or value.

mod json;
mod text;

use serde_json::Value;

pub use json::{state_to_json, OutputJson, ResourceJson, StateJson, STATE_JSON_FORMAT_VERSION};
pub use text::state_to_text;

use crate::planner::REDACTED;
use crate::seal::is_sealed;

/// `value` with every seal inside it, at any depth, replaced by `"(sensitive)"`.
pub(crate) fn redact(value: &Value) -> Value {
    match value {
        v if is_sealed(v) => Value::String(REDACTED.to_string()),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), redact(v))).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests;
