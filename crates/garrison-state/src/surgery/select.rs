//! Which state entries an address names: an instance (`vm.x[0]`, `vm.x["k"]`, `vm.x`), a
//! whole block (`vm.x`: every live instance of it), or a deposed key named exactly.

use garrison_core::{Address, StateKey};

use crate::doc::{ResourceState, StateDoc};
use crate::surgery::error::SurgeryError;

/// The entries `key` names, in address order. A live address without an index names every
/// live instance of its block (`vm.x`, `vm.x[0]`, `vm.x["k"]`); with an index, that
/// instance; a deposed key, that deposed entry. Deposed entries are never part of a block.
pub(crate) fn select<'s>(state: &'s StateDoc, key: &StateKey) -> Vec<&'s ResourceState> {
    let mut found: Vec<&ResourceState> = match key {
        StateKey::Live(address) if address.index.is_none() => state
            .resources
            .values()
            .filter(|r| r.address.live().is_some_and(|a| in_block(a, address)))
            .collect(),
        exact => state
            .resources
            .get(&exact.to_string())
            .into_iter()
            .collect(),
    };
    found.sort_by(|a, b| a.address.cmp(&b.address));
    found
}

/// Whether `address` is an instance of the block `block` (`[module...].KIND.NAME`).
pub(crate) fn in_block(address: &Address, block: &Address) -> bool {
    address.same_block(block)
}

/// Refuses when an interrupted operation on any of `keys` is not resolved yet: editing
/// those entries could adopt an object twice or lose it.
pub(crate) fn check_no_pending<'k>(
    state: &StateDoc,
    keys: impl IntoIterator<Item = &'k StateKey>,
) -> Result<(), SurgeryError> {
    for key in keys {
        if let Some(intent) = state.pending.iter().find(|i| i.address == *key) {
            return Err(SurgeryError::Pending {
                address: key.to_string(),
                action: intent.action.to_string(),
                name: intent.name.clone(),
                at: intent.at.clone(),
            });
        }
    }
    Ok(())
}
