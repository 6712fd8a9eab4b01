//! The state's documented JSON (`garrison show --json`, `docs/state.md`): its own types,
//! converted from the state document, so the state file's format can change without it.

use std::collections::BTreeMap;

use garrison_state::{OutputState, ResourceState, StateDoc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::redact;
use crate::planner::REDACTED;

/// Version of the JSON state format: changes when the meaning of a field changes.
pub const STATE_JSON_FORMAT_VERSION: u32 = 1;

/// The whole document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StateJson {
    #[serde(rename = "format_version")]
    pub format_version: u32,
    /// The state's serial (0 before the first apply).
    #[serde(rename = "serial")]
    pub serial: u64,
    /// Sorted by address.
    #[serde(rename = "resources")]
    pub resources: Vec<ResourceJson>,
    /// By name.
    #[serde(rename = "outputs")]
    pub outputs: BTreeMap<String, OutputJson>,
}

/// One resource as recorded.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResourceJson {
    /// `vm.box`, `vm.web["a"]`, or a deposed object: `vm.box (deposed 42)`.
    #[serde(rename = "address")]
    pub address: String,
    #[serde(rename = "kind")]
    pub kind: String,
    #[serde(rename = "remote_id")]
    pub remote_id: String,
    /// The cloud-side name.
    #[serde(rename = "name")]
    pub name: String,
    /// Empty for account-wide kinds (ssh keys).
    #[serde(rename = "region")]
    pub region: String,
    #[serde(rename = "protect")]
    pub protect: bool,
    /// Addresses it depended on at the last apply.
    #[serde(rename = "dependencies")]
    pub dependencies: Vec<String>,
    /// As last read from the cloud; sealed values as `"(sensitive)"`.
    #[serde(rename = "attributes")]
    pub attributes: Map<String, Value>,
}

/// One output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutputJson {
    /// `"(sensitive)"` when sensitive.
    #[serde(rename = "value")]
    pub value: Value,
    #[serde(rename = "sensitive")]
    pub sensitive: bool,
}

impl From<&StateDoc> for StateJson {
    fn from(state: &StateDoc) -> Self {
        StateJson {
            format_version: STATE_JSON_FORMAT_VERSION,
            serial: state.serial,
            resources: state.resources.values().map(ResourceJson::from).collect(),
            outputs: state
                .outputs
                .iter()
                .map(|(name, o)| (name.clone(), OutputJson::from(o)))
                .collect(),
        }
    }
}

impl From<&ResourceState> for ResourceJson {
    fn from(rs: &ResourceState) -> Self {
        ResourceJson {
            address: rs.address.to_string(),
            kind: rs.kind.to_string(),
            remote_id: rs.remote_id.to_string(),
            name: rs.name.clone(),
            region: rs.region.clone(),
            protect: rs.protect,
            dependencies: rs.dependencies.clone(),
            attributes: rs
                .attributes
                .iter()
                .map(|(k, v)| (k.clone(), redact(v)))
                .collect(),
        }
    }
}

impl From<&OutputState> for OutputJson {
    fn from(output: &OutputState) -> Self {
        let value = if output.sensitive {
            Value::String(REDACTED.to_string())
        } else {
            redact(&output.value)
        };
        OutputJson {
            value,
            sensitive: output.sensitive,
        }
    }
}

/// The state as pretty JSON.
pub fn state_to_json(state: &StateDoc) -> String {
    serde_json::to_string_pretty(&StateJson::from(state)).unwrap_or_else(|e| {
        // Strings, numbers, booleans and JSON values with string keys: cannot fail.
        format!("{{\"error\": \"the state could not be encoded: {e}\"}}")
    })
}
