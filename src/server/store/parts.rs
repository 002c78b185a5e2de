//! `/v2/parts/{number}` and `/v2/parts/{number}/revisions/{number}`: list, get, create, update,
//! delete. Numbers match case-insensitively and keep the case they were given.

use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

use serde_json::{Map, Value};

use super::catalog::{self, PartRow};
use super::create::{check_metadata, merge_metadata};
use super::ids::IdSource;
use super::people::{self, Creators, Stamp};
use super::sql::{Where, dir, in_list, like_pattern};
use super::units_list::metadata_clauses;
use super::wire::{
    IdNumberName, Listed, Metadata, Part, PartDeleted, PartSummary, PartUpdated, Revision,
    RevisionRef, UnitRef, metadata, metadata_if, offset_page,
};
use crate::api::PartSortBy;
use crate::api::time::from_ms;
use crate::path;
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::query::Page;
use crate::server::query::catalog::PartQuery;
use crate::server::scope;

/// The revisions of each of `parts`, in the order they were made; with their creation times
/// for a part's own answer. One query for a page of parts.
fn revisions_of(
    conn: &Connection,
    parts: &[&str],
    with_dates: bool,
) -> rusqlite::Result<HashMap<String, Vec<RevisionRef>>> {
    let marks = vec!["?"; parts.len()].join(", ");
    let mut by_part: HashMap<String, Vec<RevisionRef>> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT part_id, id, number, created_at FROM revisions WHERE part_id IN ({marks}) ORDER BY rowid"
    ))?;
    let mut it = stmt.query(rusqlite::params_from_iter(parts))?;
    while let Some(r) = it.next()? {
        let created_at = if with_dates { Some(from_ms(r.get(3)?)) } else { None };
        let rev = RevisionRef { id: r.get(1)?, number: r.get(2)?, created_at };
        by_part.entry(r.get(0)?).or_default().push(rev);
    }
    Ok(by_part)
}

pub fn list(
    conn: &Connection,
    q: &PartQuery,
    page: &Page,
    caller: &Caller,
) -> Result<Listed<PartSummary>, ApiError> {
    let mut w = Where { clauses: vec!["1".into()], params: vec![] };
    scope::parts(&mut w, caller, "pa.id");
    if let Some(text) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let p = w.bind(like_pattern(text));
        w.push(format!("(pa.number LIKE {p} ESCAPE '\\' OR pa.name LIKE {p} ESCAPE '\\')"));
    }
    if let Some(c) = in_list(&mut w, "rs.procedure_id", &q.procedure_ids) {
        w.push(format!("EXISTS (SELECT 1 FROM runs rs WHERE rs.part_id = pa.id AND {c})"));
    }
    metadata_clauses(&mut w, "pa.metadata", &q.metadata.conds);
    let d = dir(&page.order);
    let order = match q.sort_by.as_ref().unwrap_or(&PartSortBy::CreatedAt) {
        PartSortBy::Name => format!("pa.name {d}, pa.rowid {d}"),
        PartSortBy::Number => format!("pa.number {d}, pa.rowid {d}"),
        _ => format!("pa.created_at {d}, pa.rowid {d}"),
    };
    let lim = w.bind(page.limit + 1);
    let off = w.bind(page.cursor);
    let sql = format!(
        "SELECT pa.id, pa.number, pa.name, pa.created_at, pa.metadata FROM parts pa WHERE {}
         ORDER BY {order} LIMIT {lim} OFFSET {off}",
        w.clauses.join(" AND ")
    );
    let found: Vec<(String, String, String, i64, String)> = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(w.params.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let ids: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    let mut revisions = revisions_of(conn, &ids, false)?;
    let rows = found
        .iter()
        .map(|(id, number, name, created, metadata)| PartSummary {
            revisions: revisions.remove(id).unwrap_or_default(),
            id: id.clone(),
            number: number.clone(),
            name: name.clone(),
            created_at: from_ms(*created),
            metadata: metadata_if(q.include_metadata, metadata),
        })
        .collect();
    Ok(offset_page(rows, page))
}

/// The part with this number that the caller may see; otherwise 404.
pub fn find(conn: &Connection, number: &str, caller: &Caller) -> Result<PartRow, ApiError> {
    match catalog::find_part(conn, number)? {
        Some(p) if scope::part_visible(conn, caller, &p.id)? => Ok(p),
        _ => Err(ApiError::not_found(format!("Part `{number}` not found"))),
    }
}

/// `created_at`, metadata and creators of row `id` of `table` (parts, revisions).
fn stamped(
    conn: &Connection,
    table: &str,
    id: &str,
) -> rusqlite::Result<(i64, Metadata, Creators)> {
    conn.prepare_cached(&format!(
        "SELECT t.created_at, t.metadata, {} FROM {table} t {} WHERE t.id = ?1",
        people::creator_columns("t"),
        people::creators_join("t")
    ))?
    .query_row([id], |r| {
        Ok((r.get(0)?, metadata(&r.get::<_, String>(1)?), people::creators(r, 2)?))
    })
}

