//! `moved` blocks: each state entry whose address a chain of `moved` blocks renames, with
//! where it goes. A move onto an address the state already holds (with another object),
//! or onto one the config does not declare, is refused; a block whose move is already done
//! (nothing at `from`, or the same object at both after an interrupted move) is a no-op, so
//! it can stay in the config until every copy of the state has moved.

use std::collections::BTreeMap;

use garrison_config::model::{Address, Model};
use garrison_state::StateDoc;

use crate::error::PlanError;
use crate::suggest::quoted;

/// New address -> old address for every state entry the `moved` blocks rename.
pub(super) fn moves(
    model: &Model,
    state: &StateDoc,
    errors: &mut Vec<PlanError>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if model.moved.is_empty() {
        return out;
    }
    for (address, rs) in &state.resources {
        let Some(from) = rs.address.live() else {
            continue;
        };
        let Some(to) = follow(model, from) else {
            continue;
        };
        let target = to.to_string();
        if let Some(there) = state.resources.get(&target) {
            if there.kind == rs.kind && there.remote_id == rs.remote_id {
                // One object twice (a move interrupted between its two records): the
                // leaving phase drops the old entry.
                continue;
            }
            errors.push(PlanError::moved(
                &target,
                format!("cannot move `{address}` here: the state already manages another object (id {}) at `{target}`", there.remote_id),
                format!("`garrison state rm {target}` first if that object should no longer be managed, or move `{address}` elsewhere"),
            ));
            continue;
        }
        if model.resource(&to).is_none() {
            errors.push(PlanError::moved(
                &target,
                format!("`{address}` would move here, but the config declares no `{target}`"),
                format!("declare `{target}` (a block move keeps each instance's index), or use `removed from={} destroy=#false`", quoted(address)),
            ));
            continue;
        }
        out.insert(target, address.clone());
    }
    block_to_instance(model, state, errors);
    out
}

/// A `moved` from a block address to an instance moves the one object of a resource
/// without `count`; when the state holds the block's instances instead (and the config no
/// longer declares them), nothing would move and they would all be destroyed: refused.
fn block_to_instance(model: &Model, state: &StateDoc, errors: &mut Vec<PlanError>) {
    for m in &model.moved {
        if m.from.index.is_some() || m.to.index.is_none() {
            continue;
        }
        let leaving: Vec<&Address> = state
            .resources
            .values()
            .filter_map(|rs| rs.address.live())
            .filter(|a| a.index.is_some() && a.block() == m.from)
            .filter(|a| model.resource(a).is_none() && follow(model, a).is_none())
            .collect();
        let Some(first) = leaving.first() else {
            continue;
        };
        let listed: Vec<String> = leaving.iter().map(|a| format!("`{a}`")).collect();
        errors.push(PlanError::moved(
            &m.from.to_string(),
            format!(
                "`{}` is a block (the state holds {}): one `moved` cannot put it at the one instance `{}`, and its instances would be destroyed",
                m.from,
                listed.join(", "),
                m.to
            ),
            format!(
                "move each instance (`moved from={} to={}`), or the block to a block (`to={}`)",
                quoted(first),
                quoted(&m.to),
                quoted(&m.to.block())
            ),
        ));
    }
}

/// Where `from` ends after every `moved` block that applies (a chain is followed; the
/// config refuses cycles, and the walk is bounded anyway).
fn follow(model: &Model, from: &Address) -> Option<Address> {
    let mut at = from.clone();
    let mut moved = false;
    for _ in 0..=model.moved.len() {
        match model.moved.iter().find_map(|m| m.apply(&at)) {
            Some(next) => {
                at = next;
                moved = true;
            }
            None => break,
        }
    }
    moved.then_some(at)
}
