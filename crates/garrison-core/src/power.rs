//! The power state of a VM: desired in the config, observed from the API.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Desired power state of a VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Power {
    /// ACTIVE.
    #[default]
    Running,
    /// SHUTOFF (billed at full rate).
    Stopped,
    /// HIBERNATED (billed at $0.01/h).
    Hibernated,
}

impl Power {
    /// Every power state.
    pub const ALL: [Power; 3] = [Power::Running, Power::Stopped, Power::Hibernated];

    /// The config spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Power::Running => "running",
            Power::Stopped => "stopped",
            Power::Hibernated => "hibernated",
        }
    }
}

impl fmt::Display for Power {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Not a power state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsePowerError(pub String);

impl fmt::Display for ParsePowerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown power state `{}`", self.0)
    }
}

impl std::error::Error for ParsePowerError {}

impl FromStr for Power {
    type Err = ParsePowerError;
    fn from_str(s: &str) -> Result<Self, ParsePowerError> {
        Power::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| ParsePowerError(s.to_owned()))
    }
}
