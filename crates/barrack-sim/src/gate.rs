//! The API gate, in order: count, delay, rate limit, injected 429/5xx, auth; then the
//! operation (held first by `late_delivery`); then an injected connection drop.
//!
//! A mutation is read in full and then processed in its own task: like a real server, once
//! it has received a create it finishes it even if the client disconnects (hyper drops the
//! handler future of a closed connection; the task is not that future).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use barrack_wire::wire;

use crate::api::{Fate, API_PREFIX};
use crate::conn::Conn;
use crate::error::ApiError;
use crate::shared::{lock, Shared};

/// Marks a response whose connection was dropped (for the request log).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dropped;

/// The largest request body read (axum's default limit for extractors).
const MAX_BODY: usize = 2 * 1024 * 1024;

pub(crate) async fn api_gate(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    matched: Option<MatchedPath>,
    req: Request,
    next: Next,
) -> Response {
    let template = matched
        .as_ref()
        .map(|m| m.as_str().strip_prefix(API_PREFIX).unwrap_or(m.as_str()))
        .unwrap_or("?")
        .to_owned();
    if !is_mutation(req.method()) {
        return process(shared, conn, template, req, next).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "request body too large or unreadable",
            )
            .into_response()
        }
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    match tokio::spawn(process(shared, conn, template, req, next)).await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, "a request task failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "internal error",
            )
            .into_response()
        }
    }
}

fn is_mutation(method: &Method) -> bool {
    [Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(method)
}

async fn process(
    shared: Arc<Shared>,
    conn: Conn,
    template: String,
    mut req: Request,
    next: Next,
) -> Response {
    let mutation = is_mutation(req.method());
    let key = format!("{} {template}", req.method());
    lock(&shared.counters).bump(&key);
    let roll = lock(&shared.faults).roll();

    let delay = shared.latency + roll.extra_latency.unwrap_or_default();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let limited = lock(&shared.limiter).check(conn.remote.ip(), Instant::now());
    if let Err(retry_after) = limited {
        lock(&shared.counters).throttled += 1;
        return too_many(retry_after, "rate limit exceeded");
    }
    if roll.too_many_requests {
        return too_many(1, "rate limit exceeded (injected)");
    }
    if let Some(status) = roll.error_5xx {
        return ApiError::new(status, "server_error", "injected server error").into_response();
    }
    if let Err(error) = authorize(req.headers(), &shared.api_key) {
        return error.into_response();
    }
    req.extensions_mut().insert(Fate {
        doomed: roll.doomed,
    });
    let late = roll.late_delivery.filter(|_| mutation);
    if let Some(hold) = late {
        tracing::info!(route = %key, ms = hold.as_millis() as u64, "holding a mutation (late delivery)");
        lock(&shared.counters).late.held += 1;
        tokio::time::sleep(hold).await;
    }
    let mut response = next.run(req).await;
    if late.is_some() {
        let mut counters = lock(&shared.counters);
        counters.late.held = counters.late.held.saturating_sub(1);
        counters.late.delivered += 1;
    }
    if roll.drop_after_processing {
        conn.kill.trip();
        response.extensions_mut().insert(Dropped);
    }
    response
}

fn too_many(retry_after: u64, message: &str) -> Response {
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("{message}; retry after {retry_after} s"),
    )
    .into_response();
    response
        .headers_mut()
        .insert(wire::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

/// Accepts the key as `Authorization: Bearer K`, `X-API-Key: K` or `api_key: K`.
/// Error messages never contain what was sent.
fn authorize(headers: &HeaderMap, key: &str) -> Result<(), ApiError> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let offered: Vec<&str> = bearer
        .into_iter()
        .chain(
            ["x-api-key", "api_key"]
                .iter()
                .filter_map(|h| headers.get(*h).and_then(|v| v.to_str().ok())),
        )
        .collect();
    if offered.is_empty() {
        return Err(ApiError::unauthorized("missing API key"));
    }
    if offered.iter().any(|k| k.trim() == key) {
        Ok(())
    } else {
        Err(ApiError::unauthorized("invalid API key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn auth_headers() {
        assert!(authorize(&headers(&[("authorization", "Bearer k")]), "k").is_ok());
        assert!(authorize(&headers(&[("x-api-key", "k")]), "k").is_ok());
        assert!(authorize(&headers(&[("api_key", "k")]), "k").is_ok());
        let missing = authorize(&headers(&[]), "k").unwrap_err();
        assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
        let wrong = authorize(&headers(&[("authorization", "Bearer secret-x")]), "k").unwrap_err();
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(!wrong.message.contains("secret-x"));
        assert!(authorize(&headers(&[("authorization", "Basic k")]), "k").is_err());
    }
}
