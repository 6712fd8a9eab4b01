//! The Barrack GPU cloud API: wire types, the routing table and an async HTTP client.
//!
//! This crate knows nothing of configs, plans or state. [`wire`] holds every JSON shape,
//! [`routes`] every operation's method and path; both are shared with `barrack-sim`.

pub mod id;
pub mod routes;
pub mod wire;

pub use id::Id;
pub use routes::{Method, Op, Route, ROUTES};