pub fn get(conn: &Connection, number: &str, caller: &Caller) -> Result<Part, ApiError> {
    let p = find(conn, number, caller)?;
    let (created, metadata, creators) = stamped(conn, "parts", &p.id)?;
    let revisions = revisions_of(conn, &[&p.id], true)?.remove(&p.id).unwrap_or_default();
    Ok(Part {
        id: p.id,
        number: p.number,
        name: p.name,
        created_at: from_ms(created),
        creators,
        revisions,
        metadata,
    })
}

pub fn create(
    conn: &Connection,
    body: &Map<String, Value>,
    stamp: &Stamp<'_>,
) -> Result<String, ApiError> {
    scope::require_user(stamp.caller, "create parts")?;
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::trim);
    let number = text("number").unwrap_or_default();
    if number.is_empty() {
        return Err(ApiError::field(&path!["number"], "must not be empty"));
    }
    let metadata = body.get("metadata").and_then(Value::as_object).cloned();
    check_metadata(metadata.as_ref(), "metadata")?;
    if catalog::find_part(conn, number)?.is_some() {
        return Err(ApiError::conflict(format!("A part numbered `{number}` already exists")));
    }
    let meta = Value::Object(metadata.unwrap_or_default());
    let rev = text("revision_number").filter(|r| !r.is_empty());
    let part = catalog::insert_part(conn, number, text("name"), rev, &meta, &mut IdSource::Random)?;
    stamp.apply(conn, "parts", &part.id)?;
    stamp.apply(conn, "revisions", &catalog::default_revision(conn, &part.id)?)?;
    Ok(part.id)
}

/// `PATCH`: `{id, number, name, updated_at}`.
pub fn update(
    conn: &Connection,
    number: &str,
    body: &Map<String, Value>,
    caller: &Caller,
    now: i64,
) -> Result<PartUpdated, ApiError> {
    scope::require_user(caller, "change parts")?;
    let p = find(conn, number, caller)?;
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::trim);
    let new_number = match text("new_number") {
        Some("") => return Err(ApiError::field(&path!["new_number"], "must not be empty")),
        Some(n) => {
            if catalog::find_part(conn, n)?.is_some_and(|other| other.id != p.id) {
                return Err(ApiError::conflict(format!("A part numbered `{n}` already exists")));
            }
            n.to_string()
        }
        None => p.number.clone(),
    };
    let name = match text("name") {
        Some("") => return Err(ApiError::field(&path!["name"], "must not be empty")),
        Some(n) => n.to_string(),
        None => p.name.clone(),
    };
    let current: String = conn
        .prepare_cached("SELECT metadata FROM parts WHERE id = ?1")?
        .query_row([&p.id], |r| r.get(0))?;
    let metadata = merge_metadata(&current, body.get("metadata"))?.unwrap_or(current);
    conn.prepare_cached("UPDATE parts SET number = ?2, name = ?3, metadata = ?4 WHERE id = ?1")?
        .execute(params![p.id, new_number, name, metadata])?;
    conn.prepare_cached("UPDATE runs SET part_number = ?2 WHERE part_id = ?1")?
        .execute([&p.id, &new_number])?;
    Ok(PartUpdated { id: p.id, number: new_number, name, updated_at: from_ms(now) })
}

fn units_using(conn: &Connection, column: &str, id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(&format!("SELECT COUNT(*) FROM units WHERE {column} = ?1"))?
        .query_row([id], |r| r.get(0))
}

