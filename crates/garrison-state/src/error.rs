//! The error type of storage, locking and the journal: every IO failure names its path and
//! what it was doing. (`surgery::SurgeryError` adds the refusals of `state rm`/`mv`/`push`.)

use std::path::PathBuf;

use crate::lock::LockInfo;

/// Everything that can go wrong reading, writing or locking state.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// A filesystem operation failed.
    #[error("could not {action} `{}`: {source}", path.display())]
    #[diagnostic(code(garrison::state::io))]
    Io {
        /// What we were doing, e.g. "write the temporary state file".
        action: &'static str,
        /// The file or directory involved.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },

    /// The state file is not a state document we can read.
    #[error("state file `{}` is corrupt: {reason}", path.display())]
    #[diagnostic(
        code(garrison::state::corrupt),
        help("Garrison never repairs state silently; restore `{}` (the previous serial) or fix the file by hand", backup.display())
    )]
    Corrupt {
        /// The state file.
        path: PathBuf,
        /// Its backup.
        backup: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// The stored checksum does not match the content.
    #[error("state file `{}` failed its checksum: stored {stored}, content hashes to {actual}", path.display())]
    #[diagnostic(
        code(garrison::state::checksum_mismatch),
        help("the file was edited or damaged; Garrison never repairs state silently. Restore `{}` (the previous serial), or undo the edit", backup.display())
    )]
    ChecksumMismatch {
        /// The state file.
        path: PathBuf,
        /// Its backup.
        backup: PathBuf,
        /// The checksum recorded in the file.
        stored: String,
        /// The checksum of the content.
        actual: String,
    },

    /// A state file (or its journal, backup or lock) is not a regular file.
    #[error("{what} `{}` is {kind}, not a regular file", path.display())]
    #[diagnostic(
        code(garrison::state::not_a_file),
        help("Garrison reads its state only from regular files (a symlink to one is fine); point the `state` path at a file")
    )]
    NotRegularFile {
        /// `the state file`, `the journal`, ...
        what: &'static str,
        /// The path as configured.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },

    /// A state file (or its journal, backup or lock) is larger than Garrison reads.
    #[error("{what} `{}` is larger than {} MiB", path.display(), limit / (1024 * 1024))]
    #[diagnostic(
        code(garrison::state::too_large),
        help("a state this large is not one Garrison wrote; check the `state` path, or restore the backup")
    )]
    TooLarge {
        /// `the state file`, `the journal`, ...
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },

    /// The state was written by a newer Garrison.
    #[error("state file `{}` has format_version {found}; this Garrison reads up to {supported}", path.display())]
    #[diagnostic(
        code(garrison::state::future_version),
        help("upgrade Garrison, or restore `{}` if a newer version should not have touched it", backup.display())
    )]
    FutureVersion {
        /// The state file.
        path: PathBuf,
        /// Its backup.
        backup: PathBuf,
        /// The version in the file.
        found: u64,
        /// [`crate::FORMAT_VERSION`].
        supported: u32,
    },

    /// The state file is gone but its backup exists: refuse rather than start from nothing.
    #[error("state file `{}` is missing but its backup `{}` exists", path.display(), backup.display())]
    #[diagnostic(
        code(garrison::state::missing),
        help("starting from an empty state would recreate every resource; copy `{}` to `{}` if it is the latest state", backup.display(), path.display())
    )]
    MissingState {
        /// The state file.
        path: PathBuf,
        /// Its backup.
        backup: PathBuf,
    },

    /// Someone else holds the lock.
    #[error("state `{}` is locked by {holder}", path.display())]
    #[diagnostic(
        code(garrison::state::locked),
        help("wait for that run to finish: the lock is freed the moment its process ends, even when killed")
    )]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// Who holds it.
        holder: Box<LockInfo>,
    },

    /// The PostgreSQL session holding the lock was lost, and when it came back the lock
    /// was no longer ours: this run stops writing rather than overwrite another run.
    #[error("the state lock of `{location}` was lost with the PostgreSQL session: {reason}")]
    #[diagnostic(
        code(garrison::state::lock_lost),
        help("another run may have taken over; run `garrison plan` again to see where things stand (the journal of this run is kept and replayed)")
    )]
    LockLost {
        /// The backend's location.
        location: String,
        /// What was found on reconnecting.
        reason: String,
    },

    /// The lock is held but its holder cannot be read.
    #[error("lock `{}` is held, but its holder cannot be read: {reason}", path.display())]
    #[diagnostic(
        code(garrison::state::lock_unreadable),
        help("a live process holds the lock without saying who; wait for it to finish, or find it (`fuser -v` on the lock file)")
    )]
    LockUnreadable {
        /// The lock file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// `force-unlock` found no lock.
    #[error("state `{location}` is not locked")]
    #[diagnostic(code(garrison::state::not_locked))]
    NotLocked {
        /// The backend's location.
        location: String,
    },

    /// `force-unlock` was given another lock's id.
    #[error("state `{location}` is locked by {holder}, not by lock id {given}")]
    #[diagnostic(
        code(garrison::state::lock_id_mismatch),
        help(
            "pass the lock id the holder shows; the lock may have changed hands since you looked"
        )
    )]
    LockIdMismatch {
        /// The backend's location.
        location: String,
        /// The id passed.
        given: uuid::Uuid,
        /// The actual holder.
        holder: Box<LockInfo>,
    },

    /// `force-unlock` refuses to remove the lock of a live holder.
    #[error("refusing to unlock state `{location}`: its holder {holder} is still running")]
    #[diagnostic(
        code(garrison::state::holder_alive),
        help("the holder's process (or database session) still holds the kernel lock; wait for it or stop it. A dead holder's lock is freed by itself and taken over by the next run")
    )]
    HolderAlive {
        /// The backend's location.
        location: String,
        /// The live holder.
        holder: Box<LockInfo>,
    },

    /// A journal line before the last one is damaged.
    #[error("journal `{}` is corrupt at line {line}: {reason}", path.display())]
    #[diagnostic(
        code(garrison::state::journal_corrupt),
        help("only the last line may be torn by a crash; inspect the file, and keep it: it records operations that may have created resources")
    )]
    JournalCorrupt {
        /// The journal file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },

    /// A journal record's checksum does not match its content: edited or damaged.
    #[error("journal `{}` failed its checksum at line {line}: stored {stored}, content hashes to {actual}", path.display())]
    #[diagnostic(
        code(garrison::state::journal_checksum_mismatch),
        help("the record was edited or damaged, and Garrison never replays it. Undo the edit (its `checksum` covers every other field of the line); keep the file, it records operations that may have created resources")
    )]
    JournalChecksumMismatch {
        /// The journal file (or `postgres:<workspace>`).
        path: PathBuf,
        /// 1-based line (or record) number.
        line: usize,
        /// The checksum on the line.
        stored: String,
        /// What the content hashes to.
        actual: String,
    },

    /// A command that rewrites the stored state found none.
    #[error("there is no state at `{location}` to rewrite")]
    #[diagnostic(
        code(garrison::state::nothing_stored),
        help("check the config directory and the workspace (`garrison workspace show`); a new state is sealed from its first write")
    )]
    NothingStored {
        /// The state's location.
        location: String,
    },

    /// Encrypted state (or a journal record) that does not open.
    #[error("cannot read {what} `{location}`: {source}")]
    #[diagnostic(
        code(garrison::state::encryption),
        help("set GARRISON_STATE_KEY (or GARRISON_STATE_KEY_FILE) to the key that sealed it; while rotating keys, list the new key first and the old one after it (docs/state.md, \"Encryption at rest\")")
    )]
    Crypt {
        /// `the state`, `the journal`, ...
        what: &'static str,
        /// The file, or the PostgreSQL workspace.
        location: String,
        /// Why it does not open.
        #[source]
        source: crate::crypt::CryptError,
    },

    /// A PostgreSQL state backend operation failed. Never contains the password.
    #[error("could not {action} in PostgreSQL state `{location}`: {message}")]
    #[diagnostic(
        code(garrison::state::postgres),
        help("check that the server is reachable, the URL (shown with its password redacted) is right, and the role may create tables in that database; `docs/state.md` describes the tables")
    )]
    Postgres {
        /// What we were doing, e.g. "connect", "write the state".
        action: &'static str,
        /// `postgres:<workspace>`, or the redacted URL when connecting.
        location: String,
        /// The driver's or server's message (passwords redacted).
        message: String,
    },

    /// Serializing a document failed (a bug).
    #[error("could not encode {what}: {source}")]
    #[diagnostic(code(garrison::state::encode), help("this is a bug, please report it"))]
    Encode {
        /// What we were encoding.
        what: &'static str,
        /// The serializer error.
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
