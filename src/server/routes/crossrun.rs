//! `/api/v2/measurements`, `/api/v2/phases`, `/api/v2/logs`: rows across runs.

use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};
use serde_json::Value;

use super::read;
use crate::server::AppState;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::store::{logs, measurements, phases};

pub async fn list_measurements(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    let q = measurements::parse_query(q.as_deref().unwrap_or(""))?;
    Ok(Json(read(&st.store, move |c| measurements::list(c, &q, &caller)).await?))
}

pub async fn get_measurement(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(read(&st.store, move |c| measurements::get(c, &id, &caller)).await?))
}

pub async fn list_phases(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    let q = phases::parse_query(q.as_deref().unwrap_or(""))?;
    Ok(Json(read(&st.store, move |c| phases::list(c, &q, &caller)).await?))
}

pub async fn get_phase(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(read(&st.store, move |c| phases::get(c, &id, &caller)).await?))
}

pub async fn list_logs(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    let q = logs::parse_query(q.as_deref().unwrap_or(""))?;
    Ok(Json(read(&st.store, move |c| logs::list(c, &q, &caller)).await?))
}

pub async fn get_log(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(read(&st.store, move |c| logs::get(c, &id, &caller)).await?))
}
