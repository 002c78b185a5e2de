//! The embedded TofuPilot API v2 server (`tofui serve`, `tofui --demo`, every test and
//! benchmark): axum over a SQLite store. It knows nothing of the dashboard.

pub mod auth;
pub mod body;
pub mod body_pace;
mod compress;
pub mod error;
pub mod listen;
pub mod parse_errors;
pub mod peers;
pub mod query;
pub mod routes;
pub mod scope;
pub mod seed;
pub mod store;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, Uri};
use axum::routing::{get, post, put};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use auth::{Caller, KeyTable};
use error::ApiError;
use store::{SharedStore, catalog};

#[derive(Clone)]
pub struct AppState {
    pub store: SharedStore,
    /// Where this server is reached: the root of upload and download links. Set from the
    /// address it listens on or `--public-url`, never from a request's Host header (which a
    /// client controls).
    pub base_url: String,
    /// Uploads being read now (each streams to a temporary file): bounded by
    /// [`listen::Guards::max_uploads`].
    pub uploads: Arc<tokio::sync::Semaphore>,
    /// The keys answered to: a station's removal revokes its key here too.
    pub keys: KeyTable,
}

pub fn router(state: AppState, keys: KeyTable, guards: listen::Guards) -> Router {
    use routes::{
        catalog as c, crossrun as x, files, parts as pa, procedures as pr, runs, units as u,
    };
    let api = Router::new()
        .route("/runs", get(runs::list_runs).post(runs::create).delete(runs::delete))
        .route("/runs/{id}", get(runs::get_run).patch(runs::update))
        .route("/runs/{id}/metadata", axum::routing::patch(runs::update_metadata))
        .route("/runs/{id}/attachments", post(runs::create_attachment))
        .route("/attachments", post(files::initialize))
        .route("/attachments/{id}/finalize", post(files::finalize))
        .route("/procedures", get(pr::list).post(pr::create))
        .route("/procedures/{id}", get(pr::get).patch(pr::update).delete(pr::delete))
        .route("/procedures/{id}/versions", post(pr::create_version))
        .route("/procedures/{id}/versions/{tag}", get(pr::get_version).delete(pr::delete_version))
        .route("/parts", get(pa::list).post(pa::create))
        .route("/parts/{number}", get(pa::get).patch(pa::update).delete(pa::delete))
        .route("/parts/{number}/revisions", post(pa::create_revision))
        .route(
            "/parts/{number}/revisions/{revision}",
            get(pa::get_revision).patch(pa::update_revision).delete(pa::delete_revision),
        )
        .route("/batches", get(pa::list_batches).post(pa::create_batch))
        .route(
            "/batches/{number}",
            get(pa::get_batch).patch(pa::update_batch).delete(pa::delete_batch),
        )
        .route("/units", get(u::list).post(u::create).delete(u::delete))
        .route("/units/{serial}", get(u::get).patch(u::update))
        .route("/units/{serial}/children", put(u::add_child).delete(u::remove_child))
        .route(
            "/units/{serial}/attachments",
            post(u::create_attachment).delete(u::delete_attachments),
        )
        .route("/stations", get(u::list_stations).post(u::create_station))
        .route("/stations/current", get(u::current_station))
        .route(
            "/stations/{id}",
            get(u::get_station).patch(u::update_station).delete(u::remove_station),
        )
        .route("/users", get(c::list_users))
        .route("/users/current", get(c::current_user))
        .route("/whoami", get(c::whoami))
        .route("/measurements", get(x::list_measurements))
        .route("/measurements/{id}", get(x::get_measurement))
        .route("/phases", get(x::list_phases))
        .route("/phases/{id}", get(x::get_phase))
        .route("/logs", get(x::list_logs))
        .route("/logs/{id}", get(x::get_log))
        // Inside the key check, which tells it who asks.
        .route_layer(axum::middleware::from_fn(scope::hide_emails))
        .route_layer(axum::middleware::from_fn_with_state(keys, auth::require_key))
        .layer(DefaultBodyLimit::max(body::MAX_JSON_BODY))
        .layer(compress::layer());
    let files = Router::new()
        .route("/files/{id}", put(files::upload).get(files::download))
        .layer(DefaultBodyLimit::max(files::MAX_UPLOAD));
    Router::new()
        .nest("/api/v2", api)
        .merge(files)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Inside the close-after-error layer: a refused request's unread body closes too.
        .layer(axum::middleware::from_fn(error::json_errors))
        .layer(axum::middleware::from_fn(listen::refuse_long_uri))
        .layer(axum::middleware::from_fn_with_state(guards, body_pace::pace_bodies))
        .layer(axum::middleware::from_fn(listen::close_after_unread_error))
        .with_state(state)
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!("No route for {method} {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed on {}", uri.path()),
    )
}

