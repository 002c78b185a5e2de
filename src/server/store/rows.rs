//! The cross-run tables: one row per phase attempt, measurement and log line of every run, so
//! `/v2/phases`, `/v2/measurements` and `/v2/logs` are index walks instead of a parse of every
//! run's stored body.
//!
//! Their API ids are derived from the row number (`row_id`): a `GET /v2/logs/{id}` is a
//! primary-key lookup, and no index of millions of random ids has to be kept. The run's stored
//! body is written with the same ids, so an id seen in a run can be fetched on its own.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use serde_json::Value;

use crate::api::time::to_ms;
use crate::api::{LogLine, Measurement, Phase, WireEnum};

/// What a derived id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Phase = 1,
    Measurement = 2,
    Log = 3,
}

/// The API id of row `n` of `kind`: UUID-shaped, like every other id the API hands out.
pub fn row_id(kind: RowKind, n: i64) -> String {
    format!("{:08x}-7a0f-4000-8000-{:012x}", kind as u32, n)
}

/// The row number behind an id made by `row_id`, if `id` is one of `kind`.
pub fn parse_row_id(kind: RowKind, id: &str) -> Option<i64> {
    let rest = id.strip_prefix(&format!("{:08x}-7a0f-4000-8000-", kind as u32))?;
    if rest.len() != 12 || !rest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    i64::from_str_radix(rest, 16).ok()
}

/// `measurement_type` as the API names it.
pub fn measurement_type(m: &Measurement) -> &'static str {
    if m.data_series.as_ref().is_some_and(|s| !s.is_empty()) {
        return "multidimensional";
    }
    match &m.measured_value {
        None | Some(Value::Null) => "empty",
        Some(Value::Number(_)) => "numeric",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::String(_)) => "string",
        Some(_) => "json",
    }
}

fn next_row(conn: &Connection, table: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(&format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"))?
        .query_row([], |r| r.get(0))
}

/// The next free row number of each cross-run table. Read from the database by whoever holds
/// the writer, so the numbers are free until it lets go of it (the seeder numbers thousands
/// of runs ahead of their inserts this way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    pub phase: i64,
    pub measurement: i64,
    pub log: i64,
}

impl Counters {
    pub fn from_db(conn: &Connection) -> rusqlite::Result<Counters> {
        Ok(Counters {
            phase: next_row(conn, "phases")?,
            measurement: next_row(conn, "measurements")?,
            log: next_row(conn, "logs")?,
        })
    }
}

/// Gives the run's phases, measurements and logs the ids of the rows `insert` will write.
pub fn assign_ids(counters: &mut Counters, phases: &mut [Phase], logs: &mut [LogLine]) {
    for phase in phases.iter_mut() {
        phase.id = row_id(RowKind::Phase, counters.phase);
        counters.phase += 1;
        for meas in &mut phase.measurements {
            meas.id = row_id(RowKind::Measurement, counters.measurement);
            counters.measurement += 1;
        }
    }
    for log in logs.iter_mut() {
        log.id = row_id(RowKind::Log, counters.log);
        counters.log += 1;
    }
}

/// For each phase, whether it is the last attempt of its name in its sequence.
fn final_attempts(phases: &[Phase]) -> Vec<bool> {
    let mut last: HashMap<(&str, Option<&str>), i64> = HashMap::new();
    for p in phases {
        let e = last.entry((p.name.as_str(), p.sequence_path.as_deref())).or_insert(p.retry_count);
        *e = (*e).max(p.retry_count);
    }
    phases
        .iter()
        .map(|p| last[&(p.name.as_str(), p.sequence_path.as_deref())] == p.retry_count)
        .collect()
}

/// A measurement's validators as stored: their JSON and its digest (computed before the
/// insert, off the writer's thread when the seeder prepares runs ahead).
pub type ValidatorText = Option<(String, i64)>;

