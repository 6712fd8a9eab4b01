//! The Barrack GPU cloud API: wire types, the routing table and an async HTTP client.
//!
//! This crate knows nothing of configs, plans or state. [`wire`] holds every JSON shape,
//! [`routes`] every operation's method and path; both are shared with `barrack-sim`.
//! [`Client`] has one typed method per operation, all going through [`Client::send`].

mod body;
mod client;
mod config;
mod create;
mod error;
pub mod id;
mod ops;
pub mod ownership;
mod paginate;
pub mod retry;
pub mod routes;
mod scrub;
pub mod wait;
pub mod wire;

pub use client::{Client, Response};
pub use config::{ApiKey, AuthStyle, ClientConfig, DEFAULT_BASE_URL, DEFAULT_MAX_BODY_BYTES};
pub use create::{Created, Named};
pub use error::Error;
pub use id::Id;
pub use paginate::{Listing, MAX_PAGES};
pub use retry::RetryPolicy;
pub use routes::{Method, Op, Route, ROUTES};
pub use wait::{wait_until, Poll, PollPolicy};
