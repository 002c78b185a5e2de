//! `/v2/procedures/{id}` (list, get, update, delete) and their versions
//! (`/v2/procedures/{id}/versions/{tag}`). Creating one is in `catalog`.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};

use super::catalog;
use super::ids::IdSource;
use super::mutate;
use super::people::{self, Stamp, UserRef};
use super::sql::{Where, like_pattern};
use super::wire::{
    IdName, Listed, Procedure, ProcedureSummary, RecentRun, SerialOnly, Version, offset_page,
};
use crate::api::time::from_ms;
use crate::path;
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::query::Page;
use crate::server::query::catalog::ProcedureQuery;
use crate::server::scope;

/// The creator of a procedure as the list requires it: never null (one made before users
/// were recorded is the system's).
fn creator(user: Option<UserRef>) -> UserRef {
    user.unwrap_or_else(|| UserRef {
        id: "system".into(),
        name: Some("System".into()),
        email: None,
    })
}

/// `POST`: a user key creates a procedure, recorded as made by that user.
pub fn create(
    conn: &Connection,
    name: &str,
    caller: &Caller,
    now: i64,
    ids: &mut IdSource,
) -> Result<String, ApiError> {
    scope::require_user(caller, "create procedures")?;
    catalog::create_procedure(conn, name, caller.user_id(), now, ids)
}

