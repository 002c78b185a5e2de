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
            s if s.is_server_error() => "INTERNAL_SERVER_ERROR",
            // Another 4xx (a 415 from an extractor, say): its reason, as the others are.
            s => {
                let reason = s.canonical_reason().unwrap_or("Bad Request");
                let code = reason.to_ascii_uppercase().replace([' ', '-'], "_");
                return ApiError::with_code(status, code, message);
            }
        };
        ApiError::with_code(status, code.into(), message)
    }

    fn with_code(status: StatusCode, code: String, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ApiErrorBody { message: message.into(), code, issues: Vec::new() },
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

/// Gives an error answer made outside our handlers (an extractor's rejection: a path segment
/// that is not UTF-8, a query that does not parse) the API's JSON body, keeping its status and
/// headers and saying what its text said.
pub async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::header;
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    // An encoded (compressed) body is not text to quote.
    let encoded = resp.headers().contains_key(header::CONTENT_ENCODING);
    if !(status.is_client_error() || status.is_server_error()) || is_json || encoded {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("The request failed").to_string()
    } else {
        text
    };
    let fresh = ApiError::new(status, message).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    Response::from_parts(parts, fresh.into_body())
}
