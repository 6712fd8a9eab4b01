//! Typed step outcomes for the [`crate::ApplyReport`]: why a step failed ([`StepError`],
//! keeping the API's status and request id) and why one did not run ([`SkipReason`]).

use std::fmt;

/// Why a step failed: a one-line message, and when the cause was an API answer, its HTTP
/// status and request id (for support tickets; scrubbed like every server text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError {
    /// What went wrong, with what Garrison does about it.
    pub message: String,
    /// The HTTP status of the API answer that caused it, if one did.
    pub status: Option<u16>,
    /// The API's request id of that answer, if it gave one.
    pub request_id: Option<String>,
}

impl StepError {
    /// A failure with no API answer behind it (state, config, a wait's end).
    pub fn message(message: impl Into<String>) -> Self {
        StepError {
            message: message.into(),
            status: None,
            request_id: None,
        }
    }

    /// Whether the message contains `text` (for tests and filters).
    pub fn contains(&self, text: &str) -> bool {
        self.message.contains(text)
    }
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StepError {}

impl From<String> for StepError {
    fn from(message: String) -> Self {
        StepError::message(message)
    }
}

impl From<&str> for StepError {
    fn from(message: &str) -> Self {
        StepError::message(message)
    }
}

impl From<barrack_api::Error> for StepError {
    fn from(e: barrack_api::Error) -> Self {
        StepError {
            message: e.to_string(),
            status: e.status(),
            request_id: e.request_id().map(str::to_string),
        }
    }
}

/// Why a step did not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// A step it waits for failed (or was skipped): that step's address.
    DependencyFailed(String),
    /// The run was cancelled (Ctrl-C) before the step started.
    Cancelled,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::DependencyFailed(address) => f.write_str(address),
            SkipReason::Cancelled => f.write_str("cancelled"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_failure_keeps_its_status_and_request_id() {
        let api = barrack_api::Error::Api {
            method: barrack_api::Method::Post,
            url: "http://127.0.0.1/instances".into(),
            status: 409,
            message: "name taken".into(),
            error_reason: String::new(),
            request_id: Some("req-7".into()),
            retry_after: None,
        };
        let text = api.to_string();
        let e = StepError::from(api);
        assert_eq!(e.status, Some(409));
        assert_eq!(e.request_id.as_deref(), Some("req-7"));
        assert_eq!(e.to_string(), text);
        assert_eq!(StepError::from("state poisoned".to_string()).status, None);
    }

    #[test]
    fn skip_reasons_read_as_before() {
        assert_eq!(SkipReason::Cancelled.to_string(), "cancelled");
        assert_eq!(
            SkipReason::DependencyFailed("vm.a".into()).to_string(),
            "vm.a"
        );
    }
}
