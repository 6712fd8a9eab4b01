//! The client's error type: what was being done, to which URL, and what came back. Never the key.

use std::fmt;
use std::time::Duration;

use crate::routes::Method;

/// Everything a [`crate::Client`] call can fail with. No variant holds the API key: the key
/// only ever travels in a request header, and URLs and messages never contain it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// The configuration cannot make a client (bad base URL, header value, TLS setup).
    #[error("invalid Barrack client configuration: {0}")]
    #[diagnostic(code(barrack::api::config))]
    Config(String),

    /// A call was made with arguments the route cannot take (a bug in the caller).
    #[error("invalid request for {op}: {message}")]
    #[diagnostic(code(barrack::api::invalid_request))]
    InvalidRequest { op: String, message: String },

    /// The API answered with an error status.
    #[error("{method} {url} failed with HTTP {status}: {message}{}{}",
        reason_suffix(error_reason), request_id_suffix(request_id.as_deref()))]
    #[diagnostic(code(barrack::api::status))]
    Api {
        method: Method,
        url: String,
        status: u16,
        /// The API's `message`, or the start of the body when it was not JSON.
        message: String,
        /// The API's `error_reason` (may be empty).
        error_reason: String,
        request_id: Option<String>,
        /// The `Retry-After` the server asked for, if any.
        retry_after: Option<Duration>,
    },

    /// The request failed below HTTP. `sent` is false only when it certainly never reached
    /// the server (connect failure); otherwise the outcome is unknown.
    #[error("{method} {url} failed: {cause}{}", if *sent { " (the request may have been processed)" } else { "" })]
    #[diagnostic(code(barrack::api::transport))]
    Transport {
        method: Method,
        url: String,
        cause: String,
        sent: bool,
    },

    /// No complete answer within the per-request timeout; the outcome is unknown.
    #[error("{method} {url} timed out after {timeout:?} (the request may have been processed)")]
    #[diagnostic(
        code(barrack::api::timeout),
        help("raise the request timeout or check the endpoint")
    )]
    Timeout {
        method: Method,
        url: String,
        timeout: Duration,
    },

    /// A 3xx answer. Redirects are never followed: that would send the request (and its
    /// body) to whatever host the server names.
    #[error("{method} {url} answered HTTP {status}, a redirect to {}; Garrison follows no redirects{}",
        location.as_deref().map_or_else(|| "nowhere (no `Location`)".to_owned(), |l| format!("`{l}`")),
        request_id_suffix(request_id.as_deref()))]
    #[diagnostic(
        code(barrack::api::redirect),
        help(
            "if the Barrack API really moved, set `--endpoint` / `BARRACK_ENDPOINT` to the new URL"
        )
    )]
    Redirect {
        method: Method,
        url: String,
        status: u16,
        /// The `Location` header (scrubbed, shortened), if any.
        location: Option<String>,
        request_id: Option<String>,
    },

    /// The answer's body is larger than `ClientConfig::max_body_bytes`; reading stopped there.
    #[error("{method} {url}: the HTTP {status} answer's body is larger than {} MiB; reading stopped{}",
        limit / (1024 * 1024), request_id_suffix(request_id.as_deref()))]
    #[diagnostic(
        code(barrack::api::body_too_large),
        help("the endpoint is not behaving like the Barrack API; check `--endpoint` / `BARRACK_ENDPOINT`")
    )]
    BodyTooLarge {
        method: Method,
        url: String,
        status: u16,
        /// The cap, in bytes.
        limit: usize,
        request_id: Option<String>,
    },

    /// A paginated list whose answers cannot be true (a `count` that needs more pages than
    /// the cap, or items promised that never come).
    #[error("GET {url}: {message}")]
    #[diagnostic(
        code(barrack::api::bad_listing),
        help("the endpoint is not behaving like the Barrack API; check `--endpoint` / `BARRACK_ENDPOINT`")
    )]
    BadListing { url: String, message: String },

    /// A success answer whose body is not what the contract says.
    #[error("{method} {url}: cannot read the HTTP {status} answer: {message}{}", request_id_suffix(request_id.as_deref()))]
    #[diagnostic(
        code(barrack::api::decode),
        help("the Barrack API may have changed; see docs/api.md")
    )]
    Decode {
        method: Method,
        url: String,
        status: u16,
        message: String,
        request_id: Option<String>,
    },

    /// Retries ran out (attempts or time); `last` is the final failure.
    #[error("{method} {url}: gave up after {attempts} attempts in {elapsed:?}: {last}")]
    #[diagnostic(code(barrack::api::retries_exhausted))]
    RetryBudgetExhausted {
        method: Method,
        url: String,
        attempts: u32,
        elapsed: Duration,
        last: Box<Error>,
    },

    /// A wait for a transitional state did not end in time.
    #[error("timed out after {elapsed:?} waiting for {what}; last status: {last_status}")]
    #[diagnostic(code(barrack::api::wait_timeout))]
    WaitTimeout {
        what: String,
        last_status: String,
        elapsed: Duration,
    },

    /// A wait ended in a failed state (e.g. `ERROR`).
    #[error("{what} ended in status {status}")]
    #[diagnostic(code(barrack::api::wait_failed))]
    WaitFailed { what: String, status: String },

    /// A create's unique name is held by an object this create cannot show it made (see
    /// [`crate::ownership`]): it is not adopted.
    #[error("{method} {url}: the name `{name}` is taken by id {id} (created {created_at}), which this create did not make: {reason}")]
    #[diagnostic(
        code(barrack::api::name_conflict),
        help("names are unique per account and kind: rename ours, or delete the other object if it is really not needed")
    )]
    NameConflict {
        method: Method,
        url: String,
        name: String,
        id: String,
        created_at: String,
        reason: String,
    },
}

fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(" ({reason})")
    }
}

fn request_id_suffix(request_id: Option<&str>) -> String {
    request_id.map_or_else(String::new, |id| format!(" [request id {id}]"))
}

impl Error {
    /// The same error with the key scrubbed out of every text it carries (the URL, the
    /// server's message, headers): a second line of defence behind the body scrubbing.
    pub(crate) fn scrubbed(self, scrub: &crate::scrub::Scrubber) -> Error {
        let s = |text: String| scrub.text(&text);
        let o = |text: Option<String>| text.map(|t| scrub.text(&t));
        match self {
            Error::Config(m) => Error::Config(s(m)),
            Error::InvalidRequest { op, message } => Error::InvalidRequest {
                op,
                message: s(message),
            },
            Error::Api {
                method,
                url,
                status,
                message,
                error_reason,
                request_id,
                retry_after,
            } => Error::Api {
                method,
                url: s(url),
                status,
                message: s(message),
                error_reason: s(error_reason),
                request_id: o(request_id),
                retry_after,
            },
            Error::Transport {
                method,
                url,
                cause,
                sent,
            } => Error::Transport {
                method,
                url: s(url),
                cause: s(cause),
                sent,
            },
            Error::Redirect {
                method,
                url,
                status,
                location,
                request_id,
            } => Error::Redirect {
                method,
                url: s(url),
                status,
                location: o(location),
                request_id: o(request_id),
            },
            Error::Decode {
                method,
                url,
                status,
                message,
                request_id,
            } => Error::Decode {
                method,
                url: s(url),
                status,
                message: s(message),
                request_id: o(request_id),
            },
            other => other,
        }
    }

    /// The HTTP status of the (last) answer, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Decode { status, .. }
            | Error::Redirect { status, .. }
            | Error::BodyTooLarge { status, .. } => Some(*status),
            Error::RetryBudgetExhausted { last, .. } => last.status(),
            _ => None,
        }
    }

    /// The server's request id, if the answer carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. }
            | Error::Decode { request_id, .. }
            | Error::Redirect { request_id, .. }
            | Error::BodyTooLarge { request_id, .. } => request_id.as_deref(),
            Error::RetryBudgetExhausted { last, .. } => last.request_id(),
            _ => None,
        }
    }

    /// HTTP 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// HTTP 409 (conflict or wrong state).
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// Worth trying again later: 429, 5xx, timeouts and transport failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { status, .. } => *status == 429 || *status >= 500,
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::RetryBudgetExhausted { last, .. } => last.is_retryable(),
            _ => false,
        }
    }

    /// The server may or may not have carried the request out: a timeout, a transport
    /// failure after sending, or a 5xx (the real API may fail after processing).
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Api { status, .. } => *status >= 500,
            Error::Transport { sent, .. } => *sent,
            Error::Timeout { .. } => true,
            Error::RetryBudgetExhausted { last, .. } => last.outcome_unknown(),
            _ => false,
        }
    }

    /// Certainly not processed: a connect failure or a 429.
    pub(crate) fn not_processed(&self) -> bool {
        match self {
            Error::Api { status, .. } => *status == 429,
            Error::Transport { sent, .. } => !*sent,
            _ => false,
        }
    }

    /// The `Retry-After` the server sent with this error.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Shown in `InvalidRequest` errors.
pub(crate) struct OpName(pub(crate) crate::Op);

impl fmt::Display for OpName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> Error {
        Error::Api {
            method: Method::Post,
            url: "http://127.0.0.1:9/v1/instances".into(),
            status,
            message: "out of stock".into(),
            error_reason: "gpu_unavailable".into(),
            request_id: Some("req-42".into()),
            retry_after: None,
        }
    }

    #[test]
    fn api_error_says_what_and_where() {
        assert_eq!(
            api(409).to_string(),
            "POST http://127.0.0.1:9/v1/instances failed with HTTP 409: out of stock \
             (gpu_unavailable) [request id req-42]"
        );
        assert!(api(409).is_conflict());
        assert!(!api(409).is_retryable());
        assert!(api(404).is_not_found());
        assert!(api(503).is_retryable() && api(503).outcome_unknown());
        assert!(api(429).is_retryable() && !api(429).outcome_unknown());
    }

    #[test]
    fn wrapped_errors_delegate() {
        let e = Error::RetryBudgetExhausted {
            method: Method::Get,
            url: "u".into(),
            attempts: 3,
            elapsed: Duration::from_millis(5),
            last: Box::new(api(502)),
        };
        assert_eq!(e.status(), Some(502));
        assert_eq!(e.request_id(), Some("req-42"));
        assert!(e.outcome_unknown());
        assert!(e.to_string().contains("gave up after 3 attempts"));
    }

    #[test]
    fn transport_sent_flag() {
        let e = Error::Transport {
            method: Method::Post,
            url: "u".into(),
            cause: "connection closed".into(),
            sent: true,
        };
        assert!(e.outcome_unknown());
        assert!(e.to_string().contains("may have been processed"));
    }
}
