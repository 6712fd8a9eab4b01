//! Suggested `moved` blocks: a plan that destroys one object and creates one that would be
//! the same object under a new address (a renamed label whose default cloud name followed
//! it, every attribute that forces a replacement equal) says which `moved` block keeps it.
//! (Objects keeping their cloud name are moved without being asked: `moves.rs`.)

use std::collections::BTreeMap;

use garrison_config::model::{Address, Index, Kind, Moved, Resource};
use serde_json::Value;

use crate::action::{Action, After, ResourceChange};
use crate::schema::{self, Update, NAME};

/// One note per suggested `moved` block (none the config already has: that object is
/// replaced, not kept).
pub(crate) fn moved_blocks(
    changes: &crate::planner::Changes,
    wanted: &[&Resource],
    moved: &[Moved],
) -> Vec<String> {
    let deleted: Vec<&ResourceChange> = changes
        .values()
        .filter(|c| c.action == Action::Delete)
        .filter(|c| c.address.live().is_some_and(|a| c.name == default_name(a)))
        .collect();
    // Nothing destroyed, nothing to keep (a plan of creates writes no address here).
    if deleted.is_empty() {
        return Vec::new();
    }
    let defaulted: BTreeMap<String, &Resource> = wanted
        .iter()
        .filter(|r| r.default_name)
        .map(|r| (r.address.to_string(), *r))
        .collect();
    let created: Vec<&ResourceChange> = changes
        .values()
        .filter(|c| c.action == Action::Create && c.moved_from.is_none())
        .filter(|c| defaulted.contains_key(&c.address.to_string()))
        .collect();
    let mut out = Vec::new();
    for kind in Kind::ALL {
        let gone: Vec<_> = deleted.iter().filter(|c| c.kind == kind).collect();
        let new: Vec<_> = created.iter().filter(|c| c.kind == kind).collect();
        for from in &gone {
            // A chain of `moved` blocks from `from` reaches `to`.
            let declared = |to: &ResourceChange| {
                let mut at = from.address.address().clone();
                (0..moved.len()).any(|_| match moved.iter().find_map(|m| m.apply(&at)) {
                    Some(next) => {
                        at = next;
                        Some(&at) == to.address.live()
                    }
                    None => false,
                })
            };
            let same: Vec<_> = new
                .iter()
                .filter(|to| same_object(from, to) && !declared(to))
                .collect();
            if let [to] = same.as_slice() {
                out.push(format!(
                    "`{}` is destroyed and `{}` created as the same {kind}; to keep the object (and its cloud name `{}`), add: moved from={} to={}",
                    from.address,
                    to.address,
                    from.name,
                    quoted(from.address.address()),
                    quoted(to.address.address())
                ));
            }
        }
    }
    out
}

/// Every attribute that forces a replacement (but the name) is the same before and after.
fn same_object(from: &ResourceChange, to: &ResourceChange) -> bool {
    if from.region != to.region {
        return false;
    }
    let before = |name: &str| {
        from.attrs
            .iter()
            .find(|a| a.name() == name)
            .and_then(|a| a.before().cloned())
    };
    let after = |name: &str| {
        to.attrs
            .iter()
            .find(|a| a.name() == name)
            .and_then(|a| match &a.after {
                Some(After::Known(v)) => Some(v.clone()),
                _ => None,
            })
    };
    schema::attrs(from.kind)
        .iter()
        .filter(|s| s.update == Update::Replace && s.name != NAME)
        .all(|s| before(s.name).unwrap_or(Value::Null) == after(s.name).unwrap_or(Value::Null))
}

/// The cloud name a resource gets when `name` is not written.
fn default_name(address: &Address) -> String {
    match &address.index {
        None => address.name.to_string(),
        Some(Index::Int(i)) => format!("{}-{i}", address.name),
        Some(Index::Key(k)) => format!("{}-{k}", address.name),
    }
}

/// An address as a KDL string (a `for-each` key's quotes escaped).
pub(crate) fn quoted(a: &impl std::fmt::Display) -> String {
    format!(
        "\"{}\"",
        a.to_string().replace('\\', "\\\\").replace('"', "\\\"")
    )
}
