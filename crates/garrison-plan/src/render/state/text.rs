//! The state as text: each resource's identity on one line, then its recorded attributes,
//! then the outputs.

use std::fmt::Write;

use garrison_state::{ResourceState, StateDoc};

use serde_json::Value;

use super::redact;
use crate::planner::REDACTED;
use crate::render::value::format_value;
use crate::seal::is_sealed;

/// Renders the state for a terminal or a log.
pub fn state_to_text(state: &StateDoc) -> String {
    let mut out = String::new();
    if state.resources.is_empty() {
        out.push_str("No resources in the state.\n");
    }
    for (i, rs) in state.resources.values().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        resource(&mut out, rs);
    }
    if !state.outputs.is_empty() {
        out.push_str("\nOutputs:\n");
        for (name, output) in &state.outputs {
            let shown = if output.sensitive {
                REDACTED.to_string()
            } else {
                shown(&output.value)
            };
            let _ = writeln!(out, "  {name} = {shown}");
        }
    }
    out
}

/// `# vm.box: vm `box` (remote id 42) in NORWAY-1`, then `    name = value` lines.
fn resource(out: &mut String, rs: &ResourceState) {
    let _ = write!(
        out,
        "# {}: {} `{}` (remote id {})",
        rs.address, rs.kind, rs.name, rs.remote_id
    );
    if !rs.region.is_empty() {
        let _ = write!(out, " in {}", rs.region);
    }
    if rs.protect {
        out.push_str(", protected");
    }
    out.push('\n');
    let width = rs.attributes.keys().map(String::len).max().unwrap_or(0);
    for (name, value) in &rs.attributes {
        let _ = writeln!(out, "    {name:width$} = {}", shown(value));
    }
}

/// A recorded value as text: a seal (an attribute from a sensitive variable) as
/// `(sensitive)`, and so is a seal inside a list or a rule.
fn shown(value: &Value) -> String {
    if is_sealed(value) {
        REDACTED.to_string()
    } else {
        format_value(&redact(value))
    }
}
