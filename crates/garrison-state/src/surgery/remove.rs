//! `garrison state rm ADDR...`: stop managing entries (the objects stay in the cloud).
//! Every address is checked before anything changes; the removal is one journal edit.

use std::collections::BTreeMap;

use garrison_core::StateKey;

use crate::backend::Backend;
use crate::doc::{ResourceState, StateDoc};
use crate::edit::{EditEntry, StateEdit};
use crate::surgery::error::SurgeryError;
use crate::surgery::select::{check_no_pending, in_block, select};
use crate::surgery::{open, Before, Written};

/// What [`plan_remove`] decided: the entries to drop.
#[derive(Debug, Clone, PartialEq)]
pub struct RemovePlan {
    /// The entries, in address order, each once.
    pub entries: Vec<ResourceState>,
    /// Deposed entries of a removed entry's block that stay (name them to remove them too).
    pub deposed_left: Vec<StateKey>,
}

impl RemovePlan {
    fn edit(&self) -> StateEdit {
        StateEdit::Remove {
            entries: self
                .entries
                .iter()
                .map(|r| EditEntry {
                    address: r.address.clone(),
                    remote_id: r.remote_id.clone(),
                })
                .collect(),
        }
    }
}

/// What [`remove`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Removed {
    /// The entries dropped, as they were recorded.
    pub entries: Vec<ResourceState>,
    /// Deposed entries of a removed address that stay in the state.
    pub deposed_left: Vec<StateKey>,
    /// The write.
    pub written: Written,
}

/// Pure: the entries `targets` name in `state` (each an instance, a block or a deposed
/// key). Refuses, naming them, addresses that name nothing; refuses an entry with an
/// interrupted operation not yet resolved.
pub fn plan_remove(state: &StateDoc, targets: &[StateKey]) -> Result<RemovePlan, SurgeryError> {
    let mut chosen: BTreeMap<StateKey, ResourceState> = BTreeMap::new();
    let mut missing = Vec::new();
    for target in targets {
        let found = select(state, target);
        if found.is_empty() && !missing.contains(&target.to_string()) {
            missing.push(target.to_string());
        }
        for r in found {
            chosen.insert(r.address.clone(), r.clone());
        }
    }
    if !missing.is_empty() {
        return Err(SurgeryError::NotInState { addresses: missing });
    }
    check_no_pending(state, chosen.keys())?;
    let deposed_left = state
        .resources
        .values()
        .filter(|r| r.address.is_deposed() && !chosen.contains_key(&r.address))
        .filter(|r| {
            let block = r.address.address();
            chosen
                .keys()
                .any(|k| k.live().is_some_and(|a| in_block(a, block)))
        })
        .map(|r| r.address.clone())
        .collect();
    Ok(RemovePlan {
        entries: chosen.into_values().collect(),
        deposed_left,
    })
}

/// `garrison state rm`: lock, check every target ([`plan_remove`]), journal the removal,
/// write the state (the previous one is kept as the backup) and release the lock.
pub fn remove(backend: Box<dyn Backend>, targets: &[StateKey]) -> Result<Removed, SurgeryError> {
    let mut store = open(backend, "garrison state rm")?;
    let plan = plan_remove(store.state(), targets)?;
    let before = Before::of(&store);
    store.record_edit(plan.edit())?;
    let written = before.commit(store)?;
    Ok(Removed {
        entries: plan.entries,
        deposed_left: plan.deposed_left,
        written,
    })
}
