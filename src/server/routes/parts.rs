//! `/api/v2/parts…` (with revisions) and `/api/v2/batches…`.

use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};
use serde_json::{Value, json};

use super::catalog::{Body, id};
use super::{read, write};
use crate::server::AppState;
use crate::server::auth::Caller;
use crate::server::error::ApiResult;
use crate::server::store::parts::Stamp;
use crate::server::store::{batches, now_ms, parts};

pub async fn list(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    let q = parts::parse_query(q.as_deref().unwrap_or(""))?;
    Ok(Json(read(&st.store, move |c| parts::list(c, &q, &caller)).await?))
}

pub async fn create(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Value>> {
    let new =
        write(&st.store, move |c| parts::create(c, &b, &Stamp { now: now_ms(), caller: &caller }))
            .await?;
    Ok(id(new))
}

pub async fn get(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(read(&st.store, move |c| parts::get(c, &number, &caller)).await?))
}

pub async fn update(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Value>> {
    Ok(Json(write(&st.store, move |c| parts::update(c, &number, &b, &caller, now_ms())).await?))
}

pub async fn delete(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(write(&st.store, move |c| parts::delete(c, &number, &caller)).await?))
}

pub async fn create_revision(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(part): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Value>> {
    let new = write(&st.store, move |c| {
        parts::create_revision(c, &part, &b, &Stamp { now: now_ms(), caller: &caller })
    })
    .await?;
    Ok(id(new))
}

pub async fn get_revision(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((part, rev)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    Ok(Json(read(&st.store, move |c| parts::get_revision(c, &part, &rev, &caller)).await?))
}

pub async fn update_revision(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((part, rev)): Path<(String, String)>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Value>> {
    Ok(id(write(&st.store, move |c| parts::update_revision(c, &part, &rev, &b, &caller)).await?))
}

pub async fn delete_revision(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((part, rev)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    Ok(id(write(&st.store, move |c| parts::delete_revision(c, &part, &rev, &caller)).await?))
}

pub async fn list_batches(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    let q = batches::parse_query(q.as_deref().unwrap_or(""))?;
    Ok(Json(read(&st.store, move |c| batches::list(c, &q, &caller)).await?))
}

pub async fn create_batch(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Value>> {
    let new = write(&st.store, move |c| {
        batches::create(c, &b, &Stamp { now: now_ms(), caller: &caller })
    })
    .await?;
    Ok(id(new))
}

pub async fn get_batch(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(read(&st.store, move |c| batches::get(c, &number, &caller)).await?))
}

pub async fn update_batch(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Value>> {
    Ok(id(write(&st.store, move |c| batches::update(c, &number, &b, &caller)).await?))
}

pub async fn delete_batch(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(number): Path<String>,
) -> ApiResult<Json<Value>> {
    let ids = write(&st.store, move |c| batches::delete(c, &number, &caller)).await?;
    Ok(Json(json!({ "id": ids })))
}
