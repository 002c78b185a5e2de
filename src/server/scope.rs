//! Who may see and change what: the one place the rule is written down. The store asks here
//! (routes do not check scope: every store function that answers an endpoint takes the caller).
//!
//! A **user key** sees and changes everything. A **station key** is a test station's key: it
//! sees what its own work touches and writes only runs.
//!
//! | endpoint | station key |
//! |---|---|
//! | runs list, get, phases, measurements, logs | runs of the procedures linked to the station |
//! | runs create, update, metadata, run attachments | for those procedures; a run on a unit outside its scope leaves the unit's part, revision, batch, metadata and parent as they are; a `sub_units` serial outside it is "not found", as an unknown one |
//! | runs delete | refused (403) |
//! | procedures list, get, versions get | the linked procedures |
//! | procedures, versions: create, update, delete | refused (403) |
//! | units list, get | units with a run in its scope (a parent or child is named in them, not opened); their `last_run` and `created_during` only runs in its scope; `procedure_ids` only its procedures |
//! | units create, update, delete, children, unit attachments | refused (403) |
//! | parts, revisions, batches: list, get | those with a unit in its scope; the units they list, only those |
//! | parts, revisions, batches: create, update, delete | refused (403) |
//! | stations list, get, current | itself only |
//! | stations create, update, remove | refused (403) |
//! | users list, current | refused (403): members' emails are not a station's business |
//! | whoami | yes |
//! | attachments initialize | yes; finalize only by a key that may see what it is linked to |
//!
//! Something a key may not see answers 404, exactly as if it did not exist, so a station key
//! cannot probe for other procedures' runs, units or procedures. People are named to a
//! station key without their email ([`hide_emails`]), on every answer.

use std::collections::HashSet;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use rusqlite::Connection;
use serde_json::Value;

use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::store::sql::Where;

/// SQL: the procedure ids the station may see, binding the station id into `w`.
pub fn station_procedures(w: &mut Where, station: &str) -> String {
    let s = w.bind(station.to_string());
    format!("(SELECT procedure_id FROM station_procedures WHERE station_id = {s})")
}

/// Restricts units `u` to the caller's scope.
pub fn units(w: &mut Where, caller: &Caller) {
    if let Some(station) = caller.station_id() {
        let procs = station_procedures(w, station);
        w.push(format!(
            "EXISTS (SELECT 1 FROM runs rs WHERE rs.unit_id = u.id AND rs.procedure_id IN {procs})"
        ));
    }
}

/// Restricts procedures `p` to the caller's scope.
pub fn procedures(w: &mut Where, caller: &Caller) {
    if let Some(station) = caller.station_id() {
        let procs = station_procedures(w, station);
        w.push(format!("p.id IN {procs}"));
    }
}

/// Restricts stations `s` to the caller's scope.
pub fn stations(w: &mut Where, caller: &Caller) {
    if let Some(station) = caller.station_id() {
        let s = w.bind(station.to_string());
        w.push(format!("s.id = {s}"));
    }
}

/// Restricts `column` (holding a part id) to parts with a unit in the caller's scope.
pub fn parts(w: &mut Where, caller: &Caller, column: &str) {
    if let Some(station) = caller.station_id() {
        let procs = station_procedures(w, station);
        w.push(format!(
            "EXISTS (SELECT 1 FROM runs rs WHERE rs.part_id = {column} AND rs.procedure_id IN {procs})"
        ));
    }
}

/// Restricts batches `b` to those with a unit in the caller's scope.
pub fn batches(w: &mut Where, caller: &Caller) {
    if let Some(station) = caller.station_id() {
        let procs = station_procedures(w, station);
        w.push(format!(
            "EXISTS (SELECT 1 FROM runs rs WHERE rs.batch_id = b.id AND rs.procedure_id IN {procs})"
        ));
    }
}

fn visible(conn: &Connection, sql: &str, station: &str, id: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached(sql)?.exists([station, id])
}

/// Whether the caller may see procedure `id`.
pub fn procedure_visible(conn: &Connection, caller: &Caller, id: &str) -> rusqlite::Result<bool> {
    match caller.station_id() {
        None => Ok(true),
        Some(s) => visible(
            conn,
            "SELECT 1 FROM station_procedures WHERE station_id = ?1 AND procedure_id = ?2",
            s,
            id,
        ),
    }
}

