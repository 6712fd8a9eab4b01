//! What a plan changes in the root outputs: an output added, removed, or with a new value.
//! An output that reads only attributes the plan leaves alone is evaluated against the state
//! (its value is known now); one that reads an attribute the plan changes (any of a resource
//! it creates, replaces or destroys, or one an update changes) is known after apply. Sensitive values are never shown, and since the state
//! records them redacted, a sensitive output shows as changed only when added or removed.

use std::collections::{BTreeMap, BTreeSet};

use garrison_config::model::{Address, Expr, Kind, Model, TemplatePart};
use garrison_state::StateDoc;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::values::{attribute_name, eval};
use crate::action::{Action, After, ResourceChange};
use crate::REDACTED;

/// One root output the apply changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputChange {
    /// The output's name.
    pub name: String,
    /// `create`, `update` or `delete`.
    pub action: Action,
    /// The value the state records; `None` when the output is new.
    pub before: Option<Value>,
    /// The value after apply; `None` when the output is removed.
    pub after: Option<After>,
    /// Shown as `(sensitive)`.
    pub sensitive: bool,
}

/// The outputs `model` changes against `state`, by name, given the plan's resource
/// `changes`; a destroy plan removes every output.
pub fn output_changes(
    model: &Model,
    state: &StateDoc,
    changes: &[ResourceChange],
    destroy: bool,
) -> Vec<OutputChange> {
    let wanted = if destroy { &[][..] } else { &model.outputs[..] };
    // Only the outputs read the changes: without any, none is indexed (100k at 100k creates).
    let moving = (!wanted.is_empty()).then(|| Moving::of(changes));
    let mut out: Vec<OutputChange> = Vec::new();
    for output in wanted {
        let before = state.outputs.get(&output.name);
        let after = if moving.as_ref().is_some_and(|m| m.read_by(&output.value)) {
            After::Unknown
        } else if output.sensitive {
            After::Known(json!(REDACTED))
        } else {
            After::Known(eval(&output.value, model, state))
        };
        let changed = match (before, &after) {
            (None, _) => true,
            (Some(_), After::Unknown) => true,
            (Some(b), After::Known(v)) => !output.sensitive && b.value != *v,
        };
        if changed {
            out.push(OutputChange {
                name: output.name.clone(),
                action: if before.is_some() {
                    Action::Update
                } else {
                    Action::Create
                },
                before: before.map(|b| b.value.clone()),
                after: Some(after),
                sensitive: output.sensitive,
            });
        }
    }
    let kept: BTreeSet<&str> = wanted.iter().map(|o| o.name.as_str()).collect();
    out.extend(
        state
            .outputs
            .iter()
            .filter(|(name, _)| !kept.contains(name.as_str()))
            .map(|(name, o)| OutputChange {
                name: name.clone(),
                action: Action::Delete,
                before: Some(o.value.clone()),
                after: None,
                sensitive: o.sensitive,
            }),
    );
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The resources a plan changes: by instance address and by block.
struct Moving<'a> {
    instances: BTreeMap<&'a Address, &'a ResourceChange>,
    blocks: BTreeMap<(Kind, &'a str), Vec<&'a ResourceChange>>,
}

impl<'a> Moving<'a> {
    fn of(changes: &'a [ResourceChange]) -> Self {
        let mut moving = Moving {
            instances: BTreeMap::new(),
            blocks: BTreeMap::new(),
        };
        for c in changes.iter().filter(|c| c.action != Action::NoOp) {
            let address = c.address.address();
            moving.instances.insert(address, c);
            let block = (address.kind, &*address.name);
            moving.blocks.entry(block).or_default().push(c);
        }
        moving
    }

    /// `expr` reads an attribute the plan changes: of a resource created, replaced or
    /// destroyed, or one an update changes.
    fn read_by(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Value(_) => false,
            Expr::Attr { target, attr } => self
                .instances
                .get(target)
                .is_some_and(|c| changes_attr(c, attr)),
            Expr::Splat { kind, name, attr } => self
                .blocks
                .get(&(*kind, name.as_str()))
                .is_some_and(|cs| cs.iter().any(|c| changes_attr(c, attr))),
            Expr::List(items) => items.iter().any(|e| self.read_by(e)),
            Expr::Template(parts) => parts.iter().any(|p| match p {
                TemplatePart::Text(_) => false,
                TemplatePart::Expr(e) => self.read_by(e),
            }),
        }
    }
}

/// `change` leaves `attr` (as references name it) with another value than the state's.
fn changes_attr(change: &ResourceChange, attr: &str) -> bool {
    if change.action != Action::Update {
        return true;
    }
    let name = attribute_name(change.kind, attr);
    change.attrs.iter().any(|a| a.name() == name)
}
