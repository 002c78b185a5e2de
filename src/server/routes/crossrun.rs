//! `/api/v2/measurements`, `/api/v2/phases`, `/api/v2/logs`: rows across runs.

use axum::Json;
use axum::extract::{Path, RawQuery};

use super::{Call, read};
use crate::server::error::ApiResult;
use crate::server::query::crossrun::{LogQuery, MeasurementQuery, PhaseQuery, parse_cross};
use crate::server::store::wire::{
    Listed, LogRow, MeasurementDetail, MeasurementRow, PhaseDetail, PhaseRow,
};
use crate::server::store::{logs, measurements, phases};

pub async fn list_measurements(
    Call(st, caller): Call,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Listed<MeasurementRow>>> {
    let q: MeasurementQuery = parse_cross(q.as_deref().unwrap_or(""))?;
    Ok(Json(read(&st.store, move |c| measurements::list(c, &q, &caller)).await?))
}

pub async fn get_measurement(
    Call(st, caller): Call,
    Path(id): Path<String>,
) -> ApiResult<Json<MeasurementDetail>> {
    Ok(Json(read(&st.store, move |c| measurements::get(c, &id, &caller)).await?))
}

pub async fn list_phases(
    Call(st, caller): Call,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Listed<PhaseRow>>> {
    let q: PhaseQuery = parse_cross(q.as_deref().unwrap_or(""))?;
    Ok(Json(read(&st.store, move |c| phases::list(c, &q, &caller)).await?))
}

pub async fn get_phase(
    Call(st, caller): Call,
    Path(id): Path<String>,
) -> ApiResult<Json<PhaseDetail>> {
    Ok(Json(read(&st.store, move |c| phases::get(c, &id, &caller)).await?))
}

pub async fn list_logs(
    Call(st, caller): Call,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Listed<LogRow>>> {
    let q: LogQuery = parse_cross(q.as_deref().unwrap_or(""))?;
    Ok(Json(read(&st.store, move |c| logs::list(c, &q, &caller)).await?))
}

pub async fn get_log(Call(st, caller): Call, Path(id): Path<String>) -> ApiResult<Json<LogRow>> {
    Ok(Json(read(&st.store, move |c| logs::get(c, &id, &caller)).await?))
}
