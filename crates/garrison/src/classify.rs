//! Library errors to [`Failure`]s, classed by type: each function matches its error enum's
//! variants (exhaustively where the enum allows it, so a new variant must be classed here
//! before the CLI compiles). Never by the text of a message.

use garrison_engine::EngineError;
use garrison_plan::{PlanError, PlanFailure};
use garrison_state::surgery::SurgeryError;
use garrison_state::WorkspaceError;

use crate::failure::{Class, Failure};

/// The class of a state error: the state, its lock and its journal, except a bug.
pub(crate) fn state_class(error: &garrison_state::Error) -> Class {
    use garrison_state::Error as E;
    match error {
        E::Io { .. }
        | E::Corrupt { .. }
        | E::ChecksumMismatch { .. }
        | E::NotRegularFile { .. }
        | E::TooLarge { .. }
        | E::FutureVersion { .. }
        | E::MissingState { .. }
        | E::Locked { .. }
        | E::LockUnreadable { .. }
        | E::NotLocked { .. }
        | E::LockIdMismatch { .. }
        | E::HolderAlive { .. }
        | E::JournalCorrupt { .. }
        | E::JournalChecksumMismatch { .. }
        | E::Postgres { .. }
        | E::Crypt { .. }
        | E::NothingStored { .. }
        | E::LockLost { .. } => Class::State,
        E::Encode { .. } => Class::Internal,
    }
}

/// The class of a refused or failed state surgery: an address or a move the command line
/// got wrong is a usage error; a state that cannot take the change (an unresolved
/// operation, another lineage, an older serial, an invalid file) is a state error.
pub(crate) fn surgery_class(error: &SurgeryError) -> Class {
    use SurgeryError as E;
    match error {
        E::State(e) => state_class(e),
        E::NotInState { .. }
        | E::AddressTaken { .. }
        | E::KindDiffers { .. }
        | E::Deposed { .. }
        | E::SameAddress { .. }
        | E::BlockToInstance { .. } => Class::Usage,
        E::Pending { .. }
        | E::InvalidFile { .. }
        | E::LineageMismatch { .. }
        | E::SerialBehind { .. } => Class::State,
    }
}

/// The class of a refused or failed workspace command: a name the command line got wrong
/// (exists, missing, `default`) is a usage error; a workspace still managing objects is
/// the state's.
pub(crate) fn workspace_class(error: &WorkspaceError) -> Class {
    use WorkspaceError as E;
    match error {
        E::State(e) => state_class(e),
        E::Exists { .. } | E::Missing { .. } | E::Default => Class::Usage,
        E::NotEmpty { .. } => Class::State,
    }
}

/// The class of a Barrack client error: the API or the network, except a client the
/// configuration cannot make (a bad `--endpoint`) and a request the caller got wrong (a
/// bug). The enum is `#[non_exhaustive]`: a variant added later is taken as remote.
pub(crate) fn api_class(error: &barrack_api::Error) -> Class {
    use barrack_api::Error as E;
    match error {
        E::Config(_) => Class::Config,
        E::InvalidRequest { .. } => Class::Internal,
        E::Api { .. }
        | E::Transport { .. }
        | E::Timeout { .. }
        | E::Redirect { .. }
        | E::BodyTooLarge { .. }
        | E::BadListing { .. }
        | E::Decode { .. }
        | E::RetryBudgetExhausted { .. }
        | E::WaitTimeout { .. }
        | E::WaitFailed { .. }
        | E::NameConflict { .. } => Class::Remote,
        _ => Class::Remote,
    }
}

/// The class of a refused plan: what the config asks for cannot be done as written
/// (protected, shrinking, a name taken, out of stock, a cycle), so the config must change.
pub(crate) fn plan_class(failure: &PlanFailure) -> Class {
    failure
        .errors
        .first()
        .map_or(Class::Config, plan_error_class)
}

fn plan_error_class(error: &PlanError) -> Class {
    match error {
        PlanError::Protected { .. }
        | PlanError::VolumeShrink { .. }
        | PlanError::NameTaken { .. }
        | PlanError::CreateBeforeDestroyName { .. }
        | PlanError::OutOfStock { .. }
        | PlanError::Import { .. }
        | PlanError::Moved { .. }
        | PlanError::Cycle { .. } => Class::Config,
        PlanError::UnknownAddress { .. } => Class::Usage,
    }
}

/// The class of an engine error: what it wraps decides, a saved plan is a state artefact.
pub(crate) fn engine_class(error: &EngineError) -> Class {
    match error {
        EngineError::Config(_) => Class::Config,
        EngineError::State(e) => state_class(e),
        EngineError::Plan(p) => plan_class(p),
        EngineError::Api { source, .. } => api_class(source),
        // The file named on the command line is something else.
        EngineError::NotASavedPlan { .. } => Class::Usage,
        EngineError::StalePlan { .. }
        | EngineError::SavedPlan { .. }
        | EngineError::SavedPlanVersion { .. } => Class::State,
        EngineError::LockFile { .. }
        | EngineError::LockRefused(_)
        | EngineError::CatalogCache { .. } => Class::Config,
        EngineError::Internal(_) => Class::Internal,
    }
}

impl From<garrison_state::Error> for Failure {
    fn from(error: garrison_state::Error) -> Failure {
        Failure::new(state_class(&error), error.into())
    }
}

impl From<SurgeryError> for Failure {
    fn from(error: SurgeryError) -> Failure {
        Failure::new(surgery_class(&error), error.into())
    }
}

