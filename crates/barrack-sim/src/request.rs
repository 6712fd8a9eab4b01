//! One API request as the operation handlers see it: path ids, query, JSON body, fate.

use std::collections::HashMap;

use axum::body::Bytes;
use serde::de::DeserializeOwned;

use crate::envelope::Paging;
use crate::error::{ApiError, ApiResult};
use crate::validate;
use barrack_wire::Catalog;

/// The parts of a request an operation reads.
#[derive(Debug, Default)]
pub(crate) struct Req {
    pub(crate) params: HashMap<String, String>,
    pub(crate) query: HashMap<String, String>,
    pub(crate) body: Bytes,
    /// The `operation_error` fault fired: a create made by this request ends in ERROR.
    pub(crate) doomed: bool,
}

impl Req {
    /// The `{id}` path parameter as an id of `kind` (404 when it is not one).
    pub(crate) fn id(&self, kind: &str) -> ApiResult<u64> {
        self.param("id", kind)
    }

    /// A named integer path parameter (404 when it is not an integer).
    pub(crate) fn param(&self, name: &str, kind: &str) -> ApiResult<u64> {
        let text = self.params.get(name).map(String::as_str).unwrap_or("");
        text.parse().map_err(|_| ApiError::not_found(kind, text))
    }

    /// The JSON body; an empty body reads as `{}`.
    pub(crate) fn json<T: DeserializeOwned + Default>(&self) -> ApiResult<T> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(T::default());
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
    }

    pub(crate) fn paging(&self) -> ApiResult<Paging> {
        Paging::from_query(&self.query)
    }

    /// The optional `?region=` filter, validated.
    pub(crate) fn region(&self, catalog: &Catalog) -> ApiResult<Option<&str>> {
        match self.query.get("region").map(String::as_str) {
            None | Some("") => Ok(None),
            Some(region) => validate::region(catalog, region).map(|()| Some(region)),
        }
    }
}
