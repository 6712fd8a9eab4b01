//! Hostile-server behaviour: answers that break the contract on purpose (malformed JSON, an
//! endless or slow-drip body, a bogus list `count`, a redirect elsewhere, an error that
//! echoes the API key), so tests can prove the client survives a broken or malicious API.
//!
//! One mode at a time applies to every `/v1` request (never to `/_sim`). It is set by
//! [`crate::SimConfig::hostile`], `barrack-sim --hostile MODE`, or
//! `PUT /_sim/faults/hostile` (`GET` shows it, `DELETE` turns it off). See `docs/sim.md`.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{OriginalUri, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::shared::lock;

/// The `count` a [`Hostile::BogusCount`] answer claims unless told otherwise: 10^12.
pub const BOGUS_COUNT: u64 = 1_000_000_000_000;

/// Bytes per chunk of an endless body.
const ENDLESS_CHUNK: usize = 64 * 1024;

/// How a hostile server misbehaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Hostile {
    /// `200` with a JSON body cut off in the middle.
    MalformedJson,
    /// `200` whose body never ends (64 KiB chunks of list items, forever).
    EndlessBody,
    /// Every list answer claims `count` items with `page_size: 1` and holds no items.
    BogusCount {
        #[serde(default = "bogus_count")]
        count: u64,
    },
    /// `307` to `to` (a base such as `http://127.0.0.1:PORT`) plus the same path and query.
    Redirect { to: String },
    /// An error with status `status` (401 or 500 are typical) whose text body is `bad key: `
    /// followed by every credential header the request carried, as a careless server would.
    KeyEcho {
        #[serde(default = "unauthorized")]
        status: u16,
    },
    /// `200` with the start of a body, then one byte every `interval_ms`, never finishing.
    SlowDrip {
        #[serde(default = "drip_interval")]
        interval_ms: u64,
    },
}

fn bogus_count() -> u64 {
    BOGUS_COUNT
}

fn unauthorized() -> u16 {
    401
}

fn drip_interval() -> u64 {
    500
}

impl fmt::Display for Hostile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hostile::MalformedJson => f.write_str("malformed-json"),
            Hostile::EndlessBody => f.write_str("endless-body"),
            Hostile::BogusCount { count } => write!(f, "bogus-count={count}"),
            Hostile::Redirect { to } => write!(f, "redirect={to}"),
            Hostile::KeyEcho { status } => write!(f, "key-echo={status}"),
            Hostile::SlowDrip { interval_ms } => write!(f, "slow-drip={interval_ms}"),
        }
    }
}

impl FromStr for Hostile {
    type Err = String;

    /// `malformed-json`, `endless-body`, `bogus-count[=N]`, `redirect=URL`,
    /// `key-echo[=STATUS]`, `slow-drip[=MS]`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, arg) = match s.split_once('=') {
            Some((name, arg)) => (name, Some(arg)),
            None => (s, None),
        };
        let number = |default: u64| -> Result<u64, String> {
            arg.map_or(Ok(default), |a| {
                a.parse().map_err(|_| format!("`{a}` is not a number"))
            })
        };
        Ok(match name {
            "malformed-json" => Hostile::MalformedJson,
            "endless-body" => Hostile::EndlessBody,
            "bogus-count" => Hostile::BogusCount {
                count: number(BOGUS_COUNT)?,
            },
            "redirect" => Hostile::Redirect {
                to: arg
                    .filter(|a| !a.is_empty())
                    .ok_or("redirect needs a target: `redirect=http://127.0.0.1:PORT`")?
                    .trim_end_matches('/')
                    .to_owned(),
            },
            "key-echo" => Hostile::KeyEcho {
                status: u16::try_from(number(401)?).map_err(|_| "status out of range")?,
            },
            "slow-drip" => Hostile::SlowDrip {
                interval_ms: number(drip_interval())?,
            },
            other => {
                return Err(format!(
                    "unknown hostile mode `{other}`: expected malformed-json, endless-body, \
                     bogus-count[=N], redirect=URL, key-echo[=STATUS] or slow-drip[=MS]"
                ))
            }
        })
    }
}

/// The current mode, shared by the API layer and the admin routes.
pub(crate) type HostileCell = Arc<Mutex<Option<Hostile>>>;

