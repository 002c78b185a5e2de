//! `/v2/units/{serial}`: get, create, update, delete, children and unit attachments. Serial
//! numbers match case-insensitively and keep the case they were given. The list is in
//! `units_list.rs`.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};

use super::catalog;
use super::create::{check_metadata, merge_metadata};
use super::ids::IdSource;
use super::mutate;
use super::people::{self, Stamp};
use super::render::download_url;
use super::wire::{
    CreatedDuring, IdName, IdNumber, PartWithRevision, Relative, Unit, UnitAttachment, metadata,
};
use crate::api::time::{format_duration_ms, from_ms};
use crate::api::{Sample, WireEnum};
use crate::path;
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::scope;

/// A unit as stored, with the names its answers carry.
pub struct UnitRecord {
    pub rowid: i64,
    pub id: String,
    pub serial_number: String,
    pub created_at: i64,
    pub sample: Option<String>,
    pub created_by_user_id: Option<String>,
    pub created_by_station_id: Option<String>,
    pub part: (String, String, String),
    pub revision: (String, String),
    pub batch: Option<(String, String)>,
    pub parent_id: Option<String>,
    pub created_run_seq: Option<i64>,
    pub metadata: String,
}

const SELECT: &str = "SELECT u.rowid, u.id, u.serial_number, u.created_at, u.sample,
    u.created_by_user_id, u.created_by_station_id, pa.id, pa.number, pa.name, rv.id, rv.number,
    b.id, b.number, u.parent_id, u.created_run_seq, u.metadata
    FROM units u JOIN parts pa ON pa.id = u.part_id JOIN revisions rv ON rv.id = u.revision_id
    LEFT JOIN batches b ON b.id = u.batch_id";

fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<UnitRecord> {
    let batch = match (r.get::<_, Option<String>>(12)?, r.get::<_, Option<String>>(13)?) {
        (Some(id), Some(n)) => Some((id, n)),
        _ => None,
    };
    Ok(UnitRecord {
        rowid: r.get(0)?,
        id: r.get(1)?,
        serial_number: r.get(2)?,
        created_at: r.get(3)?,
        sample: r.get(4)?,
        created_by_user_id: r.get(5)?,
        created_by_station_id: r.get(6)?,
        part: (r.get(7)?, r.get(8)?, r.get(9)?),
        revision: (r.get(10)?, r.get(11)?),
        batch,
        parent_id: r.get(14)?,
        created_run_seq: r.get(15)?,
        metadata: r.get(16)?,
    })
}

pub(super) fn load(
    conn: &Connection,
    column: &str,
    key: &str,
) -> rusqlite::Result<Option<UnitRecord>> {
    conn.prepare_cached(&format!("{SELECT} WHERE u.{column} = ?1"))?
        .query_row([key], record)
        .optional()
}

/// The unit with this serial that the caller may see; otherwise 404.
pub fn find(conn: &Connection, serial: &str, caller: &Caller) -> Result<UnitRecord, ApiError> {
    let not_found = || ApiError::not_found(format!("Unit `{serial}` not found"));
    let unit = load(conn, "serial_number", serial)?.ok_or_else(not_found)?;
    if !scope::unit_visible(conn, caller, &unit.id)? {
        return Err(not_found());
    }
    Ok(unit)
}

fn part_of(u: &UnitRecord) -> PartWithRevision {
    PartWithRevision {
        id: u.part.0.clone(),
        number: u.part.1.clone(),
        name: u.part.2.clone(),
        revision: IdNumber { id: u.revision.0.clone(), number: u.revision.1.clone() },
    }
}

fn relative(u: &UnitRecord) -> Relative {
    Relative { id: u.id.clone(), serial_number: u.serial_number.clone(), part: part_of(u) }
}

/// The run that created the unit, when the caller may see it (scope.rs).
fn created_during(
    conn: &Connection,
    seq: Option<i64>,
    caller: &Caller,
) -> rusqlite::Result<Option<CreatedDuring>> {
    let Some(seq) = seq else { return Ok(None) };
    let procedure: Option<String> = conn
        .prepare_cached("SELECT procedure_id FROM runs WHERE seq = ?1")?
        .query_row([seq], |r| r.get(0))
        .optional()?;
    match procedure {
        Some(p) if scope::procedure_visible(conn, caller, &p)? => {}
        _ => return Ok(None),
    }
    conn
        .prepare_cached(
            "SELECT r.id, r.created_at, r.started_at, r.ended_at, r.duration_ms, r.outcome, p.id, p.name
             FROM runs r JOIN procedures p ON p.id = r.procedure_id WHERE r.seq = ?1",
        )?
        .query_row([seq], |r| {
            Ok(CreatedDuring {
                id: r.get(0)?,
                created_at: from_ms(r.get(1)?),
                started_at: from_ms(r.get(2)?),
                ended_at: from_ms(r.get(3)?),
                duration: format_duration_ms(r.get(4)?),
                outcome: r.get(5)?,
                procedure: IdName { id: r.get(6)?, name: r.get(7)? },
            })
        })
        .optional()
}

