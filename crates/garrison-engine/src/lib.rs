//! Refresh and the parallel, resumable apply executor.
//!
//! The CLI calls [`prepare`] (lock the state, replay its journal, refresh with one list per
//! kind, resolve interrupted operations, plan), shows [`Prepared::plan`], asks, then calls
//! [`Prepared::execute`]; or [`plan_only`] for `garrison plan`. Progress comes back as
//! [`Event`]s through an [`EventSink`]; this crate never prints.

mod apply;
mod cancel;
pub mod catalog;
pub mod data_read;
mod error;
mod event;
mod executor;
mod fsutil;
pub mod generate;
pub mod generate_flows;
mod import_one;
pub mod imports;
mod kinds;
mod late;
pub mod observe;
mod outcome;
pub mod ownership;
pub mod pins;
pub mod prices;
pub mod record;
pub mod recover;
pub mod refresh;
pub mod remote;
mod saved;
mod saved_inputs;
pub mod schedule;
pub mod settle;
mod settle_step;
mod stale;
mod steps;

pub use apply::{
    plan_for_saving, plan_only, plan_with_inputs, prepare, ApplyReport, ExecuteOptions, Planned,
    PrepareOptions, Prepared, DEFAULT_PARALLELISM,
};
pub use cancel::CancelToken;
pub use error::EngineError;
pub use event::{no_events, Event, EventSink};
pub use executor::describe;
pub use garrison_plan::evaluate_outputs;
pub use import_one::{import_one, ImportedOne};
pub use observe::observe;
pub use outcome::{SkipReason, StepError};
pub use prices::prices;
pub use refresh::{refresh, remote_view, Refreshed};
pub use remote::{Inventory, RemoteObject};
pub use saved::{SavedPlan, SAVED_PLAN_FORMAT_VERSION};
pub use saved_inputs::PlanInputs;
pub use schedule::Scheduling;
pub use stale::StaleReason;
