//! The Barrack GPU cloud API's async HTTP client: retries, paging, waiting, adoption,
//! ownership and scrubbing.
//!
//! This crate knows nothing of configs, plans or state. The contract itself (every JSON
//! shape, every method and path, ids, the catalog) lives in `barrack-wire`, shared with
//! `barrack-sim`; it is re-exported here at its old paths ([`wire`], [`routes`], [`id`]).
//! [`Client`] has one typed method per operation, all going through [`Client::send`].

mod body;
mod client;
mod config;
mod create;
mod error;
mod limiter;
mod ops;
pub mod ownership;
mod paginate;
pub mod retry;
mod scrub;
pub mod wait;
mod watch;

pub use barrack_wire::{catalog, delays, id, routes, wire};
pub use barrack_wire::{Id, Method, Op, Route, ROUTES};
pub use client::{Client, Response};
pub use config::{ApiKey, AuthStyle, ClientConfig, DEFAULT_BASE_URL, DEFAULT_MAX_BODY_BYTES};
pub use create::{Created, Named};
pub use error::Error;
pub use limiter::{RateLimit, DEFAULT_RATE_LIMIT_PER_MINUTE};
pub use paginate::{Listing, MAX_PAGES};
pub use retry::RetryPolicy;
pub use wait::{wait_until, Poll, PollPolicy};
