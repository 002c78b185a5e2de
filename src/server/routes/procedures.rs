//! `/api/v2/procedures…` and their versions.

use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};
use serde_json::Value;

use super::catalog::{Body, id};
use super::{read, write};
use crate::server::AppState;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::store::ids::IdSource;
use crate::server::store::parts::Stamp;
use crate::server::store::{catalog, now_ms, procedures};

pub async fn list(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    let q = procedures::parse_query(q.as_deref().unwrap_or(""))?;
    Ok(Json(read(&st.store, move |c| procedures::list(c, &q, &caller)).await?))
}

pub async fn create(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Value>> {
    caller.require_user("create procedures")?;
    let name = b.get("name").and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
    let new = write(&st.store, move |c| {
        catalog::create_procedure(c, &name, caller.user_id(), now_ms(), &mut IdSource::Random)
    })
    .await?;
    Ok(id(new))
}

pub async fn get(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(pid): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(read(&st.store, move |c| procedures::get(c, &pid, &caller)).await?))
}

pub async fn update(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(pid): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Value>> {
    Ok(id(write(&st.store, move |c| procedures::update(c, &pid, &b, &caller)).await?))
}

pub async fn delete(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(pid): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(id(write(&st.store, move |c| procedures::delete(c, &pid, &caller)).await?))
}

pub async fn create_version(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(pid): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Value>> {
    let new = write(&st.store, move |c| {
        procedures::create_version(c, &pid, &b, &Stamp { now: now_ms(), caller: &caller })
    })
    .await?;
    Ok(id(new))
}

pub async fn get_version(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((pid, tag)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    Ok(Json(read(&st.store, move |c| procedures::get_version(c, &pid, &tag, &caller)).await?))
}

pub async fn delete_version(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((pid, tag)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    Ok(id(write(&st.store, move |c| procedures::delete_version(c, &pid, &tag, &caller)).await?))
}