impl From<WorkspaceError> for Failure {
    fn from(error: WorkspaceError) -> Failure {
        Failure::new(workspace_class(&error), error.into())
    }
}

impl From<barrack_api::Error> for Failure {
    fn from(error: barrack_api::Error) -> Failure {
        Failure::new(api_class(&error), error.into())
    }
}

impl From<EngineError> for Failure {
    fn from(error: EngineError) -> Failure {
        Failure::new(engine_class(&error), error.into())
    }
}

impl From<garrison_config::Failure> for Failure {
    fn from(failure: garrison_config::Failure) -> Failure {
        Failure::config(failure.into())
    }
}

impl From<garrison_config::VarArgError> for Failure {
    fn from(error: garrison_config::VarArgError) -> Failure {
        Failure::usage(miette::miette!(
            help = "write `--var name=value`",
            "{error}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use barrack_api::Method;

    use super::*;

    fn state_errors() -> Vec<(garrison_state::Error, Class)> {
        use garrison_state::Error as E;
        let path = PathBuf::from(".garrison/state.json");
        let holder = Box::new(garrison_state::LockInfo::new("garrison apply"));
        vec![
            (
                E::Io {
                    action: "write the state file",
                    path: path.clone(),
                    source: std::io::Error::other("disk full"),
                },
                Class::State,
            ),
            (
                E::Locked {
                    path: path.clone(),
                    holder: holder.clone(),
                },
                Class::State,
            ),
            (
                E::HolderAlive {
                    location: "l".into(),
                    holder,
                },
                Class::State,
            ),
            (
                E::JournalCorrupt {
                    path: path.clone(),
                    line: 2,
                    reason: "r".into(),
                },
                Class::State,
            ),
            (
                E::Postgres {
                    action: "connect",
                    location: "postgres:prod".into(),
                    message: "refused".into(),
                },
                Class::State,
            ),
            (
                E::Encode {
                    what: "the state",
                    source: serde_json::from_str::<u8>("x").expect_err("not a number"),
                },
                Class::Internal,
            ),
        ]
    }

    fn api_errors() -> Vec<(barrack_api::Error, Class)> {
        use barrack_api::Error as E;
        let url = || "http://127.0.0.1:9/v1/instances".to_string();
        vec![
            (E::Config("bad base URL".into()), Class::Config),
            (
                E::InvalidRequest {
                    op: "CreateInstance".into(),
                    message: "m".into(),
                },
                Class::Internal,
            ),
            (
                E::Api {
                    method: Method::Get,
                    url: url(),
                    status: 401,
                    message: "unauthorized".into(),
                    error_reason: String::new(),
                    request_id: None,
                    retry_after: None,
                },
                Class::Remote,
            ),
            (
                E::Timeout {
                    method: Method::Get,
                    url: url(),
                    timeout: Duration::from_secs(1),
                },
                Class::Remote,
            ),
        ]
    }

    /// Each library error lands in its class, wrapped in the engine's error or not.
    #[test]
    fn library_errors_are_classed_by_variant() {
        for (error, want) in state_errors() {
            assert_eq!(state_class(&error), want, "{error}");
            let wrapped = EngineError::State(error);
            assert_eq!(engine_class(&wrapped), want, "{wrapped}");
            assert_eq!(Failure::from(wrapped).class(), want);
        }
        for (error, want) in api_errors() {
            assert_eq!(api_class(&error), want, "{error}");
            let wrapped = EngineError::api("listing instances", error);
            assert_eq!(engine_class(&wrapped), want, "{wrapped}");
        }
        for (error, want) in [
            (
                EngineError::StalePlan {
                    reason: garrison_engine::StaleReason::DestroyDiffers,
                },
                Class::State,
            ),
            (EngineError::Internal("a task died".into()), Class::Internal),
            (
                EngineError::NotASavedPlan {
                    path: PathBuf::from("main.kdl"),
                    cause: "it is not JSON".into(),
                },
                Class::Usage,
            ),
            (
                EngineError::Plan(PlanFailure {
                    errors: vec![PlanError::Cycle {
                        path: "a -> b -> a".into(),
                    }],
                }),
                Class::Config,
            ),
            (
                EngineError::from(garrison_config::Failure {
                    errors: Vec::new(),
                    warnings: Vec::new(),
                }),
                Class::Config,
            ),
        ] {
            assert_eq!(Failure::from(error).class(), want);
        }
        let var = garrison_config::VarArgError("x".into());
        assert_eq!(Failure::from(var).class(), Class::Usage);
    }

    /// A surgery's wrong address is a usage error, a state that cannot take it a state
    /// error, and a wrapped state error keeps its own class.
    #[test]
    fn surgery_errors_are_classed_by_variant() {
        for (error, want) in [
            (
                SurgeryError::NotInState {
                    addresses: vec!["vm.x".into()],
                },
                Class::Usage,
            ),
            (
                SurgeryError::SameAddress {
                    address: "vm.x".into(),
                },
                Class::Usage,
            ),
            (
                SurgeryError::SerialBehind {
                    file: "f".into(),
                    file_serial: 1,
                    state_serial: 2,
                },
                Class::State,
            ),
        ] {
            assert_eq!(Failure::from(error).class(), want);
        }
        for (error, want) in state_errors() {
            assert_eq!(surgery_class(&SurgeryError::State(error)), want);
        }
    }
}
