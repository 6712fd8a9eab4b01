//! Why a state surgery (`state rm`, `state mv`, `state push`) was refused. Every refusal
//! is decided before anything is written: the state is left exactly as it was.

use uuid::Uuid;

use crate::error::Error;

/// A refused or failed surgery.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SurgeryError {
    /// Reading, locking or writing the state failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    State(#[from] Error),

    /// An address names nothing in the state.
    #[error("{} not in the state", not_in_state(.addresses))]
    #[diagnostic(
        code(garrison::state::not_in_state),
        help("`garrison state list` shows every address; nothing was changed")
    )]
    NotInState {
        /// Each address given that names nothing.
        addresses: Vec<String>,
    },

    /// The address to move to already holds an entry.
    #[error("cannot move `{from}` to `{to}`: `{taken}` is already in the state (id {remote_id}, name `{name}`)")]
    #[diagnostic(
        code(garrison::state::address_taken),
        help("choose a free address, or stop managing that entry first (`garrison state rm {taken}`); nothing was changed")
    )]
    AddressTaken {
        /// The address moved.
        from: Box<str>,
        /// The address asked for.
        to: Box<str>,
        /// The entry that holds it (`to`, or an instance of the block `to`).
        taken: Box<str>,
        /// Its remote id.
        remote_id: Box<str>,
        /// Its cloud name.
        name: Box<str>,
    },

    /// A move between two kinds.
    #[error("cannot move `{from}` to `{to}`: a {from_kind} cannot become a {to_kind}")]
    #[diagnostic(
        code(garrison::state::kind_differs),
        help("an entry keeps its kind: both addresses start with the same kind (`{from_kind}.NAME`); nothing was changed")
    )]
    KindDiffers {
        /// The address moved.
        from: String,
        /// The address asked for.
        to: String,
        /// The kind of `from`.
        from_kind: String,
        /// The kind of `to`.
        to_kind: String,
    },

    /// A deposed key given to `mv`.
    #[error("cannot move `{address}`: it is a deposed object (replaced, waiting for its delete), not an address")]
    #[diagnostic(
        code(garrison::state::deposed_move),
        help("move the live address instead; a deposed object stays where the next apply deletes it (`garrison state rm` can stop managing it); nothing was changed")
    )]
    Deposed {
        /// The deposed key.
        address: String,
    },

    /// A move onto itself.
    #[error("cannot move `{address}` onto itself")]
    #[diagnostic(
        code(garrison::state::same_address),
        help("name another address to move to; nothing was changed")
    )]
    SameAddress {
        /// The address.
        address: String,
    },

    /// A block of several instances moved to one instance address.
    #[error("cannot move `{from}` to `{to}`: `{from}` names a whole block ({count} instance(s)), and `{to}` is one instance")]
    #[diagnostic(
        code(garrison::state::block_to_instance),
        help("move the whole block to a block address (`KIND.NAME`, indices kept), or one instance (`{from}[0]`); nothing was changed")
    )]
    BlockToInstance {
        /// The block.
        from: String,
        /// The instance address asked for.
        to: String,
        /// Its instances.
        count: usize,
    },

    /// An address the surgery touches has an interrupted operation not yet resolved.
    #[error(
        "`{address}` has an interrupted {action} (of `{name}`, at {at}) that is not resolved yet"
    )]
    #[diagnostic(
        code(garrison::state::pending_operation),
        help("run `garrison apply` first: it resolves interrupted operations (editing the entry now could adopt an object twice or lose it); nothing was changed")
    )]
    Pending {
        /// The address.
        address: String,
        /// `create`, `update` or `delete`.
        action: String,
        /// The cloud name of the operation.
        name: String,
        /// When its intent was recorded.
        at: String,
    },

    /// The pushed file is not a state Garrison can read (never overridden by `--force`).
    #[error("`{file}` is not a state Garrison can push")]
    #[diagnostic(
        code(garrison::state::invalid_push),
        help("push a file written by `garrison state pull` (or a `state.json`), unedited or with its checksum intact; `--force` does not skip this check; nothing was changed")
    )]
    InvalidFile {
        /// The file pushed.
        file: String,
        /// Why it cannot be read.
        #[source]
        source: Box<Error>,
    },

    /// The pushed file belongs to another state's history.
    #[error("refusing to push `{file}`: its lineage {file_lineage} is not the state's lineage {state_lineage}")]
    #[diagnostic(
        code(garrison::state::lineage_mismatch),
        help("the file comes from another state; pull this state (`garrison state pull`) and edit that, or pass `--force` to replace this state with the file; nothing was changed")
    )]
    LineageMismatch {
        /// The file pushed.
        file: String,
        /// Its lineage.
        file_lineage: Uuid,
        /// The stored state's lineage.
        state_lineage: Uuid,
    },

    /// The pushed file is older than the stored state.
    #[error("refusing to push `{file}`: its serial {file_serial} is older than the state's serial {state_serial}")]
    #[diagnostic(
        code(garrison::state::serial_behind),
        help("the state changed since the file was pulled; pull again and redo the edit, or pass `--force` to overwrite serial {state_serial} with the file; nothing was changed")
    )]
    SerialBehind {
        /// The file pushed.
        file: String,
        /// Its serial.
        file_serial: u64,
        /// The stored state's serial.
        state_serial: u64,
    },
}

/// "`vm.a` is" / "`vm.a`, `vm.b` are".
fn not_in_state(addresses: &[String]) -> String {
    let list: Vec<String> = addresses.iter().map(|a| format!("`{a}`")).collect();
    let verb = if list.len() == 1 { "is" } else { "are" };
    format!("{} {verb}", list.join(", "))
}
