//! `GET /v2/logs` (log lines across runs, searchable) and `GET /v2/logs/{id}`.

use rusqlite::{Connection, OptionalExtension, Row};

use super::crossrun::{self, PageSql};
use super::people;
use super::rows::{RowKind, parse_row_id, row_id};
use super::sql::like_pattern;
use super::sql::{any_in, dir};
use super::wire::{IdName, Listed, LogRow, RunOfLog, UnitRef};
use crate::api::time::from_ms;
use crate::api::{LogSortBy, WireEnum};
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::query::crossrun::LogQuery;

const COLUMNS: &str =
    "l.id, l.level, l.message, l.at, l.source_file, l.line_number, r.id, r.outcome,
    r.started_at, r.unit_id, r.serial_number, r.procedure_id, pr.name, r.created_by_user_id,
    cu.name, cu.email, r.created_by_station_id, st.name";

const JOINS: &str = "JOIN runs r ON r.seq = l.run_seq JOIN procedures pr ON pr.id = r.procedure_id
    LEFT JOIN users cu ON cu.id = r.created_by_user_id
    LEFT JOIN stations st ON st.id = r.created_by_station_id";

fn row(r: &Row<'_>) -> rusqlite::Result<LogRow> {
    Ok(LogRow {
        id: row_id(RowKind::Log, r.get(0)?),
        level: r.get(1)?,
        message: r.get(2)?,
        created_at: from_ms(r.get(3)?),
        source_file: r.get(4)?,
        line_number: r.get(5)?,
        run: RunOfLog { id: r.get(6)?, outcome: r.get(7)?, started_at: from_ms(r.get(8)?) },
        unit: UnitRef { id: r.get(9)?, serial_number: r.get(10)? },
        procedure: IdName { id: r.get(11)?, name: r.get(12)? },
        creators: people::creators(r, 13)?,
    })
}

/// Fewer trigram candidates than this: a rare text, found through the index.
const RARE_TEXT: i64 = 2_000;

/// Severity, for `sort_by=level`.
const LEVEL_RANK: &str = "CASE l.level WHEN 'DEBUG' THEN 0 WHEN 'INFO' THEN 1 WHEN 'WARNING' THEN 2
    WHEN 'ERROR' THEN 3 WHEN 'CRITICAL' THEN 4 ELSE 5 END";

pub fn list(conn: &Connection, q: &LogQuery, caller: &Caller) -> Result<Listed<LogRow>, ApiError> {
    let (mut w, snapshot, offset) = crossrun::run_where(conn, &q.common, caller, "logs", "l")?;
    if !q.procedure_ids.is_empty() {
        let mut keys: Vec<i64> = Vec::new();
        let mut stmt = conn.prepare_cached("SELECT rowid FROM procedures WHERE id = ?1")?;
        for id in &q.procedure_ids {
            if let Some(k) = stmt.query_row([id], |r| r.get(0)).optional()? {
                keys.push(k);
            }
        }
        if keys.is_empty() {
            return Ok(crossrun::page(vec![], &q.common, snapshot, offset));
        }
        any_in(&mut w, "l.procedure", &keys);
    }
    if let Some(text) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let like = w.bind(like_pattern(text));
        w.push(format!("l.message LIKE {like} ESCAPE '\\'"));
        // A rare text is found through its trigrams (few candidates, sorted); a common one by
        // walking the lines newest first, where matches come soon. Counting candidates up to
        // a bound tells which.
        if let Some(m) = super::sql::trigram_match(text) {
            let candidates: i64 = conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM (SELECT rowid FROM log_search WHERE log_search MATCH ?1 LIMIT ?2)",
                )?
                .query_row(rusqlite::params![m, RARE_TEXT], |r| r.get(0))?;
            if candidates < RARE_TEXT {
                let m = w.bind(m);
                w.push(format!(
                    "l.id IN (SELECT rowid FROM log_search WHERE log_search MATCH {m})"
                ));
            }
        }
    }
    let levels: Vec<String> = q.levels.iter().map(|l| l.as_str().to_string()).collect();
    any_in(&mut w, "l.level", &levels);
    any_in(&mut w, "l.source_file", &q.source_files);
    for (op, v) in [(">=", q.after), ("<=", q.before)] {
        if let Some(v) = v {
            let m = w.bind(v);
            w.push(format!("l.at {op} {m}"));
        }
    }
    let d = dir(&q.common.page.order);
    let order = match q.sort_by {
        LogSortBy::Level => format!("{LEVEL_RANK} {d}, l.at {d}, l.id {d}"),
        LogSortBy::RunId => format!("r.id {d}, l.at {d}, l.id {d}"),
        LogSortBy::Outcome => format!("r.outcome {d}, l.at {d}, l.id {d}"),
        _ => format!("l.at {d}, l.id {d}"),
    };
    // CROSS JOIN keeps the lines the outer loop (SQLite would otherwise walk every run).
    let join = if crossrun::runs_drive(&q.common) { "JOIN" } else { "CROSS JOIN" };
    let sql =
        PageSql { table: "logs", alias: "l", join, order: &order, columns: COLUMNS, widen: JOINS };
    Ok(crossrun::read_page(conn, &q.common, (w, snapshot, offset), &sql, row)?)
}

pub fn get(conn: &Connection, id: &str, caller: &Caller) -> Result<LogRow, ApiError> {
    let not_found = || ApiError::not_found(format!("Log `{id}` not found"));
    let Some(n) = parse_row_id(RowKind::Log, id) else { return Err(not_found()) };
    let found = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM logs l {JOINS} WHERE l.id = ?1"))?
        .query_row([n], |r| Ok((row(r)?, r.get::<_, String>(11)?)))
        .optional()?;
    let Some((body, procedure_id)) = found else { return Err(not_found()) };
    if let Some(station) = caller.station_id()
        && !super::catalog::station_has_procedure(conn, station, &procedure_id)?
    {
        return Err(not_found());
    }
    Ok(body)
}
