//! State surgery: `garrison state rm`, `mv`, `pull`, `push` and `rekey`. They change what the state
//! records, never the cloud.
//!
//! Each writing surgery takes the state lock (the lock `apply` takes, so a running apply
//! refuses it with the same error), recovers an interrupted run's journal as every locked
//! run does, decides everything on the state in memory (a refusal writes nothing), then
//! changes the state in one step: `rm` and `mv` journal one [`crate::Edit`] record (a crash
//! before the state is written is recovered by replay) and checkpoint; `push` writes the
//! new document in one atomic write. The backend keeps the document it replaces
//! ([`Backend::backup_location`]), and the report says where and at which serial.

mod error;
mod pull;
mod push;
mod rekey;
mod relocate;
mod remove;
mod select;

pub use error::SurgeryError;
pub use pull::pull;
pub use push::{check_push, push, read_push_file, PushConflict, Pushed};
pub use rekey::{rekey, Rekeyed};
pub use relocate::{move_entries, plan_move, MovePlan, Moved};
pub use remove::{plan_remove, remove, RemovePlan, Removed};

use crate::backend::Backend;
use crate::error::Error;
use crate::lock::LockInfo;
use crate::store::Store;

/// Where the state before a surgery is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// The backup file, or the database column (`postgres:<workspace> (column ...)`).
    pub location: String,
    /// The serial of the state it holds (the state just before the surgery).
    pub serial: u64,
}

/// What a writing surgery did to the stored state.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The state's location (file path or `postgres:<workspace>`).
    pub location: String,
    /// The serial now stored.
    pub serial: u64,
    /// The state before the surgery, or `None` when there was none (a push to an empty
    /// backend).
    pub backup: Option<Backup>,
    /// A dead holder whose stale lock was taken over.
    pub took_over: Option<LockInfo>,
    /// Journal records of an interrupted run replayed (and written) before the surgery.
    pub recovered: usize,
}

/// Lock and open the state for a surgery named `command` (`garrison state rm`).
fn open(backend: Box<dyn Backend>, command: &str) -> Result<Store, Error> {
    Store::open(backend, LockInfo::new(command))
}

/// What is known about the state before a surgery changes it.
struct Before {
    backup: Option<Backup>,
    took_over: Option<LockInfo>,
    recovered: usize,
}

impl Before {
    fn of(store: &Store) -> Before {
        let backup = store.stored().then(|| Backup {
            location: store.backend().backup_location(),
            serial: store.state().serial,
        });
        Before {
            backup,
            took_over: store.recovery().took_over.clone(),
            recovered: store.recovery().replayed_records,
        }
    }

    /// Write what the store holds (checkpoint), release the lock, and report.
    fn commit(self, mut store: Store) -> Result<Written, Error> {
        let location = store.backend().location();
        store.checkpoint()?;
        let serial = store.state().serial;
        store.close()?;
        Ok(Written {
            location,
            serial,
            backup: self.backup,
            took_over: self.took_over,
            recovered: self.recovered,
        })
    }
}