/// Middleware on the `/v1` routes: answers in the hostile way, or passes the request on.
pub(crate) async fn layer(State(cell): State<HostileCell>, req: Request, next: Next) -> Response {
    let mode = lock(&cell).clone();
    match mode {
        None => next.run(req).await,
        Some(Hostile::MalformedJson) => json_response(
            StatusCode::OK,
            Body::from(r#"{"status": true, "message": "ok", "instances": [{"id": 1, "na"#),
        ),
        Some(Hostile::EndlessBody) => json_response(StatusCode::OK, endless_body()),
        Some(Hostile::SlowDrip { interval_ms }) => json_response(
            StatusCode::OK,
            slow_drip(Duration::from_millis(interval_ms)),
        ),
        Some(Hostile::Redirect { to }) => redirect(&to, &req),
        Some(Hostile::KeyEcho { status }) => key_echo(status, &req),
        Some(Hostile::BogusCount { count }) => bogus(next.run(req).await, count).await,
    }
}

fn json_response(status: StatusCode, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn endless_body() -> Body {
    let item = br#"{"id": 1, "name": "endless", "status": "ACTIVE"}, "#;
    let chunk: Vec<u8> = item.iter().copied().cycle().take(ENDLESS_CHUNK).collect();
    let chunk = Bytes::from(chunk);
    let head = Bytes::from_static(br#"{"status": true, "message": "ok", "instances": ["#);
    let stream = futures::stream::iter(std::iter::once(head).chain(std::iter::repeat(chunk)))
        .map(Ok::<Bytes, std::io::Error>);
    Body::from_stream(stream)
}

fn slow_drip(interval: Duration) -> Body {
    let head = Bytes::from_static(br#"{"status": true, "message": "ok", "#);
    let stream = futures::stream::unfold(Some(head), move |first| async move {
        match first {
            Some(head) => Some((Ok::<Bytes, std::io::Error>(head), None)),
            None => {
                tokio::time::sleep(interval).await;
                Some((Ok(Bytes::from_static(b" ")), None))
            }
        }
    });
    Body::from_stream(stream)
}

fn redirect(to: &str, req: &Request) -> Response {
    // Inside `nest`, the URI lost its `/v1` prefix; the original has it.
    let uri = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().clone(), |o| o.0.clone());
    let target = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let location = format!("{to}{target}");
    match HeaderValue::from_str(&location) {
        Ok(value) => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::TEMPORARY_REDIRECT;
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        Err(_) => {
            ApiError::bad_request("hostile redirect target is not a header value").into_response()
        }
    }
}

fn key_echo(status: u16, req: &Request) -> Response {
    let offered: Vec<&str> = ["authorization", "x-api-key", "api_key"]
        .iter()
        .filter_map(|h| req.headers().get(*h).and_then(|v| v.to_str().ok()))
        .collect();
    let text = format!("bad key: {}", offered.join(", "));
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNAUTHORIZED);
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    response
}

/// Rewrites a successful list answer: `count` claimed, `page_size: 1`, every list emptied.
async fn bogus(response: Response, count: u64) -> Response {
    if !response.status().is_success() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "body")
            .into_response();
    };
    let mut value: Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(_) => return Response::from_parts(parts, Body::from(bytes)),
    };
    if let Some(object) = value.as_object_mut().filter(|o| o.contains_key("count")) {
        for item in object.values_mut() {
            if let Value::Array(items) = item {
                items.clear();
            }
        }
        object.insert("count".to_owned(), json!(count));
        object.insert("page_size".to_owned(), json!(1));
    }
    let mut response = Response::from_parts(parts, Body::from(value.to_string()));
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}

/// `/faults/hostile` under the admin prefix: `GET` the mode, `PUT` one, `DELETE` it.
pub(crate) fn admin_router<S: Clone + Send + Sync + 'static>(cell: HostileCell) -> Router<S> {
    Router::new()
        .route(
            "/faults/hostile",
            get(get_mode).put(set_mode).delete(clear_mode),
        )
        .with_state(cell)
}

async fn get_mode(State(cell): State<HostileCell>) -> Json<Value> {
    Json(json!({"hostile": lock(&cell).clone()}))
}

async fn set_mode(State(cell): State<HostileCell>, body: Bytes) -> Response {
    match serde_json::from_slice::<Hostile>(&body) {
        Ok(mode) => {
            *lock(&cell) = Some(mode.clone());
            Json(json!({"status": true, "message": "hostile mode set", "hostile": mode}))
                .into_response()
        }
        Err(e) => ApiError::bad_request(format!(
            "invalid hostile mode: {e} (expected {{\"mode\": \"malformed_json\"}}, \
             \"endless_body\", \"bogus_count\", \"redirect\" with \"to\", \"key_echo\" or \
             \"slow_drip\")"
        ))
        .into_response(),
    }
}

async fn clear_mode(State(cell): State<HostileCell>) -> Json<Value> {
    *lock(&cell) = None;
    Json(json!({"status": true, "message": "hostile mode off"}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_and_print_back() {
        for text in [
            "malformed-json",
            "endless-body",
            "bogus-count=7",
            "redirect=http://127.0.0.1:9",
            "key-echo=500",
            "slow-drip=20",
        ] {
            let mode: Hostile = text.parse().unwrap();
            assert_eq!(mode.to_string(), text);
        }
        assert_eq!(
            "bogus-count".parse::<Hostile>(),
            Ok(Hostile::BogusCount { count: BOGUS_COUNT })
        );
        assert!("redirect".parse::<Hostile>().is_err());
        assert!("nope".parse::<Hostile>().is_err());
    }
}
