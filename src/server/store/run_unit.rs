//! The units a run names: the unit under test (found, created, or moved to the part,
//! revision and batch the run names) and its sub-units.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::catalog::{self, UnitRow};
use super::create::CreateCtx;
use super::units::UnitRecord;
use crate::api::SubUnit;
use crate::api::create::RunCreate;
use crate::path;
use crate::server::error::ApiError;

/// The units named in `sub_units`. One the caller may not see is "not found", exactly as an
/// unknown serial: a station cannot reparent another's unit, nor learn that it exists.
pub fn resolve_sub_units(
    conn: &Connection,
    serials: &[String],
    parent: &str,
    ctx: &CreateCtx<'_>,
) -> Result<Vec<SubUnit>, ApiError> {
    let mut out: Vec<SubUnit> = Vec::with_capacity(serials.len());
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.serial_number, p.number, p.name FROM units u JOIN parts p ON p.id = u.part_id WHERE u.serial_number = ?1",
    )?;
    for (i, s) in serials.iter().enumerate() {
        if s.eq_ignore_ascii_case(parent) {
            return Err(ApiError::field(
                &path!["sub_units", i],
                "a unit cannot be its own sub-unit",
            ));
        }
        let row = stmt
            .query_row([s], |r| {
                Ok(SubUnit {
                    id: r.get(0)?,
                    serial_number: r.get(1)?,
                    part_number: r.get(2)?,
                    part_name: r.get(3)?,
                })
            })
            .optional()?;
        let row = match row {
            Some(su) if ctx.may_change_unit(conn, &su.id)? => Some(su),
            _ => None,
        };
        match row {
            Some(su) if !out.iter().any(|o| o.id == su.id) => out.push(su),
            Some(_) => {}
            None => {
                return Err(ApiError::not_found(format!(
                    "Sub-unit `{s}` not found; create a run for it first"
                ))
                .with_issue_path(&path!["sub_units", i]));
            }
        }
    }
    Ok(out)
}

/// The unit under test, created on first sight. A named part, revision or batch moves the
/// unit to it, and its earlier runs follow; otherwise it keeps what it had. A station's run
/// on a unit outside its scope changes nothing of the unit (scope.rs).
pub fn resolve_unit(
    conn: &Connection,
    req: &RunCreate,
    serial: &str,
    ctx: &mut CreateCtx<'_>,
) -> Result<(UnitRow, bool), ApiError> {
    let existing = catalog::find_unit(conn, serial)?;
    if let Some(u) = existing {
        if !ctx.may_change_unit(conn, &u.id)? {
            return Ok((u, false));
        }
        return Ok((update(conn, req, u, ctx.ids)?, false));
    }
    let ids = &mut *ctx.ids;
    let Some(number) = named(&req.part_number) else {
        return Err(ApiError::field(
            &path!["part_number"],
            "is required for a unit seen for the first time",
        ));
    };
    let part_id = catalog::get_or_create_part(conn, number, ids)?.id;
    let revision_id = match named(&req.revision_number) {
        Some(number) => catalog::get_or_create_revision(conn, &part_id, number, ids)?,
        None => catalog::default_revision(conn, &part_id)?,
    };
    let batch_id = match named(&req.batch_number) {
        Some(number) => Some(catalog::get_or_create_batch(conn, number, ids)?),
        None => None,
    };
    let unit_meta = req.unit_metadata.clone().unwrap_or_default();
    let id = ids.next_id();
    conn.prepare_cached(
        "INSERT INTO units (id, serial_number, part_id, revision_id, batch_id, metadata,
            created_at, created_by_user_id, created_by_station_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        id,
        serial,
        part_id,
        revision_id,
        batch_id,
        Value::Object(unit_meta).to_string(),
        ctx.now_ms,
        ctx.caller.user_id(),
        ctx.caller.station_id(),
    ])?;
    conn.prepare_cached(
        "INSERT INTO unit_search (rowid, text) SELECT rowid, serial_number FROM units WHERE id = ?1",
    )?
    .execute([&id])?;
    Ok((UnitRow { id, part_id, revision_id, batch_id }, true))
}

/// A field's value when it names something (not absent, not blank).
fn named(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Moves a known unit to the part, revision and batch the run names and merges its unit
/// metadata; its earlier runs follow a move.
fn update(
    conn: &Connection,
    req: &RunCreate,
    u: UnitRow,
    ids: &mut super::ids::IdSource,
) -> Result<UnitRow, ApiError> {
    let part_id = match named(&req.part_number) {
        Some(number) => catalog::get_or_create_part(conn, number, ids)?.id,
        None => u.part_id.clone(),
    };
    let revision_id = match named(&req.revision_number) {
        Some(number) => catalog::get_or_create_revision(conn, &part_id, number, ids)?,
        None if u.part_id == part_id => u.revision_id.clone(),
        None => catalog::default_revision(conn, &part_id)?,
    };
    let batch_id = match named(&req.batch_number) {
        Some(number) => Some(catalog::get_or_create_batch(conn, number, ids)?),
        None => u.batch_id.clone(),
    };
    let unit_meta = req.unit_metadata.clone().unwrap_or_default();
    conn.prepare_cached(
        "UPDATE units SET part_id = ?2, revision_id = ?3, batch_id = ?4,
            metadata = CASE WHEN ?5 = '{}' THEN metadata ELSE json_patch(metadata, ?5) END WHERE id = ?1",
    )?
    .execute(params![u.id, part_id, revision_id, batch_id, Value::Object(unit_meta).to_string()])?;
    if (&u.part_id, &u.revision_id, &u.batch_id) != (&part_id, &revision_id, &batch_id) {
        sync_runs_of(conn, &u.id)?;
    }
    Ok(UnitRow { id: u.id, part_id, revision_id, batch_id })
}

/// A unit's runs follow it: their part, revision, batch and serial are the unit's (a run's
/// unit is a reference, as in TofuPilot), after a `PATCH /units` or a run that moved it.
pub fn sync_runs_of(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    if let Some(before) = super::units::load(conn, "id", id)? {
        sync_runs(conn, &before)?;
    }
    Ok(())
}

pub fn sync_runs(conn: &Connection, before: &UnitRecord) -> rusqlite::Result<()> {
    let Some(now) = super::units::load(conn, "id", &before.id)? else { return Ok(()) };
    conn.prepare_cached(
        "UPDATE runs SET serial_number = ?2, part_id = ?3, part_number = ?4, revision_id = ?5,
            revision_number = ?6, batch_id = ?7 WHERE unit_id = ?1",
    )?
    .execute(params![
        now.id,
        now.serial_number,
        now.part.0,
        now.part.1,
        now.revision.0,
        now.revision.1,
        now.batch.as_ref().map(|b| &b.0),
    ])?;
    if now.serial_number != before.serial_number {
        conn.prepare_cached(&format!(
            "UPDATE run_search SET text = (SELECT {} FROM runs WHERE seq = run_search.rowid)
             WHERE rowid IN (SELECT seq FROM runs WHERE unit_id = ?1)",
            super::SEARCH_TEXT
        ))?
        .execute([&now.id])?;
        conn.prepare_cached(
            "INSERT INTO unit_search (unit_search, rowid, text) VALUES ('delete', ?1, ?2)",
        )?
        .execute(params![before.rowid, before.serial_number])?;
        conn.prepare_cached("INSERT INTO unit_search (rowid, text) VALUES (?1, ?2)")?
            .execute(params![before.rowid, now.serial_number])?;
    }
    Ok(())
}
