//! Changes to existing runs: delete, metadata upsert, and the attachment flow (initialise,
//! upload bytes, finalise, link).

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};

use super::create::{check_metadata, write_metadata_rows};
use super::render::find_run;
use crate::path;
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::scope;

/// Deletes the runs that exist; 404 when none of them does.
pub fn delete_runs(
    conn: &Connection,
    ids: &[String],
    caller: &Caller,
) -> Result<Vec<String>, ApiError> {
    scope::require_user(caller, "delete runs")?;
    if ids.is_empty() {
        return Err(ApiError::field(
            &path!["ids"],
            "name at least one run id, e.g. ?ids=<id>&ids=<id>",
        ));
    }
    let mut deleted = Vec::new();
    for id in ids {
        let seq: Option<i64> = conn
            .prepare_cached("SELECT seq FROM runs WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let Some(seq) = seq else { continue };
        delete_run(conn, seq)?;
        deleted.push(id.clone());
    }
    if deleted.is_empty() {
        return Err(ApiError::not_found(if ids.len() == 1 {
            format!("Run `{}` not found", ids[0])
        } else {
            "None of these runs exists".to_string()
        }));
    }
    Ok(deleted)
}

/// Deletes one run and everything stored for it; its unit's run count follows.
pub fn delete_run(conn: &Connection, seq: i64) -> rusqlite::Result<()> {
    let unit: Option<String> = conn
        .prepare_cached("SELECT unit_id FROM runs WHERE seq = ?1")?
        .query_row([seq], |r| r.get(0))
        .optional()?;
    super::rows::delete(conn, seq)?;
    for sql in [
        "DELETE FROM run_details WHERE seq = ?1",
        "DELETE FROM run_metadata WHERE seq = ?1",
        "DELETE FROM attachment_data WHERE id IN (SELECT id FROM attachments WHERE run_seq = ?1)",
        "DELETE FROM attachments WHERE run_seq = ?1",
        "DELETE FROM run_search WHERE rowid = ?1",
        "DELETE FROM runs WHERE seq = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([seq])?;
    }
    if let Some(unit) = unit {
        super::catalog::recount_runs(conn, &unit)?;
    }
    Ok(())
}

/// Upserts metadata: keys left out are kept, `null` deletes a key.
pub fn update_metadata(
    conn: &Connection,
    id: &str,
    patch: &Map<String, Value>,
    caller: &Caller,
) -> Result<(), ApiError> {
    let found = find_run(conn, id, caller)?;
    let current: String = conn
        .prepare_cached("SELECT metadata FROM runs WHERE seq = ?1")?
        .query_row([found.seq], |r| r.get(0))?;
    let mut merged: Map<String, Value> = serde_json::from_str(&current).unwrap_or_default();
    for (k, v) in patch {
        if v.is_null() {
            merged.remove(k);
        } else {
            merged.insert(k.clone(), v.clone());
        }
    }
    let non_null: Map<String, Value> =
        patch.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect();
    check_metadata(Some(&non_null), "metadata")?;
    check_metadata(Some(&merged), "metadata")?;
    conn.prepare_cached("UPDATE runs SET metadata = ?2 WHERE seq = ?1")?
        .execute(params![found.seq, Value::Object(merged.clone()).to_string()])?;
    write_metadata_rows(conn, found.seq, &merged)?;
    Ok(())
}

pub use super::attachments::{
    Download, NewAttachment, check_upload, content_type_for, create_attachment, download, finalize,
    link_attachment_to_unit, link_attachments, store_upload, store_upload_from,
};
