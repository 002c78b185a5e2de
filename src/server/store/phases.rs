//! `GET /v2/phases` (one procedure's phase attempts across runs) and `GET /v2/phases/{id}`.

use rusqlite::{Connection, OptionalExtension, Row};

use super::crossrun::{self, PageSql};
use super::measurements::row_run;
use super::rows::{RowKind, parse_row_id, row_id};
use super::sql::{any_in, dir};
use super::wire::{IdName, Listed, PhaseDetail, PhaseRow, RunSerial};
use crate::api::time::from_ms;
use crate::api::{PhaseSortBy, WireEnum};
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::query::crossrun::PhaseQuery;

const COLUMNS: &str = "p.id, p.name, p.outcome, p.started_at, p.ended_at, p.retry_count,
    p.sequence_path, p.is_final, r.id, r.outcome, r.serial_number, u.sample";

fn row(r: &Row<'_>) -> rusqlite::Result<PhaseRow> {
    let (start, end): (i64, i64) = (r.get(3)?, r.get(4)?);
    Ok(PhaseRow {
        id: row_id(RowKind::Phase, r.get(0)?),
        name: r.get(1)?,
        outcome: r.get(2)?,
        started_at: from_ms(start),
        ended_at: from_ms(end),
        duration_ms: end - start,
        retry_count: r.get(5)?,
        sequence_path: r.get(6)?,
        is_final_attempt: r.get(7)?,
        run_id: r.get(8)?,
        run_outcome: r.get(9)?,
        serial_number: r.get(10)?,
        sample: r.get(11)?,
    })
}

pub fn list(
    conn: &Connection,
    q: &PhaseQuery,
    caller: &Caller,
) -> Result<Listed<PhaseRow>, ApiError> {
    let Some(procedure) =
        crossrun::procedure_key(conn, q.procedure_id.as_deref().unwrap_or_default())?
    else {
        return Ok(crossrun::page(vec![], &q.common, 0, 0));
    };
    let (mut w, snapshot, offset) = crossrun::run_where(conn, &q.common, caller, "phases", "p")?;
    let p = w.bind(procedure);
    w.push(format!("p.procedure = {p}"));
    let mut outcomes: Vec<String> = q.outcomes.iter().map(|o| o.as_str().to_string()).collect();
    outcomes.sort();
    outcomes.dedup();
    if outcomes == ["ERROR", "FAIL"] {
        // Written out as the partial index of failing phases has it: the planner takes that
        // index only when the query names its condition.
        w.push("p.outcome IN ('FAIL','ERROR')");
    } else {
        any_in(&mut w, "p.outcome", &outcomes);
    }
    any_in(&mut w, "p.name", &q.names);
    any_in(&mut w, "p.sequence_path", &q.sequence_paths);
    for (op, v) in [(">=", q.started_after), ("<=", q.started_before)] {
        if let Some(v) = v {
            let m = w.bind(v);
            w.push(format!("p.started_at {op} {m}"));
        }
    }
    if q.exclude_retries {
        w.push("p.is_final = 1");
    }
    let d = dir(&q.common.page.order);
    let order = match q.sort_by {
        PhaseSortBy::Duration => {
            format!("p.ended_at - p.started_at {d}, p.started_at {d}, p.id {d}")
        }
        PhaseSortBy::Outcome => format!("p.outcome {d}, p.started_at {d}, p.id {d}"),
        PhaseSortBy::SerialNumber => format!("r.serial_number {d}, p.started_at {d}, p.id {d}"),
        PhaseSortBy::PhaseName => format!("p.name {d}, p.started_at {d}, p.id {d}"),
        _ => format!("p.started_at {d}, p.id {d}"),
    };
    let sql = PageSql {
        table: "phases",
        alias: "p",
        join: "JOIN",
        order: &order,
        columns: COLUMNS,
        widen: "JOIN runs r ON r.seq = p.run_seq JOIN units u ON u.id = r.unit_id",
    };
    Ok(crossrun::read_page(conn, &q.common, (w, snapshot, offset), &sql, row)?)
}

pub fn get(conn: &Connection, id: &str, caller: &Caller) -> Result<PhaseDetail, ApiError> {
    let what = format!("Phase `{id}`");
    let seq: Option<i64> = match parse_row_id(RowKind::Phase, id) {
        Some(n) => conn
            .prepare_cached("SELECT run_seq FROM phases WHERE id = ?1")?
            .query_row([n], |r| r.get(0))
            .optional()?,
        None => None,
    };
    let Some(seq) = seq else {
        return Err(ApiError::not_found(format!("{what} not found")));
    };
    let run = row_run(conn, seq, caller, &what)?;
    let phase = run
        .phases
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| ApiError::not_found(format!("{what} not found")))?;
    Ok(PhaseDetail {
        phase,
        run: RunSerial { id: run.run_id, serial_number: run.serial_number },
        procedure: IdName { id: run.procedure_id, name: run.procedure_name },
    })
}
