//! `/api/v2/procedures…` and their versions.

use axum::Json;
use axum::extract::Path;
use serde_json::Value;

use super::Query;
use super::catalog::{Body, id};
use super::{Call, read, write};
use crate::server::error::ApiResult;
use crate::server::query::Page;
use crate::server::query::catalog::ProcedureQuery;
use crate::server::store::ids::IdSource;
use crate::server::store::people::Stamp;
use crate::server::store::wire::{Id, Listed, Procedure, ProcedureSummary, Version};
use crate::server::store::{now_ms, procedures};

pub async fn list(
    Call(st, caller): Call,
    Query(q): Query<ProcedureQuery>,
    Query(page): Query<Page>,
) -> ApiResult<Json<Listed<ProcedureSummary>>> {
    Ok(Json(read(&st.store, move |c| procedures::list(c, &q, &page, &caller)).await?))
}

pub async fn create(Call(st, caller): Call, Body { 0: b }: Body) -> ApiResult<Json<Id>> {
    let name = b.get("name").and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
    let new = write(&st.store, move |c| {
        procedures::create(c, &name, &caller, now_ms(), &mut IdSource::Random)
    })
    .await?;
    Ok(id(new))
}

pub async fn get(Call(st, caller): Call, Path(pid): Path<String>) -> ApiResult<Json<Procedure>> {
    Ok(Json(read(&st.store, move |c| procedures::get(c, &pid, &caller)).await?))
}

pub async fn update(
    Call(st, caller): Call,
    Path(pid): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Id>> {
    Ok(id(write(&st.store, move |c| procedures::update(c, &pid, &b, &caller)).await?))
}

pub async fn delete(Call(st, caller): Call, Path(pid): Path<String>) -> ApiResult<Json<Id>> {
    Ok(id(write(&st.store, move |c| procedures::delete(c, &pid, &caller)).await?))
}

pub async fn create_version(
    Call(st, caller): Call,
    Path(pid): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Id>> {
    let new = write(&st.store, move |c| {
        procedures::create_version(c, &pid, &b, &Stamp { now: now_ms(), caller: &caller })
    })
    .await?;
    Ok(id(new))
}

pub async fn get_version(
    Call(st, caller): Call,
    Path((pid, tag)): Path<(String, String)>,
) -> ApiResult<Json<Version>> {
    Ok(Json(read(&st.store, move |c| procedures::get_version(c, &pid, &tag, &caller)).await?))
}

pub async fn delete_version(
    Call(st, caller): Call,
    Path((pid, tag)): Path<(String, String)>,
) -> ApiResult<Json<Id>> {
    Ok(id(write(&st.store, move |c| procedures::delete_version(c, &pid, &tag, &caller)).await?))
}
