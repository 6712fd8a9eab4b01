//! Client configuration: endpoint, API key (redacted), auth header style, timeouts and policies.

use std::fmt;
use std::time::Duration;

use crate::limiter::{RateLimit, DEFAULT_RATE_LIMIT_PER_MINUTE};
use crate::retry::RetryPolicy;
use crate::wait::PollPolicy;

/// The default endpoint (GUESSED, see `docs/api.md`).
pub const DEFAULT_BASE_URL: &str = "https://api.barrack.ai/v1";

/// A Barrack API key. It never appears in `Debug` or `Display` output; read it with
/// [`ApiKey::expose`] only to put it on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The secret itself. Only the HTTP layer should call this.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        ApiKey(key.to_owned())
    }
}

/// How the key travels. Barrack's real header is unknown (GUESSED): `Bearer` follows the
/// contract; the other two are what the emulator also accepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthStyle {
    /// `Authorization: Bearer <key>`.
    #[default]
    Bearer,
    /// `X-API-Key: <key>`.
    XApiKey,
    /// `api_key: <key>` (Hyperstack's style).
    ApiKeyHeader,
}

impl AuthStyle {
    /// The header name and value for `key`.
    pub(crate) fn header(self, key: &ApiKey) -> (&'static str, String) {
        match self {
            AuthStyle::Bearer => ("authorization", format!("Bearer {}", key.expose())),
            AuthStyle::XApiKey => ("x-api-key", key.expose().to_owned()),
            AuthStyle::ApiKeyHeader => ("api_key", key.expose().to_owned()),
        }
    }
}

/// Everything [`crate::Client::new`] needs.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Base URL including the version prefix, e.g. `https://api.barrack.ai/v1`.
    pub base_url: String,
    pub api_key: ApiKey,
    pub auth: AuthStyle,
    /// Per request (one attempt), connect to the body's last byte, so a body that drips
    /// slowly ends here too. Default 30 s.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Polling of transitional states by the `wait_*` methods: the pace of the watcher's
    /// rounds of lists (`watch.rs`), or of each wait's GETs without them.
    pub poll: PollPolicy,
    /// Waits are answered by one list per kind per round shared by every wait (default);
    /// `false` polls each object with its own GETs (the behaviour before the watcher, kept
    /// as the benchmarks' baseline).
    pub watch_lists: bool,
    /// The rate limit every request of this client and its clones shares (a token bucket,
    /// mutations first, adaptive on 429; `limiter.rs`). `None` turns it off. Default
    /// [`DEFAULT_RATE_LIMIT_PER_MINUTE`] per minute.
    pub rate_limit: Option<RateLimit>,
    /// Pages fetched at once by the paginator after page 1. Default 8.
    pub list_concurrency: usize,
    /// Largest response body read, in bytes; a longer one is an error
    /// ([`crate::Error::BodyTooLarge`]). Default [`DEFAULT_MAX_BODY_BYTES`].
    pub max_body_bytes: usize,
    pub user_agent: String,
}

/// 16 MiB: a full page of 200 items of the largest kind is well under 1 MiB, so this only
/// stops a broken or hostile server (an endless body) from exhausting memory.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

impl ClientConfig {
    /// A configuration with the defaults: Bearer auth, 30 s timeout, default retry and poll
    /// policies, the documented rate limit.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<ApiKey>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            api_key: api_key.into(),
            auth: AuthStyle::default(),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            poll: PollPolicy::default(),
            watch_lists: true,
            rate_limit: Some(RateLimit::per_minute(DEFAULT_RATE_LIMIT_PER_MINUTE)),
            list_concurrency: 8,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            user_agent: concat!("garrison-barrack-api/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_redacted_everywhere() {
        let config = ClientConfig::new("http://x", "sk-SECRET-123");
        let shown = format!("{config:?} {} {:?}", config.api_key, config.api_key);
        assert!(!shown.contains("SECRET"), "{shown}");
        assert_eq!(config.api_key.expose(), "sk-SECRET-123");
    }

    #[test]
    fn auth_headers() {
        let key = ApiKey::new("k");
        assert_eq!(
            AuthStyle::Bearer.header(&key),
            ("authorization", "Bearer k".into())
        );
        assert_eq!(AuthStyle::XApiKey.header(&key), ("x-api-key", "k".into()));
        assert_eq!(
            AuthStyle::ApiKeyHeader.header(&key),
            ("api_key", "k".into())
        );
    }
}
