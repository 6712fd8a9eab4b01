//! Why a plan cannot be made: every reason at once, each with a hint and, where the config
//! has one, the place in the config it comes from.

use std::sync::Arc;

use garrison_config::model::{Model, Spec};
use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

/// The config file a plan error points into.
pub type ConfigSource = NamedSource<Arc<String>>;

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
        /// The config file of the resource.
        #[source_code]
        src: Option<ConfigSource>,
        /// The resource in it.
        #[label("protected")]
        at: Option<SourceSpan>,
    },
    /// Volumes cannot shrink.
    #[error("`{address}`: volume size cannot shrink from {from} GB to {to} GB")]
    #[diagnostic(
        code(garrison::plan::volume_shrink),
        help("volumes only grow; to shrink, create a new volume and copy the data")
    )]
    VolumeShrink {
        address: String,
        from: u64,
        to: u64,
        /// The config file of the resource.
        #[source_code]
        src: Option<ConfigSource>,
        /// The resource in it.
        #[label("this volume")]
        at: Option<SourceSpan>,
    },
    /// A create would collide with a resource the state does not manage.
    #[error("`{address}`: a {kind} named `{name}` already exists in the account (id {remote_id}{created}) but is not managed by this state{detail}")]
    #[diagnostic(
        code(garrison::plan::name_taken),
        help(
            "names are unique per account and kind: rename `{address}`, or delete the other {kind}{workspace_hint}"
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
        /// In a workspace other than `default`: a line saying to use `${garrison.workspace}`.
        workspace_hint: String,
        /// The config file of the resource.
        #[source_code]
        src: Option<ConfigSource>,
        /// The resource in it.
        #[label("this name")]
        at: Option<SourceSpan>,
    },
    /// create-before-destroy needs the new resource to have a different name.
    #[error(
        "`{address}`: create-before-destroy needs a new name, but the replacement keeps `{name}`"
    )]
    #[diagnostic(
        code(garrison::plan::create_before_destroy_name),
        help("names are unique per account: change the name together with the replacing change (e.g. add a version suffix), or drop `create-before-destroy`")
    )]
    CreateBeforeDestroyName {
        address: String,
        name: String,
        /// The config file of the resource.
        #[source_code]
        src: Option<ConfigSource>,
        /// The resource in it.
        #[label("keeps its name")]
        at: Option<SourceSpan>,
    },
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
        /// The config file of the resource.
        #[source_code]
        src: Option<ConfigSource>,
        /// The resource in it.
        #[label("needs these GPUs")]
        at: Option<SourceSpan>,
    },
    /// An `import` block that cannot be carried out.
    #[error("`{address}`: {message}")]
    #[diagnostic(code(garrison::plan::import), help("{hint}"))]
    Import {
        address: String,
        message: String,
        hint: String,
        /// The config file of the `import` block.
        #[source_code]
        src: Option<ConfigSource>,
        /// The block in it.
        #[label("this import")]
        at: Option<SourceSpan>,
    },
    /// A `moved` block (or `--replace`) that cannot be carried out.
    #[error("`{address}`: {message}")]
    #[diagnostic(code(garrison::plan::moved), help("{hint}"))]
    Moved {
        address: String,
        message: String,
        hint: String,
        /// The config file of the `moved` block.
        #[source_code]
        src: Option<ConfigSource>,
        /// The block in it.
        #[label("this move")]
        at: Option<SourceSpan>,
    },
    /// `--replace`, `--target` or `--exclude` naming nothing in the config or the state.
    #[error("`{flag} {address}` names nothing in the config or the state")]
    #[diagnostic(
        code(garrison::plan::unknown_address),
        help("`garrison state list` shows the managed addresses; a block address (`vm.x`) names all its instances")
    )]
    UnknownAddress { flag: &'static str, address: String },
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

impl PlanError {
    /// An `import` refusal (located later by [`PlanError::locate`]).
    pub(crate) fn import(address: &str, message: String, hint: impl Into<String>) -> Self {
        PlanError::Import {
            address: address.to_string(),
            message,
            hint: hint.into(),
            src: None,
            at: None,
        }
    }

    /// A `moved` refusal (located later by [`PlanError::locate`]).
    pub(crate) fn moved(address: &str, message: String, hint: impl Into<String>) -> Self {
        PlanError::Moved {
            address: address.to_string(),
            message,
            hint: hint.into(),
            src: None,
            at: None,
        }
    }

    /// Points the error at its resource in the config (file text from the model).
    pub(crate) fn locate(&mut self, model: &Model) {
        let span = match &*self {
            PlanError::Protected { address, .. }
            | PlanError::VolumeShrink { address, .. }
            | PlanError::NameTaken { address, .. }
            | PlanError::CreateBeforeDestroyName { address, .. } => model
                .resources
                .iter()
                .find(|r| r.address.to_string() == *address)
                .map(|r| r.span.clone()),
            PlanError::OutOfStock {
                region, gpu_model, ..
            } => model
                .resources
                .iter()
                .find(|r| {
                    &r.region == region
                        && matches!(&r.spec, Spec::Vm(vm) if &vm.gpu_model == gpu_model)
                })
                .map(|r| r.span.clone()),
            PlanError::Import { address, .. } => model
                .imports
                .iter()
                .find(|i| i.to.to_string() == *address)
                .map(|i| i.span.clone()),
            PlanError::Moved { address, .. } => model
                .moved
                .iter()
                .find(|m| m.to.to_string() == *address || m.from.to_string() == *address)
                .map(|m| m.span.clone()),
            PlanError::Cycle { .. } | PlanError::UnknownAddress { .. } => None,
        };
        let Some(span) = span else { return };
        let Some(text) = model.sources.0.get(&*span.file) else {
            return;
        };
        let (src, at) = match self {
            PlanError::Protected { src, at, .. }
            | PlanError::VolumeShrink { src, at, .. }
            | PlanError::NameTaken { src, at, .. }
            | PlanError::CreateBeforeDestroyName { src, at, .. }
            | PlanError::OutOfStock { src, at, .. }
            | PlanError::Import { src, at, .. }
            | PlanError::Moved { src, at, .. } => (src, at),
            PlanError::Cycle { .. } | PlanError::UnknownAddress { .. } => return,
        };
        *src = Some(
            NamedSource::new(span.file.display().to_string(), text.clone()).with_language("kdl"),
        );
        *at = Some((span.offset, span.len).into());
    }

    /// The address the error is about, when it is about one.
    pub fn address(&self) -> Option<&str> {
        match self {
            PlanError::Protected { address, .. }
            | PlanError::VolumeShrink { address, .. }
            | PlanError::NameTaken { address, .. }
            | PlanError::CreateBeforeDestroyName { address, .. }
            | PlanError::Import { address, .. }
            | PlanError::Moved { address, .. } => Some(address),
            PlanError::OutOfStock { .. }
            | PlanError::Cycle { .. }
            | PlanError::UnknownAddress { .. } => None,
        }
    }

    /// Where in the config the error points: file, 1-based line and column.
    pub fn location(&self) -> Option<(String, usize, usize)> {
        let (src, at) = match self {
            PlanError::Protected { src, at, .. }
            | PlanError::VolumeShrink { src, at, .. }
            | PlanError::NameTaken { src, at, .. }
            | PlanError::CreateBeforeDestroyName { src, at, .. }
            | PlanError::OutOfStock { src, at, .. }
            | PlanError::Import { src, at, .. }
            | PlanError::Moved { src, at, .. } => (src.as_ref()?, at.as_ref()?),
            PlanError::Cycle { .. } | PlanError::UnknownAddress { .. } => return None,
        };
        let text = src.inner();
        let before = text.get(..at.offset().min(text.len())).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Some((src.name().to_owned(), line, column))
    }
}