fn attachments(conn: &Connection, unit: &str, base: &str) -> rusqlite::Result<Vec<UnitAttachment>> {
    conn.prepare_cached(
        "SELECT id, name, size, content_type, download_token, state = 'final' FROM attachments
         WHERE unit_id = ?1 AND state != 'pending' ORDER BY created_at, id",
    )?
    .query_map([unit], |r| {
        let id: String = r.get(0)?;
        let token: String = r.get(4)?;
        // An upload is linked once finalized: until then its content may still change.
        let link = r.get::<_, bool>(5)?.then(|| download_url(base, &id, &token));
        Ok(UnitAttachment {
            id,
            name: r.get(1)?,
            size: r.get(2)?,
            content_type: r.get(3)?,
            download_url: link,
        })
    })?
    .collect()
}

pub fn get(conn: &Connection, serial: &str, caller: &Caller, base: &str) -> Result<Unit, ApiError> {
    let u = find(conn, serial, caller)?;
    // The children in one query, not one per child.
    let children: Vec<Relative> = conn
        .prepare_cached(&format!("{SELECT} WHERE u.parent_id = ?1 ORDER BY u.serial_number, u.id"))?
        .query_map([&u.id], |r| record(r).map(|c| relative(&c)))?
        .collect::<Result<_, _>>()?;
    let parent = match &u.parent_id {
        Some(p) => load(conn, "id", p)?.map(|p| relative(&p)),
        None => None,
    };
    let (_, creators) = people::created_by(conn, "units", &u.id)?;
    Ok(Unit {
        part: part_of(&u),
        batch: u.batch.clone().map(|(id, number)| IdNumber { id, number }),
        parent,
        children,
        created_during: created_during(conn, u.created_run_seq, caller)?,
        attachments: attachments(conn, &u.id, base)?,
        metadata: metadata(&u.metadata),
        creators,
        created_at: from_ms(u.created_at),
        sample: u.sample,
        serial_number: u.serial_number,
        id: u.id,
    })
}

fn sample_value(v: &Value, field: &str) -> Result<Option<String>, ApiError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => match Sample::parse_known(s) {
            Some(sample) => Ok(Some(sample.as_str().to_string())),
            None => Err(ApiError::field(
                &path![field],
                format!("unknown value `{s}`, expected one of: {}", Sample::expected()),
            )),
        },
        other => Err(ApiError::field(&path![field], format!("{other} is not a sample class"))),
    }
}

fn non_empty<'a>(v: &'a str, field: &str) -> Result<&'a str, ApiError> {
    let v = v.trim();
    if v.is_empty() { Err(ApiError::field(&path![field], "must not be empty")) } else { Ok(v) }
}

/// `POST /v2/units`: the part and revision are found or created.
pub fn create(
    conn: &Connection,
    body: &Map<String, Value>,
    stamp: &Stamp<'_>,
) -> Result<String, ApiError> {
    let (caller, now, ids) = (stamp.caller, stamp.now, &mut IdSource::Random);
    scope::require_user(caller, "create units")?;
    let text = |k: &str| body.get(k).and_then(Value::as_str);
    let serial = non_empty(text("serial_number").unwrap_or_default(), "serial_number")?;
    let part_number = non_empty(text("part_number").unwrap_or_default(), "part_number")?;
    let revision = non_empty(text("revision_number").unwrap_or_default(), "revision_number")?;
    let sample = sample_value(body.get("sample").unwrap_or(&Value::Null), "sample")?;
    let metadata = body.get("metadata").and_then(Value::as_object).cloned().unwrap_or_default();
    check_metadata(Some(&metadata), "metadata")?;
    if catalog::find_unit(conn, serial)?.is_some() {
        return Err(ApiError::conflict(format!("A unit with serial number `{serial}` exists")));
    }
    let part = catalog::get_or_create_part(conn, part_number, ids)?;
    let revision_id = catalog::get_or_create_revision(conn, &part.id, revision, ids)?;
    let id = ids.next_id();
    conn.prepare_cached(
        "INSERT INTO units (id, serial_number, part_id, revision_id, sample, metadata, created_at,
            created_by_user_id, created_by_station_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        id,
        serial,
        part.id,
        revision_id,
        sample,
        Value::Object(metadata).to_string(),
        now,
        caller.user_id(),
        caller.station_id(),
    ])?;
    conn.prepare_cached(
        "INSERT INTO unit_search (rowid, text) SELECT rowid, serial_number FROM units WHERE id = ?1",
    )?
    .execute([&id])?;
    Ok(id)
}

