//! Who made a row, as answers name them: `created_by_user` ([`UserRef`]) and
//! `created_by_station` ([`StationRef`]). A query joins them in ([`creators_join`],
//! [`creator_columns`]) and reads them with [`creators`]; a single row's come with it from
//! [`created_by`]. A new catalog row gets them with [`Stamp`]. And the users endpoints and
//! `whoami`.

use rusqlite::{Connection, params};
use serde::Serialize;

use super::catalog::{self, ORG};
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::scope;

/// `{id, name, email}` of a user (one no longer known: name and email null).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserRef {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// `{id, name}` of a station (one no longer known: an empty name).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationRef {
    pub id: String,
    pub name: String,
}

/// `created_by_user` and `created_by_station`, each null when nobody of that kind made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Creators {
    pub created_by_user: Option<UserRef>,
    pub created_by_station: Option<StationRef>,
}

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

/// The creators from the five [`creator_columns`] starting at `at`.
pub fn creators(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Creators> {
    Ok(Creators {
        created_by_user: user(r.get(at)?, r.get(at + 1)?, r.get(at + 2)?),
        created_by_station: station(r.get(at + 3)?, r.get(at + 4)?),
    })
}

/// `created_at` and the creators of row `id` of `table`, in one query.
pub fn created_by(conn: &Connection, table: &str, id: &str) -> rusqlite::Result<(i64, Creators)> {
    conn.prepare_cached(&format!(
        "SELECT t.created_at, {} FROM {table} t {} WHERE t.id = ?1",
        creator_columns("t"),
        creators_join("t")
    ))?
    .query_row([id], |r| Ok((r.get(0)?, creators(r, 1)?)))
}

pub fn user(id: Option<String>, name: Option<String>, email: Option<String>) -> Option<UserRef> {
    Some(UserRef { id: id?, name, email })
}

pub fn station(id: Option<String>, name: Option<String>) -> Option<StationRef> {
    Some(StationRef { id: id?, name: name.unwrap_or_default() })
}

/// A member of the organization, as `GET /v2/users` lists them.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    pub image: Option<String>,
    pub banned: bool,
}

/// `GET /v2/users`: a user key lists the organization's members.
pub fn list_users(conn: &Connection, caller: &Caller) -> Result<Vec<User>, ApiError> {
    scope::require_user(caller, "list the organization's users")?;
    let mut stmt = conn.prepare_cached("SELECT id, email, name FROM users ORDER BY name, id")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(User {
                id: r.get(0)?,
                email: r.get(1)?,
                name: r.get(2)?,
                image: None,
                banned: false,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// `GET /v2/users/current`: the user of a user key (a station key has none: 403).
pub fn current_user(conn: &Connection, caller: &Caller) -> Result<User, ApiError> {
    let Some(id) = caller.user_id() else {
        return Err(ApiError::forbidden("A station key has no user; use GET /v2/stations/current"));
    };
    let (email, name) =
        catalog::user(conn, id)?.ok_or_else(|| ApiError::not_found("User not found"))?;
    Ok(User { id: id.to_string(), email, name, image: None, banned: false })
}

/// `GET /v2/whoami`: the key's user or station, and the organization.
#[derive(Debug, Clone, Serialize)]
pub struct WhoAmI {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub user: Option<Me>,
    pub station: Option<StationRef>,
    pub organization: Organization,
}

/// The user of a user key.
#[derive(Debug, Clone, Serialize)]
pub struct Me {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub id: &'static str,
    pub slug: &'static str,
    pub name: &'static str,
}

pub fn whoami(conn: &Connection, caller: &Caller) -> Result<WhoAmI, ApiError> {
    let organization = Organization { id: ORG.0, slug: ORG.1, name: ORG.2 };
    Ok(match caller {
        Caller::User { user_id } => {
            let (email, name) = catalog::user(conn, user_id)?
                .ok_or_else(|| ApiError::not_found("User not found"))?;
            let me = Me { id: user_id.clone(), email, name };
            WhoAmI { kind: "user", user: Some(me), station: None, organization }
        }
        Caller::Station { station_id } => {
            let name = catalog::station_name(conn, station_id)?.unwrap_or_default();
            let station = StationRef { id: station_id.clone(), name };
            WhoAmI { kind: "station", user: None, station: Some(station), organization }
        }
    })
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
