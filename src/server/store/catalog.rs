//! Procedures, versions, parts, revisions, batches, units, stations, users and keys: the
//! get-or-create lookups a run create needs (case-insensitive; every write holds the single
//! writer connection, so they cannot race) and the small list/get endpoints.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::ids::IdSource;
use crate::server::error::ApiError;

/// The one organization the embedded server serves.
pub const ORG: (&str, &str, &str) = ("org-demo", "demo", "Demo Manufacturing");
/// The revision a part gets when none is named.
pub const DEFAULT_REVISION: &str = "A";

pub struct PartRow {
    pub id: String,
    pub number: String,
    pub name: String,
}

pub struct UnitRow {
    pub id: String,
    pub part_id: String,
    pub revision_id: String,
    pub batch_id: Option<String>,
}

pub fn procedure_name(conn: &Connection, id: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT name FROM procedures WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()
}

pub fn station_has_procedure(
    conn: &Connection,
    station_id: &str,
    procedure_id: &str,
) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT 1 FROM station_procedures WHERE station_id = ?1 AND procedure_id = ?2",
    )?
    .exists([station_id, procedure_id])
}

pub fn get_or_create_version(
    conn: &Connection,
    procedure_id: &str,
    tag: &str,
    ids: &mut IdSource,
) -> rusqlite::Result<String> {
    let found: Option<String> = conn
        .prepare_cached("SELECT id FROM procedure_versions WHERE procedure_id = ?1 AND tag = ?2")?
        .query_row([procedure_id, tag], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let id = ids.next_id();
    conn.prepare_cached(
        "INSERT INTO procedure_versions (id, procedure_id, tag) VALUES (?1, ?2, ?3)",
    )?
    .execute([&id, procedure_id, tag])?;
    Ok(id)
}

pub fn find_part(conn: &Connection, number: &str) -> rusqlite::Result<Option<PartRow>> {
    conn.prepare_cached("SELECT id, number, name FROM parts WHERE number = ?1")?
        .query_row([number], |r| Ok(PartRow { id: r.get(0)?, number: r.get(1)?, name: r.get(2)? }))
        .optional()
}

pub fn part_by_id(conn: &Connection, id: &str) -> rusqlite::Result<PartRow> {
    conn.prepare_cached("SELECT id, number, name FROM parts WHERE id = ?1")?
        .query_row([id], |r| Ok(PartRow { id: r.get(0)?, number: r.get(1)?, name: r.get(2)? }))
}

/// Creates a part with its default revision (or the one named).
pub fn insert_part(
    conn: &Connection,
    number: &str,
    name: Option<&str>,
    revision: Option<&str>,
    metadata: &Value,
    ids: &mut IdSource,
) -> rusqlite::Result<PartRow> {
    let id = ids.next_id();
    let rev_id = ids.next_id();
    let name = name.filter(|n| !n.trim().is_empty()).unwrap_or(number).to_string();
    conn.prepare_cached("INSERT INTO parts (id, number, name, default_revision_id, metadata) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![id, number, name, rev_id, metadata.to_string()])?;
    conn.prepare_cached("INSERT INTO revisions (id, part_id, number) VALUES (?1, ?2, ?3)")?
        .execute([&rev_id, &id, revision.unwrap_or(DEFAULT_REVISION)])?;
    Ok(PartRow { id, number: number.to_string(), name })
}

pub fn get_or_create_part(
    conn: &Connection,
    number: &str,
    ids: &mut IdSource,
) -> rusqlite::Result<PartRow> {
    match find_part(conn, number)? {
        Some(p) => Ok(p),
        None => insert_part(conn, number, None, None, &Value::Object(Default::default()), ids),
    }
}

/// The revision a unit of the part gets when none is named: the part's default, else its
/// first, else a new `A` (every revision of the part may have been deleted).
pub fn default_revision(conn: &Connection, part_id: &str) -> rusqlite::Result<String> {
    let found: Option<String> = conn
        .prepare_cached(
            "SELECT COALESCE(p.default_revision_id, (SELECT id FROM revisions WHERE part_id = p.id ORDER BY rowid LIMIT 1))
             FROM parts p WHERE p.id = ?1",
        )?
        .query_row([part_id], |r| r.get(0))?;
    match found {
        Some(id) => Ok(id),
        None => get_or_create_revision(conn, part_id, DEFAULT_REVISION, &mut IdSource::Random),
    }
}

pub fn get_or_create_revision(
    conn: &Connection,
    part_id: &str,
    number: &str,
    ids: &mut IdSource,
) -> rusqlite::Result<String> {
    let found: Option<String> = conn
        .prepare_cached("SELECT id FROM revisions WHERE part_id = ?1 AND number = ?2")?
        .query_row([part_id, number], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let id = ids.next_id();
    conn.prepare_cached("INSERT INTO revisions (id, part_id, number) VALUES (?1, ?2, ?3)")?
        .execute([&id, part_id, number])?;
    Ok(id)
}

pub fn revision_number(conn: &Connection, id: &str) -> rusqlite::Result<String> {
    conn.prepare_cached("SELECT number FROM revisions WHERE id = ?1")?.query_row([id], |r| r.get(0))
}

pub fn get_or_create_batch(
    conn: &Connection,
    number: &str,
    ids: &mut IdSource,
) -> rusqlite::Result<String> {
    let found: Option<String> = conn
        .prepare_cached("SELECT id FROM batches WHERE number = ?1")?
        .query_row([number], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let id = ids.next_id();
    conn.prepare_cached("INSERT INTO batches (id, number) VALUES (?1, ?2)")?
        .execute([&id, number])?;
    Ok(id)
}

pub fn find_unit(conn: &Connection, serial: &str) -> rusqlite::Result<Option<UnitRow>> {
    conn.prepare_cached(
        "SELECT id, part_id, revision_id, batch_id FROM units WHERE serial_number = ?1",
    )?
    .query_row([serial], |r| {
        Ok(UnitRow {
            id: r.get(0)?,
            part_id: r.get(1)?,
            revision_id: r.get(2)?,
            batch_id: r.get(3)?,
        })
    })
    .optional()
}

/// Counts a new run on its unit, which becomes the unit's last run if it started last.
pub fn count_run(
    conn: &Connection,
    unit: &str,
    seq: i64,
    started: i64,
    outcome: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE units SET run_count = run_count + 1,
            last_run_seq = CASE WHEN last_run_at IS NULL OR ?3 >= last_run_at THEN ?2 ELSE last_run_seq END,
            last_outcome = CASE WHEN last_run_at IS NULL OR ?3 >= last_run_at THEN ?4 ELSE last_outcome END,
            last_run_at = MAX(COALESCE(last_run_at, ?3), ?3)
         WHERE id = ?1",
    )?
    .execute(params![unit, seq, started, outcome])?;
    Ok(())
}

/// Recounts a unit's runs after some were deleted.
pub fn recount_runs(conn: &Connection, unit: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE units SET
            run_count = (SELECT COUNT(*) FROM runs r WHERE r.unit_id = ?1),
            last_run_seq = (SELECT seq FROM runs r WHERE r.unit_id = ?1 ORDER BY r.started_at DESC, r.seq DESC LIMIT 1),
            last_run_at = (SELECT MAX(started_at) FROM runs r WHERE r.unit_id = ?1)
         WHERE id = ?1",
    )?
    .execute([unit])?;
    conn.prepare_cached(
        "UPDATE units SET last_outcome = (SELECT outcome FROM runs r WHERE r.seq = units.last_run_seq)
         WHERE id = ?1",
    )?
    .execute([unit])?;
    Ok(())
}

pub fn user_by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT id FROM users WHERE email = ?1")?
        .query_row([email], |r| r.get(0))
        .optional()
}

// ---- endpoints -------------------------------------------------------------------------

pub fn create_procedure(
    conn: &Connection,
    name: &str,
    user_id: Option<&str>,
    now: i64,
    ids: &mut IdSource,
) -> Result<String, ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::field(&crate::path!["name"], "must not be empty"));
    }
    if conn.prepare_cached("SELECT 1 FROM procedures WHERE name = ?1")?.exists([name])? {
        return Err(ApiError::conflict(format!("A procedure named `{name}` already exists")));
    }
    let id = ids.next_id();
    conn.prepare_cached(
        "INSERT INTO procedures (id, name, created_at, created_by_user_id) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, name, now, user_id])?;
    Ok(id)
}

