//! `/api/v2/measurements`, `/api/v2/phases`, `/api/v2/logs`: rows across runs.

use axum::Json;
use axum::extract::Path;

use super::{Call, Query, read};
use crate::server::error::ApiResult;
use crate::server::query::crossrun::{LogQuery, MeasurementQuery, PhaseQuery};
use crate::server::store::wire::{
    Listed, LogRow, MeasurementDetail, MeasurementRow, PhaseDetail, PhaseRow,
};
use crate::server::store::{logs, measurements, phases};

pub async fn list_measurements(
    Call(st, caller): Call,
    Query(q): Query<MeasurementQuery>,
) -> ApiResult<Json<Listed<MeasurementRow>>> {
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
    Query(q): Query<PhaseQuery>,
) -> ApiResult<Json<Listed<PhaseRow>>> {
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
    Query(q): Query<LogQuery>,
) -> ApiResult<Json<Listed<LogRow>>> {
    Ok(Json(read(&st.store, move |c| logs::list(c, &q, &caller)).await?))
}

pub async fn get_log(Call(st, caller): Call, Path(id): Path<String>) -> ApiResult<Json<LogRow>> {
    Ok(Json(read(&st.store, move |c| logs::get(c, &id, &caller)).await?))
}
