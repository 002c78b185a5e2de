//! `GET /v2/measurements` (one procedure's measurements across runs) and
//! `GET /v2/measurements/{id}`.

use rusqlite::{Connection, OptionalExtension, Row};

use super::crossrun::{self, PageSql};
use super::rows::{RowKind, parse_row_id, row_id};
use super::sql::{any_in, dir};
use super::wire::{IdName, Listed, MeasurementDetail, MeasurementRow, RunOfRow};
use crate::api::time::from_ms;
use crate::api::{MeasurementSortBy, Phase, WireEnum};
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::query::crossrun::MeasurementQuery;

const COLUMNS: &str = "m.id, m.phase_name, m.name, m.started_at, m.kind, m.num_value, m.text_value,
    m.units, m.outcome, r.id, r.serial_number, u.sample, m.retry_count, m.is_final, vs.body";

fn row(r: &Row<'_>) -> rusqlite::Result<MeasurementRow> {
    let kind: String = r.get(4)?;
    let num: Option<f64> = r.get(5)?;
    let validators: Option<String> = r.get(14)?;
    Ok(MeasurementRow {
        id: row_id(RowKind::Measurement, r.get(0)?),
        phase_name: r.get(1)?,
        measurement_name: r.get(2)?,
        started_at: from_ms(r.get(3)?),
        value: if kind == "numeric" { num } else { None },
        bool_value: if kind == "boolean" { num.map(|n| n != 0.0) } else { None },
        string_value: r.get(6)?,
        units: r.get(7)?,
        measurement_outcome: r.get(8)?,
        run_id: r.get(9)?,
        serial_number: r.get(10)?,
        sample: r.get(11)?,
        measurement_type: kind,
        retry_count: r.get(12)?,
        is_final_attempt: r.get(13)?,
        validators: validators.and_then(|v| serde_json::from_str(&v).ok()),
    })
}

pub fn list(
    conn: &Connection,
    q: &MeasurementQuery,
    caller: &Caller,
) -> Result<Listed<MeasurementRow>, ApiError> {
    let Some(procedure) =
        crossrun::procedure_key(conn, q.procedure_id.as_deref().unwrap_or_default())?
    else {
        return Ok(crossrun::page(vec![], &q.common, 0, 0));
    };
    let (mut w, snapshot, offset) =
        crossrun::run_where(conn, &q.common, caller, "measurements", "m")?;
    let p = w.bind(procedure);
    w.push(format!("m.procedure = {p}"));
    if let Some(name) = &q.measurement_name {
        let n = w.bind(name.clone());
        w.push(format!("m.name = {n}"));
    }
    any_in(&mut w, "m.phase_name", &q.phase_names);
    for (op, v) in [(">=", q.started_after), ("<=", q.started_before)] {
        if let Some(v) = v {
            let m = w.bind(v);
            w.push(format!("m.started_at {op} {m}"));
        }
    }
    if q.exclude_retries {
        w.push("m.is_final = 1");
    }
    for (op, v) in [(">=", q.value_min), ("<=", q.value_max)] {
        if let Some(v) = v {
            let m = w.bind(v);
            w.push(format!("m.kind = 'numeric' AND m.num_value {op} {m}"));
        }
    }
    if let Some(b) = q.value_bool {
        w.push(format!("m.kind = 'boolean' AND m.num_value = {}", if b { 1 } else { 0 }));
    }
    if !q.value_strings.is_empty() {
        w.push("m.kind = 'string'");
        any_in(&mut w, "m.text_value", &q.value_strings);
    }
    let outcomes: Vec<String> = q.outcomes.iter().map(|o| o.as_str().to_string()).collect();
    if outcomes == ["FAIL"] {
        // Written out, not bound: the planner takes the partial index of failing measurements
        // only when the query names its condition.
        w.push("m.outcome = 'FAIL'");
    } else {
        any_in(&mut w, "m.outcome", &outcomes);
    }
    let types: Vec<String> = q.types.iter().map(|t| t.as_str().to_string()).collect();
    any_in(&mut w, "m.kind", &types);

    let d = dir(&q.common.page.order);
    let order = match q.sort_by {
        MeasurementSortBy::Value => format!("m.num_value {d}, m.started_at {d}, m.id {d}"),
        MeasurementSortBy::Outcome => format!("m.outcome {d}, m.started_at {d}, m.id {d}"),
        MeasurementSortBy::SerialNumber => {
            format!("r.serial_number {d}, m.started_at {d}, m.id {d}")
        }
        MeasurementSortBy::PhaseName => format!("m.phase_name {d}, m.started_at {d}, m.id {d}"),
        MeasurementSortBy::MeasurementName => format!("m.name {d}, m.started_at {d}, m.id {d}"),
        _ => format!("m.started_at {d}, m.id {d}"),
    };
    let sql = PageSql {
        table: "measurements",
        alias: "m",
        join: "JOIN",
        order: &order,
        columns: COLUMNS,
        widen: "JOIN runs r ON r.seq = m.run_seq JOIN units u ON u.id = r.unit_id
            LEFT JOIN validator_sets vs ON vs.id = m.validator_set",
    };
    Ok(crossrun::read_page(conn, &q.common, (w, snapshot, offset), &sql, row)?)
}