pub fn list(
    conn: &Connection,
    q: &ProcedureQuery,
    page: &Page,
    caller: &Caller,
) -> Result<Listed<ProcedureSummary>, ApiError> {
    let mut w = Where { clauses: vec!["1".into()], params: vec![] };
    scope::procedures(&mut w, caller);
    if let Some(text) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let p = w.bind(like_pattern(text));
        let exact = w.bind(text.to_string());
        w.push(format!("(p.name LIKE {p} ESCAPE '\\' OR p.id = {exact})"));
    }
    for (op, v) in [(">=", q.created_after), ("<=", q.created_before)] {
        if let Some(v) = v {
            let m = w.bind(v);
            w.push(format!("p.created_at {op} {m}"));
        }
    }
    let lim = w.bind(page.limit + 1);
    let off = w.bind(page.cursor);
    let sql = format!(
        "SELECT p.id, p.name, p.created_at, p.created_by_user_id, cu.name, cu.email
         FROM procedures p LEFT JOIN users cu ON cu.id = p.created_by_user_id WHERE {}
         ORDER BY p.created_at DESC, p.rowid DESC LIMIT {lim} OFFSET {off}",
        w.clauses.join(" AND ")
    );
    let rows: Vec<ProcedureSummary> = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(w.params.iter()), |r| {
            Ok(ProcedureSummary {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: from_ms(r.get(2)?),
                created_by_user: creator(people::user(r.get(3)?, r.get(4)?, r.get(5)?)),
                linked_repository: None,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(offset_page(rows, page))
}

/// `(name, created_at, created_by_user)` of a procedure the caller may see; otherwise 404.
fn find(
    conn: &Connection,
    id: &str,
    caller: &Caller,
) -> Result<(String, i64, Option<UserRef>), ApiError> {
    let row: Option<(String, i64, Option<UserRef>)> = conn
        .prepare_cached(
            "SELECT p.name, p.created_at, p.created_by_user_id, cu.name, cu.email
             FROM procedures p LEFT JOIN users cu ON cu.id = p.created_by_user_id WHERE p.id = ?1",
        )?
        .query_row([id], |r| {
            Ok((r.get(0)?, r.get(1)?, people::user(r.get(2)?, r.get(3)?, r.get(4)?)))
        })
        .optional()?;
    match row {
        Some(r) if scope::procedure_visible(conn, caller, id)? => Ok(r),
        _ => Err(ApiError::not_found(format!("Procedure `{id}` not found"))),
    }
}

pub fn get(conn: &Connection, id: &str, caller: &Caller) -> Result<Procedure, ApiError> {
    let (name, created, by) = find(conn, id, caller)?;
    let runs_count: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM runs WHERE procedure_id = ?1")?
        .query_row([id], |r| r.get(0))?;
    let recent: Vec<RecentRun> = conn
        .prepare_cached(
            "SELECT r.id, r.started_at, r.outcome, r.serial_number FROM runs r
             WHERE r.procedure_id = ?1 ORDER BY r.started_at DESC, r.seq DESC LIMIT 10",
        )?
        .query_map([id], |r| {
            Ok(RecentRun {
                id: r.get(0)?,
                started_at: from_ms(r.get(1)?),
                outcome: r.get(2)?,
                unit: SerialOnly { serial_number: r.get(3)? },
            })
        })?
        .collect::<Result<_, _>>()?;
    let stations: Vec<IdName> = conn
        .prepare_cached(
            "SELECT s.id, s.name FROM stations s JOIN station_procedures sp ON sp.station_id = s.id
             WHERE sp.procedure_id = ?1 AND s.archived = 0 ORDER BY s.name",
        )?
        .query_map([id], |r| Ok(IdName { id: r.get(0)?, name: r.get(1)? }))?
        .collect::<Result<_, _>>()?;
    Ok(Procedure {
        id: id.to_string(),
        name,
        created_at: from_ms(created),
        created_by_user: by,
        runs_count,
        recent_runs: recent,
        stations,
    })
}

/// `PATCH`: only `name` is the embedded server's to change; the repository settings of the
/// service (camelCase fields) are accepted and ignored.
pub fn update(
    conn: &Connection,
    id: &str,
    body: &Map<String, Value>,
    caller: &Caller,
) -> Result<String, ApiError> {
    scope::require_user(caller, "change procedures")?;
    find(conn, id, caller)?;
    if let Some(name) = body.get("name") {
        let name = name.as_str().map(str::trim).unwrap_or_default();
        if name.is_empty() {
            return Err(ApiError::field(&path!["name"], "must not be empty"));
        }
        let taken: Option<String> = conn
            .prepare_cached("SELECT id FROM procedures WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()?;
        if taken.is_some_and(|t| t != id) {
            return Err(ApiError::conflict(format!("A procedure named `{name}` already exists")));
        }
        conn.prepare_cached("UPDATE procedures SET name = ?2 WHERE id = ?1")?
            .execute([id, name])?;
    }
    Ok(id.to_string())
}

/// `DELETE`: the procedure, its versions, its station links and every run of it.
pub fn delete(conn: &Connection, id: &str, caller: &Caller) -> Result<String, ApiError> {
    scope::require_user(caller, "delete procedures")?;
    find(conn, id, caller)?;
    let runs: Vec<i64> = conn
        .prepare_cached("SELECT seq FROM runs WHERE procedure_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for seq in runs {
        mutate::delete_run(conn, seq)?;
    }
    for sql in [
        "DELETE FROM procedure_versions WHERE procedure_id = ?1",
        "DELETE FROM station_procedures WHERE procedure_id = ?1",
        "DELETE FROM procedures WHERE id = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([id])?;
    }
    Ok(id.to_string())
}

fn find_version(
    conn: &Connection,
    procedure: &str,
    tag: &str,
    caller: &Caller,
) -> Result<(String, String, String), ApiError> {
    let (name, _, _) = find(conn, procedure, caller)?;
    let found: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT id, tag FROM procedure_versions WHERE procedure_id = ?1 AND tag = ?2",
        )?
        .query_row([procedure, tag], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match found {
        Some((id, tag)) => Ok((id, tag, name)),
        None => Err(ApiError::not_found(format!("Procedure `{procedure}` has no version `{tag}`"))),
    }
}

pub fn create_version(
    conn: &Connection,
    procedure: &str,
    body: &Map<String, Value>,
    stamp: &Stamp<'_>,
) -> Result<String, ApiError> {
    scope::require_user(stamp.caller, "create procedure versions")?;
    find(conn, procedure, stamp.caller)?;
    let tag = body.get("tag").and_then(Value::as_str).map(str::trim).unwrap_or_default();
    if tag.is_empty() {
        return Err(ApiError::field(&path!["tag"], "must not be empty"));
    }
    let exists = conn
        .prepare_cached("SELECT 1 FROM procedure_versions WHERE procedure_id = ?1 AND tag = ?2")?
        .exists([procedure, tag])?;
    if exists {
        return Err(ApiError::conflict(format!("Version `{tag}` exists already")));
    }
    let id = catalog::get_or_create_version(conn, procedure, tag, &mut IdSource::Random)?;
    stamp.apply(conn, "procedure_versions", &id)?;
    Ok(id)
}

pub fn get_version(
    conn: &Connection,
    procedure: &str,
    tag: &str,
    caller: &Caller,
) -> Result<Version, ApiError> {
    let (id, tag, name) = find_version(conn, procedure, tag, caller)?;
    let (created, creators) = people::created_by(conn, "procedure_versions", &id)?;
    let runs: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM runs WHERE version_id = ?1")?
        .query_row([&id], |r| r.get(0))?;
    Ok(Version {
        id,
        tag,
        created_at: from_ms(created),
        creators,
        procedure: IdName { id: procedure.to_string(), name },
        run_count: runs,
    })
}

/// `DELETE`: refused while runs name the version.
pub fn delete_version(
    conn: &Connection,
    procedure: &str,
    tag: &str,
    caller: &Caller,
) -> Result<String, ApiError> {
    scope::require_user(caller, "delete procedure versions")?;
    let (id, tag, _) = find_version(conn, procedure, tag, caller)?;
    let runs: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM runs WHERE version_id = ?1")?
        .query_row([&id], |r| r.get(0))?;
    if runs > 0 {
        return Err(ApiError::conflict(format!("{runs} runs name version `{tag}`; it stays")));
    }
    conn.prepare_cached("DELETE FROM procedure_versions WHERE id = ?1")?.execute(params![id])?;
    Ok(id)
}