/// The stored form of each measurement's validators, in phase and measurement order.
pub fn validator_texts(phases: &[Phase]) -> Vec<ValidatorText> {
    phases
        .iter()
        .flat_map(|p| &p.measurements)
        .map(|m| {
            let list = m.validators.as_ref().filter(|v| !v.is_empty())?;
            let text = serde_json::to_string(list).unwrap_or_else(|_| "[]".into());
            let digest = fnv1a(text.as_bytes());
            Some((text, digest))
        })
        .collect()
}

/// The id of a set of validators, stored once however many measurements share it (limits are
/// the same on every run of a procedure).
fn validator_set(conn: &Connection, v: &ValidatorText) -> rusqlite::Result<Option<i64>> {
    let Some((text, digest)) = v else { return Ok(None) };
    let (text, digest) = (text.as_str(), *digest);
    // Looked up by a 64-bit digest (an integer compare), then checked against the text.
    let mut stmt = conn.prepare_cached("SELECT id, body FROM validator_sets WHERE digest = ?1")?;
    let mut rows = stmt.query([digest])?;
    while let Some(row) = rows.next()? {
        if row.get_ref(1)?.as_str()? == text {
            return Ok(Some(row.get(0)?));
        }
    }
    conn.prepare_cached("INSERT INTO validator_sets (body, digest) VALUES (?1, ?2)")?
        .execute(params![text, digest])?;
    Ok(Some(conn.last_insert_rowid()))
}

