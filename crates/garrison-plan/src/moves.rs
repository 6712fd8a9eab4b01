//! Moves (D7): a resource that leaves the config and one that arrives with the same kind and
//! cloud name are one cloud object under a new address (the cloud name identifies an object
//! in the account). The object is kept: its state entry moves without a cloud call, and
//! in-place differences are updated. Only when an attribute forces a replacement is it
//! destroyed and created again, and then the create waits for the delete.

use std::collections::{BTreeMap, BTreeSet};

use garrison_config::model::{Kind, RemoteId, Resource, StateKey};
use garrison_state::StateDoc;

/// Arriving address -> leaving address, for every pair with one kind and one cloud name.
pub(crate) fn detect(wanted: &[&Resource], state: &StateDoc) -> BTreeMap<String, String> {
    // Nothing recorded, nothing to keep (a first plan writes no address here).
    if state.resources.is_empty() {
        return BTreeMap::new();
    }
    let wanted_addresses: BTreeSet<String> = wanted.iter().map(|r| r.address.to_string()).collect();
    // (kind, name) -> leaving addresses; deposed entries (not config addresses) never move.
    let mut leaving: BTreeMap<(Kind, String), Vec<&str>> = BTreeMap::new();
    for (address, rs) in &state.resources {
        if wanted_addresses.contains(address) || rs.address.is_deposed() {
            continue;
        }
        leaving
            .entry((rs.kind, rs.name.clone()))
            .or_default()
            .push(address);
    }
    let mut moves = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for r in wanted {
        let address = r.address.to_string();
        if state.resources.contains_key(&address) {
            continue;
        }
        let key = (r.address.kind, r.name.clone());
        if let Some([from]) = leaving.get(&key).map(Vec::as_slice) {
            if taken.insert(*from) {
                moves.insert(address, (*from).to_string());
            }
        }
    }
    moves
}

/// Leaving state entries whose object (kind and remote id) a kept entry also holds: a move
/// interrupted between recording the new address and dropping the old one. They are dropped
/// from the state, never deleted: deleting would destroy the kept object.
pub(crate) fn duplicates(wanted: &[&Resource], state: &StateDoc) -> BTreeMap<String, String> {
    if state.resources.is_empty() {
        return BTreeMap::new();
    }
    let kept: BTreeMap<(Kind, &RemoteId), &StateKey> = wanted
        .iter()
        .filter_map(|r| state.resources.get(&r.address.to_string()))
        .map(|rs| ((rs.kind, &rs.remote_id), &rs.address))
        .collect();
    let wanted_addresses: BTreeSet<String> = wanted.iter().map(|r| r.address.to_string()).collect();
    state
        .resources
        .iter()
        .filter(|(address, _)| !wanted_addresses.contains(*address))
        .filter_map(|(address, rs)| {
            kept.get(&(rs.kind, &rs.remote_id))
                .map(|holder| (address.clone(), holder.to_string()))
        })
        .collect()
}

/// The reasons shown on a kept, moved resource.
pub(crate) fn moved_reasons(from: &str, to: &str, name: &str) -> Vec<String> {
    vec![
        format!(
            "`{from}` left the config and `{to}` arrived with the same cloud name `{name}`: the object is kept (its state entry moves, no cloud call)"
        ),
        format!(
            "to say so in the config: moved from={} to={}",
            crate::suggest::quoted(&from),
            crate::suggest::quoted(&to)
        ),
    ]
}

/// The reason shown when a moved resource must be replaced after all.
pub(crate) fn replaced_reason(from: &str, name: &str) -> String {
    format!(
        "takes over the cloud name `{name}` from `{from}`, which cannot be kept: `{from}` is destroyed first, then this is created"
    )
}
