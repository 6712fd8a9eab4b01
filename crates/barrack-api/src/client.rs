//! The HTTP client and its ONE request path: URL from the routing table, auth, retries, envelope.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use reqwest::header::{HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::body::{read_capped, BodyError};
use crate::config::ClientConfig;
use crate::error::{Error, OpName};
use crate::limiter::{Limiter, Priority, RateLimit};
use crate::retry::{parse_retry_after, Budget};
use crate::routes::{Method, Op, Route};
use crate::scrub::Scrubber;
use crate::watch::Watcher;
use crate::wire;

/// An async Barrack API client. Cheap to clone (an `Arc` inside); clones share the
/// connection pool and the request counter.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Base URL without a trailing slash.
    base: String,
    config: ClientConfig,
    auth_name: HeaderName,
    auth_value: HeaderValue,
    /// Scrubs the key out of everything the server sends before it is read.
    scrub: Scrubber,
    requests: AtomicU64,
    /// The rate limit every request of this client and its clones shares.
    limiter: Limiter,
    /// The boards every wait of this client and its clones registers with.
    watcher: Watcher,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base)
            .field("auth", &self.inner.config.auth)
            .finish_non_exhaustive()
    }
}

/// A successful answer: the whole JSON body plus what the errors would have carried.
#[derive(Clone, Debug)]
pub struct Response {
    pub op: Op,
    pub method: Method,
    /// The URL sent, query included.
    pub url: String,
    pub status: u16,
    pub request_id: Option<String>,
    /// The parsed body (`Value::Null` when it was empty).
    pub body: Value,
    /// HTTP attempts this call took (1 without retries).
    pub attempts: u32,
}

impl Response {
    /// Decodes the value under `key`, or the whole body when `key` is `None`.
    pub fn decode_key<T: DeserializeOwned>(&mut self, key: Option<&str>) -> Result<T, Error> {
        let value = match key {
            None => self.body.take(),
            Some(key) => match self.body.as_object_mut().and_then(|o| o.remove(key)) {
                Some(value) => value,
                None => return Err(self.decode_error(format!("the body has no `{key}` key"))),
            },
        };
        serde_json::from_value(value).map_err(|e| self.decode_error(e.to_string()))
    }

    /// Decodes the value under the operation's envelope key ([`Op::response_key`]).
    pub fn decode<T: DeserializeOwned>(&mut self) -> Result<T, Error> {
        let key = self.op.response_key();
        self.decode_key(key)
    }

    /// True when the body carries `key`.
    pub fn has_key(&self, key: &str) -> bool {
        self.body.get(key).is_some()
    }

    fn decode_error(&self, message: String) -> Error {
        Error::Decode {
            method: self.method,
            url: self.url.clone(),
            status: self.status,
            message,
            request_id: self.request_id.clone(),
        }
    }
}

