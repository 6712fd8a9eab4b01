//! A workspace's name: one config, many isolated copies (`default`, `staging`, `pr-42`),
//! each with its own state. Validated once, where it enters (CLI, environment, the
//! selection file), and carried as this type.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest workspace name: it becomes part of cloud names and state keys.
pub const WORKSPACE_MAX_LEN: usize = 40;

/// A workspace name: letters, digits, `-` and `_`, starting with a letter or digit, at
/// most [`WORKSPACE_MAX_LEN`] characters. `default` is the config's own state location.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Workspace(String);

impl Workspace {
    /// The name of the workspace every config starts in.
    pub const DEFAULT: &'static str = "default";

    /// The `default` workspace.
    pub fn default_workspace() -> Self {
        Workspace(Self::DEFAULT.to_owned())
    }

    /// Whether this is `default` (today's state location, unchanged).
    pub fn is_default(&self) -> bool {
        self.0 == Self::DEFAULT
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::default_workspace()
    }
}

impl fmt::Display for Workspace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Not a workspace name, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseWorkspaceError {
    /// The refused text.
    pub name: String,
    /// Why, one phrase.
    pub reason: &'static str,
}

impl fmt::Display for ParseWorkspaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a workspace name: {}",
            self.name.escape_debug(),
            self.reason
        )
    }
}

impl std::error::Error for ParseWorkspaceError {}

impl FromStr for Workspace {
    type Err = ParseWorkspaceError;
    fn from_str(s: &str) -> Result<Self, ParseWorkspaceError> {
        let refuse = |reason| {
            Err(ParseWorkspaceError {
                name: s.to_owned(),
                reason,
            })
        };
        if s.is_empty() {
            return refuse("it is empty");
        }
        if s.len() > WORKSPACE_MAX_LEN {
            return refuse("it is longer than 40 characters");
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return refuse("use only letters, digits, `-` and `_`");
        }
        if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return refuse("it must start with a letter or a digit");
        }
        Ok(Workspace(s.to_owned()))
    }
}

impl TryFrom<String> for Workspace {
    type Error = ParseWorkspaceError;
    fn try_from(s: String) -> Result<Self, ParseWorkspaceError> {
        s.parse()
    }
}

impl From<Workspace> for String {
    fn from(w: Workspace) -> Self {
        w.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["default", "pr-42", "staging_2", "A1"] {
            assert_eq!(
                ok.parse::<Workspace>().map(|w| w.to_string()),
                Ok(ok.into())
            );
        }
        for bad in ["", "a/b", "..", "-x", "_x", "a b", "é", &"x".repeat(41)] {
            assert!(bad.parse::<Workspace>().is_err(), "{bad:?} accepted");
        }
        assert!(Workspace::default().is_default());
    }
}