/// The procedures a station key sees, read at once for a page of rows; `None` for a user key,
/// who sees every one. The set [`procedure_visible`] asks about one at a time.
pub fn visible_procedures(
    conn: &Connection,
    caller: &Caller,
) -> rusqlite::Result<Option<HashSet<String>>> {
    let Some(station) = caller.station_id() else { return Ok(None) };
    conn.prepare_cached("SELECT procedure_id FROM station_procedures WHERE station_id = ?1")?
        .query_map([station], |r| r.get(0))?
        .collect::<rusqlite::Result<HashSet<String>>>()
        .map(Some)
}

/// Whether the caller may see unit `id`.
pub fn unit_visible(conn: &Connection, caller: &Caller, id: &str) -> rusqlite::Result<bool> {
    match caller.station_id() {
        None => Ok(true),
        Some(s) => visible(
            conn,
            "SELECT 1 FROM runs r JOIN station_procedures sp ON sp.procedure_id = r.procedure_id
             WHERE sp.station_id = ?1 AND r.unit_id = ?2 LIMIT 1",
            s,
            id,
        ),
    }
}

/// Whether the caller may see part `id` (a part with a unit in its scope).
pub fn part_visible(conn: &Connection, caller: &Caller, id: &str) -> rusqlite::Result<bool> {
    match caller.station_id() {
        None => Ok(true),
        Some(s) => visible(
            conn,
            "SELECT 1 FROM runs r JOIN station_procedures sp ON sp.procedure_id = r.procedure_id
             WHERE sp.station_id = ?1 AND r.part_id = ?2 LIMIT 1",
            s,
            id,
        ),
    }
}

/// Whether the caller may see batch `id`.
pub fn batch_visible(conn: &Connection, caller: &Caller, id: &str) -> rusqlite::Result<bool> {
    match caller.station_id() {
        None => Ok(true),
        Some(s) => visible(
            conn,
            "SELECT 1 FROM runs r JOIN station_procedures sp ON sp.procedure_id = r.procedure_id
             WHERE sp.station_id = ?1 AND r.batch_id = ?2 LIMIT 1",
            s,
            id,
        ),
    }
}

/// What only a user key may do: a station key is refused (403). Asked by the store function
/// of every such endpoint, first, as the table above lists them.
pub fn require_user(caller: &Caller, action: &str) -> Result<(), ApiError> {
    match caller {
        Caller::User { .. } => Ok(()),
        Caller::Station { .. } => {
            Err(ApiError::forbidden(format!("A station key cannot {action}; use a user key")))
        }
    }
}

/// SQL true when the unit whose id is `unit` is in the scope of the station whose id is bound
/// as `station` (a NULL station: a user key, every unit).
pub fn unit_in_scope_sql(unit: &str, station: &str) -> String {
    format!(
        "({station} IS NULL OR EXISTS (SELECT 1 FROM runs rs JOIN station_procedures sp
            ON sp.procedure_id = rs.procedure_id WHERE sp.station_id = {station} AND rs.unit_id = {unit}))"
    )
}

/// SQL: the seq of unit `unit`'s newest run among the procedures of the station bound as
/// `station` (the unit's `last_run` as that station sees it).
pub fn last_visible_run_sql(unit: &str, station: &str) -> String {
    format!(
        "(SELECT lv.seq FROM runs lv WHERE lv.unit_id = {unit} AND lv.procedure_id IN
            (SELECT procedure_id FROM station_procedures WHERE station_id = {station})
          ORDER BY lv.started_at DESC, lv.seq DESC LIMIT 1)"
    )
}

/// The keys under which an answer names a person (`{id, name, email}`).
const PERSON_KEYS: [&str; 4] = ["created_by_user", "operated_by", "created_by", "user"];

/// Removes the email of every person named in `v` (members' emails are not a station's
/// business); metadata, which is the client's own, is left alone.
pub fn remove_emails(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "metadata" {
                    continue;
                }
                if PERSON_KEYS.contains(&k.as_str())
                    && let Value::Object(person) = child
                {
                    person.remove("email");
                }
                remove_emails(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(remove_emails),
        _ => {}
    }
}

/// Answers to a station key name people without their email: every JSON answer that holds an
/// email is rewritten. A user key's answers pass untouched.
pub async fn hide_emails(req: Request, next: Next) -> Response {
    use axum::http::header;
    let station = req.extensions().get::<Caller>().is_some_and(|c| c.station_id().is_some());
    let resp = next.run(req).await;
    let json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !station || !json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        use axum::response::IntoResponse;
        return ApiError::internal("The answer could not be read").into_response();
    };
    if memchr::memmem::find(&bytes, b"\"email\"").is_none() {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    }
    let Ok(mut v) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    };
    remove_emails(&mut v);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(v.to_string()))
}
