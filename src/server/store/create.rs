//! `POST /v2/runs`: validate, resolve or create the procedure version, part, revision, batch
//! and unit, build the run's body, and insert it, all in the caller's transaction. The demo
//! seeder goes through this same function.

use rusqlite::{Connection, params};
use serde_json::{Map, Value};

use super::catalog;
use super::ids::IdSource;
use super::replay::{body_digest, replayed};
use super::run_unit::{resolve_sub_units, resolve_unit};
use super::{detail, rows};
use crate::api::WireEnum;
use crate::api::create::RunCreate;
use crate::api::time::to_ms;
use crate::path;
use crate::server::auth::Caller;
use crate::server::error::ApiError;

pub const MAX_METADATA_KEYS: usize = 50;

pub struct CreateCtx<'a> {
    pub caller: &'a Caller,
    pub now_ms: i64,
    pub ids: &'a mut IdSource,
    /// The server itself (the demo seeder) writes for the station: the rules that keep a
    /// station from changing units outside its scope do not apply.
    pub as_server: bool,
}

impl CreateCtx<'_> {
    /// Whether this create may change unit `id` (move it, reparent it) or name it.
    pub fn may_change_unit(&self, conn: &Connection, id: &str) -> rusqlite::Result<bool> {
        if self.as_server {
            return Ok(true);
        }
        crate::server::scope::unit_visible(conn, self.caller, id)
    }
}

/// The id of the created run, or of the earlier run made from the same request under the same
/// `client_run_ref` (a retried create). An empty ref is no ref; a ref is looked up among the
/// runs the caller may see; another request under a known ref is a conflict.
pub fn create_run(
    conn: &Connection,
    req: &RunCreate,
    ctx: &mut CreateCtx<'_>,
) -> Result<String, ApiError> {
    let reference = req.client_run_ref.as_deref().map(str::trim).filter(|r| !r.is_empty());
    // Only a run with a ref needs its digest (the seeder's runs have none).
    let digest = reference.map(|_| body_digest(req));
    if let (Some(reference), Some(digest)) = (reference, &digest) {
        match replayed(conn, reference, digest, ctx.caller)? {
            Some((id, true)) => return Ok(id),
            Some((id, false)) => {
                return Err(ApiError::conflict(format!(
                    "client_run_ref `{reference}` was used for run {id}, made from a different request; use a new ref for a new run"
                ))
                .with_issue_path(&path!["client_run_ref"]));
            }
            None => {}
        }
    }
    let prepared = prepare(req, ctx.ids, &mut rows::Counters::from_db(conn)?)?;
    insert_run(conn, req, prepared, digest, ctx)
}

/// A run create's work that needs no database: the request checked, its body built with the
/// ids its rows will have, and serialised. The seeder prepares runs on one thread while
/// another inserts them.
pub struct Prepared {
    phases: Vec<crate::api::Phase>,
    logs: Vec<crate::api::LogLine>,
    validators: Vec<rows::ValidatorText>,
    /// JSON of the stored body: phases, sequences, logs, config, secrets.
    body: [String; 5],
}

/// Checks and builds a run; row ids come from `counters`, which it advances.
pub fn prepare(
    req: &RunCreate,
    ids: &mut IdSource,
    counters: &mut rows::Counters,
) -> Result<Prepared, ApiError> {
    if req.serial_number.trim().is_empty() {
        return Err(ApiError::field(&path!["serial_number"], "must not be empty"));
    }
    if req.ended_at < req.started_at {
        return Err(ApiError::field(&path!["ended_at"], "is before started_at"));
    }
    check_metadata(req.metadata.as_ref(), "metadata")?;
    check_metadata(req.unit_metadata.as_ref(), "unit_metadata")?;
    if req.slot_key.is_some() && req.execution_id.is_none() {
        return Err(ApiError::field(&path!["slot_key"], "requires execution_id"));
    }
    let sequences = detail::build_sequences(req.sequences.as_deref().unwrap_or(&[]), ids)?;
    let mut phases = detail::build_phases(req.phases.as_deref().unwrap_or(&[]), &sequences, ids)?;
    let mut logs = detail::build_logs(req.logs.as_deref().unwrap_or(&[]), ids);
    rows::assign_ids(counters, &mut phases, &mut logs);
    let body = [
        json(&phases),
        json(&sequences),
        json(&logs),
        json(req.config.as_deref().unwrap_or(&[])),
        json(req.secrets.as_deref().unwrap_or(&[])),
    ];
    let validators = rows::validator_texts(&phases);
    Ok(Prepared { phases, logs, validators, body })
}

