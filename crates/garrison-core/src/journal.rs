//! What a journal intent announces: the operation about to be sent.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The action of a journal intent (`create`, `update`, `delete`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JournalAction {
    /// Creating an object (resolved on recovery by looking its unique name up).
    Create,
    /// Changing an object in place (or waiting on it).
    Update,
    /// Deleting an object.
    Delete,
}

impl JournalAction {
    /// Every action.
    pub const ALL: [JournalAction; 3] = [
        JournalAction::Create,
        JournalAction::Update,
        JournalAction::Delete,
    ];

    /// The journal spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            JournalAction::Create => "create",
            JournalAction::Update => "update",
            JournalAction::Delete => "delete",
        }
    }
}

impl fmt::Display for JournalAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Not a journal action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseJournalActionError(pub String);

impl fmt::Display for ParseJournalActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown journal action `{}`", self.0)
    }
}

impl std::error::Error for ParseJournalActionError {}

impl FromStr for JournalAction {
    type Err = ParseJournalActionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JournalAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| ParseJournalActionError(s.to_owned()))
    }
}
