//! Sensitive values: which attributes hold them, and how a plan hides them.

use garrison_config::model::Resource;
use serde_json::json;

use crate::action::{After, ResourceChange};
use crate::schema::{firewall, vm};

/// What a sensitive value is replaced with everywhere in a plan.
pub const REDACTED: &str = "(sensitive)";

/// Replaces sensitive values: a plan (and anything rendered or saved from it) never holds them.
pub(super) fn redact(mut change: ResourceChange) -> ResourceChange {
    crate::canonical::rules(&mut change);
    for attr in change.attrs.iter_mut().filter(|a| a.sensitive) {
        if let Some(before) = attr.before_mut() {
            *before = json!(REDACTED);
        }
        attr.after = match &attr.after {
            Some(After::Known(_)) => Some(After::Known(json!(REDACTED))),
            other => other.clone(),
        };
    }
    change
}

/// Whether an attribute's value came from a sensitive variable. The config records the node
/// names it read (`rule`, `gpu`, ...); plan attributes are named per `schema.rs`.
pub fn is_sensitive(resource: &Resource, attr: &str) -> bool {
    let nodes: &[&str] = match attr {
        firewall::RULES => &["rule", "rules"],
        vm::SECURITY_RULES => &["security-rule", "security-rules"],
        vm::GPU_MODEL | vm::GPU_COUNT => &["gpu"],
        vm::BOOT_IMAGE => &["image"],
        other => return resource.sensitive_attrs.contains(other),
    };
    nodes.iter().any(|n| resource.sensitive_attrs.contains(*n))
}
