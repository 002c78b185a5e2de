//! `GET /v2/phases` (one procedure's phase attempts across runs) and `GET /v2/phases/{id}`.

use rusqlite::{Connection, OptionalExtension, Row};
use serde_json::{Value, json};

use super::crossrun;
use super::measurements::row_run;
use super::rows::{RowKind, parse_row_id, row_id};
use super::sql::{any_in, dir};
use crate::api::time::from_ms;
use crate::api::{PhaseSortBy, WireEnum};
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::routes::query::crossrun::PhaseQuery;

const COLUMNS: &str = "p.id, p.name, p.outcome, p.started_at, p.ended_at, p.retry_count,
    p.sequence_path, p.is_final, r.id, r.outcome, r.serial_number, u.sample";

fn row_json(r: &Row<'_>) -> rusqlite::Result<Value> {
    let (start, end): (i64, i64) = (r.get(3)?, r.get(4)?);
    Ok(json!({
        "id": row_id(RowKind::Phase, r.get(0)?),
        "name": r.get::<_, String>(1)?,
        "outcome": r.get::<_, String>(2)?,
        "started_at": from_ms(start),
        "ended_at": from_ms(end),
        "duration_ms": end - start,
        "retry_count": r.get::<_, i64>(5)?,
        "sequence_path": r.get::<_, Option<String>>(6)?,
        "is_final_attempt": r.get::<_, bool>(7)?,
        "run_id": r.get::<_, String>(8)?,
        "run_outcome": r.get::<_, String>(9)?,
        "serial_number": r.get::<_, String>(10)?,
        "sample": r.get::<_, Option<String>>(11)?,
    }))
}

pub fn list(conn: &Connection, q: &PhaseQuery, caller: &Caller) -> Result<Value, ApiError> {
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
    let join_units =
        if q.common.runs.samples.is_empty() { "" } else { "JOIN units u ON u.id = r.unit_id" };
    let lim = w.bind(q.common.page.limit + 1);
    let off = w.bind(offset);
    let sql = format!(
        "WITH page AS (SELECT p.id FROM phases p JOIN runs r ON r.seq = p.run_seq {join_units}
            WHERE {} ORDER BY {order} LIMIT {lim} OFFSET {off})
         SELECT {COLUMNS} FROM page JOIN phases p ON p.id = page.id
            JOIN runs r ON r.seq = p.run_seq JOIN units u ON u.id = r.unit_id
         ORDER BY {order}",
        w.clauses.join(" AND "),
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(w.params.iter()), row_json)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(crossrun::page(rows, &q.common, snapshot, offset))
}

pub fn get(conn: &Connection, id: &str, caller: &Caller) -> Result<Value, ApiError> {
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
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| ApiError::not_found(format!("{what} not found")))?;
    let mut body = serde_json::to_value(phase).unwrap_or_default();
    if let Value::Object(o) = &mut body {
        o.insert("run".into(), json!({"id": run.run_id, "serial_number": run.serial_number}));
        o.insert("procedure".into(), json!({"id": run.procedure_id, "name": run.procedure_name}));
    }
    Ok(body)
}