/// A key the server answers to, as it can be shown: in full only when this start generated it
/// (keys are stored hashed, so a stored one cannot be shown again).
#[derive(Debug, Clone)]
pub struct KeyShown {
    /// The key itself: given to this start, or generated by it.
    pub key: Option<String>,
    /// Whether this start generated it (print it once).
    pub generated: bool,
    /// Its first characters, enough to tell keys apart.
    pub prefix: String,
}

/// The keys a server answers to, as printed at start.
#[derive(Debug, Clone)]
pub struct Keys {
    pub user: KeyShown,
    pub station: KeyShown,
}

impl Keys {
    /// The user key, when this start knows it (given or generated).
    pub fn user_key(&self) -> Option<&str> {
        self.user.key.as_deref()
    }
}

fn new_key(kind: &str) -> String {
    format!("tp_{kind}_{}", uuid::Uuid::new_v4().simple())
}

/// Why the keys given to a start cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Store(#[from] rusqlite::Error),
    #[error(
        "the {kind} key given belonged to {owner}, which was removed: the key is revoked. Give a new key (--{kind}-key-file) to serve with one"
    )]
    Revoked { kind: String, owner: String },
    #[error("the {kind} key given is this database's {other} key; give each its own key")]
    OtherKind { kind: String, other: String },
}

/// Makes sure an admin user and a station exist and that each has one key: the one given,
/// else the stored one, else a new one. Keys are stored hashed. A given key the database
/// knows keeps its owner (a station key its station); a new one replaces the stored key of
/// the first user or station; a revoked one is refused.
pub fn prepare_keys(
    store: &SharedStore,
    user_key: Option<&str>,
    station_key: Option<&str>,
) -> Result<(Keys, KeyTable), KeyError> {
    let mut conn = store.writer();
    let tx = conn.transaction()?;
    let admin = match catalog::first_user(&tx)? {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            catalog::insert_user(&tx, &id, "admin@demo.tofupilot.local", "Demo Admin")?;
            id
        }
    };
    let station = match catalog::first_station(&tx)? {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            catalog::insert_station(&tx, &id, "Bench 1")?;
            id
        }
    };
    let shown = |kind: &str, principal: &str, given: Option<&str>| -> Result<KeyShown, KeyError> {
        let as_given = |k: &str| KeyShown {
            key: Some(k.to_string()),
            generated: false,
            prefix: auth::prefix(k),
        };
        if let Some(k) = given {
            match catalog::key_owner(&tx, &auth::hash(k))? {
                Some((other, _, _)) if other != kind => {
                    return Err(KeyError::OtherKind { kind: kind.into(), other });
                }
                Some((_, owner, true)) => {
                    let name = catalog::station_name(&tx, &owner)?;
                    let owner =
                        name.map_or(format!("{kind} {owner}"), |n| format!("{kind} \"{n}\""));
                    return Err(KeyError::Revoked { kind: kind.into(), owner });
                }
                Some(_) => return Ok(as_given(k)),
                None => {
                    catalog::replace_key(&tx, k, kind, principal)?;
                    return Ok(as_given(k));
                }
            }
        }
        Ok(match catalog::key_prefix(&tx, kind, principal)? {
            Some(prefix) => KeyShown { key: None, generated: false, prefix },
            None => {
                let k = new_key(kind);
                catalog::replace_key(&tx, &k, kind, principal)?;
                KeyShown { prefix: auth::prefix(&k), key: Some(k), generated: true }
            }
        })
    };
    let keys = Keys {
        user: shown("user", &admin, user_key)?,
        station: shown("station", &station, station_key)?,
    };
    let mut table = HashMap::new();
    for (hash, kind, principal) in catalog::keys(&tx)? {
        let caller = if kind == "user" {
            Caller::User { user_id: principal }
        } else {
            Caller::Station { station_id: principal }
        };
        table.insert(hash, caller);
    }
    tx.commit()?;
    Ok((keys, auth::KeyRing::new(table)))
}

