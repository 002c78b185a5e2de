//! Who may see and change what: the one place the rule is written down. Every route asks here.
//!
//! A **user key** sees and changes everything. A **station key** is a test station's key: it
//! sees what its own work touches and writes only runs.
//!
//! | endpoint | station key |
//! |---|---|
//! | runs list, get, phases, measurements, logs | runs of the procedures linked to the station |
//! | runs create, update, metadata, run attachments | for those procedures |
//! | runs delete | refused (403) |
//! | procedures list, get, versions get | the linked procedures |
//! | procedures, versions: create, update, delete | refused (403) |
//! | units list, get | units with a run in its scope (a parent or child is named in them, not opened) |
//! | units create, update, delete, children, unit attachments | refused (403) |
//! | parts, revisions, batches: list, get | those with a unit in its scope |
//! | parts, revisions, batches: create, update, delete | refused (403) |
//! | stations list, get, current | itself only |
//! | stations create, update, remove | refused (403) |
//! | users list, current | refused (403): members' emails are not a station's business |
//! | whoami | yes |
//! | attachments initialize | yes; finalize only by a key that may see what it is linked to |
//!
//! Something a key may not see answers 404, exactly as if it did not exist, so a station key
//! cannot probe for other procedures' runs, units or procedures.

use rusqlite::Connection;

use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::store::list::Where;

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

/// A write only a user key may make.
pub fn require_user(caller: &Caller, action: &str) -> Result<(), ApiError> {
    caller.require_user(action)
}