pub fn link_station_procedure(
    conn: &Connection,
    station_id: &str,
    procedure_id: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO station_procedures (station_id, procedure_id) VALUES (?1, ?2)",
    )?
    .execute([station_id, procedure_id])?;
    Ok(())
}

pub fn create_revision(
    conn: &Connection,
    part_number: &str,
    number: &str,
    ids: &mut IdSource,
) -> Result<String, ApiError> {
    if number.trim().is_empty() {
        return Err(ApiError::field(&crate::path!["number"], "must not be empty"));
    }
    let Some(part) = find_part(conn, part_number)? else {
        return Err(ApiError::not_found(format!("Part `{part_number}` not found")));
    };
    if conn
        .prepare_cached("SELECT 1 FROM revisions WHERE part_id = ?1 AND number = ?2")?
        .exists([&part.id, number])?
    {
        return Err(ApiError::conflict(format!(
            "Part `{part_number}` already has revision `{number}`"
        )));
    }
    get_or_create_revision(conn, &part.id, number, ids).map_err(Into::into)
}

pub fn user(conn: &Connection, id: &str) -> rusqlite::Result<Option<(String, Option<String>)>> {
    conn.prepare_cached("SELECT email, name FROM users WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

pub fn station_name(conn: &Connection, id: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT name FROM stations WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()
}

/// The first user made (the one a start gives the user key to).
pub fn first_user(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT id FROM users ORDER BY rowid LIMIT 1", [], |r| r.get(0)).optional()
}

/// The first station made that is not archived (the one a start gives the station key to).
pub fn first_station(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT id FROM stations WHERE archived = 0 ORDER BY rowid LIMIT 1", [], |r| {
        r.get(0)
    })
    .optional()
}

