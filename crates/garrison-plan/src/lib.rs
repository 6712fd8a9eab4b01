//! Pure planning: (config model, state, refreshed remote view) -> dependency graph -> `Plan`,
//! and its rendering as text, JSON and Markdown. No IO.

pub mod action;
mod attr_change;
pub mod blocked;
mod canonical;
mod cloud_init;
pub mod cost;
pub mod desired;
pub mod error;
pub mod graph;
mod handover;
pub mod health;
mod keys;
mod kinds;
mod moves;
mod not_ready;
mod notes;
pub mod operations;
mod options;
mod ordering;
pub mod outputs;
pub mod pins;
pub mod plan;
mod planner;
mod protect;
pub mod rehearsal;
pub mod remote;
pub mod render;
pub mod schema;
pub mod seal;
pub mod step;
mod suggest;
mod text_order;
pub mod violation;

pub use action::{Action, After, AttrChange, Drift, ResourceChange};
pub use blocked::Blocked;
pub use error::{PlanError, PlanFailure};
pub use operations::Operations;
pub use options::PlanOptions;
pub use outputs::{evaluate_outputs, output_changes, OutputChange};
pub use plan::{Basis, Cost, Plan, Summary, PLAN_FORMAT_VERSION};
pub use planner::{is_sensitive, keep_existing_names, plan, REDACTED};
pub use rehearsal::{Rehearsal, RehearsedFailure, RehearsedOutcome, RehearsedStep};
pub use remote::{ImportFound, Observed, Prices, RemoteView, Stock};
pub use step::{Step, StepOp, UpdateOp};
pub use violation::PolicyViolation;
