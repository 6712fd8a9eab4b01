//! Blocked resources: a refusal tied to one resource (it is protected, or its
//! create-before-destroy replacement keeps its name) leaves that resource alone, and with it
//! whatever cannot be done without it; the rest of the plan still happens.
//!
//! Spreading: a blocked resource blocks every changing resource that depends on it in the
//! config (it needs the blocked one's new version, or the blocked one as it should be); a
//! blocked delete or replace also blocks the deletes and replaces of what it uses per the
//! state (the API refuses to delete an ssh key or volume a live VM still holds).

use std::collections::BTreeMap;

use garrison_config::model::Resource;
use miette::Diagnostic;
use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::error::PlanError;
use crate::graph;
use crate::planner::{Current, Decision};

/// A resource the plan leaves alone, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Blocked {
    pub address: String,
    /// What would have happened to it.
    pub action: Action,
    /// Why it does not happen.
    pub reason: String,
    /// What to do about it.
    pub hint: String,
}

impl Blocked {
    /// A block from a per-resource refusal.
    pub(crate) fn from_error(address: &str, action: Action, error: &PlanError) -> Self {
        let text = error.to_string();
        let prefix = format!("`{address}`");
        let reason = text
            .strip_prefix(&prefix)
            .map(|r| r.trim_start_matches(':').trim_start())
            .unwrap_or(&text)
            .to_string();
        Blocked {
            address: address.to_string(),
            action,
            reason,
            hint: error.help().map(|h| h.to_string()).unwrap_or_default(),
        }
    }
}

/// Whether a refusal concerns one resource only (and so blocks it rather than the plan).
pub(crate) fn is_per_resource(error: &PlanError) -> Option<&str> {
    match error {
        PlanError::Protected { address, .. }
        | PlanError::CreateBeforeDestroyName { address, .. } => Some(address),
        _ => None,
    }
}

/// Spreads `initial` over the dependency graph and takes every blocked resource out of the
/// plan's changes and decisions. Returns all blocks, sorted by address.
pub(crate) fn spread(
    initial: Vec<Blocked>,
    wanted: &[&Resource],
    current: &BTreeMap<&str, Current<'_>>,
    changes: &mut crate::planner::Changes,
    decisions: &mut BTreeMap<String, Decision>,
) -> Vec<Blocked> {
    // Each resource's own refusal first; then what cannot happen without them.
    let mut blocked: BTreeMap<String, Blocked> = BTreeMap::new();
    let mut queue: Vec<(String, Action)> = Vec::new();
    for block in initial {
        if !blocked.contains_key(&block.address) {
            queue.push((block.address.clone(), block.action));
            blocked.insert(block.address.clone(), block);
        }
    }
    while let Some((address, action)) = queue.pop() {
        let mut found: Vec<Blocked> = Vec::new();
        // Dependents in the config that change.
        for r in wanted {
            let dependent = r.address.to_string();
            if graph::dependencies(r).contains(&address) {
                found.extend(
                    changes
                        .get(&dependent)
                        .filter(|c| c.action != Action::NoOp)
                        .map(|c| Blocked {
                            address: dependent.clone(),
                            action: c.action,
                            reason: format!("needs `{address}`, which is blocked"),
                            hint: format!("unblock `{address}` first"),
                        }),
                );
            }
        }
        // What a blocked delete or replace still holds.
        if matches!(action, Action::Delete | Action::Replace) {
            let uses = current
                .get(address.as_str())
                .map(|c| c.state.dependencies.clone())
                .unwrap_or_default();
            for dep in uses {
                found.extend(
                    changes
                        .get(&dep)
                        .filter(|c| matches!(c.action, Action::Delete | Action::Replace))
                        .map(|c| Blocked {
                            address: dep.clone(),
                            action: c.action,
                            reason: format!("`{address}` still uses it and is blocked"),
                            hint: format!("unblock `{address}` first"),
                        }),
                );
            }
        }
        for block in found {
            if !blocked.contains_key(&block.address) {
                queue.push((block.address.clone(), block.action));
                blocked.insert(block.address.clone(), block);
            }
        }
    }
    for address in blocked.keys() {
        changes.remove(address);
        decisions.remove(address);
    }
    blocked.into_values().collect()
}
