//! The accept loop: what `axum::serve` does, plus the limits a server on a shop-floor network
//! needs. A connection must send a request's headers in time (also when idle between
//! requests), only so many are open at once (more are closed at once), and
//! an error answer to a request whose body was not read says `Connection: close`, so a
//! keep-alive client does not send its next request into a closed connection. URLs longer
//! than a hosted instance's proxies take are refused.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How long a connection may take to send a request's headers (or sit idle between requests),
/// and how many may be open at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { header_timeout: Duration::from_secs(30), max_connections: 512 }
    }
}
/// The longest request target (path and query) accepted, as by the proxies in front of a
/// hosted instance (8 to 16 KiB): a client that builds longer URLs fails here as it would
/// there, not only in the field.
pub const MAX_URI: usize = 8 * 1024;

/// Refuses a request whose URL is longer than [`MAX_URI`] with a 414.
pub async fn refuse_long_uri(req: Request, next: Next) -> Response {
    use axum::response::IntoResponse;
    let len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if len > MAX_URI {
        let why = format!("The request's URL is {len} bytes long; at most {MAX_URI} are accepted");
        return super::error::ApiError::new(axum::http::StatusCode::URI_TOO_LONG, why)
            .into_response();
    }
    next.run(req).await
}

/// How long open requests may finish after a shutdown is asked for.
const DRAIN: Duration = Duration::from_secs(5);

/// Answers with `Connection: close` when an error leaves part of the request body unread.
pub async fn close_after_unread_error(req: Request, next: Next) -> Response {
    let has_body = req.headers().get(header::CONTENT_LENGTH).is_some_and(|v| v != "0")
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    let mut resp = next.run(req).await;
    if has_body && (resp.status().is_client_error() || resp.status().is_server_error()) {
        resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}

/// Serves `app` on `listener` until `shutdown` completes, then lets open requests finish for
/// a few seconds.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(limits.header_timeout));
    let builder = Arc::new(builder);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::warn!(
                limit = limits.max_connections,
                "connections at the limit; closing a new one"
            );
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let conn =
            builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
}
