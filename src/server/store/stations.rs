//! `/v2/stations`: create (linked to a procedure), list, get, current, update, remove. A
//! station that runs name is archived rather than deleted; either way it is gone from the API.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value, json};

use super::catalog::{self, ORG};
use super::create::check_metadata;
use super::ids::IdSource;
use super::sql::{Where, in_list, like_pattern, offset_page};
use super::units_list::metadata_clauses;
use crate::path;
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::routes::query::Page;
use crate::server::routes::query::catalog::StationQuery;
use crate::server::scope;

fn procedures_of(conn: &Connection, station: &str) -> rusqlite::Result<Vec<(String, String)>> {
    conn.prepare_cached(
        "SELECT p.id, p.name FROM procedures p JOIN station_procedures sp ON sp.procedure_id = p.id
         WHERE sp.station_id = ?1 ORDER BY p.name, p.id",
    )?
    .query_map([station], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

pub fn list(
    conn: &Connection,
    q: &StationQuery,
    page: &Page,
    caller: &Caller,
) -> Result<Value, ApiError> {
    let mut w = Where { clauses: vec!["s.archived = 0".into()], params: vec![] };
    scope::stations(&mut w, caller);
    if let Some(text) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let p = w.bind(like_pattern(text));
        w.push(format!("(s.name LIKE {p} ESCAPE '\\' OR s.id = {p})"));
    }
    if let Some(c) = in_list(&mut w, "sp.procedure_id", &q.procedure_ids) {
        w.push(format!(
            "EXISTS (SELECT 1 FROM station_procedures sp WHERE sp.station_id = s.id AND {c})"
        ));
    }
    metadata_clauses(&mut w, "s.metadata", &q.metadata.conds);
    let lim = w.bind(page.limit + 1);
    let off = w.bind(page.cursor);
    let sql = format!(
        "SELECT s.id, s.name, s.metadata FROM stations s WHERE {}
         ORDER BY s.created_at DESC, s.rowid DESC LIMIT {lim} OFFSET {off}",
        w.clauses.join(" AND ")
    );
    let found: Vec<(String, String, String)> = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(w.params.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::with_capacity(found.len());
    for (id, name, metadata) in found {
        let procs = procedures_of(conn, &id)?;
        let mut row = json!({
            "id": id, "name": name,
            "procedures": procs.iter().map(|(i, n)| json!({"id": i, "name": n})).collect::<Vec<_>>(),
            "procedures_count": procs.len(),
            "team": null,
        });
        if q.include_metadata {
            row["metadata"] = serde_json::from_str(&metadata).unwrap_or_else(|_| json!({}));
        }
        rows.push(row);
    }
    Ok(offset_page(rows, page))
}

/// A station the caller may see that is not archived.
fn find(conn: &Connection, id: &str, caller: &Caller) -> Result<(String, String), ApiError> {
    let found: Option<(String, String)> = conn
        .prepare_cached("SELECT name, metadata FROM stations WHERE id = ?1 AND archived = 0")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match found {
        Some(f) if caller.station_id().is_none_or(|s| s == id) => Ok(f),
        _ => Err(ApiError::not_found(format!("Station `{id}` not found"))),
    }
}

pub fn get(conn: &Connection, id: &str, caller: &Caller, now: i64) -> Result<Value, ApiError> {
    let (name, metadata) = find(conn, id, caller)?;
    let week_ago = now - 7 * 86_400_000;
    let mut procedures = Vec::new();
    for (pid, pname) in procedures_of(conn, id)? {
        let runs: i64 = conn
            .prepare_cached(
                "SELECT COUNT(*) FROM runs WHERE procedure_id = ?1 AND created_by_station_id = ?2 AND started_at >= ?3",
            )?
            .query_row(params![pid, id, week_ago], |r| r.get(0))?;
        procedures.push(json!({"id": pid, "name": pname, "runs_count": runs, "deployment": null}));
    }
    Ok(json!({
        "id": id,
        "name": name,
        "api_key": catalog::key_prefix(conn, "station", id)?,
        "procedures": procedures,
        "organization_slug": ORG.1,
        "team": null,
        "metadata": serde_json::from_str::<Value>(&metadata).unwrap_or_else(|_| json!({})),
    }))
}

/// `GET /v2/stations/current`: the station a station key belongs to.
pub fn current(conn: &Connection, caller: &Caller, now: i64) -> Result<Value, ApiError> {
    match caller.station_id() {
        Some(id) => get(conn, id, caller, now),
        None => Err(ApiError::forbidden(
            "This is a user key; /stations/current answers only a station's own key",
        )),
    }
}

pub fn create(
    conn: &Connection,
    body: &Map<String, Value>,
    caller: &Caller,
    now: i64,
    ids: &mut IdSource,
) -> Result<String, ApiError> {
    scope::require_user(caller, "create stations")?;
    let name = body.get("name").and_then(Value::as_str).map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Err(ApiError::field(&path!["name"], "must not be empty"));
    }
    let metadata = body.get("metadata").and_then(Value::as_object).cloned().unwrap_or_default();
    check_metadata(Some(&metadata), "metadata")?;
    let procedure = body.get("procedure_id").and_then(Value::as_str);
    if let Some(p) = procedure
        && catalog::procedure_name(conn, p)?.is_none()
    {
        return Err(ApiError::not_found(format!("Procedure `{p}` not found"))
            .with_issue_path(&path!["procedure_id"]));
    }
    let id = ids.next_id();
    conn.prepare_cached(
        "INSERT INTO stations (id, name, created_at, metadata) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, name, now, Value::Object(metadata).to_string()])?;
    if let Some(p) = procedure {
        catalog::link_station_procedure(conn, &id, p)?;
    }
    Ok(id)
}

/// `PATCH`: returns `{id, name}`.
pub fn update(
    conn: &Connection,
    id: &str,
    body: &Map<String, Value>,
    caller: &Caller,
) -> Result<Value, ApiError> {
    scope::require_user(caller, "change stations")?;
    let (mut name, metadata) = find(conn, id, caller)?;
    if let Some(n) = body.get("name") {
        let n = n.as_str().map(str::trim).unwrap_or_default();
        if n.is_empty() {
            return Err(ApiError::field(&path!["name"], "must not be empty"));
        }
        name = n.to_string();
    }
    let mut merged: Map<String, Value> = serde_json::from_str(&metadata).unwrap_or_default();
    if let Some(patch) = body.get("metadata").and_then(Value::as_object) {
        for (k, v) in patch {
            if v.is_null() {
                merged.remove(k);
            } else {
                merged.insert(k.clone(), v.clone());
            }
        }
        check_metadata(Some(&merged), "metadata")?;
    }
    conn.prepare_cached("UPDATE stations SET name = ?2, metadata = ?3 WHERE id = ?1")?
        .execute(params![id, name, Value::Object(merged).to_string()])?;
    Ok(json!({"id": id, "name": name}))
}

pub fn remove(conn: &Connection, id: &str, caller: &Caller) -> Result<String, ApiError> {
    scope::require_user(caller, "remove stations")?;
    find(conn, id, caller)?;
    let used = conn
        .prepare_cached("SELECT 1 FROM runs WHERE created_by_station_id = ?1 LIMIT 1")?
        .exists([id])?;
    if used {
        conn.prepare_cached("UPDATE stations SET archived = 1 WHERE id = ?1")?.execute([id])?;
    } else {
        conn.prepare_cached("DELETE FROM stations WHERE id = ?1")?.execute([id])?;
    }
    conn.prepare_cached("DELETE FROM station_procedures WHERE station_id = ?1")?.execute([id])?;
    catalog::revoke_station_keys(conn, id, super::now_ms())?;
    Ok(id.to_string())
}
