//! `/api/v2/parts…` (with revisions) and `/api/v2/batches…`.

use axum::Json;
use axum::extract::Path;

use super::Query;
use super::catalog::{Body, id};
use super::{Call, read, write};
use crate::server::error::ApiResult;
use crate::server::query::Page;
use crate::server::query::catalog::{BatchQuery, PartQuery};
use crate::server::store::people::Stamp;
use crate::server::store::wire::{
    Batch, BatchSummary, Id, Listed, Part, PartDeleted, PartSummary, PartUpdated, Revision,
};
use crate::server::store::{batches, now_ms, parts};

pub async fn list(
    Call(st, caller): Call,
    Query(q): Query<PartQuery>,
    Query(page): Query<Page>,
) -> ApiResult<Json<Listed<PartSummary>>> {
    Ok(Json(read(&st.store, move |c| parts::list(c, &q, &page, &caller)).await?))
}

pub async fn create(Call(st, caller): Call, Body { 0: b }: Body) -> ApiResult<Json<Id>> {
    let new =
        write(&st.store, move |c| parts::create(c, &b, &Stamp { now: now_ms(), caller: &caller }))
            .await?;
    Ok(id(new))
}

pub async fn get(Call(st, caller): Call, Path(number): Path<String>) -> ApiResult<Json<Part>> {
    Ok(Json(read(&st.store, move |c| parts::get(c, &number, &caller)).await?))
}

pub async fn update(
    Call(st, caller): Call,
    Path(number): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<PartUpdated>> {
    Ok(Json(write(&st.store, move |c| parts::update(c, &number, &b, &caller, now_ms())).await?))
}

pub async fn delete(
    Call(st, caller): Call,
    Path(number): Path<String>,
) -> ApiResult<Json<PartDeleted>> {
    Ok(Json(write(&st.store, move |c| parts::delete(c, &number, &caller)).await?))
}

pub async fn create_revision(
    Call(st, caller): Call,
    Path(part): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Id>> {
    let new = write(&st.store, move |c| {
        parts::create_revision(c, &part, &b, &Stamp { now: now_ms(), caller: &caller })
    })
    .await?;
    Ok(id(new))
}

pub async fn get_revision(
    Call(st, caller): Call,
    Path((part, rev)): Path<(String, String)>,
) -> ApiResult<Json<Revision>> {
    Ok(Json(read(&st.store, move |c| parts::get_revision(c, &part, &rev, &caller)).await?))
}

pub async fn update_revision(
    Call(st, caller): Call,
    Path((part, rev)): Path<(String, String)>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Id>> {
    Ok(id(write(&st.store, move |c| parts::update_revision(c, &part, &rev, &b, &caller)).await?))
}

pub async fn delete_revision(
    Call(st, caller): Call,
    Path((part, rev)): Path<(String, String)>,
) -> ApiResult<Json<Id>> {
    Ok(id(write(&st.store, move |c| parts::delete_revision(c, &part, &rev, &caller)).await?))
}

pub async fn list_batches(
    Call(st, caller): Call,
    Query(q): Query<BatchQuery>,
    Query(page): Query<Page>,
) -> ApiResult<Json<Listed<BatchSummary>>> {
    Ok(Json(read(&st.store, move |c| batches::list(c, &q, &page, &caller)).await?))
}

pub async fn create_batch(Call(st, caller): Call, Body { 0: b }: Body) -> ApiResult<Json<Id>> {
    let new = write(&st.store, move |c| {
        batches::create(c, &b, &Stamp { now: now_ms(), caller: &caller })
    })
    .await?;
    Ok(id(new))
}

pub async fn get_batch(
    Call(st, caller): Call,
    Path(number): Path<String>,
) -> ApiResult<Json<Batch>> {
    Ok(Json(read(&st.store, move |c| batches::get(c, &number, &caller)).await?))
}

pub async fn update_batch(
    Call(st, caller): Call,
    Path(number): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Id>> {
    Ok(id(write(&st.store, move |c| batches::update(c, &number, &b, &caller)).await?))
}

pub async fn delete_batch(
    Call(st, caller): Call,
    Path(number): Path<String>,
) -> ApiResult<Json<Id<Vec<String>>>> {
    let ids = write(&st.store, move |c| batches::delete(c, &number, &caller)).await?;
    Ok(Json(Id { id: ids }))
}
