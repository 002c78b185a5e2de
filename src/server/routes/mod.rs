//! HTTP handlers. Each parses its input, runs one store call on the blocking pool (reads on a
//! reader connection, writes in one transaction on the writer) and answers JSON.

pub mod catalog;
pub mod crossrun;
pub mod files;
pub mod parts;
pub mod procedures;
pub mod runs;
pub mod units;

use rusqlite::Connection;

use super::error::ApiError;
use super::store::SharedStore;

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