pub fn insert_user(conn: &Connection, id: &str, email: &str, name: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO users (id, email, name) VALUES (?1, ?2, ?3)")?
        .execute([id, email, name])?;
    Ok(())
}

pub fn insert_station(conn: &Connection, id: &str, name: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO stations (id, name) VALUES (?1, ?2)")?
        .execute([id, name])?;
    Ok(())
}

/// Stores `key` (hashed) as the one key of `kind` for `principal`, replacing any other.
pub fn replace_key(
    conn: &Connection,
    key: &str,
    kind: &str,
    principal: &str,
) -> rusqlite::Result<()> {
    use crate::server::auth;
    conn.prepare_cached("DELETE FROM api_keys WHERE kind = ?1 AND principal_id = ?2")?
        .execute([kind, principal])?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO api_keys (key, kind, principal_id, prefix) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute([&auth::hash(key), kind, principal, &auth::fingerprint(&auth::hash(key))])?;
    Ok(())
}

/// The fingerprint of the stored key of `kind` for `principal` (see `auth::fingerprint`).
pub fn key_prefix(
    conn: &Connection,
    kind: &str,
    principal: &str,
) -> rusqlite::Result<Option<String>> {
    use crate::server::auth;
    let hash: Option<String> = conn
        .prepare_cached("SELECT key FROM api_keys WHERE kind = ?1 AND principal_id = ?2 LIMIT 1")?
        .query_row([kind, principal], |r| r.get(0))
        .optional()?;
    Ok(hash.map(|h| auth::fingerprint(&h)))
}

/// Who the key of hash `hash` belongs to: `(kind, principal)`, and whether it was revoked.
pub fn key_owner(
    conn: &Connection,
    hash: &str,
) -> rusqlite::Result<Option<(String, String, bool)>> {
    conn.prepare_cached(
        "SELECT kind, principal_id, 0 FROM api_keys WHERE key = ?1
         UNION ALL SELECT kind, principal_id, 1 FROM revoked_keys WHERE key = ?1 LIMIT 1",
    )?
    .query_row([hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .optional()
}

/// Revokes the keys of station `id`: removed, and remembered, so that a server started again
/// with one refuses it rather than giving it to another station.
pub fn revoke_station_keys(conn: &Connection, id: &str, now: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO revoked_keys (key, kind, principal_id, revoked_at)
         SELECT key, kind, principal_id, ?2 FROM api_keys WHERE kind = 'station' AND principal_id = ?1",
    )?
    .execute(rusqlite::params![id, now])?;
    conn.prepare_cached("DELETE FROM api_keys WHERE kind = 'station' AND principal_id = ?1")?
        .execute([id])?;
    Ok(())
}

/// `(hash, kind, principal)` for every key.
pub fn keys(conn: &Connection) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare("SELECT key, kind, principal_id FROM api_keys ORDER BY rowid")?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect()
}
