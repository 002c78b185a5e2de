//! Who made a row, as answers name them: `created_by_user` (`{id, name, email}`) and
//! `created_by_station` (`{id, name}`). A list joins them in its one query
//! ([`creators_join`], [`creator_columns`]); a single row looks them up ([`user_json`],
//! [`station_json`]). Both render through [`user`] and [`station`]. A new catalog row gets
//! them with [`Stamp`]. And the users endpoints.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::scope;

/// SQL: joins the user (`cu`) and the station (`cs`) that made the rows of `t`.
pub fn creators_join(t: &str) -> String {
    format!(
        "LEFT JOIN users cu ON cu.id = {t}.created_by_user_id
         LEFT JOIN stations cs ON cs.id = {t}.created_by_station_id"
    )
}

/// SQL: the five columns [`creators_join`] adds, in [`creators`]'s order.
pub fn creator_columns(t: &str) -> String {
    format!("{t}.created_by_user_id, cu.name, cu.email, {t}.created_by_station_id, cs.name")
}

/// `(created_by_user, created_by_station)` from the five [`creator_columns`] starting at `at`.
pub fn creators(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<(Value, Value)> {
    Ok((user(r.get(at)?, r.get(at + 1)?, r.get(at + 2)?), station(r.get(at + 3)?, r.get(at + 4)?)))
}

/// `{id, name, email}` of a user, or null (a user no longer known: name and email null).
pub fn user(id: Option<String>, name: Option<String>, email: Option<String>) -> Value {
    match id {
        Some(id) => json!({"id": id, "name": name, "email": email}),
        None => Value::Null,
    }
}

/// `{id, name}` of a station, or null (a station no longer known: an empty name).
pub fn station(id: Option<String>, name: Option<String>) -> Value {
    match id {
        Some(id) => json!({"id": id, "name": name.unwrap_or_default()}),
        None => Value::Null,
    }
}

/// [`user`] of one row's creator, looked up.
pub fn user_json(conn: &Connection, id: Option<String>) -> rusqlite::Result<Value> {
    let Some(id) = id else { return Ok(Value::Null) };
    let row: Option<(Option<String>, String)> = conn
        .prepare_cached("SELECT name, email FROM users WHERE id = ?1")?
        .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (name, email) = row.map_or((None, None), |(n, e)| (n, Some(e)));
    Ok(user(Some(id), name, email))
}

/// [`station`] of one row's creator, looked up.
pub fn station_json(conn: &Connection, id: Option<String>) -> rusqlite::Result<Value> {
    let Some(id) = id else { return Ok(Value::Null) };
    let name: Option<String> = conn
        .prepare_cached("SELECT name FROM stations WHERE id = ?1")?
        .query_row([&id], |r| r.get(0))
        .optional()?;
    Ok(station(Some(id), name))
}

/// `GET /v2/users`: a user key lists the organization's members.
pub fn list_users(conn: &Connection, caller: &Caller) -> Result<Value, ApiError> {
    scope::require_user(caller, "list the organization's users")?;
    let mut stmt = conn.prepare_cached("SELECT id, email, name FROM users ORDER BY name, id")?;
    let rows: Vec<Value> = stmt
        .query_map([], |r| {
            Ok(json!({"id": r.get::<_, String>(0)?, "email": r.get::<_, String>(1)?, "name": r.get::<_, Option<String>>(2)?, "image": null, "banned": false}))
        })?
        .collect::<Result<_, _>>()?;
    Ok(Value::Array(rows))
}

/// `GET /v2/users/current`: the user of a user key (a station key has none: 403).
pub fn current_user(conn: &Connection, caller: &Caller) -> Result<Value, ApiError> {
    let Some(id) = caller.user_id() else {
        return Err(ApiError::forbidden("A station key has no user; use GET /v2/stations/current"));
    };
    let (email, name) =
        super::catalog::user(conn, id)?.ok_or_else(|| ApiError::not_found("User not found"))?;
    Ok(json!({"id": id, "email": email, "name": name, "image": null, "banned": false}))
}

/// Who made something and when: the columns every catalog row carries.
pub struct Stamp<'a> {
    pub now: i64,
    pub caller: &'a Caller,
}

impl Stamp<'_> {
    /// Sets `created_at`/`created_by_*` on a row of `table` made just now.
    pub fn apply(&self, conn: &Connection, table: &str, id: &str) -> rusqlite::Result<()> {
        conn.prepare_cached(&format!(
            "UPDATE {table} SET created_at = ?2, created_by_user_id = ?3, created_by_station_id = ?4
             WHERE id = ?1 AND created_at = 0"
        ))?
        .execute(params![
            id,
            self.now,
            self.caller.user_id(),
            self.caller.station_id()
        ])?;
        Ok(())
    }
}
