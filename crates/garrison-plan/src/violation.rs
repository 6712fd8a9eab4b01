//! A policy violation: a guardrail of the config's `policy` block, or a `deny` message of a
//! Rego policy (`garrison plan --policy DIR`), that a plan breaks. A plan with violations
//! fails (exit 1) and is never applied.

use serde::{Deserialize, Serialize};

/// One broken rule, with where it comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PolicyViolation {
    /// `policy block (main.kdl:3)` or the Rego file, e.g. `policies/cost.rego`.
    pub source: String,
    /// What is wrong, one line.
    pub message: String,
}
