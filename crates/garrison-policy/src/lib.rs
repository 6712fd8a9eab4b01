//! Policy as code, embedded: a plan is checked against the config's `policy` block
//! ([`guardrails`]) and against Rego files ([`rego`]: package `garrison`, `deny` rules that
//! produce messages, `input` = the plan JSON of `docs/plan-json.md`), with no server.
//! Pure: texts in, violations out; reading the files is the caller's.

mod error;
mod guardrails;
mod rego;

pub use error::PolicyError;
pub use guardrails::guardrails;
pub use rego::{rego, RegoFile};
