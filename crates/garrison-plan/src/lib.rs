//! Pure planning: (config model, state, refreshed remote view) -> dependency graph -> `Plan`,
//! and its rendering as text, JSON and Markdown. No IO.

pub mod action;
mod cloud_init;
pub mod cost;
pub mod desired;
pub mod error;
pub mod graph;
mod handover;
mod moves;
mod notes;
mod ordering;
pub mod plan;
mod planner;
pub mod remote;
pub mod render;
pub mod schema;
pub mod seal;
pub mod step;

pub use action::{Action, After, AttrChange, Drift, ResourceChange};
pub use error::{PlanError, PlanFailure};
pub use plan::{Basis, Cost, Plan, Summary, PLAN_FORMAT_VERSION};
pub use planner::{is_sensitive, plan, PlanOptions, REDACTED};
pub use remote::{Observed, Prices, RemoteView, Stock};
pub use step::{Step, StepOp, UpdateOp};
