//! Progress events the executor emits; the CLI renders them (libraries never print).

use std::sync::Arc;
use std::time::Duration;

use garrison_config::model::Kind;

/// One thing that happened during recovery or apply.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A step started.
    Started {
        step: usize,
        address: String,
        /// `create`, `update`, `delete`, `attach firewall`, `forget`.
        what: String,
    },
    /// A step finished and its outcome is recorded.
    Finished {
        step: usize,
        address: String,
        what: String,
        elapsed: Duration,
    },
    /// A step failed (the API's message).
    Failed {
        step: usize,
        address: String,
        what: String,
        message: String,
    },
    /// A step did not run: a dependency failed (or the run was cancelled).
    Skipped {
        step: usize,
        address: String,
        what: String,
        /// A failed dependency, or cancelled.
        because: crate::outcome::SkipReason,
    },
    /// An interrupted create was found by its unique name and adopted into the state.
    Adopted {
        address: String,
        kind: Kind,
        name: String,
        remote_id: String,
    },
    /// An interrupted operation was resolved without adoption (did not happen, or re-read).
    Resolved {
        address: String,
        action: String,
        /// What was recorded, e.g. `did not happen`, `deleted`, `re-read`.
        outcome: String,
    },
    /// A step waits for the cloud to reach a stable state.
    Waiting {
        step: usize,
        address: String,
        /// What it waits for, e.g. `ACTIVE`.
        status: String,
    },
    /// Something the user should know that is not a failure (e.g. a generated private key
    /// could not be saved because the create was adopted).
    Warning { address: String, message: String },
}

/// Where events go. Called from executor tasks: keep it quick.
pub type EventSink = Arc<dyn Fn(Event) + Send + Sync>;

/// A sink that drops every event.
pub fn no_events() -> EventSink {
    Arc::new(|_| {})
}
