//! `/api/v2/units…` and `/api/v2/stations…`.

use axum::Json;
use axum::extract::Path;
use serde_json::Value;

use super::Query;
use super::catalog::{Body, id};
use super::{Call, read, write};
use crate::server::error::{ApiError, ApiResult};
use crate::server::query::Page;
use crate::server::query::catalog::{Child, Ids, Serials, StationQuery, UnitQuery};
use crate::server::store::attachments;
use crate::server::store::genealogy;
use crate::server::store::ids::IdSource;
use crate::server::store::people::Stamp;
use crate::server::store::wire::{
    self, Id, IdName, Listed, Station, StationSummary, Unit, UnitSummary, Upload,
};
use crate::server::store::{now_ms, render, stations, units, units_list};

pub async fn list(
    Call(st, caller): Call,
    Query(q): Query<UnitQuery>,
    Query(page): Query<Page>,
) -> ApiResult<Json<Listed<UnitSummary>>> {
    Ok(Json(read(&st.store, move |c| units_list::list(c, &q, &page, &caller)).await?))
}

pub async fn create(Call(st, caller): Call, Body { 0: b }: Body) -> ApiResult<Json<Id>> {
    let new =
        write(&st.store, move |c| units::create(c, &b, &Stamp { now: now_ms(), caller: &caller }))
            .await?;
    Ok(id(new))
}

pub async fn get(Call(st, caller): Call, Path(serial): Path<String>) -> ApiResult<Json<Unit>> {
    let base = st.base_url.clone();
    Ok(Json(read(&st.store, move |c| units::get(c, &serial, &caller, &base)).await?))
}

pub async fn update(
    Call(st, caller): Call,
    Path(serial): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Id>> {
    Ok(id(write(&st.store, move |c| units::update(c, &serial, &b, &caller)).await?))
}

pub async fn delete(
    Call(st, caller): Call,
    Query(Serials { serial_numbers: serials }): Query<Serials>,
) -> ApiResult<Json<Id<Vec<String>>>> {
    let ids = write(&st.store, move |c| units::delete(c, &serials, &caller)).await?;
    Ok(Json(Id { id: ids }))
}

pub async fn add_child(
    Call(st, caller): Call,
    Path(serial): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Id>> {
    let child =
        b.get("child_serial_number").and_then(Value::as_str).unwrap_or_default().to_string();
    if child.trim().is_empty() {
        return Err(ApiError::field(&crate::path!["child_serial_number"], "is required"));
    }
    Ok(id(write(&st.store, move |c| genealogy::add_child(c, &serial, &child, &caller)).await?))
}

pub async fn remove_child(
    Call(st, caller): Call,
    Path(serial): Path<String>,
    Query(Child { child_serial_number: child }): Query<Child>,
) -> ApiResult<Json<Id>> {
    Ok(id(write(&st.store, move |c| {
        genealogy::remove_child(c, &serial, child.as_deref(), &caller)
    })
    .await?))
}

pub async fn create_attachment(
    Call(st, caller): Call,
    Path(serial): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<Upload>> {
    let base = st.base_url.clone();
    let name = b.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
    let a = write(&st.store, move |c| {
        attachments::create_for_unit(c, &serial, &name, &caller, now_ms(), &mut IdSource::Random)
    })
    .await?;
    let upload_url = render::download_url(&base, &a.id, &a.token);
    Ok(Json(Upload { id: a.id, upload_url }))
}

pub async fn delete_attachments(
    Call(st, caller): Call,
    Path(serial): Path<String>,
    Query(Ids { ids }): Query<Ids>,
) -> ApiResult<Json<wire::Ids>> {
    let deleted =
        write(&st.store, move |c| attachments::delete_unit_attachments(c, &serial, &ids, &caller))
            .await?;
    Ok(Json(wire::Ids { ids: deleted }))
}

pub async fn list_stations(
    Call(st, caller): Call,
    Query(q): Query<StationQuery>,
    Query(page): Query<Page>,
) -> ApiResult<Json<Listed<StationSummary>>> {
    Ok(Json(read(&st.store, move |c| stations::list(c, &q, &page, &caller)).await?))
}

pub async fn create_station(Call(st, caller): Call, Body { 0: b }: Body) -> ApiResult<Json<Id>> {
    let new = write(&st.store, move |c| {
        stations::create(c, &b, &Stamp { now: now_ms(), caller: &caller })
    })
    .await?;
    Ok(id(new))
}

pub async fn current_station(Call(st, caller): Call) -> ApiResult<Json<Station>> {
    Ok(Json(read(&st.store, move |c| stations::current(c, &caller, now_ms())).await?))
}

pub async fn get_station(
    Call(st, caller): Call,
    Path(sid): Path<String>,
) -> ApiResult<Json<Station>> {
    Ok(Json(read(&st.store, move |c| stations::get(c, &sid, &caller, now_ms())).await?))
}

pub async fn update_station(
    Call(st, caller): Call,
    Path(sid): Path<String>,
    Body { 0: b }: Body,
) -> ApiResult<Json<IdName>> {
    Ok(Json(write(&st.store, move |c| stations::update(c, &sid, &b, &caller)).await?))
}

pub async fn remove_station(
    Call(st, caller): Call,
    Path(sid): Path<String>,
) -> ApiResult<Json<Id>> {
    let removed = write(&st.store, move |c| stations::remove(c, &sid, &caller)).await?;
    st.keys.revoke_station(&removed);
    Ok(id(removed))
}