/// A server running on a tokio task; dropping it (or calling `stop`) shuts it down.
pub struct Running {
    pub addr: SocketAddr,
    pub url: String,
    pub keys: Keys,
    pub store: SharedStore,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The root of the links a server on `addr` hands out: `public_url` when given, else the
/// address itself; an unspecified address (0.0.0.0) names no host a client can reach.
pub fn link_root(addr: SocketAddr, public_url: Option<&str>) -> Result<String, String> {
    match public_url {
        Some(u) => {
            let u = u.trim().trim_end_matches('/');
            match url::Url::parse(u) {
                Ok(p) if matches!(p.scheme(), "http" | "https") && p.host().is_some() => {
                    Ok(u.to_string())
                }
                _ => Err(format!(
                    "--public-url `{u}` is not an http(s) URL such as https://tofupilot.lab.example"
                )),
            }
        }
        None if addr.ip().is_unspecified() => Err(format!(
            "listening on {addr} names no address clients can use in upload and download links; add --public-url http://HOST:{}",
            addr.port()
        )),
        None => Ok(format!("http://{addr}")),
    }
}

/// How a server runs beyond its store and keys.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The root of upload and download links (default: the address it listens on).
    pub base_url: Option<String>,
    pub limits: listen::Limits,
}

/// Serves `store` on `listener` until stopped, with the guards derived from its limits.
pub async fn start(
    store: SharedStore,
    listener: TcpListener,
    keys: Keys,
    table: KeyTable,
    options: Options,
) -> std::io::Result<Running> {
    let guards = listen::Guards::for_limits(&options.limits);
    start_guarded(store, listener, keys, table, options, guards).await
}

/// [`start`] with guards against slow and silent clients of its own.
pub async fn start_guarded(
    store: SharedStore,
    listener: TcpListener,
    keys: Keys,
    table: KeyTable,
    options: Options,
    guards: listen::Guards,
) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let base_url = options.base_url.unwrap_or_else(|| url.clone());
    let uploads = Arc::new(tokio::sync::Semaphore::new(guards.max_uploads));
    let state = AppState { store: store.clone(), base_url, uploads, keys: table.clone() };
    let app = router(state, table, guards);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(listen::serve(listener, app, options.limits, guards, async {
        let _ = rx.await;
    }));
    Ok(Running { addr, url, keys, store, shutdown: Some(tx), task: Some(task) })
}

/// Opens the database, prepares keys and serves on `addr` (port 0 picks a free one). Used by
/// tests, benchmarks and `--demo`.
pub async fn start_at(
    db: &std::path::Path,
    addr: &str,
    user_key: Option<&str>,
    station_key: Option<&str>,
) -> color_eyre::Result<Running> {
    let store = store::Store::open(db)?;
    let (keys, table) = prepare_keys(&store, user_key, station_key)?;
    let listener = TcpListener::bind(addr).await?;
    Ok(start(store, listener, keys, table, Options::default()).await?)
}
