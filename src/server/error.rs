//! Every failure the server answers with: a status and the API's error body. Bad input is
//! always a 4xx naming the field; a 5xx is only ever sent when nothing was committed.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::api::{ApiErrorBody, ApiIssue};

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ApiErrorBody,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let code = match status {
            StatusCode::BAD_REQUEST => "BAD_REQUEST",
            StatusCode::UNAUTHORIZED => "UNAUTHORIZED",
            StatusCode::FORBIDDEN => "FORBIDDEN",
            StatusCode::NOT_FOUND => "NOT_FOUND",
            StatusCode::METHOD_NOT_ALLOWED => "METHOD_NOT_SUPPORTED",
            StatusCode::CONFLICT => "CONFLICT",
            StatusCode::PAYLOAD_TOO_LARGE => "PAYLOAD_TOO_LARGE",
            StatusCode::URI_TOO_LONG => "URI_TOO_LONG",
            StatusCode::REQUEST_TIMEOUT => "REQUEST_TIMEOUT",
            StatusCode::UNPROCESSABLE_ENTITY => "UNPROCESSABLE_CONTENT",
            StatusCode::SERVICE_UNAVAILABLE => "SERVICE_UNAVAILABLE",
            _ => "INTERNAL_SERVER_ERROR",
        };
        ApiError {
            status,
            body: ApiErrorBody { message: message.into(), code: code.into(), issues: Vec::new() },
        }
    }

    /// A 400 about one field: the message says which, and `issues` carries its path.
    pub fn field(path: &[Value], message: impl Into<String>) -> Self {
        let message = message.into();
        let dotted = dotted_path(path);
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, format!("Invalid {dotted}: {message}"));
        e.body.issues.push(ApiIssue { message, path: path.to_vec() });
        e
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    pub fn with_issue_path(mut self, path: &[Value]) -> Self {
        let message = self.body.message.clone();
        self.body.issues.push(ApiIssue { message, path: path.to_vec() });
        self
    }
}

/// `phases[2].measurements[0].outcome` from `["phases", 2, "measurements", 0, "outcome"]`.
pub fn dotted_path(path: &[Value]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Value::Number(n) => out.push_str(&format!("[{n}]")),
            Value::String(s) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(s);
            }
            other => out.push_str(&other.to_string()),
        }
    }
    if out.is_empty() { "request".to_string() } else { out }
}

/// Path segments, e.g. `path!["phases", 2]`.
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => { [$(serde_json::Value::from($seg)),*] };
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        // A busy or locked database means nothing was committed: the client may retry.
        if let rusqlite::Error::SqliteFailure(f, _) = &e
            && matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            )
        {
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The database is busy; retry shortly",
            );
        }
        tracing::error!(error = %e, "database error");
        ApiError::internal("Internal database error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}
