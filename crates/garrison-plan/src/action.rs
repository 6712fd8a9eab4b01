//! The plan's vocabulary: what happens to each resource, attribute by attribute.

use garrison_config::model::{Kind, StateKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::attr_change::AttrChange;

/// What happens to one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Nothing.
    NoOp,
    /// Created.
    Create,
    /// Changed in place.
    Update,
    /// Destroyed and created again (order per `create-before-destroy`).
    Replace,
    /// Destroyed.
    Delete,
    /// Already gone from the cloud and from the config: only dropped from state.
    Forget,
    /// Nothing to change, but a transition is in progress on the cloud (CREATING, BUILD,
    /// ...): apply waits for it to settle and records what it became.
    Wait,
}

impl Action {
    /// A one-word verb for text output.
    pub fn verb(self) -> &'static str {
        match self {
            Action::NoOp => "unchanged",
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "destroy",
            Action::Forget => "forget",
            Action::Wait => "wait for",
        }
    }

    /// The one-character marker of text plans.
    pub fn marker(self) -> &'static str {
        match self {
            Action::NoOp => " ",
            Action::Create => "+",
            Action::Update => "~",
            Action::Replace => "-/+",
            Action::Delete => "-",
            Action::Forget => "x",
            Action::Wait => "*",
        }
    }
}

/// A value after the change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", content = "value", rename_all = "kebab-case")]
pub enum After {
    /// Known now.
    Known(Value),
    /// Known only once applied (ids, addresses, links to resources being created).
    Unknown,
}

/// An attribute changed outside Garrison since the last apply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    pub address: String,
    /// The attribute, or `None` when the whole resource was deleted outside Garrison.
    pub attr: Option<String>,
    pub recorded: Option<Value>,
    pub actual: Option<Value>,
    pub sensitive: bool,
}

/// Everything that happens to one resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceChange {
    /// The state entry the change is about: a config address, or a deposed key.
    pub address: StateKey,
    pub kind: Kind,
    pub action: Action,
    /// Cloud name.
    pub name: String,
    pub region: String,
    /// Remote id, when it exists now. Boxed strings here and below (16 bytes, not 24): a
    /// plan of 100k creates holds 100k of these, all `None`.
    pub remote_id: Option<Box<str>>,
    /// Only the attributes that change (all non-computed ones on create and delete).
    pub attrs: Vec<AttrChange>,
    /// Why: e.g. "deleted outside Garrison", "`gpu-model` forces replacement".
    pub reasons: Vec<String>,
    /// Replacement order.
    pub create_before_destroy: bool,
    /// Hourly cost before and after, USD, when prices are known.
    pub cost_before: Option<f64>,
    pub cost_after: Option<f64>,
    /// The state address this resource was at: the same cloud object (same kind and cloud
    /// name) left the config there and arrived here; it is kept, not recreated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<Box<str>>,
    /// The remote id of the existing object an `import` block brings under this address
    /// (recorded in the state by apply, then changed as the rest of the change says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported: Option<Box<str>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plan of 100k creates holds 100k changes (docs/performance.md, "B1 at 100k").
    #[test]
    fn a_change_stays_small() {
        assert!(std::mem::size_of::<ResourceChange>() <= 248);
    }
}
