//! [`Store`]: a locked state plus its journal, the engine's only way to change state.

use std::collections::BTreeMap;

use garrison_core::{JournalAction, Kind, StateKey};
use uuid::Uuid;

use crate::backend::Backend;
use crate::doc::{OutputState, StateDoc};
use crate::edit::{Edit, StateEdit};
use crate::error::Error;
use crate::journal::{Completed, Intent, JournalRecord, OpRef, Outcome, TornTail};
use crate::lock::{LockGuard, LockInfo};
use crate::replay::{apply, replay, Replay};

/// What [`Store::open`] found and did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recovery {
    /// The dead holder whose stale lock was taken over.
    pub took_over: Option<LockInfo>,
    /// A torn last journal line (a crash while appending), ignored.
    pub torn: Option<TornTail>,
    /// Journal records found from an interrupted run.
    pub replayed_records: usize,
    /// Completions from that run applied to the state.
    pub applied: usize,
}

/// An operation about to start, for [`Store::record_intent`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpSpec {
    /// The state entry the operation works on.
    pub address: StateKey,
    /// Resource kind.
    pub kind: Kind,
    /// `create`, `update` or `delete`.
    pub action: JournalAction,
    /// The unique cloud name.
    pub name: String,
    /// Region, empty for global kinds.
    pub region: String,
}

/// A locked state with its journal.
///
/// - [`Store::open`]: lock, read, replay an interrupted run's journal, persist, clear it.
/// - [`Store::record_intent`] before each operation and [`Store::record_completion`] after:
///   one fsynced journal line each, O(1) bytes per operation.
/// - [`Store::checkpoint`]: write the state (serial + 1) and clear the journal.
///
/// Dropping a store releases the lock and leaves the journal for the next open.
pub struct Store {
    backend: Box<dyn Backend>,
    guard: Option<LockGuard>,
    state: StateDoc,
    /// The backend holds a state document (false: nothing was ever stored).
    stored: bool,
    persisted_serial: u64,
    journal_records: usize,
    run_id: Uuid,
    next_op: u64,
    bytes_written: u64,
    recovery: Recovery,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("location", &self.backend.location())
            .field("serial", &self.state.serial)
            .field("run_id", &self.run_id)
            .field("bytes_written", &self.bytes_written)
            .finish_non_exhaustive()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Release the lock while the backend (for PostgreSQL, its session) is still alive:
        // fields drop in declaration order, and `backend` comes first.
        drop(self.guard.take());
    }
}

impl Store {
    /// Lock the backend, read the state and bring it up to date with any journal left by an
    /// interrupted run (persisting the result and clearing the journal). Intents that never
    /// completed stay in [`Store::unresolved`] (and in the state's `pending`) until resolved.
    pub fn open(backend: Box<dyn Backend>, lock: LockInfo) -> Result<Store, Error> {
        let guard = backend.lock(lock)?;
        let base = backend.read()?;
        let stored = base.is_some();
        let base = base.unwrap_or_else(StateDoc::fresh);
        let journal = backend.journal_read()?;
        let mut recovery = Recovery {
            took_over: guard.took_over().cloned(),
            torn: journal.torn.clone(),
            replayed_records: journal.records.len(),
            applied: 0,
        };
        let mut store = Store {
            backend,
            guard: Some(guard),
            stored,
            persisted_serial: base.serial,
            state: base,
            journal_records: 0,
            run_id: Uuid::new_v4(),
            next_op: 0,
            bytes_written: 0,
            recovery: Recovery::default(),
        };
        if !journal.records.is_empty() || journal.torn.is_some() {
            let Replay { state, applied, .. } = replay(&store.state, &journal.records);
            recovery.applied = applied;
            store.state = state;
            store.write_state()?;
            store.backend.journal_clear()?;
        }
        store.recovery = recovery;
        Ok(store)
    }

    /// Read the state and apply the journal in memory, without locking or writing: for
    /// read-only commands (`plan --refresh=false`, `output`, `state list`).
    pub fn peek(backend: &dyn Backend) -> Result<Replay, Error> {
        Ok(Store::peek_stored(backend)?.unwrap_or_else(|| Replay {
            state: StateDoc::fresh(),
            unresolved: Vec::new(),
            applied: 0,
        }))
    }

    /// [`Store::peek`], or `None` when the backend holds nothing (no state was ever
    /// written and the journal is empty): for `state pull`.
    pub fn peek_stored(backend: &dyn Backend) -> Result<Option<Replay>, Error> {
        let base = backend.read()?;
        let journal = backend.journal_read()?;
        let base = match base {
            Some(base) => base,
            None if journal.records.is_empty() => return Ok(None),
            None => StateDoc::fresh(),
        };
        if journal.records.is_empty() {
            let unresolved = base.pending.clone();
            return Ok(Some(Replay {
                state: base,
                unresolved,
                applied: 0,
            }));
        }
        Ok(Some(replay(&base, &journal.records)))
    }

