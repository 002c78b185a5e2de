//! `/v2/stations`: create (linked to a procedure), list, get, current, update, remove. A
//! station that runs name is archived rather than deleted; either way it is gone from the API.

use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

use serde_json::{Map, Value};

use super::catalog::{self, ORG};
use super::create::{check_metadata, merge_metadata};
use super::ids::IdSource;
use super::people::Stamp;
use super::sql::{Where, in_list, like_pattern};
use super::units_list::metadata_clauses;
use super::wire::{
    IdName, Listed, Station, StationProcedure, StationSummary, metadata, metadata_if, offset_page,
};
use crate::path;
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::query::Page;
use crate::server::query::catalog::StationQuery;
use crate::server::scope;

/// The procedures linked to each of `stations`, by name. One query for a page of stations.
fn procedures_of(
    conn: &Connection,
    stations: &[&str],
) -> rusqlite::Result<HashMap<String, Vec<IdName>>> {
    let marks = vec!["?"; stations.len()].join(", ");
    let mut by_station: HashMap<String, Vec<IdName>> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT sp.station_id, p.id, p.name FROM procedures p
         JOIN station_procedures sp ON sp.procedure_id = p.id
         WHERE sp.station_id IN ({marks}) ORDER BY p.name, p.id"
    ))?;
    let mut it = stmt.query(rusqlite::params_from_iter(stations))?;
    while let Some(r) = it.next()? {
        by_station.entry(r.get(0)?).or_default().push(IdName { id: r.get(1)?, name: r.get(2)? });
    }
    Ok(by_station)
}

pub fn list(
    conn: &Connection,
    q: &StationQuery,
    page: &Page,
    caller: &Caller,
) -> Result<Listed<StationSummary>, ApiError> {
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
    let ids: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    let mut procedures = procedures_of(conn, &ids)?;
    let rows = found
        .iter()
        .map(|(id, name, metadata)| {
            let procedures = procedures.remove(id).unwrap_or_default();
            StationSummary {
                id: id.clone(),
                name: name.clone(),
                procedures_count: procedures.len(),
                procedures,
                team: None,
                metadata: metadata_if(q.include_metadata, metadata),
            }
        })
        .collect();
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

pub fn get(conn: &Connection, id: &str, caller: &Caller, now: i64) -> Result<Station, ApiError> {
    let (name, stored) = find(conn, id, caller)?;
    let week_ago = now - 7 * 86_400_000;
    let procedures = conn
        .prepare_cached(
            "SELECT p.id, p.name, (SELECT COUNT(*) FROM runs r WHERE r.procedure_id = p.id
                AND r.created_by_station_id = sp.station_id AND r.started_at >= ?2)
             FROM procedures p JOIN station_procedures sp ON sp.procedure_id = p.id
             WHERE sp.station_id = ?1 ORDER BY p.name, p.id",
        )?
        .query_map(params![id, week_ago], |r| {
            Ok(StationProcedure {
                id: r.get(0)?,
                name: r.get(1)?,
                runs_count: r.get(2)?,
                deployment: None,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Station {
        id: id.to_string(),
        name,
        api_key: catalog::key_prefix(conn, "station", id)?,
        procedures,
        organization_slug: ORG.1,
        team: None,
        metadata: metadata(&stored),
    })
}

/// `GET /v2/stations/current`: the station a station key belongs to.
pub fn current(conn: &Connection, caller: &Caller, now: i64) -> Result<Station, ApiError> {
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
    stamp: &Stamp<'_>,
) -> Result<String, ApiError> {
    let caller = stamp.caller;
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
    let id = IdSource::Random.next_id();
    conn.prepare_cached(
        "INSERT INTO stations (id, name, created_at, metadata) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, name, stamp.now, Value::Object(metadata).to_string()])?;
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
) -> Result<IdName, ApiError> {
    scope::require_user(caller, "change stations")?;
    let (mut name, metadata) = find(conn, id, caller)?;
    if let Some(n) = body.get("name") {
        let n = n.as_str().map(str::trim).unwrap_or_default();
        if n.is_empty() {
            return Err(ApiError::field(&path!["name"], "must not be empty"));
        }
        name = n.to_string();
    }
    // A metadata that is not an object is ignored here.
    let patch = body.get("metadata").filter(|m| m.is_object());
    let metadata = merge_metadata(&metadata, patch)?.unwrap_or(metadata);
    conn.prepare_cached("UPDATE stations SET name = ?2, metadata = ?3 WHERE id = ?1")?
        .execute(params![id, name, metadata])?;
    Ok(IdName { id: id.to_string(), name })
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
