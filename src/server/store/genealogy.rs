//! The assembly tree: a unit's sub-units (`PUT`/`DELETE /v2/units/{serial}/children`), kept
//! acyclic — a unit can never become its own ancestor.

use rusqlite::{Connection, OptionalExtension};

use super::units::find;
use crate::path;
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::scope;

/// Whether `ancestor` is `unit` or above it in the assembly tree.
pub fn is_ancestor(conn: &Connection, ancestor: &str, unit: &str) -> rusqlite::Result<bool> {
    // The tree is kept acyclic; the bound only guards against a database edited by hand.
    let mut current = Some(unit.to_string());
    for _ in 0..10_000 {
        let Some(id) = current else { return Ok(false) };
        if id == ancestor {
            return Ok(true);
        }
        current = conn
            .prepare_cached("SELECT parent_id FROM units WHERE id = ?1")?
            .query_row([&id], |r| r.get(0))
            .optional()?
            .flatten();
    }
    Ok(false)
}

/// Makes `child` a sub-unit of `parent`, refusing a cycle (a unit inside itself).
pub fn set_parent(conn: &Connection, child: &str, parent: &str) -> Result<(), ApiError> {
    if is_ancestor(conn, child, parent)? {
        return Err(ApiError::bad_request(
            "A unit cannot become a sub-unit of itself or of one of its own sub-units",
        ));
    }
    conn.prepare_cached("UPDATE units SET parent_id = ?2 WHERE id = ?1")?
        .execute([child, parent])?;
    Ok(())
}

/// `PUT /v2/units/{serial}/children`: returns the child's id.
pub fn add_child(
    conn: &Connection,
    parent: &str,
    child: &str,
    caller: &Caller,
) -> Result<String, ApiError> {
    scope::require_user(caller, "change units")?;
    let p = find(conn, parent, caller)?;
    let c = find(conn, child, caller)?;
    if p.id == c.id {
        return Err(ApiError::bad_request("A unit cannot be its own sub-unit"));
    }
    set_parent(conn, &c.id, &p.id)?;
    Ok(c.id)
}

/// `DELETE /v2/units/{serial}/children?child_serial_number=…`: returns the child's id.
pub fn remove_child(
    conn: &Connection,
    parent: &str,
    child: Option<&str>,
    caller: &Caller,
) -> Result<String, ApiError> {
    scope::require_user(caller, "change units")?;
    let p = find(conn, parent, caller)?;
    let Some(child) = child else {
        return Err(ApiError::field(&path!["child_serial_number"], "is required"));
    };
    let c = find(conn, child, caller)?;
    if c.parent_id.as_deref() != Some(p.id.as_str()) {
        return Err(ApiError::bad_request(format!(
            "`{}` is not a sub-unit of `{}`",
            c.serial_number, p.serial_number
        )));
    }
    conn.prepare_cached("UPDATE units SET parent_id = NULL WHERE id = ?1")?.execute([&c.id])?;
    Ok(c.id)
}
