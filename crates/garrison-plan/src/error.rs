//! Why a plan cannot be made: every reason at once, each with a hint.

use miette::Diagnostic;
use thiserror::Error;

/// One reason the plan was refused.
#[derive(Clone, Debug, Error, Diagnostic, PartialEq)]
pub enum PlanError {
    /// A protected resource would be destroyed or replaced.
    #[error("`{address}` is protected and would be {verb}")]
    #[diagnostic(
        code(garrison::plan::protected),
        help("remove `protect #true` from `{address}` first if you really mean it{detail}")
    )]
    Protected {
        address: String,
        verb: &'static str,
        detail: String,
    },
    /// Volumes cannot shrink.
    #[error("`{address}`: volume size cannot shrink from {from} GB to {to} GB")]
    #[diagnostic(
        code(garrison::plan::volume_shrink),
        help("volumes only grow; to shrink, create a new volume and copy the data")
    )]
    VolumeShrink { address: String, from: u64, to: u64 },
    /// A create would collide with a resource the state does not manage.
    #[error("`{address}`: a {kind} named `{name}` already exists in the account (id {remote_id}{created}) but is not managed by this state{detail}")]
    #[diagnostic(
        code(garrison::plan::name_taken),
        help(
            "names are unique per account and kind: rename `{address}`, or delete the other {kind}"
        )
    )]
    NameTaken {
        address: String,
        kind: String,
        name: String,
        remote_id: String,
        /// `, created <time>` when the API said, else empty.
        created: String,
        /// What this state knows of `address` (a pending create, a lost remote id), or empty.
        detail: String,
    },
    /// create-before-destroy needs the new resource to have a different name.
    #[error(
        "`{address}`: create-before-destroy needs a new name, but the replacement keeps `{name}`"
    )]
    #[diagnostic(
        code(garrison::plan::create_before_destroy_name),
        help("names are unique per account: change the name together with the replacing change (e.g. add a version suffix), or drop `create-before-destroy`")
    )]
    CreateBeforeDestroyName { address: String, name: String },
    /// Not enough GPUs in stock.
    #[error("not enough {gpu_model} in {region}: the plan needs {needed} GPUs, {available} are available")]
    #[diagnostic(
        code(garrison::plan::out_of_stock),
        help("lower the GPU count, pick another model or region, or apply in smaller steps")
    )]
    OutOfStock {
        region: String,
        gpu_model: String,
        needed: u32,
        available: u32,
    },
    /// The dependency graph has a cycle.
    #[error("dependency cycle: {path}")]
    #[diagnostic(
        code(garrison::plan::cycle),
        help("break the cycle by removing one of the references or `depends-on` entries")
    )]
    Cycle { path: String },
}

/// The plan was refused; every reason found.
#[derive(Clone, Debug, Error, Diagnostic, PartialEq)]
#[error("the plan cannot be made ({} problem{})", errors.len(), if errors.len() == 1 { "" } else { "s" })]
#[diagnostic(code(garrison::plan::refused))]
pub struct PlanFailure {
    #[related]
    pub errors: Vec<PlanError>,
}
