//! The accept loop: what `axum::serve` does, plus the limits a server on a shop-floor network
//! needs. A connection must send its first byte soon after it is accepted and a request's
//! headers in time (also when idle between requests); only so many are open at once, and
//! fewer from any one peer address (more are closed at once), so one host cannot take every
//! slot. An error answer to a request whose body was not read says `Connection: close`, so a
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
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

use super::parse_errors::JsonParseErrors;
use super::peers::PeerSlots;

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

/// What keeps a client that sends nothing, or sends slowly, from holding the server's slots:
/// each has a default derived from [`Limits`] ([`Guards::for_limits`]).
#[derive(Debug, Clone, Copy)]
pub struct Guards {
    /// From accept to a connection's first byte (hyper's header timeout starts only there).
    pub first_byte_timeout: Duration,
    /// Connections one peer address may hold at once: below the global limit, so a host that
    /// opens hundreds of silent connections leaves slots to everyone else.
    pub max_per_peer: usize,
    /// The longest wait for the next piece of a request body.
    pub body_idle_timeout: Duration,
    /// After its first `body_idle_timeout`, a body must keep coming at least this fast on
    /// average (bytes per second): a body dribbled a byte at a time is cut off.
    pub min_body_rate: u64,
    /// Uploads (`PUT /files/…`) read at once; more are answered 503 at once.
    pub max_uploads: usize,
}

impl Guards {
    pub fn for_limits(limits: &Limits) -> Guards {
        Guards {
            first_byte_timeout: limits.header_timeout.min(Duration::from_secs(10)),
            max_per_peer: (limits.max_connections / 4).max(1),
            body_idle_timeout: limits.header_timeout.min(Duration::from_secs(20)),
            // 4 KiB/s: a 100 MiB attachment over the slowest link a station uses still fits.
            min_body_rate: 4 * 1024,
            max_uploads: 8,
        }
    }
}

impl Default for Guards {
    fn default() -> Self {
        Guards::for_limits(&Limits::default())
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

/// Waits for a new connection's first byte: false when it sends none in time, closes, or
/// the server stops meanwhile.
async fn first_byte(stream: &TcpStream, wait: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    let mut byte = [0u8; 1];
    tokio::select! {
        peeked = tokio::time::timeout(wait, stream.peek(&mut byte)) => {
            matches!(peeked, Ok(Ok(n)) if n > 0)
        }
        _ = stop.wait_for(|stopped| *stopped) => false,
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets open requests finish for
/// a few seconds.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    guards: Guards,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(limits.header_timeout));
    let builder = Arc::new(builder);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let peers = PeerSlots::new(guards.max_per_peer.min(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
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
        let Some(peer_slot) = peers.take(peer.ip()) else {
            tracing::debug!(%peer, limit = guards.max_per_peer, "peer at its connection limit");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _held = (slot, peer_slot);
            if !first_byte(&stream, guards.first_byte_timeout, &mut stop).await {
                return;
            }
            let service = TowerToHyperService::new(app);
            let conn = builder
                .serve_connection_with_upgrades(TokioIo::new(JsonParseErrors::new(stream)), service)
                .into_owned();
            let _ = watcher.watch(conn).await;
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
}
