//! The danger section of the Markdown plan: what a reviewer must not miss. Destroying or
//! replacing a GPU VM (its GPUs and their hourly cost), a data volume (its data), or a
//! protected object is listed before the table, so a scary plan looks scary.

use std::fmt::Write;

use crate::action::{Action, ResourceChange};
use crate::plan::Plan;
use crate::render::text::money;
use garrison_config::model::Kind;

/// The section, or nothing when the plan destroys nothing that matters.
pub(super) fn section(plan: &Plan) -> String {
    let lines: Vec<String> = plan.changes.iter().filter_map(line).collect();
    if lines.is_empty() {
        return String::new();
    }
    let mut out = format!("#### ⚠️ Danger: {} destructive change(s)\n\n", lines.len());
    for l in lines {
        let _ = writeln!(out, "- {l}");
    }
    out.push('\n');
    out
}

fn line(c: &ResourceChange) -> Option<String> {
    let verb = match c.action {
        Action::Delete => "**destroyed**",
        Action::Replace => "**destroyed and created again**",
        _ => return None,
    };
    let what = match c.kind {
        Kind::Vm => {
            let gpus = match (number(c, "gpu-count"), text(c, "gpu-model")) {
                (Some(n), Some(model)) => format!(" with {n}× {model}"),
                (None, Some(model)) => format!(" ({model})"),
                _ => String::new(),
            };
            let rate = c
                .cost_before
                .map(|v| format!(", {} of GPU time", money(v)))
                .unwrap_or_default();
            format!("GPU VM{gpus}{rate}: whatever runs on it stops")
        }
        Kind::Volume => {
            let size = number(c, "size-gb")
                .map(|s| format!(" of {s} GB"))
                .unwrap_or_default();
            format!("volume{size}: its data is lost")
        }
        Kind::Snapshot | Kind::Image => {
            "saved machine state: it cannot be made again from the same VM state".into()
        }
        _ => return None,
    };
    let why = c
        .reasons
        .first()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    Some(format!("`{}` {verb}: {what}{why}", c.address))
}

/// An attribute's value before the change (or after, on a create).
fn value<'a>(c: &'a ResourceChange, name: &str) -> Option<&'a serde_json::Value> {
    c.attrs
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.before())
}

fn number(c: &ResourceChange, name: &str) -> Option<u64> {
    value(c, name).and_then(serde_json::Value::as_u64)
}

fn text(c: &ResourceChange, name: &str) -> Option<String> {
    value(c, name).and_then(|v| v.as_str()).map(str::to_string)
}
