//! What a plan changes in the root outputs: an output added, removed, or with a new value.
//! An output that reads only resources the plan leaves alone is evaluated against the state
//! (its value is known now); one that reads a resource the plan creates, changes, replaces
//! or destroys is known after apply. Sensitive values are never shown, and since the state
//! records them redacted, a sensitive output shows as changed only when added or removed.

use std::collections::BTreeSet;

use garrison_config::model::{Address, Expr, Kind, Model, TemplatePart};
use garrison_state::StateDoc;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::values::eval;
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
    let moving = Moving::of(changes);
    let mut out: Vec<OutputChange> = Vec::new();
    let wanted = if destroy { &[][..] } else { &model.outputs[..] };
    for output in wanted {
        let before = state.outputs.get(&output.name);
        let after = if moving.read_by(&output.value) {
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
    instances: BTreeSet<&'a Address>,
    blocks: BTreeSet<(Kind, &'a str)>,
}

impl<'a> Moving<'a> {
    fn of(changes: &'a [ResourceChange]) -> Self {
        let changing = || changes.iter().filter(|c| c.action != Action::NoOp);
        Moving {
            instances: changing().map(|c| c.address.address()).collect(),
            blocks: changing()
                .map(|c| (c.address.address().kind, c.address.address().name.as_str()))
                .collect(),
        }
    }

    /// `expr` reads an attribute of a changing resource.
    fn read_by(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Value(_) => false,
            Expr::Attr { target, .. } => self.instances.contains(target),
            Expr::Splat { kind, name, .. } => self.blocks.contains(&(*kind, name.as_str())),
            Expr::List(items) => items.iter().any(|e| self.read_by(e)),
            Expr::Template(parts) => parts.iter().any(|p| match p {
                TemplatePart::Text(_) => false,
                TemplatePart::Expr(e) => self.read_by(e),
            }),
        }
    }
}