impl Client {
    /// Builds a client. Fails on a base URL that is not http(s) or a key that cannot be a
    /// header value (the error never shows the key).
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let base = config.base_url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base)
            .map_err(|e| Error::Config(format!("base URL `{base}`: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "base URL `{base}` must use http or https"
            )));
        }
        if config.retry.max_attempts == 0 {
            return Err(Error::Config(
                "retry.max_attempts must be at least 1".into(),
            ));
        }
        let (name, value) = config.auth.header(&config.api_key);
        let auth_name = HeaderName::from_static(name);
        let mut auth_value = HeaderValue::from_str(&value).map_err(|_| {
            Error::Config("the API key contains characters not allowed in a header".into())
        })?;
        auth_value.set_sensitive(true);
        let scrub = Scrubber::new(&config.api_key);
        // No redirects: following one would send list queries and request bodies (sensitive
        // scripts) to whatever host the server names; a 3xx is an error instead.
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                auth_name,
                auth_value,
                scrub,
                requests: AtomicU64::new(0),
                limiter: Limiter::new(config.rate_limit),
                watcher: Watcher::default(),
                config,
            }),
        })
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// HTTP requests sent by this client and its clones so far (every attempt counts).
    pub fn requests_sent(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// The shared watcher of waits.
    pub(crate) fn watcher(&self) -> &Watcher {
        &self.inner.watcher
    }

    /// The rate limit in force (`None`: off).
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.limiter.limit()
    }

    /// Requests the rate limit lets through right now (beyond the changes already queued),
    /// and when the next token comes back if none; `None` when there is no limit. The
    /// executor starts steps only while there is headroom.
    pub fn rate_headroom(&self) -> Option<(usize, std::time::Duration)> {
        self.inner.limiter.headroom()
    }

    /// 429 answers this client and its clones received so far.
    pub fn throttled_responses(&self) -> u64 {
        self.inner.limiter.throttled()
    }

    /// The full URL of `op` with `params` filled in (no query).
    pub fn url(&self, op: Op, params: &[&str]) -> Result<String, Error> {
        let route = op.route();
        if params.len() != route.param_count() {
            return Err(Error::InvalidRequest {
                op: OpName(op).to_string(),
                message: format!(
                    "{} takes {} path parameters, got {}",
                    route.path,
                    route.param_count(),
                    params.len()
                ),
            });
        }
        Ok(format!("{}{}", self.inner.base, route.path_with(params)))
    }

    /// THE request path every operation goes through: builds the URL from the routing
    /// table, sends with auth and the per-request timeout, and retries within the budget:
    /// failures that certainly did not reach the server (connect errors, 429 with its
    /// `Retry-After`) for every route; 5xx and timeouts only for `route.idempotent`.
    pub async fn send(
        &self,
        op: Op,
        params: &[&str],
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Response, Error> {
        let route = op.route();
        let mut url = reqwest::Url::parse(&self.url(op, params)?)
            .map_err(|e| Error::Config(format!("URL for {op:?}: {e}")))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter());
        }
        let mut budget = Budget::new(&self.inner.config.retry);
        let mut unknown_before = false;
        let priority = match route.method {
            Method::Get => Priority::Read,
            _ => Priority::Mutation,
        };
        loop {
            let permit = self.inner.limiter.acquire(priority).await;
            let attempt = self.attempt(op, route, &url, body).await;
            drop(permit);
            self.note_rate(&attempt);
            let failure = match attempt.map_err(|e| e.scrubbed(&self.inner.scrub)) {
                Ok(mut response) => {
                    response.attempts = budget.attempts();
                    return Ok(response);
                }
                // A DELETE resent after an attempt with unknown outcome: 404 means that
                // attempt did the job.
                Err(e) if unknown_before && route.method == Method::Delete && e.is_not_found() => {
                    return Ok(Response {
                        op,
                        method: route.method,
                        url: url.to_string(),
                        status: 404,
                        request_id: e.request_id().map(str::to_owned),
                        body: Value::Null,
                        attempts: budget.attempts(),
                    });
                }
                Err(e) => e,
            };
            unknown_before |= failure.outcome_unknown();
            let may_retry = failure.not_processed() || (route.idempotent && failure.is_retryable());
            if !may_retry {
                return Err(failure);
            }
            match budget.next_delay(failure.retry_after()) {
                Some(delay) => {
                    tracing::debug!(
                        op = ?op,
                        attempt = budget.attempts(),
                        delay_ms = delay.as_millis() as u64,
                        error = %failure,
                        "retrying Barrack request"
                    );
                    tokio::time::sleep(delay).await;
                }
                None if budget.attempts() > 1 => {
                    return Err(Error::RetryBudgetExhausted {
                        method: route.method,
                        url: url.to_string(),
                        attempts: budget.attempts(),
                        elapsed: budget.elapsed(),
                        last: Box::new(failure),
                    })
                }
                None => return Err(failure),
            }
        }
    }

    /// Tells the limiter of a 429: it pauses and slows every request of the run.
    fn note_rate(&self, attempt: &Result<Response, Error>) {
        if let Err(Error::Api {
            status: 429,
            retry_after,
            ..
        }) = attempt
        {
            self.inner.limiter.throttled_by_server(*retry_after);
        }
    }

    /// Sends and decodes the result under the operation's envelope key.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        op: Op,
        params: &[&str],
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<T, Error> {
        self.send(op, params, query, body).await?.decode()
    }

    /// Sends and ignores the body (deletes and other acknowledgements).
    pub(crate) async fn call_unit(
        &self,
        op: Op,
        params: &[&str],
        body: Option<&Value>,
    ) -> Result<(), Error> {
        self.send(op, params, &[], body).await.map(drop)
    }

    /// One HTTP attempt.
    async fn attempt(
        &self,
        op: Op,
        route: &Route,
        url: &reqwest::Url,
        body: Option<&Value>,
    ) -> Result<Response, Error> {
        let method = route.method;
        let mut request = self
            .inner
            .http
            .request(http_method(route.method), url.clone())
            .header(self.inner.auth_name.clone(), self.inner.auth_value.clone())
            .timeout(self.inner.config.timeout);
        if let Some(body) = body {
            request = request.json(body);
        }
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        let started = std::time::Instant::now();
        let response = request.send().await.map_err(|e| {
            tracing::info!(target: "barrack_api::http", method = method.as_str(), route = route.path,
                url = %url, duration_ms = started.elapsed().as_millis() as u64, error = %self.inner.scrub.text(&e.to_string()),
                "Barrack request failed before an answer");
            self.transport_error(method, url, e)
        })?;
        let status = response.status().as_u16();
        let scrub = &self.inner.scrub;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| scrub.text(v))
        };
        let request_id = header(wire::REQUEST_ID);
        let retry_after = header(wire::RETRY_AFTER).and_then(|v| parse_retry_after(&v));
        if (300..400).contains(&status) {
            return Err(Error::Redirect {
                method,
                url: url.to_string(),
                status,
                location: header("location").map(|l| shorten(&l)),
                request_id,
            });
        }
        let limit = self.inner.config.max_body_bytes;
        let bytes = match read_capped(response, limit).await {
            Ok(bytes) => scrub.body(bytes, (200..300).contains(&status)),
            Err(BodyError::TooLarge) => {
                return Err(Error::BodyTooLarge {
                    method,
                    url: url.to_string(),
                    status,
                    limit,
                    request_id,
                })
            }
            Err(BodyError::Transport(e)) => return Err(self.transport_error(method, url, e)),
        };
        // One line per HTTP request: never headers (the key) nor bodies (sensitive values).
        tracing::info!(target: "barrack_api::http", op = ?op, method = method.as_str(),
            route = route.path, url = %url, status, duration_ms = started.elapsed().as_millis() as u64,
            request_id = request_id.as_deref().unwrap_or("-"), "Barrack request");
        if (200..300).contains(&status) {
            let body = if bytes.iter().all(u8::is_ascii_whitespace) {
                Value::Null
            } else {
                serde_json::from_slice(&bytes).map_err(|e| Error::Decode {
                    method,
                    url: url.to_string(),
                    status,
                    message: format!("invalid JSON: {e}"),
                    request_id: request_id.clone(),
                })?
            };
            return Ok(Response {
                op,
                method,
                url: url.to_string(),
                status,
                request_id,
                body,
                attempts: 1,
            });
        }
        let (message, error_reason) = match serde_json::from_slice::<wire::ErrorBody>(&bytes) {
            Ok(body) => (body.message, body.error_reason),
            Err(_) => (shorten(&String::from_utf8_lossy(&bytes)), String::new()),
        };
        let message = if message.is_empty() {
            reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("no message")
                .to_owned()
        } else {
            message
        };
        Err(Error::Api {
            method,
            url: url.to_string(),
            status,
            message,
            error_reason,
            request_id,
            retry_after,
        })
    }

    fn transport_error(&self, method: Method, url: &reqwest::Url, e: reqwest::Error) -> Error {
        if e.is_timeout() {
            return Error::Timeout {
                method,
                url: url.to_string(),
                timeout: self.inner.config.timeout,
            };
        }
        let sent = !e.is_connect();
        let e = e.without_url();
        let mut text = e.to_string();
        let mut next = std::error::Error::source(&e);
        while let Some(c) = next {
            text.push_str(": ");
            text.push_str(&c.to_string());
            next = c.source();
        }
        Error::Transport {
            method,
            url: url.to_string(),
            cause: text,
            sent,
        }
    }
}

/// The start of a server-provided text, on one line (at most 200 characters).
fn shorten(text: &str) -> String {
    let mut short: String = text
        .trim()
        .chars()
        .take(200)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.trim().chars().nth(200).is_some() {
        short.push('…');
    }
    short
}

fn http_method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Delete => reqwest::Method::DELETE,
    }
}

/// Serializes a request body; a failure is a caller bug, reported as `InvalidRequest`.
pub(crate) fn to_body<B: Serialize>(op: Op, body: &B) -> Result<Value, Error> {
    serde_json::to_value(body).map_err(|e| Error::InvalidRequest {
        op: OpName(op).to_string(),
        message: format!("cannot serialize the body: {e}"),
    })
}
