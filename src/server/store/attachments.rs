//! Attachments: created pending (linked to a run, a unit, or nothing yet), uploaded once with
//! the upload token, downloaded with a different token, immutable once finalized.
//!
//! Who may do what: linking an attachment needs the right to see its current owner (its
//! creator while unlinked); one linked to a run or unit stays there. Finalizing needs the same
//! right, and happens once.

use rusqlite::{Connection, OptionalExtension, params};

use super::ids::IdSource;
use super::render::find_run;
use crate::path;
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::scope;

pub use crate::api::content_type_for;

pub struct NewAttachment {
    pub id: String,
    /// The upload token (the download token is another).
    pub token: String,
}

/// What a new attachment is linked to.
pub enum Owner<'a> {
    None,
    Run(&'a str),
    Unit(&'a str),
}

/// Refuses names that could never be downloaded or shown safely: empty, a path, control
/// characters (tab aside).
pub fn check_name(name: &str) -> Result<&str, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.contains('/') || name.contains('\\') {
        return Err(ApiError::field(&path!["name"], "must be a file name such as report.pdf"));
    }
    if name.chars().any(|c| (c.is_control() && c != '\t') || c == '\u{7f}') {
        return Err(ApiError::field(&path!["name"], "must not contain control characters"));
    }
    if name.chars().count() > 255 {
        return Err(ApiError::field(&path!["name"], "is longer than 255 characters"));
    }
    Ok(name)
}

fn insert(
    conn: &Connection,
    owner: (Option<i64>, Option<&str>),
    name: &str,
    caller: &Caller,
    now: i64,
    ids: &mut IdSource,
) -> Result<NewAttachment, ApiError> {
    let name = check_name(name)?;
    let id = ids.next_id();
    let token = ids.next_id().replace('-', "");
    let download = ids.next_id().replace('-', "");
    conn.prepare_cached(
        "INSERT INTO attachments (id, run_seq, unit_id, name, content_type, size, token, download_token,
            state, created_at, created_by_user_id, created_by_station_id)
         VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, 'pending', ?8, ?9, ?10)",
    )?
    .execute(params![
        id,
        owner.0,
        owner.1,
        name,
        content_type_for(name),
        token,
        download,
        now,
        caller.user_id(),
        caller.station_id(),
    ])?;
    Ok(NewAttachment { id, token })
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
    create_for(conn, run_id.map_or(Owner::None, Owner::Run), name, caller, now, ids)
}

pub fn create_for(
    conn: &Connection,
    owner: Owner<'_>,
    name: &str,
    caller: &Caller,
    now: i64,
    ids: &mut IdSource,
) -> Result<NewAttachment, ApiError> {
    let owner = match owner {
        Owner::None => (None, None),
        Owner::Run(id) => (Some(find_run(conn, id, caller)?.seq), None),
        Owner::Unit(id) => (None, Some(id)),
    };
    insert(conn, owner, name, caller, now, ids)
}

struct Row {
    run_seq: Option<i64>,
    unit_id: Option<String>,
    state: String,
    token: String,
    download_token: String,
    created_by_user_id: Option<String>,
    created_by_station_id: Option<String>,
}

fn row(conn: &Connection, id: &str) -> rusqlite::Result<Option<Row>> {
    conn.prepare_cached(
        "SELECT run_seq, unit_id, state, token, download_token, created_by_user_id,
            created_by_station_id FROM attachments WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Row {
            run_seq: r.get(0)?,
            unit_id: r.get(1)?,
            state: r.get(2)?,
            token: r.get(3)?,
            download_token: r.get(4)?,
            created_by_user_id: r.get(5)?,
            created_by_station_id: r.get(6)?,
        })
    })
    .optional()
}

/// Whether the caller may see what the attachment belongs to (its creator while unlinked).
fn may_see(conn: &Connection, a: &Row, caller: &Caller) -> rusqlite::Result<bool> {
    if caller.user_id().is_some() {
        return Ok(true);
    }
    if let Some(seq) = a.run_seq {
        let procedure: Option<String> = conn
            .prepare_cached("SELECT procedure_id FROM runs WHERE seq = ?1")?
            .query_row([seq], |r| r.get(0))
            .optional()?;
        return match procedure {
            Some(p) => scope::procedure_visible(conn, caller, &p),
            None => Ok(false),
        };
    }
    if let Some(unit) = &a.unit_id {
        return scope::unit_visible(conn, caller, unit);
    }
    Ok(a.created_by_station_id.as_deref() == caller.station_id()
        && a.created_by_user_id.as_deref() == caller.user_id())
}

/// Stores the uploaded bytes when the upload token matches; once finalized, never again.
pub fn store_upload(conn: &Connection, id: &str, token: &str, data: &[u8]) -> Result<(), ApiError> {
    store_upload_from(conn, id, token, &mut &data[..], data.len() as u64)
}

/// Whether `token` may upload to attachment `id` now: asked before a byte of the body is read,
/// so a wrong or spent link costs the server nothing.
pub fn check_upload(conn: &Connection, id: &str, token: &str) -> Result<(), ApiError> {
    let Some(a) = row(conn, id)? else {
        return Err(ApiError::not_found(format!("Attachment `{id}` not found")));
    };
    if a.token != token {
        return Err(ApiError::forbidden("The upload link's token does not match"));
    }
    if a.state == "final" {
        return Err(ApiError::conflict("This attachment is finalized; its content cannot change"));
    }
    Ok(())
}

