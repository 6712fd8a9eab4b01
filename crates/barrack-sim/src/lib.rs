//! A local, faithful emulator of the Barrack API.
//!
//! [`spawn`] starts one on 127.0.0.1 and returns a [`SimHandle`] with its URLs. The API
//! lives under `/v1`, mounted from `barrack_wire::ROUTES` and speaking only
//! `barrack_wire::wire` types; the admin surface lives under `/_sim`. Life-cycles are lazy:
//! transitions are deadlines settled on every request, scaled by `time_scale`. See
//! `docs/sim.md` for flags, the admin surface, the fault model and the delays.
//!
//! This crate knows nothing of the client's retry logic: it only serves the contract.

mod account;
mod admin;
mod api;
mod catalog_file;
mod clock;
mod config;
mod conn;
mod counters;
pub use barrack_wire::delays;
mod envelope;
mod error;
mod faults;
mod gate;
pub mod hostile;
mod lifecycle;
mod limits;
mod log;
mod meter;
mod ops;
mod persist;
mod ratelimit;
mod request;
mod seed;
mod server;
mod shared;
mod sim;
mod validate;
mod world;

pub use account::SeedError;
pub use barrack_wire::wire::AccountState;
pub use barrack_wire::{Catalog, GpuModel};
pub use catalog_file::{read_catalog, CatalogFileError};
pub use config::{FaultConfig, SimConfig};
pub use hostile::Hostile;
pub use limits::Limits;
pub use server::{spawn, spawn_on, SimHandle};
