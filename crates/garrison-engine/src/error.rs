//! [`EngineError`]: why a refresh, plan or apply could not run at all (one failed step is
//! not an error: it is reported in the `ApplyReport`). Never contains the API key.

use std::path::PathBuf;

use miette::Diagnostic;
use thiserror::Error;

/// Everything that stops the engine, each with a one-line cause and a hint.
#[derive(Debug, Error, Diagnostic)]
pub enum EngineError {
    /// The config did not load (the CLI usually reports this itself).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<garrison_config::Failure>),

    /// The state could not be read, locked or written.
    #[error(transparent)]
    #[diagnostic(transparent)]
    State(#[from] garrison_state::Error),

    /// The plan was refused.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(#[from] garrison_plan::PlanFailure),

    /// A Barrack API call failed outside of a step (refresh, recovery).
    #[error("{doing}: {source}")]
    #[diagnostic(
        code(garrison::engine::api),
        help("check `--endpoint` / `BARRACK_ENDPOINT` and that `BARRACK_API_KEY` is valid; transient errors were already retried")
    )]
    Api {
        /// What the engine was doing, e.g. "listing instances".
        doing: String,
        /// The client's error (it never carries the key).
        #[source]
        source: Box<barrack_api::Error>,
    },

    /// A saved plan no longer matches the config, the state or the cloud.
    #[error("the saved plan is stale: {reason}")]
    #[diagnostic(
        code(garrison::engine::stale_plan),
        help("run `garrison plan --out FILE` again and review the new plan")
    )]
    StalePlan {
        /// Which input moved on, and how.
        reason: crate::stale::StaleReason,
    },

    /// A saved plan file could not be read or written.
    #[error("could not {action} the saved plan `{}`: {message}", path.display())]
    #[diagnostic(code(garrison::engine::saved_plan))]
    SavedPlan {
        /// "read", "write", "parse".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        message: String,
    },

    /// A file given as a saved plan is not one.
    #[error("`{}` is not a saved plan: {cause}", path.display())]
    #[diagnostic(
        code(garrison::engine::not_a_saved_plan),
        help("save a plan with `garrison plan --out FILE`")
    )]
    NotASavedPlan {
        /// The file.
        path: PathBuf,
        /// What it is instead.
        cause: String,
    },

    /// The saved plan was written by an incompatible version.
    #[error("the saved plan `{}` has format version {found}; this Garrison reads version {supported}", path.display())]
    #[diagnostic(
        code(garrison::engine::saved_plan_version),
        help("make the plan again with this version of Garrison")
    )]
    SavedPlanVersion {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
        /// Ours.
        supported: u32,
    },

    /// `.garrison/catalog.json` could not be read, parsed or written.
    #[error("could not {action} the catalog cache `{}`: {message}", path.display())]
    #[diagnostic(
        code(garrison::engine::catalog_cache),
        help("delete it: `garrison plan` reads the catalog from the API and writes it again")
    )]
    CatalogCache {
        /// "read", "parse", "write".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        message: String,
    },

    /// `garrison.lock` could not be read, parsed or written.
    #[error("could not {action} `{}`: {message}", path.display())]
    #[diagnostic(
        code(garrison::engine::lock_file),
        help("`garrison lock --update` writes it again from what the cloud resolves now")
    )]
    LockFile {
        /// "read", "parse", "write".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        message: String,
    },

    /// `garrison lock` wrote nothing: pins moved (without `--update`), or the config uses
    /// something the cloud does not list.
    #[error("`garrison.lock` not written: {0}")]
    #[diagnostic(
        code(garrison::engine::lock_refused),
        help("review each line above; `garrison lock --update` accepts what the cloud says now (change the config first where it names something the cloud no longer lists)")
    )]
    LockRefused(garrison_plan::pins::RelockRefused),

    /// A background task died (a bug).
    #[error("internal error: {0}")]
    #[diagnostic(
        code(garrison::engine::internal),
        help("this is a bug, please report it; the journal is intact, the next run recovers")
    )]
    Internal(String),
}

impl EngineError {
    /// An API error with what the engine was doing.
    pub fn api(doing: impl Into<String>, source: barrack_api::Error) -> Self {
        EngineError::Api {
            doing: doing.into(),
            source: Box::new(source),
        }
    }
}

impl From<garrison_config::Failure> for EngineError {
    fn from(failure: garrison_config::Failure) -> Self {
        EngineError::Config(Box::new(failure))
    }
}
