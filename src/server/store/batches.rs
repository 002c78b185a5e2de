//! `/v2/batches/{number}`: create, list, get, update, delete. Batches are also made by runs
//! that name one. Numbers match case-insensitively and keep their case.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};

use super::ids::IdSource;
use super::people::{self, Stamp};
use super::sql::{Where, any_in, dir, in_list, like_pattern};
use super::wire::{
    Batch, BatchSummary, BatchUnit, IdNumber, Listed, PartWithRevision, offset_page,
};
use crate::api::BatchSortBy;
use crate::api::time::from_ms;
use crate::path;
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::query::Page;
use crate::server::query::catalog::BatchQuery;
use crate::server::scope;

pub fn list(
    conn: &Connection,
    q: &BatchQuery,
    page: &Page,
    caller: &Caller,
) -> Result<Listed<BatchSummary>, ApiError> {
    let mut w = Where { clauses: vec!["1".into()], params: vec![] };
    scope::batches(&mut w, caller);
    any_in(&mut w, "b.id", &q.ids);
    any_in(&mut w, "b.number", &q.numbers);
    for (op, v) in [(">=", q.created_after), ("<=", q.created_before)] {
        if let Some(v) = v {
            let m = w.bind(v);
            w.push(format!("b.created_at {op} {m}"));
        }
    }
    if let Some(text) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let p = w.bind(like_pattern(text));
        w.push(format!("b.number LIKE {p} ESCAPE '\\'"));
    }
    let conds: Vec<String> = [
        in_list(&mut w, "pa.number", &q.part_numbers),
        in_list(&mut w, "rv.number", &q.revision_numbers),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !conds.is_empty() {
        w.push(format!(
            "EXISTS (SELECT 1 FROM units u JOIN parts pa ON pa.id = u.part_id
                JOIN revisions rv ON rv.id = u.revision_id WHERE u.batch_id = b.id AND {})",
            conds.join(" AND ")
        ));
    }
    let d = dir(&page.order);
    let order = match q.sort_by.as_ref().unwrap_or(&BatchSortBy::CreatedAt) {
        BatchSortBy::Number => format!("b.number {d}, b.rowid {d}"),
        _ => format!("b.created_at {d}, b.rowid {d}"),
    };
    let station = w.bind(caller.station_id().map(str::to_string));
    let lim = w.bind(page.limit + 1);
    let off = w.bind(page.cursor);
    let sql = format!(
        "SELECT b.id, b.number, b.created_at,
            (SELECT COUNT(*) FROM units u WHERE u.batch_id = b.id AND {}), {}
         FROM batches b {} WHERE {} ORDER BY {order} LIMIT {lim} OFFSET {off}",
        scope::unit_in_scope_sql("u.id", &station),
        people::creator_columns("b"),
        people::creators_join("b"),
        w.clauses.join(" AND ")
    );
    let rows: Vec<BatchSummary> = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(w.params.iter()), |r| {
            Ok(BatchSummary {
                id: r.get(0)?,
                number: r.get(1)?,
                created_at: from_ms(r.get(2)?),
                creators: people::creators(r, 4)?,
                unit_count: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(offset_page(rows, page))
}

/// `(id, number)` of the batch the caller may see; otherwise 404.
fn find(conn: &Connection, number: &str, caller: &Caller) -> Result<(String, String), ApiError> {
    let found: Option<(String, String)> = conn
        .prepare_cached("SELECT id, number FROM batches WHERE number = ?1")?
        .query_row([number], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match found {
        Some(b) if scope::batch_visible(conn, caller, &b.0)? => Ok(b),
        _ => Err(ApiError::not_found(format!("Batch `{number}` not found"))),
    }
}

pub fn get(conn: &Connection, number: &str, caller: &Caller) -> Result<Batch, ApiError> {
    let (id, number) = find(conn, number, caller)?;
    let (created, creators) = people::created_by(conn, "batches", &id)?;
    let units: Vec<BatchUnit> = conn
        .prepare_cached(&format!(
            "SELECT u.id, u.serial_number, u.created_at, pa.id, pa.number, pa.name, rv.id, rv.number
             FROM units u JOIN parts pa ON pa.id = u.part_id JOIN revisions rv ON rv.id = u.revision_id
             WHERE u.batch_id = ?1 AND {} ORDER BY u.serial_number",
            scope::unit_in_scope_sql("u.id", "?2")
        ))?
        .query_map(rusqlite::params![id, caller.station_id()], |r| {
            Ok(BatchUnit {
                id: r.get(0)?,
                serial_number: r.get(1)?,
                created_at: from_ms(r.get(2)?),
                part: PartWithRevision {
                    id: r.get(3)?,
                    number: r.get(4)?,
                    name: r.get(5)?,
                    revision: IdNumber { id: r.get(6)?, number: r.get(7)? },
                },
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Batch { id, number, created_at: from_ms(created), creators, units })
}

fn number_from(body: &Map<String, Value>, field: &str) -> Result<String, ApiError> {
    let n = body.get(field).and_then(Value::as_str).map(str::trim).unwrap_or_default();
    if n.is_empty() {
        return Err(ApiError::field(&path![field], "must not be empty"));
    }
    Ok(n.to_string())
}

fn taken(conn: &Connection, number: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT id FROM batches WHERE number = ?1")?
        .query_row([number], |r| r.get(0))
        .optional()
}

pub fn create(
    conn: &Connection,
    body: &Map<String, Value>,
    stamp: &Stamp<'_>,
) -> Result<String, ApiError> {
    scope::require_user(stamp.caller, "create batches")?;
    let number = number_from(body, "number")?;
    if taken(conn, &number)?.is_some() {
        return Err(ApiError::conflict(format!("A batch numbered `{number}` already exists")));
    }
    let id = IdSource::Random.next_id();
    conn.prepare_cached("INSERT INTO batches (id, number) VALUES (?1, ?2)")?
        .execute([&id, &number])?;
    stamp.apply(conn, "batches", &id)?;
    Ok(id)
}

pub fn update(
    conn: &Connection,
    number: &str,
    body: &Map<String, Value>,
    caller: &Caller,
) -> Result<String, ApiError> {
    scope::require_user(caller, "change batches")?;
    let (id, _) = find(conn, number, caller)?;
    let new = number_from(body, "new_number")?;
    if taken(conn, &new)?.is_some_and(|other| other != id) {
        return Err(ApiError::conflict(format!("A batch numbered `{new}` already exists")));
    }
    conn.prepare_cached("UPDATE batches SET number = ?2 WHERE id = ?1")?
        .execute(params![id, new])?;
    Ok(id)
}

/// `DELETE`: `{"id": [id]}`; its units and runs keep existing, without a batch.
pub fn delete(conn: &Connection, number: &str, caller: &Caller) -> Result<Vec<String>, ApiError> {
    scope::require_user(caller, "delete batches")?;
    let (id, _) = find(conn, number, caller)?;
    conn.prepare_cached("UPDATE units SET batch_id = NULL WHERE batch_id = ?1")?.execute([&id])?;
    conn.prepare_cached("UPDATE runs SET batch_id = NULL WHERE batch_id = ?1")?.execute([&id])?;
    conn.prepare_cached("DELETE FROM batches WHERE id = ?1")?.execute([&id])?;
    Ok(vec![id])
}