    /// The current state, including every recorded completion.
    pub fn state(&self) -> &StateDoc {
        &self.state
    }

    /// Intents with no completion yet: from an interrupted run (resolve them first), or
    /// operations of this run in flight.
    pub fn unresolved(&self) -> &[Intent] {
        &self.state.pending
    }

    /// What opening found.
    pub fn recovery(&self) -> &Recovery {
        &self.recovery
    }

    /// This run's id (one per open).
    pub fn run_id(&self) -> Uuid {
        self.run_id
    }

    /// The backend.
    pub fn backend(&self) -> &dyn Backend {
        self.backend.as_ref()
    }

    /// Bytes written to state and journal since open (including open's own recovery).
    pub fn bytes_written(&self) -> u64 {
        self.bytes_written
    }

    /// Durably record that an operation is about to start; returns its id for the completion.
    pub fn record_intent(&mut self, spec: OpSpec) -> Result<OpRef, Error> {
        self.next_op += 1;
        let intent = Intent {
            op_id: self.next_op,
            run_id: self.run_id,
            address: spec.address,
            kind: spec.kind,
            action: spec.action,
            name: spec.name,
            region: spec.region,
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        };
        let op = intent.op_ref();
        self.append(JournalRecord::Intent(intent))?;
        Ok(op)
    }

    /// Durably record an operation's outcome for `address`. `op` is what
    /// [`Store::record_intent`] returned, or [`Intent::op_ref`] of an unresolved intent
    /// from an earlier run. Also usable without an intent (e.g. refresh found a resource
    /// deleted outside Garrison): pass a fresh op from [`Store::next_op`].
    pub fn record_completion(
        &mut self,
        op: OpRef,
        address: &StateKey,
        outcome: Outcome,
    ) -> Result<(), Error> {
        self.append(JournalRecord::Completed(Completed {
            op_id: op.op_id,
            run_id: op.run_id,
            address: address.clone(),
            outcome,
        }))
    }

    /// A new operation id with no intent, for state changes that touch nothing remotely.
    pub fn next_op(&mut self) -> OpRef {
        self.next_op += 1;
        OpRef {
            run_id: self.run_id,
            op_id: self.next_op,
        }
    }

    /// Whether the backend holds a state document (false: nothing was ever written, and
    /// nothing has been since this store opened).
    pub fn stored(&self) -> bool {
        self.stored
    }

    /// Durably record a state-only edit (`state rm`, `state mv`) as one journal record and
    /// apply it; [`Store::checkpoint`] then writes the state.
    pub(crate) fn record_edit(&mut self, change: StateEdit) -> Result<(), Error> {
        let op = self.next_op();
        self.append(JournalRecord::Edit(Edit {
            op_id: op.op_id,
            run_id: op.run_id,
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            change,
        }))
    }

    /// Replace the whole state with `doc` (serial included) in one atomic write, then clear
    /// the journal if this run wrote any (`doc` supersedes it): for `state push`.
    pub(crate) fn replace(&mut self, doc: StateDoc) -> Result<(), Error> {
        self.state = doc;
        self.write_state()?;
        if self.journal_records > 0 {
            self.backend.journal_clear()?;
            self.journal_records = 0;
        }
        Ok(())
    }

    /// Replace the outputs (persisted at the next checkpoint, not journaled: they are
    /// recomputed from the config and state on every run).
    pub fn set_outputs(&mut self, outputs: BTreeMap<String, OutputState>) {
        if self.state.outputs != outputs {
            self.state.outputs = outputs;
            self.touch();
        }
    }

    /// Write the state (with its serial bumped once since the last write) and clear the
    /// journal. Does nothing when nothing changed.
    pub fn checkpoint(&mut self) -> Result<(), Error> {
        if self.state.serial == self.persisted_serial && self.journal_records == 0 {
            return Ok(());
        }
        self.write_state()?;
        if self.journal_records > 0 {
            self.backend.journal_clear()?;
            self.journal_records = 0;
        }
        Ok(())
    }

    /// Checkpoint and release the lock, reporting errors (dropping also releases).
    pub fn close(mut self) -> Result<(), Error> {
        self.checkpoint()?;
        match self.guard.take() {
            Some(guard) => guard.release(),
            None => Ok(()),
        }
    }

    fn append(&mut self, record: JournalRecord) -> Result<(), Error> {
        let bytes = self.backend.journal_append(&record)?;
        self.bytes_written += bytes;
        self.journal_records += 1;
        apply(&mut self.state, &record);
        self.touch();
        Ok(())
    }

    /// Mark a change: the serial moves one past the persisted one.
    fn touch(&mut self) {
        if self.state.serial == self.persisted_serial {
            self.state.serial += 1;
        }
    }

    fn write_state(&mut self) -> Result<(), Error> {
        let bytes = self.backend.write(&self.state)?;
        self.bytes_written += bytes;
        self.persisted_serial = self.state.serial;
        self.stored = true;
        Ok(())
    }
}
