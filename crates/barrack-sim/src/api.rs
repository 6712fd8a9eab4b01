//! The `/v1` router: every row of `barrack_wire::ROUTES`, mounted from the table itself.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{QueryRejection, RawPathParamsRejection};
use axum::extract::{Query, RawPathParams, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter};
use axum::{Extension, Json, Router};
use barrack_wire::{Method, Op, ROUTES};

use crate::error::ApiError;
use crate::request::Req;
use crate::shared::{lock, Shared};

/// Where the API routes live.
pub(crate) const API_PREFIX: &str = "/v1";

/// The request's fate decided by the fault middleware, read by creates.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Fate {
    pub(crate) doomed: bool,
}

fn filter(method: Method) -> MethodFilter {
    match method {
        Method::Get => MethodFilter::GET,
        Method::Post => MethodFilter::POST,
        Method::Put => MethodFilter::PUT,
        Method::Delete => MethodFilter::DELETE,
    }
}

/// One route per row of the table (paths relative to [`API_PREFIX`]).
pub(crate) fn router() -> Router<Arc<Shared>> {
    let mut router = Router::new();
    for route in ROUTES {
        let op = route.op;
        router = router.route(
            route.path,
            on(
                filter(route.method),
                move |state, params, query, fate, body| {
                    handle(op, state, params, query, fate, body)
                },
            ),
        );
    }
    router
}

async fn handle(
    op: Op,
    State(shared): State<Arc<Shared>>,
    params: Result<RawPathParams, RawPathParamsRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    fate: Option<Extension<Fate>>,
    body: Bytes,
) -> Response {
    let query = match query {
        Ok(Query(query)) => query,
        Err(e) => return ApiError::bad_request(format!("invalid query: {e}")).into_response(),
    };
    let params = match params {
        Ok(params) => params
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        Err(e) => return ApiError::bad_request(format!("invalid path: {e}")).into_response(),
    };
    let req = Req {
        params,
        query,
        body,
        doomed: fate.is_some_and(|Extension(f)| f.doomed),
    };
    let result = lock(&shared.sim).dispatch(op, &req);
    shared.persist().await;
    match result {
        Ok(envelope) => (StatusCode::OK, Json(envelope.into_value())).into_response(),
        Err(error) => error.into_response(),
    }
}

/// 404 for a path no route matches.
pub(crate) async fn no_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route")
}

/// 405 for a known path with the wrong method.
pub(crate) async fn wrong_method() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "method not allowed on this route",
    )
}
