//! Request bodies must keep coming: a body that stalls longer than the idle timeout, or that
//! after it averages less than the minimum rate (one byte at a time, say), is cut off with a
//! 408 and the connection closes, so a slow client cannot hold a connection slot forever.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use tokio::time::Instant;

use super::error::ApiError;
use super::listen::Guards;

#[derive(Debug, thiserror::Error)]
#[error("the request body came too slowly")]
struct BodyTooSlow;

/// The instant by which the next piece of a body must arrive, `received` bytes in.
fn deadline(guards: &Guards, started: Instant, received: u64) -> Instant {
    let idle = Instant::now() + guards.body_idle_timeout;
    let rate = guards.min_body_rate.max(1) as f64;
    let paced =
        started + guards.body_idle_timeout + Duration::from_secs_f64(received as f64 / rate);
    idle.min(paced)
}

/// Wraps a request's body (when it has one) in the deadlines of [`Guards`]; answers 408 when
/// the handler's read of it ran out of time.
pub async fn pace_bodies(State(guards): State<Guards>, req: Request, next: Next) -> Response {
    let has_body = req.headers().get(header::CONTENT_LENGTH).is_some_and(|v| v != "0")
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    if !has_body {
        return next.run(req).await;
    }
    let too_slow = Arc::new(AtomicBool::new(false));
    let flag = too_slow.clone();
    let (parts, body) = req.into_parts();
    let started = Instant::now();
    let chunks = futures::stream::unfold(
        (body.into_data_stream(), 0u64, false),
        move |(mut chunks, received, done)| {
            let flag = flag.clone();
            async move {
                if done {
                    return None;
                }
                let until = deadline(&guards, started, received);
                match tokio::time::timeout_at(until, chunks.next()).await {
                    Ok(Some(Ok(bytes))) => {
                        let received = received + bytes.len() as u64;
                        Some((Ok(bytes), (chunks, received, false)))
                    }
                    Ok(Some(Err(e))) => {
                        Some((Err(axum::BoxError::from(e)), (chunks, received, true)))
                    }
                    Ok(None) => None,
                    Err(_) => {
                        flag.store(true, Ordering::Relaxed);
                        Some((Err(axum::BoxError::from(BodyTooSlow)), (chunks, received, true)))
                    }
                }
            }
        },
    );
    let req = Request::from_parts(parts, Body::from_stream(chunks));
    let resp = next.run(req).await;
    if !too_slow.load(Ordering::Relaxed) {
        return resp;
    }
    let why = format!(
        "The request body stopped for {} s or came slower than {} bytes per second; send it again faster",
        guards.body_idle_timeout.as_secs(),
        guards.min_body_rate
    );
    let mut resp = ApiError::new(StatusCode::REQUEST_TIMEOUT, why).into_response();
    resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}
