//! Why a workspace command (`workspace new`, `select`, `delete`) was refused. A refusal
//! changes nothing.

use crate::error::Error;

/// A refused or failed workspace operation.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum WorkspaceError {
    /// Reading, locking or writing the state failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    State(#[from] Error),

    /// `new` of a workspace that exists.
    #[error("workspace `{name}` already exists")]
    #[diagnostic(
        code(garrison::workspace::exists),
        help("select it with `garrison workspace select {name}`")
    )]
    Exists {
        /// The workspace.
        name: String,
    },

    /// A workspace that does not exist.
    #[error("workspace `{name}` does not exist")]
    #[diagnostic(
        code(garrison::workspace::missing),
        help("create it with `garrison workspace new {name}`; `garrison workspace list` shows every workspace")
    )]
    Missing {
        /// The workspace.
        name: String,
    },

    /// `delete default`.
    #[error("the `default` workspace cannot be deleted")]
    #[diagnostic(
        code(garrison::workspace::default),
        help("it is the config's own state; `garrison destroy` empties it")
    )]
    Default,

    /// `delete` of a workspace whose state still manages objects.
    #[error("workspace `{name}` still manages {count} object{}", if *.count == 1 { "" } else { "s" })]
    #[diagnostic(
        code(garrison::workspace::not_empty),
        help("destroy them first: `garrison destroy --workspace {name}`; or `garrison workspace delete {name} --force` to abandon them (they stay in the cloud, unmanaged)")
    )]
    NotEmpty {
        /// The workspace.
        name: String,
        /// Objects in its state, interrupted operations included.
        count: usize,
    },
}
