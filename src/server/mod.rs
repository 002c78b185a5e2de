//! The embedded TofuPilot API v2 server (`tofui serve`, `tofui --demo`, every test and
//! benchmark): axum over a SQLite store. It knows nothing of the dashboard.

pub mod auth;
pub mod body;
pub mod error;
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
use rusqlite::Connection;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use auth::{Caller, KeyTable};
use error::ApiError;
use store::{SharedStore, catalog};

#[derive(Clone)]
pub struct AppState {
    pub store: SharedStore,
    /// Where this server is reached when a request carries no Host header.
    pub base_url: String,
}

pub fn router(state: AppState, keys: KeyTable) -> Router {
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
        .route_layer(axum::middleware::from_fn_with_state(keys, auth::require_key))
        .layer(DefaultBodyLimit::max(body::MAX_JSON_BODY));
    let files = Router::new()
        .route("/files/{id}", put(files::upload).get(files::download))
        .layer(DefaultBodyLimit::max(files::MAX_UPLOAD));
    Router::new()
        .nest("/api/v2", api)
        .merge(files)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
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

/// The keys a server answers to, as printed at start.
#[derive(Debug, Clone)]
pub struct Keys {
    pub user_key: String,
    pub station_key: String,
}

fn new_key(kind: &str) -> String {
    format!("tp_{kind}_{}", uuid::Uuid::new_v4().simple())
}

/// Makes sure an admin user and a station exist, registers the given keys (or reuses the
/// stored ones, or generates new ones), and returns the keys to print and the lookup table.
pub fn prepare_keys(
    store: &SharedStore,
    user_key: Option<&str>,
    station_key: Option<&str>,
) -> rusqlite::Result<(Keys, KeyTable)> {
    let mut conn = store.writer();
    let tx = conn.transaction()?;
    let first = |c: &Connection, sql: &str| -> rusqlite::Result<Option<String>> {
        use rusqlite::OptionalExtension;
        c.query_row(sql, [], |r| r.get(0)).optional()
    };
    let admin = match first(&tx, "SELECT id FROM users ORDER BY rowid LIMIT 1")? {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            catalog::insert_user(&tx, &id, "admin@demo.tofupilot.local", "Demo Admin")?;
            id
        }
    };
    let station = match first(&tx, "SELECT id FROM stations ORDER BY rowid LIMIT 1")? {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            catalog::insert_station(&tx, &id, "Bench 1")?;
            id
        }
    };
    let existing = catalog::keys(&tx)?;
    let stored =
        |kind: &str| existing.iter().find(|(_, k, _)| k == kind).map(|(key, _, _)| key.clone());
    let user_key =
        user_key.map(str::to_string).or_else(|| stored("user")).unwrap_or_else(|| new_key("user"));
    let station_key = station_key
        .map(str::to_string)
        .or_else(|| stored("station"))
        .unwrap_or_else(|| new_key("station"));
    catalog::insert_key(&tx, &user_key, "user", &admin)?;
    catalog::insert_key(&tx, &station_key, "station", &station)?;
    let mut table = HashMap::new();
    for (key, kind, principal) in catalog::keys(&tx)? {
        let caller = if kind == "user" {
            Caller::User { user_id: principal }
        } else {
            Caller::Station { station_id: principal }
        };
        table.insert(key, caller);
    }
    tx.commit()?;
    Ok((Keys { user_key, station_key }, Arc::new(table)))
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

/// Serves `store` on `listener` until stopped.
pub async fn start(
    store: SharedStore,
    listener: TcpListener,
    keys: Keys,
    table: KeyTable,
) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let app = router(AppState { store: store.clone(), base_url: url.clone() }, table);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = served.await {
            tracing::error!(error = %e, "server stopped");
        }
    });
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
    Ok(start(store, listener, keys, table).await?)
}
