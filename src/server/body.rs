//! The JSON body extractor: a malformed or mistyped body is a 400 whose message and `issues`
//! name the offending field; an oversized one a 413.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ApiError;

/// Largest JSON body accepted (a run with every log line of a long soak test fits).
pub const MAX_JSON_BODY: usize = 64 * 1024 * 1024;

pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("Request body is larger than the {} MiB limit", MAX_JSON_BODY >> 20),
                )
            } else {
                ApiError::bad_request(format!("Could not read the request body: {rej}"))
            }
        })?;
        parse_json(&bytes).map(JsonBody)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("The request body is empty; a JSON object was expected"));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => {
            de.end().map_err(|e| ApiError::bad_request(format!("Malformed JSON body: {e}")))?;
            Ok(v)
        }
        Err(err) => {
            let inner = err.inner();
            let path = path_segments(err.path());
            if inner.is_syntax() || inner.is_eof() {
                return Err(ApiError::bad_request(format!("Malformed JSON body: {inner}")));
            }
            // serde's message ends with "at line 1 column 40"; the path says it better.
            let msg = inner.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            Err(ApiError::field(&path, msg))
        }
    }
}

fn path_segments(path: &serde_path_to_error::Path) -> Vec<Value> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|seg| match seg {
            Segment::Seq { index } => Some(Value::from(*index)),
            Segment::Map { key } => Some(Value::from(key.as_str())),
            Segment::Enum { variant } => Some(Value::from(variant.as_str())),
            Segment::Unknown => None,
        })
        .collect()
}