/// Inserts a prepared run: what needs the database (the procedure and the caller's right to
/// it, the unit, part, revision, batch and version found or created, sub-units), then the rows.
pub fn insert_run(
    conn: &Connection,
    req: &RunCreate,
    prepared: Prepared,
    digest: Option<String>,
    ctx: &mut CreateCtx<'_>,
) -> Result<String, ApiError> {
    let reference = req.client_run_ref.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let serial = req.serial_number.trim();
    if catalog::procedure_name(conn, &req.procedure_id)?.is_none() {
        return Err(ApiError::not_found(format!("Procedure `{}` not found", req.procedure_id))
            .with_issue_path(&path!["procedure_id"]));
    }
    if !crate::server::scope::procedure_visible(conn, ctx.caller, &req.procedure_id)? {
        // As if it did not exist: a station key learns nothing of other procedures.
        return Err(ApiError::not_found(format!(
            "Procedure `{}` not found (or not linked to this station)",
            req.procedure_id
        ))
        .with_issue_path(&path!["procedure_id"]));
    }
    let sub_units = resolve_sub_units(conn, req.sub_units.as_deref().unwrap_or(&[]), serial, ctx)?;
    let version_id = match req.procedure_version.as_deref().map(str::trim).filter(|t| !t.is_empty())
    {
        Some(tag) => Some(catalog::get_or_create_version(conn, &req.procedure_id, tag, ctx.ids)?),
        None => None,
    };
    let (unit, unit_is_new) = resolve_unit(conn, req, serial, ctx)?;
    let part = catalog::part_by_id(conn, &unit.part_id)?;
    let revision_number = catalog::revision_number(conn, &unit.revision_id)?;

    let (operated_by_user_id, operated_by_name) =
        match req.operated_by.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(who) => match catalog::user_by_email(conn, who)? {
                Some(id) => (Some(id), None),
                None => (None, Some(who.to_string())),
            },
            None => (None, None),
        };
    let empty = Map::new();
    let metadata = req.metadata.as_ref().unwrap_or(&empty);
    let id = ctx.ids.next_id();
    conn.prepare_cached(
        "INSERT INTO runs (id, client_run_ref, client_run_digest, created_at, started_at, ended_at, duration_ms, outcome, procedure_id,
            version_id, unit_id, serial_number, part_id, part_number, revision_id, revision_number, batch_id,
            created_by_user_id, created_by_station_id, operated_by_user_id, operated_by_name, docstring,
            execution_id, slot_key, slot_name, metadata)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
    )?
    .execute(params![
        id,
        reference,
        digest,
        ctx.now_ms,
        to_ms(&req.started_at),
        to_ms(&req.ended_at),
        (req.ended_at - req.started_at).num_milliseconds(),
        req.outcome.0.as_str(),
        req.procedure_id,
        version_id,
        unit.id,
        serial,
        part.id,
        part.number,
        unit.revision_id,
        revision_number,
        unit.batch_id,
        ctx.caller.user_id(),
        ctx.caller.station_id(),
        operated_by_user_id,
        operated_by_name,
        req.docstring,
        req.execution_id,
        req.slot_key,
        req.slot_name,
        Value::Object(metadata.clone()).to_string(),
    ])?;
    let seq = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO run_details (seq, phases, sequences, logs, sub_units, config, secrets) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        seq,
        prepared.body[0],
        prepared.body[1],
        prepared.body[2],
        json(&sub_units),
        prepared.body[3],
        prepared.body[4],
    ])?;
    write_metadata_rows(conn, seq, metadata)?;
    if unit_is_new {
        conn.prepare_cached("UPDATE units SET created_run_seq = ?2 WHERE id = ?1")?
            .execute(params![unit.id, seq])?;
    }
    catalog::count_run(conn, &unit.id, seq, to_ms(&req.started_at), req.outcome.0.as_str())?;
    // The run's sub-units become the unit's children: the assembly they were fitted into.
    for (i, su) in sub_units.iter().enumerate() {
        super::genealogy::set_parent(conn, &su.id, &unit.id)
            .map_err(|e| e.with_issue_path(&path!["sub_units", i]))?;
    }
    let run = rows::RunKey { seq, procedure: rows::procedure_key(conn, &req.procedure_id)? };
    rows::insert(conn, &run, &prepared.phases, &prepared.validators, &prepared.logs)?;
    conn.prepare_cached(&format!(
        "INSERT INTO run_search (rowid, text) SELECT seq, {} FROM runs WHERE seq = ?1",
        super::SEARCH_TEXT
    ))?
    .execute([seq])?;
    Ok(id)
}

