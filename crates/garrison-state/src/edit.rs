//! A state-only edit (`garrison state rm`, `garrison state mv`) as one journal record, and
//! how replay applies it: whole, so a crash never leaves half a block moved.
//!
//! An edit touches nothing in the cloud, so it needs no intent: the record is written
//! (fsynced) before the state, and a crash between the two is recovered by replay like any
//! completion. Each entry names the remote id it expects, so applying an edit twice (a crash
//! after the state was written but before the journal was cleared) changes nothing more.

use garrison_core::{RemoteId, StateKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::doc::StateDoc;

/// One journaled edit: `{"record":"edit","op_id":..,"run_id":..,"at":..,"change":{..}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edit {
    /// Number within the run.
    pub op_id: u64,
    /// The run.
    pub run_id: Uuid,
    /// When it was recorded (RFC 3339).
    pub at: String,
    /// What changes.
    pub change: StateEdit,
}

/// What an [`Edit`] changes in the state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum StateEdit {
    /// Drop entries from the state (the objects stay in the cloud).
    Remove {
        /// The entries, each with the remote id it held.
        entries: Vec<EditEntry>,
    },
    /// Rename entries; other entries' `dependencies` naming an old key name the new one.
    Move {
        /// The renames, each with the remote id it moves.
        moves: Vec<EditMove>,
    },
}

/// An entry an edit removes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditEntry {
    /// Its key.
    pub address: StateKey,
    /// The remote id it held when the edit was made.
    pub remote_id: RemoteId,
}

/// An entry an edit renames.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditMove {
    /// Its key before.
    pub from: StateKey,
    /// Its key after.
    pub to: StateKey,
    /// The remote id it holds.
    pub remote_id: RemoteId,
}

/// Apply `change` to `state`. Returns how many entries changed (removed or moved).
pub(crate) fn apply_edit(state: &mut StateDoc, change: &StateEdit) -> usize {
    match change {
        StateEdit::Remove { entries } => entries.iter().filter(|e| remove(state, e)).count(),
        StateEdit::Move { moves } => {
            let applied: Vec<&EditMove> = moves.iter().filter(|m| relocate(state, m)).collect();
            rewrite_dependencies(state, &applied);
            applied.len()
        }
    }
}

/// Remove the entry if it still holds the expected object.
fn remove(state: &mut StateDoc, entry: &EditEntry) -> bool {
    let key = entry.address.to_string();
    let holds = state
        .resources
        .get(&key)
        .is_some_and(|r| r.remote_id == entry.remote_id);
    if holds {
        state.resources.remove(&key);
    }
    holds
}

/// Move the entry if it still holds the expected object and its new key is free.
fn relocate(state: &mut StateDoc, mv: &EditMove) -> bool {
    let (from, to) = (mv.from.to_string(), mv.to.to_string());
    let holds = state
        .resources
        .get(&from)
        .is_some_and(|r| r.remote_id == mv.remote_id);
    if !holds || state.resources.contains_key(&to) {
        return false;
    }
    let Some(mut entry) = state.resources.remove(&from) else {
        return false;
    };
    entry.address = mv.to.clone();
    state.resources.insert(to, entry);
    true
}

/// Every entry's `dependencies` naming a moved key name its new key.
fn rewrite_dependencies(state: &mut StateDoc, applied: &[&EditMove]) {
    if applied.is_empty() {
        return;
    }
    let renames: Vec<(String, String)> = applied
        .iter()
        .map(|m| (m.from.to_string(), m.to.to_string()))
        .collect();
    for entry in state.resources.values_mut() {
        for dep in &mut entry.dependencies {
            if let Some((_, to)) = renames.iter().find(|(from, _)| from == dep) {
                dep.clone_from(to);
            }
        }
    }
}