/// Stores the `len` bytes of `data` as the attachment's content, copied into the database in
/// pieces (an upload spooled to a file is never held in memory whole).
pub fn store_upload_from(
    conn: &Connection,
    id: &str,
    token: &str,
    data: &mut dyn std::io::Read,
    len: u64,
) -> Result<(), ApiError> {
    check_upload(conn, id, token)?;
    let size = i64::try_from(len).map_err(|_| ApiError::bad_request("The file is too large"))?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO attachment_data (id, data) VALUES (?1, zeroblob(?2))",
    )?
    .execute(params![id, size])?;
    let rowid = conn.last_insert_rowid();
    let mut blob = conn.blob_open(rusqlite::MAIN_DB, "attachment_data", "data", rowid, false)?;
    let copied = std::io::copy(&mut std::io::Read::take(data, len), &mut blob)
        .map_err(|e| ApiError::internal(format!("Could not store the upload: {e}")))?;
    if copied != len {
        return Err(ApiError::bad_request("The upload ended before its announced length"));
    }
    conn.prepare_cached("UPDATE attachments SET size = ?2, state = 'uploaded' WHERE id = ?1")?
        .execute(params![id, size])?;
    Ok(())
}

/// Marks an uploaded attachment final; returns its download token. The checks of
/// `finalize_as` are the caller's business; the seeder calls this directly.
pub fn finalize(conn: &Connection, id: &str) -> Result<String, ApiError> {
    let Some(a) = row(conn, id)? else {
        return Err(ApiError::not_found(format!("Attachment `{id}` not found")));
    };
    match a.state.as_str() {
        "pending" => Err(ApiError::bad_request(
            "Nothing was uploaded for this attachment yet; PUT the file to its upload_url first",
        )),
        "final" => Err(ApiError::conflict("This attachment is finalized already")),
        _ => {
            conn.prepare_cached("UPDATE attachments SET state = 'final' WHERE id = ?1")?
                .execute([id])?;
            Ok(a.download_token)
        }
    }
}

/// `POST /v2/attachments/{id}/finalize`: only a key that may see the attachment's owner.
pub fn finalize_as(conn: &Connection, id: &str, caller: &Caller) -> Result<String, ApiError> {
    match row(conn, id)? {
        Some(a) if may_see(conn, &a, caller)? => finalize(conn, id),
        _ => Err(ApiError::not_found(format!("Attachment `{id}` not found"))),
    }
}

/// Links an attachment to a run (`run_seq`) or a unit, refusing one the caller may not see
/// and one already linked elsewhere.
fn link(
    conn: &Connection,
    id: &str,
    to: (Option<i64>, Option<&str>),
    caller: &Caller,
) -> Result<(), ApiError> {
    let Some(a) = row(conn, id)?.filter(|a| may_see(conn, a, caller).unwrap_or(false)) else {
        return Err(ApiError::not_found(format!("Attachment `{id}` not found")));
    };
    let here = (a.run_seq, a.unit_id.as_deref());
    if here == to {
        return Ok(());
    }
    if here != (None, None) {
        return Err(ApiError::conflict(format!(
            "Attachment `{id}` belongs to another run or unit; upload it again instead"
        )));
    }
    conn.prepare_cached("UPDATE attachments SET run_seq = ?2, unit_id = ?3 WHERE id = ?1")?
        .execute(params![id, to.0, to.1])?;
    Ok(())
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
        link(conn, a, (Some(found.seq), None), caller)
            .map_err(|e| e.with_issue_path(&path!["attachments", i]))?;
    }
    Ok(())
}

/// `PATCH /v2/units/{serial}` with `attachments`.
pub fn link_attachment_to_unit(
    conn: &Connection,
    id: &str,
    unit: &str,
    caller: &Caller,
) -> Result<(), ApiError> {
    link(conn, id, (None, Some(unit)), caller)
}

pub struct Download {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// The bytes behind a download link (its own token; the upload token does not download).
pub fn download(conn: &Connection, id: &str, token: &str) -> Result<Download, ApiError> {
    let found: Option<(String, String, String)> = conn
        .prepare_cached("SELECT name, content_type, download_token FROM attachments WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((name, content_type, t)) = found else {
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

/// `POST /v2/units/{serial}/attachments`: a user key attaches a file to a unit it may see.
pub fn create_for_unit(
    conn: &Connection,
    serial: &str,
    name: &str,
    caller: &Caller,
    now: i64,
    ids: &mut IdSource,
) -> Result<NewAttachment, ApiError> {
    scope::require_user(caller, "attach files to units")?;
    let unit = super::units::find(conn, serial, caller)?;
    create_for(conn, Owner::Unit(&unit.id), name, caller, now, ids)
}

/// `DELETE /v2/units/{serial}/attachments?ids=…`: the ids deleted.
pub fn delete_unit_attachments(
    conn: &Connection,
    serial: &str,
    ids: &[String],
    caller: &Caller,
) -> Result<Vec<String>, ApiError> {
    scope::require_user(caller, "delete unit attachments")?;
    let u = super::units::find(conn, serial, caller)?;
    let mut deleted = Vec::new();
    for id in ids {
        let n = conn
            .prepare_cached("DELETE FROM attachments WHERE id = ?1 AND unit_id = ?2")?
            .execute([id, &u.id])?;
        if n > 0 {
            conn.prepare_cached("DELETE FROM attachment_data WHERE id = ?1")?.execute([id])?;
            deleted.push(id.clone());
        }
    }
    if deleted.is_empty() {
        return Err(ApiError::not_found("None of these attachments belongs to the unit"));
    }
    Ok(deleted)
}