/// `DELETE`: the part and its revisions; refused while units are of it.
pub fn delete(conn: &Connection, number: &str, caller: &Caller) -> Result<PartDeleted, ApiError> {
    scope::require_user(caller, "delete parts")?;
    let p = find(conn, number, caller)?;
    let n = units_using(conn, "part_id", &p.id)?;
    if n > 0 {
        return Err(ApiError::conflict(format!(
            "Part `{number}` has {n} units; delete them first"
        )));
    }
    let revisions: Vec<String> = conn
        .prepare_cached("SELECT id FROM revisions WHERE part_id = ?1 ORDER BY rowid")?
        .query_map([&p.id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    conn.prepare_cached("DELETE FROM revisions WHERE part_id = ?1")?.execute([&p.id])?;
    conn.prepare_cached("DELETE FROM parts WHERE id = ?1")?.execute([&p.id])?;
    Ok(PartDeleted { id: p.id, deleted_revision_ids: revisions })
}

/// A revision of a visible part.
fn find_revision(
    conn: &Connection,
    pn: &str,
    rn: &str,
    caller: &Caller,
) -> Result<(PartRow, String, String), ApiError> {
    let p = find(conn, pn, caller)?;
    let found: Option<(String, String)> = conn
        .prepare_cached("SELECT id, number FROM revisions WHERE part_id = ?1 AND number = ?2")?
        .query_row([&p.id, rn], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match found {
        Some((id, number)) => Ok((p, id, number)),
        None => Err(ApiError::not_found(format!("Part `{pn}` has no revision `{rn}`"))),
    }
}

pub fn create_revision(
    conn: &Connection,
    pn: &str,
    body: &Map<String, Value>,
    stamp: &Stamp<'_>,
) -> Result<String, ApiError> {
    scope::require_user(stamp.caller, "create revisions")?;
    let number = body.get("number").and_then(Value::as_str).map(str::trim).unwrap_or_default();
    let metadata = body.get("metadata").and_then(Value::as_object).cloned();
    check_metadata(metadata.as_ref(), "metadata")?;
    let id = catalog::create_revision(conn, pn, number, &mut IdSource::Random)?;
    if let Some(m) = metadata {
        conn.prepare_cached("UPDATE revisions SET metadata = ?2 WHERE id = ?1")?
            .execute(params![id, Value::Object(m).to_string()])?;
    }
    stamp.apply(conn, "revisions", &id)?;
    Ok(id)
}

pub fn get_revision(
    conn: &Connection,
    pn: &str,
    rn: &str,
    caller: &Caller,
) -> Result<Revision, ApiError> {
    let (p, id, number) = find_revision(conn, pn, rn, caller)?;
    let (created, metadata, creators) = stamped(conn, "revisions", &id)?;
    let units: Vec<UnitRef> = conn
        .prepare_cached(&format!(
            "SELECT u.id, u.serial_number FROM units u WHERE u.revision_id = ?1 AND {}
             ORDER BY u.serial_number",
            scope::unit_in_scope_sql("u.id", "?2")
        ))?
        .query_map(rusqlite::params![id, caller.station_id()], |r| {
            Ok(UnitRef { id: r.get(0)?, serial_number: r.get(1)? })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Revision {
        id,
        number,
        created_at: from_ms(created),
        creators,
        part: IdNumberName { id: p.id, number: p.number, name: p.name },
        units,
        metadata,
    })
}

pub fn update_revision(
    conn: &Connection,
    pn: &str,
    rn: &str,
    body: &Map<String, Value>,
    caller: &Caller,
) -> Result<String, ApiError> {
    scope::require_user(caller, "change revisions")?;
    let (p, id, number) = find_revision(conn, pn, rn, caller)?;
    let new_number = match body.get("number").and_then(Value::as_str).map(str::trim) {
        Some("") => return Err(ApiError::field(&path!["number"], "must not be empty")),
        Some(n) => {
            let taken: Option<String> = conn
                .prepare_cached("SELECT id FROM revisions WHERE part_id = ?1 AND number = ?2")?
                .query_row([&p.id, n], |r| r.get(0))
                .optional()?;
            if taken.is_some_and(|t| t != id) {
                return Err(ApiError::conflict(format!("Part `{pn}` already has revision `{n}`")));
            }
            n.to_string()
        }
        None => number,
    };
    let current: String = conn
        .prepare_cached("SELECT metadata FROM revisions WHERE id = ?1")?
        .query_row([&id], |r| r.get(0))?;
    let metadata = merge_metadata(&current, body.get("metadata"))?.unwrap_or(current);
    conn.prepare_cached("UPDATE revisions SET number = ?2, metadata = ?3 WHERE id = ?1")?
        .execute(params![id, new_number, metadata])?;
    conn.prepare_cached("UPDATE runs SET revision_number = ?2 WHERE revision_id = ?1")?
        .execute([&id, &new_number])?;
    Ok(id)
}

pub fn delete_revision(
    conn: &Connection,
    pn: &str,
    rn: &str,
    caller: &Caller,
) -> Result<String, ApiError> {
    scope::require_user(caller, "delete revisions")?;
    let (p, id, _) = find_revision(conn, pn, rn, caller)?;
    let n = units_using(conn, "revision_id", &id)?;
    if n > 0 {
        return Err(ApiError::conflict(format!(
            "Revision `{rn}` of `{pn}` has {n} units; move or delete them first"
        )));
    }
    conn.prepare_cached("DELETE FROM revisions WHERE id = ?1")?.execute([&id])?;
    conn.prepare_cached(
        "UPDATE parts SET default_revision_id = NULL WHERE id = ?1 AND default_revision_id = ?2",
    )?
    .execute([&p.id, &id])?;
    Ok(id)
}
