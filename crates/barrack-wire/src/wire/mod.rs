//! Every JSON shape of the Barrack API: request bodies, resource objects and envelopes.
//!
//! This is the ONE module that knows JSON field names (all GUESSED, modelled on Hyperstack;
//! see `docs/api.md`). The client and the emulator both use these types.
//! Deserialization is lenient: unknown fields are ignored and almost every field has a
//! default, so a field the real API omits does not break a read.
//!
//! One module per kind plus the common parts; everything is re-exported here, so a shape is
//! named `wire::Instance` whichever file holds it.

mod account;
mod account_state;
pub mod catalog;
mod catalog_file;
mod envelope;
mod firewalls;
mod images;
mod instances;
mod rules;
mod scripts;
mod snapshots;
mod ssh_keys;
mod volumes;

pub use account::*;
pub use account_state::*;
pub use catalog::*;
pub use catalog_file::*;
pub use envelope::*;
pub use firewalls::*;
pub use images::*;
pub use instances::*;
pub use rules::*;
pub use scripts::*;
pub use snapshots::*;
pub use ssh_keys::*;
pub use volumes::*;
