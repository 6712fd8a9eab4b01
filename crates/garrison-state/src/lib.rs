//! Garrison state document, backends, locking and journal.
//!
//! This crate knows nothing of HTTP, configuration or plans. It stores what Garrison
//! believes exists ([`StateDoc`]), guards it with a lock ([`Backend::lock`]), and keeps a
//! per-operation journal ([`JournalRecord`]) so that a crash never loses a completed
//! operation nor forgets an operation that may have started. [`Store`] ties these together
//! for the engine. [`surgery`] holds `garrison state rm`, `mv`, `pull` and `push`; [`workspaces`] a
//! config's many states (`garrison workspace`). The
//! on-disk format is described in `docs/state.md`.

mod atomic;
mod backend;
mod bounded;
mod codec;
mod crypt;
mod doc;
mod edit;
mod error;
mod flock;
mod journal;
mod local;
mod lock;
mod pg_connect;
mod pg_session;
mod pg_tls;
mod pg_url;
mod postgres;
mod process;
mod replay;
mod store;
pub mod surgery;
mod sweep;
pub mod workspaces;

pub use backend::Backend;
pub use bounded::MAX_FILE_BYTES;
pub use codec::{checksum, decode, encode};
pub use crypt::{CryptError, EncryptionKey, Keyring, Purpose, KEY_BYTES};
pub use doc::{OutputState, ResourceState, StateDoc, FORMAT_VERSION};
pub use edit::{Edit, EditEntry, EditMove, StateEdit};
pub use error::Error;
pub use journal::{Completed, Intent, JournalRead, JournalRecord, OpRef, Outcome, TornTail};
pub use local::{LocalBackend, DEFAULT_STATE_PATH};
pub use lock::{LockGuard, LockInfo, LockStatus};
pub use postgres::PostgresBackend;
pub use replay::{replay, Replay};
pub use store::{OpSpec, Recovery, Store};
/// A lock's id, as [`LockInfo::id`] shows it and `force-unlock` takes it.
pub use uuid::Uuid as LockId;
pub use workspaces::{Place, WorkspaceError, Workspaces};