/// Rewrites the copies of a unit's serial, part, revision and batch that its runs keep for
/// filtering, and the search entries of a changed serial. `before` is the unit as it was.
/// `PATCH /v2/units/{serial}`: only what the body names changes.
pub fn update(
    conn: &Connection,
    serial: &str,
    body: &Map<String, Value>,
    caller: &Caller,
) -> Result<String, ApiError> {
    scope::require_user(caller, "change units")?;
    let u = find(conn, serial, caller)?;
    let text = |k: &str| body.get(k).and_then(Value::as_str);
    if let Some(new) = text("new_serial_number") {
        let new = non_empty(new, "new_serial_number")?;
        if let Some(other) = catalog::find_unit(conn, new)?
            && other.id != u.id
        {
            return Err(ApiError::conflict(format!("A unit with serial number `{new}` exists")));
        }
        conn.prepare_cached("UPDATE units SET serial_number = ?2 WHERE id = ?1")?
            .execute([&u.id, new])?;
    }
    let mut ids = IdSource::Random;
    let part_id = match text("part_number") {
        Some(p) => catalog::get_or_create_part(conn, non_empty(p, "part_number")?, &mut ids)?.id,
        None => u.part.0.clone(),
    };
    let revision_id = match text("revision_number") {
        Some(r) => catalog::get_or_create_revision(
            conn,
            &part_id,
            non_empty(r, "revision_number")?,
            &mut ids,
        )?,
        None if part_id != u.part.0 => catalog::default_revision(conn, &part_id)?,
        None => u.revision.0.clone(),
    };
    conn.prepare_cached("UPDATE units SET part_id = ?2, revision_id = ?3 WHERE id = ?1")?
        .execute([&u.id, &part_id, &revision_id])?;
    match body.get("batch_number") {
        Some(Value::Null) => {
            conn.prepare_cached("UPDATE units SET batch_id = NULL WHERE id = ?1")?
                .execute([&u.id])?;
        }
        Some(Value::String(b)) => {
            let batch =
                catalog::get_or_create_batch(conn, non_empty(b, "batch_number")?, &mut ids)?;
            conn.prepare_cached("UPDATE units SET batch_id = ?2 WHERE id = ?1")?
                .execute([&u.id, &batch])?;
        }
        Some(other) => {
            return Err(ApiError::field(
                &path!["batch_number"],
                format!("{other} is not a batch number"),
            ));
        }
        None => {}
    }
    if let Some(v) = body.get("sample") {
        let sample = sample_value(v, "sample")?;
        conn.prepare_cached("UPDATE units SET sample = ?2 WHERE id = ?1")?
            .execute(params![u.id, sample])?;
    }
    if let Some(merged) = merge_metadata(&u.metadata, body.get("metadata"))? {
        conn.prepare_cached("UPDATE units SET metadata = ?2 WHERE id = ?1")?
            .execute(params![u.id, merged])?;
    }
    if let Some(list) = body.get("attachments") {
        let Some(list) = list.as_array() else {
            return Err(ApiError::field(&path!["attachments"], "must be a list of attachment ids"));
        };
        for (i, a) in list.iter().enumerate() {
            let a = a.as_str().unwrap_or_default();
            mutate::link_attachment_to_unit(conn, a, &u.id, caller)
                .map_err(|e| e.with_issue_path(&path!["attachments", i]))?;
        }
    }
    super::run_unit::sync_runs(conn, &u)?;
    Ok(u.id)
}

/// `DELETE /v2/units?serial_numbers=…`: the units and their runs; their sub-units stay,
/// without a parent.
pub fn delete(
    conn: &Connection,
    serials: &[String],
    caller: &Caller,
) -> Result<Vec<String>, ApiError> {
    scope::require_user(caller, "delete units")?;
    if serials.is_empty() {
        return Err(ApiError::field(&path!["serial_numbers"], "name at least one serial number"));
    }
    let mut deleted = Vec::new();
    for serial in serials {
        let Some(u) = load(conn, "serial_number", serial)? else { continue };
        let runs: Vec<i64> = conn
            .prepare_cached("SELECT seq FROM runs WHERE unit_id = ?1")?
            .query_map([&u.id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for seq in runs {
            mutate::delete_run(conn, seq)?;
        }
        conn.prepare_cached("UPDATE units SET parent_id = NULL WHERE parent_id = ?1")?
            .execute([&u.id])?;
        conn.prepare_cached("DELETE FROM attachment_data WHERE id IN (SELECT id FROM attachments WHERE unit_id = ?1)")?
            .execute([&u.id])?;
        conn.prepare_cached("DELETE FROM attachments WHERE unit_id = ?1")?.execute([&u.id])?;
        conn.prepare_cached(
            "INSERT INTO unit_search (unit_search, rowid, text) VALUES ('delete', ?1, ?2)",
        )?
        .execute(params![u.rowid, u.serial_number])?;
        conn.prepare_cached("DELETE FROM units WHERE id = ?1")?.execute([&u.id])?;
        deleted.push(u.id);
    }
    if deleted.is_empty() {
        return Err(ApiError::not_found("None of these units exists"));
    }
    Ok(deleted)
}
