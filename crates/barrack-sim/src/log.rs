//! Request ids and the one-line-per-request log (method, path, status, time; never the key).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use barrack_wire::wire;

use crate::gate::Dropped;
use crate::shared::Shared;

pub(crate) async fn request_log(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let n = shared.next_request.fetch_add(1, Ordering::Relaxed);
    let request_id = format!("sim-{n:08x}");
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let start = Instant::now();
    let mut response = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(wire::REQUEST_ID, value);
    }
    let dropped = response.extensions().get::<Dropped>().is_some();
    tracing::info!(
        request_id = %request_id,
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        ms = start.elapsed().as_millis() as u64,
        dropped,
        "request"
    );
    response
}
