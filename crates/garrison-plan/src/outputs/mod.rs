//! Root outputs: their values after an apply ([`evaluate_outputs`]) and what a plan changes
//! in them ([`OutputChange`], shown under "Changes to outputs").

mod changes;
mod values;

pub use changes::{output_changes, OutputChange};
pub use values::{as_referenced, evaluate_outputs, failed_output_postconditions};
