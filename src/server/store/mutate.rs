//! Changes to existing runs: delete, metadata upsert, and the attachment flow (initialise,
//! upload bytes, finalise, link).

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};

use super::create::{check_metadata, write_metadata_rows};
use super::ids::IdSource;
use super::render::find_run;
use crate::path;
use crate::server::auth::Caller;
use crate::server::error::ApiError;

/// Deletes the runs that exist; 404 when none of them does.
pub fn delete_runs(
    conn: &Connection,
    ids: &[String],
    caller: &Caller,
) -> Result<Vec<String>, ApiError> {
    caller.require_user("delete runs")?;
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

pub use crate::api::content_type_for;

pub struct NewAttachment {
    pub id: String,
    pub token: String,
}

/// A pending attachment, linked to a run when `run_id` is given.
pub fn create_attachment(
    conn: &Connection,
    run_id: Option<&str>,
    name: &str,
    caller: &Caller,
    now: i64,
    ids: &mut IdSource,
) -> Result<NewAttachment, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.contains('/') || name.contains('\\') {
        return Err(ApiError::field(&path!["name"], "must be a file name such as report.pdf"));
    }
    let seq = match run_id {
        Some(id) => Some(find_run(conn, id, caller)?.seq),
        None => None,
    };
    let id = ids.next_id();
    let token = ids.next_id().replace('-', "");
    conn.prepare_cached(
        "INSERT INTO attachments (id, run_seq, name, content_type, size, token, state, created_at) VALUES (?1, ?2, ?3, ?4, NULL, ?5, 'pending', ?6)",
    )?
    .execute(params![id, seq, name, content_type_for(name), token, now])?;
    Ok(NewAttachment { id, token })
}

/// Stores uploaded bytes when the token matches; a second upload replaces the first.
pub fn store_upload(conn: &Connection, id: &str, token: &str, data: &[u8]) -> Result<(), ApiError> {
    let known: Option<String> = conn
        .prepare_cached("SELECT token FROM attachments WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match known {
        Some(t) if t == token => {}
        Some(_) => return Err(ApiError::forbidden("The upload link's token does not match")),
        None => return Err(ApiError::not_found(format!("Attachment `{id}` not found"))),
    }
    conn.prepare_cached("INSERT OR REPLACE INTO attachment_data (id, data) VALUES (?1, ?2)")?
        .execute(params![id, data])?;
    conn.prepare_cached("UPDATE attachments SET size = ?2, state = CASE state WHEN 'final' THEN 'final' ELSE 'uploaded' END WHERE id = ?1")?
        .execute(params![id, data.len() as i64])?;
    Ok(())
}

/// Marks an uploaded attachment final; returns its download token.
pub fn finalize(conn: &Connection, id: &str) -> Result<String, ApiError> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT state, token FROM attachments WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        None => Err(ApiError::not_found(format!("Attachment `{id}` not found"))),
        Some((state, _)) if state == "pending" => Err(ApiError::bad_request(
            "Nothing was uploaded for this attachment yet; PUT the file to its upload_url first",
        )),
        Some((_, token)) => {
            conn.prepare_cached("UPDATE attachments SET state = 'final' WHERE id = ?1")?
                .execute([id])?;
            Ok(token)
        }
    }
}

/// `PATCH /v2/runs/{id}` with `attachments`: links uploaded files to the run.
pub fn link_attachments(
    conn: &Connection,
    run_id: &str,
    attachment_ids: &[String],
    caller: &Caller,
) -> Result<(), ApiError> {
    let found = find_run(conn, run_id, caller)?;
    for (i, a) in attachment_ids.iter().enumerate() {
        let n = conn
            .prepare_cached("UPDATE attachments SET run_seq = ?2 WHERE id = ?1")?
            .execute(params![a, found.seq])?;
        if n == 0 {
            return Err(ApiError::not_found(format!("Attachment `{a}` not found"))
                .with_issue_path(&path!["attachments", i]));
        }
    }
    Ok(())
}

pub struct Download {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

pub fn download(conn: &Connection, id: &str, token: &str) -> Result<Download, ApiError> {
    let row: Option<(String, String, String)> = conn
        .prepare_cached("SELECT name, content_type, token FROM attachments WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((name, content_type, t)) = row else {
        return Err(ApiError::not_found(format!("Attachment `{id}` not found")));
    };
    if t != token {
        return Err(ApiError::forbidden("The download link's token does not match"));
    }
    let data: Option<Vec<u8>> = conn
        .prepare_cached("SELECT data FROM attachment_data WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let data =
        data.ok_or_else(|| ApiError::not_found("Nothing was uploaded for this attachment yet"))?;
    Ok(Download { name, content_type, data })
}
