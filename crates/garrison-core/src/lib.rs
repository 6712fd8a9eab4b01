//! Garrison's vocabulary: the nouns every crate shares, each with one type and one spelling.
//!
//! [`Kind`] (and its table), [`Address`], [`RemoteId`], [`StateKey`] (live or deposed),
//! [`JournalAction`], [`Power`], [`Workspace`], attribute names ([`attr`]) and the typed firewall/security
//! [`Rule`]. Strings are parsed into these at the edges (config text, CLI arguments, serde)
//! and never parsed back.

pub mod address;
pub mod attr;
pub mod journal;
pub mod kind;
pub mod power;
pub mod remote_id;
pub mod rule;
pub mod state_key;
pub mod target;
pub mod workspace;

pub use address::{
    is_label_char, module_path_text, parse_module_path, Address, Index, ModuleStep,
    ParseAddressError,
};
pub use journal::{JournalAction, ParseJournalActionError};
pub use kind::{Kind, KindInfo, OpDurations};
pub use power::{ParsePowerError, Power};
pub use remote_id::RemoteId;
pub use rule::{Direction, Ethertype, Rule};
pub use state_key::StateKey;
pub use target::Target;
pub use workspace::{ParseWorkspaceError, Workspace, WORKSPACE_MAX_LEN};
