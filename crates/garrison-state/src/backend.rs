//! The storage interface every state backend implements (local files, PostgreSQL).

use crate::doc::StateDoc;
use crate::error::Error;
use crate::journal::{JournalRead, JournalRecord};
use uuid::Uuid;

use crate::lock::{LockGuard, LockInfo, LockStatus};

/// Where state, its lock and its journal live. Object-safe; use as `Box<dyn Backend>`.
///
/// Serial numbers are the caller's business: [`Backend::write`] stores the document as
/// given. [`crate::Store`] bumps the serial once per persisted change.
pub trait Backend: Send + Sync {
    /// A human-readable location for messages, e.g. the state file path.
    fn location(&self) -> String;

    /// Where [`Backend::write`] keeps the document it replaces, for messages: the backup
    /// file, or the database column holding the previous document.
    fn backup_location(&self) -> String;

    /// The current state, or `None` if none was ever written. Refuses corrupt or
    /// future-version state ([`Error::ChecksumMismatch`], [`Error::FutureVersion`], ...).
    fn read(&self) -> Result<Option<StateDoc>, Error>;

    /// Replace the state atomically, keeping the previous one as a backup.
    /// Returns the number of bytes written.
    fn write(&self, doc: &StateDoc) -> Result<u64, Error>;

    /// Take the lock, failing fast with [`Error::Locked`] if someone alive holds it.
    /// Liveness is the kernel's (a file lock) or the server's (a session's advisory lock):
    /// a stale lock (its holder is gone, its record left) is taken over, and
    /// [`LockGuard::took_over`] says so.
    fn lock(&self, info: LockInfo) -> Result<LockGuard, Error>;

    /// Who holds (or last held) the lock, and whether that holder is still alive.
    fn lock_status(&self) -> Result<Option<LockStatus>, Error>;

    /// Remove the lock with id `id`, refusing when its holder is alive
    /// ([`Error::HolderAlive`]), when another lock is there ([`Error::LockIdMismatch`]) or
    /// when there is none ([`Error::NotLocked`]). Returns the holder removed.
    fn force_unlock(&self, id: Uuid) -> Result<LockInfo, Error>;

    /// Append one record durably (it is on disk when this returns). Returns bytes written.
    fn journal_append(&self, record: &JournalRecord) -> Result<u64, Error>;

    /// Every complete record; a torn last line is reported in [`JournalRead::torn`].
    fn journal_read(&self) -> Result<JournalRead, Error>;

    /// Empty the journal durably. Call only after the state reflecting it is written.
    fn journal_clear(&self) -> Result<(), Error>;

    /// Remove the state, its backup and its journal: the workspace they belong to is being
    /// deleted. Call with the lock held; the lock itself goes when it is released.
    fn erase(&self) -> Result<(), Error>;
}
