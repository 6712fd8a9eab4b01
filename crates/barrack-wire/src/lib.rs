//! The Barrack GPU cloud API contract, with no HTTP stack: wire types, the routing table,
//! resource ids, the catalog and the life-cycle delays.
//!
//! [`wire`] holds every JSON shape (the ONE place JSON names live), [`routes`] every
//! operation's method and path (the ONE place paths live), [`catalog`] the regions, GPU
//! models, images and limits, [`delays`] how long each life-cycle step takes. The client
//! (`barrack-api`), the emulator (`barrack-sim`) and the config validator
//! (`garrison-config`) all read these, so correcting a GUESS is a one-line change.

pub mod delays;
pub mod id;
pub mod routes;
pub mod wire;

pub use id::Id;
pub use routes::{Method, Op, Route, ROUTES};
pub use wire::catalog;
pub use wire::{Catalog, CatalogError, GpuModel};