/// Where a cross-run row lives: its run (checked against the caller's scope) and that run's
/// stored phases, parsed.
pub struct RowRun {
    pub run_id: String,
    pub outcome: String,
    pub serial_number: String,
    pub procedure_id: String,
    pub procedure_name: String,
    pub phases: Vec<Phase>,
}

/// The run of a cross-run row; a run the caller may not see is "not found", so a station key
/// learns nothing of other procedures' rows.
pub fn row_run(
    conn: &Connection,
    seq: i64,
    caller: &Caller,
    what: &str,
) -> Result<RowRun, ApiError> {
    let found = conn
        .prepare_cached(
            "SELECT r.id, r.outcome, r.serial_number, r.procedure_id, p.name, d.phases
             FROM runs r JOIN procedures p ON p.id = r.procedure_id JOIN run_details d ON d.seq = r.seq
             WHERE r.seq = ?1",
        )?
        .query_row([seq], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .optional()?;
    let Some((run_id, outcome, serial_number, procedure_id, procedure_name, phases)) = found else {
        return Err(ApiError::not_found(format!("{what} not found")));
    };
    if let Some(station) = caller.station_id()
        && !super::catalog::station_has_procedure(conn, station, &procedure_id)?
    {
        return Err(ApiError::not_found(format!("{what} not found")));
    }
    let phases = serde_json::from_str(&phases).unwrap_or_default();
    Ok(RowRun { run_id, outcome, serial_number, procedure_id, procedure_name, phases })
}

pub fn get(conn: &Connection, id: &str, caller: &Caller) -> Result<MeasurementDetail, ApiError> {
    let what = format!("Measurement `{id}`");
    let row: Option<(i64, i64)> = match parse_row_id(RowKind::Measurement, id) {
        Some(n) => conn
            .prepare_cached("SELECT run_seq, phase_id FROM measurements WHERE id = ?1")?
            .query_row([n], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
        None => None,
    };
    let Some((seq, phase_n)) = row else {
        return Err(ApiError::not_found(format!("{what} not found")));
    };
    let run = row_run(conn, seq, caller, &what)?;
    let phase_id = row_id(RowKind::Phase, phase_n);
    let not_found = || ApiError::not_found(format!("{what} not found"));
    let phase = run.phases.into_iter().find(|p| p.id == phase_id).ok_or_else(not_found)?;
    let measurement = phase.measurements.into_iter().find(|m| m.id == id).ok_or_else(not_found)?;
    Ok(MeasurementDetail {
        measurement,
        phase: IdName { id: phase_id, name: phase.name },
        run: RunOfRow { id: run.run_id, outcome: run.outcome, serial_number: run.serial_number },
        procedure: IdName { id: run.procedure_id, name: run.procedure_name },
    })
}
