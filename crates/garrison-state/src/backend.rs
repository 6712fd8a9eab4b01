//! The storage interface every state backend implements (local files, PostgreSQL).

use crate::doc::StateDoc;
use crate::error::Error;
use crate::journal::{JournalRead, JournalRecord};
use crate::lock::{LockGuard, LockInfo};

/// Where state, its lock and its journal live. Object-safe; use as `Box<dyn Backend>`.
///
/// Serial numbers are the caller's business: [`Backend::write`] stores the document as
/// given. [`crate::Store`] bumps the serial once per persisted change.
pub trait Backend: Send + Sync {
    /// A human-readable location for messages, e.g. the state file path.
    fn location(&self) -> String;

    /// The current state, or `None` if none was ever written. Refuses corrupt or
    /// future-version state ([`Error::ChecksumMismatch`], [`Error::FutureVersion`], ...).
    fn read(&self) -> Result<Option<StateDoc>, Error>;

    /// Replace the state atomically, keeping the previous one as a backup.
    /// Returns the number of bytes written.
    fn write(&self, doc: &StateDoc) -> Result<u64, Error>;

    /// Take the lock, failing fast with [`Error::Locked`] if someone alive holds it.
    /// A stale lock (its holder is dead) is taken over; [`LockGuard::took_over`] says so.
    fn lock(&self, info: LockInfo) -> Result<LockGuard, Error>;

    /// Remove the lock whoever holds it; returns the holder that was removed, if readable.
    fn force_unlock(&self) -> Result<Option<LockInfo>, Error>;

    /// Append one record durably (it is on disk when this returns). Returns bytes written.
    fn journal_append(&self, record: &JournalRecord) -> Result<u64, Error>;

    /// Every complete record; a torn last line is reported in [`JournalRead::torn`].
    fn journal_read(&self) -> Result<JournalRead, Error>;

    /// Empty the journal durably. Call only after the state reflecting it is written.
    fn journal_clear(&self) -> Result<(), Error>;
}
