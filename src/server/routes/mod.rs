//! HTTP handlers. Each parses its input, runs one store call on the blocking pool (reads on a
//! reader connection, writes in one transaction on the writer) and answers JSON.

pub mod catalog;
pub mod crossrun;
pub mod files;
pub mod parts;
pub mod procedures;
pub mod runs;
pub mod units;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use rusqlite::Connection;

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use super::query::Params;
use super::store::SharedStore;

/// An extractor: the request's query string as `T`, or the 400 that names the bad parameter.
pub struct Query<T>(pub T);

impl<T: Params, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        T::from_query(parts.uri.query().unwrap_or("")).map(Query)
    }
}

/// What every API handler starts from: the server's state and who asks (set by
/// [`require_key`](super::auth::require_key), which every API route sits behind).
pub struct Call(pub AppState, pub Caller);

impl FromRequestParts<AppState> for Call {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let caller =
            parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
                ApiError::internal("The request reached the API without a key check")
            })?;
        Ok(Call(st.clone(), caller))
    }
}

pub async fn read<T: Send + 'static>(
    store: &SharedStore,
    f: impl FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&store.reader()))
        .await
        .map_err(|_| ApiError::internal("The request failed inside the server"))?
}

/// Runs `f` in one transaction: it commits only when `f` succeeds, so a rejected request
/// changes nothing, and a failed commit leaves nothing behind for a retry to duplicate.
pub async fn write<T: Send + 'static>(
    store: &SharedStore,
    f: impl FnOnce(&Connection) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = store.writer();
        let tx = conn.transaction()?;
        let v = f(&tx)?;
        tx.commit()?;
        Ok(v)
    })
    .await
    .map_err(|_| ApiError::internal("The request failed inside the server; nothing was saved"))?
}
