//! The API's error answer: a status code and `wire::ErrorBody`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use barrack_wire::wire::ErrorBody;

/// An error the emulator answers with, exactly as the real API would shape it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    pub(crate) reason: &'static str,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        reason: &'static str,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            message: message.into(),
            reason,
        }
    }

    /// 400: the request is malformed or breaks a validation rule.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "validation_error", message)
    }

    /// 401: no or wrong API key.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 402: the balance cannot cover the request.
    pub(crate) fn insufficient_credits(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYMENT_REQUIRED,
            "insufficient_credits",
            message,
        )
    }

    /// 404: no such resource.
    pub(crate) fn not_found(kind: &str, id: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{kind} {id} not found"),
        )
    }

    /// 409: the resource is in the wrong state, or a conflict (stock, attachments, use).
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// The body the API sends.
    pub(crate) fn body(&self) -> ErrorBody {
        ErrorBody {
            status: false,
            message: self.message.clone(),
            error_reason: self.reason.to_owned(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// Shorthand for the handlers' results.
pub(crate) type ApiResult<T> = Result<T, ApiError>;
