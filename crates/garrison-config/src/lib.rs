//! Garrison's KDL v2 language: text to a typed, validated model.
//!
//! [`load_dir`] reads every `*.kdl` file of a directory and returns the [`Model`] the
//! planner uses, or a [`Failure`] holding every error at once (miette diagnostics with
//! stable codes, labelled spans and help). [`format_source`] backs `garrison fmt`.
//! This crate knows nothing of HTTP or state.

mod account;
pub mod attr_docs;
mod blocks;
mod budget;
mod build;
pub mod catalog;
mod checks;
mod collect;
mod conditions;
mod cycle;
mod data;
mod data_links;
mod data_objects;
mod day_two;
mod diagnostic;
mod eval;
pub mod expr;
#[doc(hidden)]
pub mod fastkdl;
mod fileread;
mod fmt;
mod lex;
pub mod limits;
mod literal;
mod load;
mod longline;
pub mod model;
mod module_moves;
mod modules;
mod offered;
mod policy;
mod positions;
pub mod postcondition;
mod provenance;
pub mod readiness;
mod refs;
mod resources;
mod rules;
mod scc;
pub mod schema;
mod source;
mod state_node;
mod state_only;
mod timeouts;
pub mod tree;
mod vars;
mod workspace_file;

pub use account::{Account, AccountNeeds, AccountObject, StockLine};
pub use diagnostic::{Code, ConfigDiagnostic, Failure, Label, Level};
pub use fmt::{format_dir, format_source, Formatted};
pub use load::{
    load_dir, load_dir_overlay, load_dir_with, load_str, load_str_with, Loaded, TOP_LEVEL,
};
pub use model::*;
pub use offered::{age, CatalogSource, Offered};
pub use rules::normalize_cidr;
pub use source::parse_document;
pub use state_only::load_state_backend;
pub use timeouts::{default_for as default_timeouts, parse_duration};
pub use vars::{VarArgError, VarInputs, ENV_PREFIX};
pub use workspace_file::{workspace_var_file, WORKSPACE_VAR_DIR};
