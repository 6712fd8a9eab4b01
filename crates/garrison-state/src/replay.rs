//! Replaying a journal onto a state: completed operations applied, open intents reported.

use crate::doc::StateDoc;
use crate::edit::apply_edit;
use crate::journal::{Intent, JournalRecord, Outcome};

/// The result of [`replay`].
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    /// The state with every completion applied; its `pending` holds the unresolved intents.
    pub state: StateDoc,
    /// Intents (from the state's `pending` or the journal) with no completion: the engine
    /// must look each name up remotely and adopt what it finds, or record that it did not
    /// happen.
    pub unresolved: Vec<Intent>,
    /// How many completions changed a resource.
    pub applied: usize,
}

/// Apply one record to `state`. Idempotent: applying a journal twice gives the same
/// resources and pending intents as applying it once. Returns whether a resource changed.
pub(crate) fn apply(state: &mut StateDoc, record: &JournalRecord) -> bool {
    match record {
        JournalRecord::Intent(intent) => {
            let op = intent.op_ref();
            if !state.pending.iter().any(|p| p.op_ref() == op) {
                state.pending.push(intent.clone());
            }
            false
        }
        JournalRecord::Completed(done) => {
            let op = done.op_ref();
            state.pending.retain(|p| p.op_ref() != op);
            match &done.outcome {
                Outcome::Upserted(resource) => {
                    let mut resource = resource.clone();
                    resource.address.clone_from(&done.address);
                    state.resources.insert(done.address.to_string(), resource);
                    true
                }
                Outcome::Deleted => {
                    state.resources.remove(&done.address.to_string());
                    true
                }
                Outcome::Failed { .. } | Outcome::Unchanged => false,
            }
        }
        JournalRecord::Edit(edit) => apply_edit(state, &edit.change) > 0,
    }
}

/// Apply `journal` to `state`: every completion in order (upserts insert or replace by
/// address, deletes remove, failures and unchanged outcomes change nothing; edits remove or
/// rename entries), intents without a completion are returned as unresolved. The serial is
/// bumped once if the journal is not empty.
pub fn replay(state: &StateDoc, journal: &[JournalRecord]) -> Replay {
    let mut next = state.clone();
    let applied = journal.iter().filter(|r| apply(&mut next, r)).count();
    if !journal.is_empty() {
        next.serial += 1;
    }
    Replay {
        unresolved: next.pending.clone(),
        state: next,
        applied,
    }
}