/// FNV-1a, as a signed 64-bit integer (SQLite's).
fn fnv1a(bytes: &[u8]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

/// The run a set of rows belongs to, as the filters need it.
pub struct RunKey {
    pub seq: i64,
    /// `procedures.rowid` of the run's procedure.
    pub procedure: i64,
}

/// Writes the rows of one run whose ids `assign_ids` gave; `validators` from
/// `validator_texts(phases)`.
pub fn insert(
    conn: &Connection,
    run: &RunKey,
    phases: &[Phase],
    validators: &[ValidatorText],
    logs: &[LogLine],
) -> rusqlite::Result<()> {
    let finals = final_attempts(phases);
    let mut validators = validators.iter();
    let mut ph = conn.prepare_cached(
        "INSERT INTO phases (id, run_seq, procedure, name, outcome, started_at, ended_at,
            retry_count, is_final, sequence_path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut me = conn.prepare_cached(
        "INSERT INTO measurements (id, run_seq, phase_id, procedure, phase_name, name, started_at,
            outcome, kind, num_value, text_value, units, retry_count, is_final, validator_set)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for (phase, is_final) in phases.iter().zip(finals) {
        let Some(pid) = parse_row_id(RowKind::Phase, &phase.id) else { continue };
        let start = phase.started_at.as_ref().map(to_ms).unwrap_or(0);
        let end = phase.ended_at.as_ref().map(to_ms).unwrap_or(start);
        ph.execute(params![
            pid,
            run.seq,
            run.procedure,
            phase.name,
            phase.outcome.as_ref().map(|o| o.as_str()).unwrap_or("PASS"),
            start,
            end,
            phase.retry_count,
            is_final,
            phase.sequence_path,
        ])?;
        for m in &phase.measurements {
            let Some(mid) = parse_row_id(RowKind::Measurement, &m.id) else { continue };
            let kind = measurement_type(m);
            let (num, text): (Option<f64>, Option<&str>) = match (&m.measured_value, kind) {
                (Some(Value::Number(n)), "numeric") => (n.as_f64(), None),
                (Some(Value::Bool(b)), "boolean") => (Some(if *b { 1.0 } else { 0.0 }), None),
                (Some(Value::String(s)), "string") => (None, Some(s.as_str())),
                _ => (None, None),
            };
            me.execute(params![
                mid,
                run.seq,
                pid,
                run.procedure,
                phase.name,
                m.name,
                start,
                m.outcome.as_ref().map(|o| o.as_str()).unwrap_or("UNSET"),
                kind,
                num,
                text,
                m.units,
                phase.retry_count,
                is_final,
                validator_set(conn, validators.next().unwrap_or(&None))?,
            ])?;
        }
    }
    let mut lo = conn.prepare_cached(
        "INSERT INTO logs (id, run_seq, procedure, level, at, message, source_file, line_number)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut search = conn.prepare_cached("INSERT INTO log_search (rowid, text) VALUES (?1, ?2)")?;
    for log in logs {
        let Some(lid) = parse_row_id(RowKind::Log, &log.id) else { continue };
        lo.execute(params![
            lid,
            run.seq,
            run.procedure,
            log.level.as_ref().map(|l| l.as_str()).unwrap_or("INFO"),
            log.timestamp.as_ref().map(to_ms).unwrap_or(0),
            log.message,
            log.source_file,
            log.line_number,
        ])?;
        search.execute(params![lid, log.message])?;
    }
    Ok(())
}

/// Deletes the rows of the runs `seqs` (their search entries too).
pub fn delete(conn: &Connection, seq: i64) -> rusqlite::Result<()> {
    // A contentless index forgets a row only when told its text.
    conn.prepare_cached(
        "INSERT INTO log_search (log_search, rowid, text)
         SELECT 'delete', id, message FROM logs WHERE run_seq = ?1",
    )?
    .execute([seq])?;
    for table in ["logs", "measurements", "phases"] {
        conn.prepare_cached(&format!("DELETE FROM {table} WHERE run_seq = ?1"))?.execute([seq])?;
    }
    Ok(())
}

/// `procedures.rowid` of a procedure id.
pub fn procedure_key(conn: &Connection, procedure_id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT rowid FROM procedures WHERE id = ?1")?
        .query_row([procedure_id], |r| r.get(0))
}

/// Fills the cross-run tables for runs stored before they existed: their stored bodies get
/// the derived ids (their old random ids of phases, measurements and logs are replaced).
pub fn backfill(conn: &Connection) -> rusqlite::Result<usize> {
    let seqs: Vec<(i64, String)> = conn
        .prepare(
            "SELECT r.seq, r.procedure_id FROM runs r
             WHERE NOT EXISTS (SELECT 1 FROM phases p WHERE p.run_seq = r.seq)
               AND NOT EXISTS (SELECT 1 FROM logs l WHERE l.run_seq = r.seq)
             ORDER BY r.seq",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut done = 0;
    for (seq, procedure_id) in seqs {
        let (phases, logs): (String, String) = conn
            .prepare_cached("SELECT phases, logs FROM run_details WHERE seq = ?1")?
            .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut phases: Vec<Phase> = serde_json::from_str(&phases).unwrap_or_default();
        let mut logs: Vec<LogLine> = serde_json::from_str(&logs).unwrap_or_default();
        if phases.is_empty() && logs.is_empty() {
            continue;
        }
        assign_ids(&mut Counters::from_db(conn)?, &mut phases, &mut logs);
        conn.prepare_cached("UPDATE run_details SET phases = ?2, logs = ?3 WHERE seq = ?1")?
            .execute(params![
                seq,
                serde_json::to_string(&phases).unwrap_or_else(|_| "[]".into()),
                serde_json::to_string(&logs).unwrap_or_else(|_| "[]".into()),
            ])?;
        let run = RunKey { seq, procedure: procedure_key(conn, &procedure_id)? };
        insert(conn, &run, &phases, &validator_texts(&phases), &logs)?;
        done += 1;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_round_trip_and_name_their_kind() {
        let id = row_id(RowKind::Log, 123_456_789);
        assert_eq!(id.len(), 36, "{id}");
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id} is UUID-shaped");
        assert_eq!(parse_row_id(RowKind::Log, &id), Some(123_456_789));
        assert_eq!(parse_row_id(RowKind::Phase, &id), None);
        assert_eq!(parse_row_id(RowKind::Log, "not-an-id"), None);
        assert_eq!(parse_row_id(RowKind::Log, &uuid::Uuid::new_v4().to_string()), None);
    }
}