/// The detail parts are plain data, so serialising them cannot fail.
fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

/// `current` (a stored metadata object) with `patch` applied: a null removes its key. `None`
/// without a patch.
pub fn merge_metadata(current: &str, patch: Option<&Value>) -> Result<Option<String>, ApiError> {
    let Some(patch) = patch else { return Ok(None) };
    let Some(patch) = patch.as_object() else {
        return Err(ApiError::field(&path!["metadata"], "must be an object"));
    };
    let mut merged: Map<String, Value> = serde_json::from_str(current).unwrap_or_default();
    for (k, v) in patch {
        if v.is_null() {
            merged.remove(k);
        } else {
            merged.insert(k.clone(), v.clone());
        }
    }
    check_metadata(Some(&merged), "metadata")?;
    Ok(Some(Value::Object(merged).to_string()))
}

/// Only strings, numbers and booleans; at most 50 keys; no empty key.
pub fn check_metadata(m: Option<&Map<String, Value>>, field: &str) -> Result<(), ApiError> {
    let Some(m) = m else { return Ok(()) };
    if m.len() > MAX_METADATA_KEYS {
        return Err(ApiError::field(
            &path![field],
            format!("has {} keys; at most {MAX_METADATA_KEYS} are allowed", m.len()),
        ));
    }
    for (k, v) in m {
        if k.trim().is_empty() {
            return Err(ApiError::field(&path![field], "keys must not be empty"));
        }
        if !(v.is_string() || v.is_number() || v.is_boolean()) {
            return Err(ApiError::field(
                &path![field, k.as_str()],
                "must be a string, a number or a boolean",
            ));
        }
    }
    Ok(())
}

/// Rewrites the filter index rows of one run's metadata.
pub fn write_metadata_rows(
    conn: &Connection,
    seq: i64,
    metadata: &Map<String, Value>,
) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM run_metadata WHERE seq = ?1")?.execute([seq])?;
    let mut stmt = conn.prepare_cached("INSERT INTO run_metadata (seq, key, kind, text_value, num_value) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for (k, v) in metadata {
        let (kind, text, num): (&str, Option<String>, Option<f64>) = match v {
            Value::String(s) => ("string", Some(s.clone()), None),
            Value::Number(n) => ("number", None, n.as_f64()),
            Value::Bool(b) => ("boolean", None, Some(if *b { 1.0 } else { 0.0 })),
            _ => continue,
        };
        stmt.execute(params![seq, k, kind, text, num])?;
    }
    Ok(())
}
