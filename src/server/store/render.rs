//! Database rows to the API's shapes: list rows, and the full run with its stored body spliced
//! in as raw JSON (no re-parse of thousands of phases or log lines).

use rusqlite::{Connection, OptionalExtension, Row};

use crate::api::time::{format_duration_ms, from_ms};
use crate::api::*;
use crate::server::auth::Caller;
use crate::server::error::ApiError;

pub const SUMMARY_SELECT: &str = "r.seq, r.id, r.created_at, r.started_at, r.ended_at, r.duration_ms, r.outcome, r.docstring,
    r.execution_id, r.slot_key, r.slot_name, r.created_by_user_id, cu.name, cu.email, r.created_by_station_id, st.name,
    r.operated_by_user_id, ou.name, ou.email, r.operated_by_name, r.procedure_id, p.name, r.version_id, pv.tag,
    r.unit_id, u.serial_number, u.sample, r.part_id, r.part_number, pa.name, r.revision_id, r.revision_number,
    r.batch_id, b.number, r.metadata";
/// How many columns `SUMMARY_SELECT` has (the next one is free for extras).
pub const SUMMARY_COLUMNS: usize = 35;

pub const SUMMARY_FROM: &str = "FROM runs r
    JOIN procedures p ON p.id = r.procedure_id
    LEFT JOIN procedure_versions pv ON pv.id = r.version_id
    JOIN units u ON u.id = r.unit_id
    JOIN parts pa ON pa.id = r.part_id
    LEFT JOIN batches b ON b.id = r.batch_id
    LEFT JOIN users cu ON cu.id = r.created_by_user_id
    LEFT JOIN stations st ON st.id = r.created_by_station_id
    LEFT JOIN users ou ON ou.id = r.operated_by_user_id";

pub fn summary_from_row(r: &Row<'_>, include_metadata: bool) -> rusqlite::Result<RunSummary> {
    let opt = |i: usize| r.get::<_, Option<String>>(i);
    let created_by_user = opt(11)?
        .map(|id| Ok::<_, rusqlite::Error>(UserRef { id, name: opt(12)?, email: opt(13)? }))
        .transpose()?;
    let created_by_station = opt(14)?
        .map(|id| {
            Ok::<_, rusqlite::Error>(StationRef { id, name: Some(opt(15)?.unwrap_or_default()) })
        })
        .transpose()?;
    let operated_by = match (opt(16)?, opt(19)?) {
        (Some(id), _) => Some(OperatorRef { id: Some(id), name: opt(17)?, email: opt(18)? }),
        (None, Some(name)) => Some(OperatorRef { id: None, name: Some(name), email: None }),
        (None, None) => None,
    };
    let version = match (opt(22)?, opt(23)?) {
        (Some(id), Some(tag)) => Some(VersionRef { id, tag }),
        _ => None,
    };
    let batch = match (opt(32)?, opt(33)?) {
        (Some(id), Some(number)) => Some(BatchRef { id, number }),
        _ => None,
    };
    let metadata = if include_metadata {
        let text: String = r.get(34)?;
        Some(serde_json::from_str(&text).unwrap_or_default())
    } else {
        None
    };
    Ok(RunSummary {
        id: r.get(1)?,
        created_at: Some(from_ms(r.get(2)?)),
        started_at: Some(from_ms(r.get(3)?)),
        ended_at: Some(from_ms(r.get(4)?)),
        duration: Some(format_duration_ms(r.get(5)?)),
        outcome: Some(RunOutcome::parse(&r.get::<_, String>(6)?)),
        docstring: opt(7)?,
        execution_id: opt(8)?,
        slot_key: opt(9)?,
        slot_name: opt(10)?,
        created_by_user,
        created_by_station,
        operated_by,
        procedure: ProcedureRef { id: r.get(20)?, name: r.get(21)?, version },
        unit: UnitRef {
            id: r.get(24)?,
            serial_number: r.get(25)?,
            sample: opt(26)?.map(|s| Sample::parse(&s)),
            part: PartRef {
                id: r.get(27)?,
                number: r.get(28)?,
                name: r.get(29)?,
                revision: RevisionRef { id: r.get(30)?, number: r.get(31)? },
            },
            batch,
        },
        metadata,
        sequences: None,
    })
}

pub struct Found {
    pub seq: i64,
    pub procedure_id: String,
}

/// The run's insertion number, or 404; a station key outside its procedures gets 403.
pub fn find_run(conn: &Connection, id: &str, caller: &Caller) -> Result<Found, ApiError> {
    let found: Option<Found> = conn
        .prepare_cached("SELECT seq, procedure_id FROM runs WHERE id = ?1")?
        .query_row([id], |r| Ok(Found { seq: r.get(0)?, procedure_id: r.get(1)? }))
        .optional()?;
    let Some(found) = found else {
        return Err(ApiError::not_found(format!("Run `{id}` not found")));
    };
    if !crate::server::scope::procedure_visible(conn, caller, &found.procedure_id)? {
        // As if it did not exist: a 403 would tell a station key that the run is there.
        return Err(ApiError::not_found(format!("Run `{id}` not found")));
    }
    Ok(found)
}

pub fn attachments(
    conn: &Connection,
    seq: i64,
    base_url: &str,
) -> rusqlite::Result<Vec<Attachment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, size, content_type, download_token, state = 'final' FROM attachments WHERE run_seq = ?1 AND state != 'pending' ORDER BY created_at, id",
    )?;
    stmt.query_map([seq], |r| {
        let id: String = r.get(0)?;
        let token: String = r.get(4)?;
        // An upload is linked once finalized: until then its content may still change.
        let finalized: bool = r.get(5)?;
        Ok(Attachment {
            download_url: finalized.then(|| download_url(base_url, &id, &token)),
            id,
            name: r.get(1)?,
            size: r.get::<_, Option<i64>>(2)?.map(|s| s as f64),
            content_type: r.get(3)?,
            is_report: false,
        })
    })?
    .collect()
}

pub fn download_url(base_url: &str, id: &str, token: &str) -> String {
    format!("{base_url}/files/{id}?token={token}")
}

/// How many bytes of a run's body go into one chunk of the answer.
const CHUNK: usize = 1 << 19;

/// `GET /v2/runs/{id}`, checked and ready to send: its length is known before its first byte,
/// and its stored parts are read from SQLite as they are sent (`write_chunks`), so a huge run
/// (66 MiB) is on the wire while the rest is read rather than after. The stored parts were
/// validated when the run was created; they are spliced in as they are (re-parsing them cost
/// most of a huge run's GET), straight from SQLite's pages.
pub struct RunBody<'c> {
    len: usize,
    pieces: Vec<Piece<'c>>,
    // Dropped last: the parts are read from one snapshot, even if the run changes meanwhile.
    _snapshot: rusqlite::Transaction<'c>,
}

enum Piece<'c> {
    Bytes(Vec<u8>),
    Stored(rusqlite::blob::Blob<'c>),
}

/// The run's fields after its summary: each a column of `run_details` but `attachments`.
const FIELDS: [&str; 7] =
    ["phases", "sequences", "attachments", "logs", "sub_units", "config", "secrets"];

pub fn run_detail<'c>(
    conn: &'c Connection,
    id: &str,
    caller: &Caller,
    base_url: &str,
) -> Result<RunBody<'c>, ApiError> {
    let snapshot = conn.unchecked_transaction()?;
    let found = find_run(conn, id, caller)?;
    let sql = format!("SELECT {SUMMARY_SELECT} {SUMMARY_FROM} WHERE r.seq = ?1");
    let mut summary =
        conn.prepare_cached(&sql)?.query_row([found.seq], |r| summary_from_row(r, true))?;
    // The stored sequences are spliced in below.
    summary.sequences = None;
    let attachments = serde_json::to_vec(&attachments(conn, found.seq, base_url)?)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let mut head = serde_json::to_vec(&summary).map_err(|e| ApiError::internal(e.to_string()))?;
    if head.pop() != Some(b'}') {
        return Err(ApiError::internal("run summary is not an object"));
    }
    let mut pieces = Vec::with_capacity(2 * FIELDS.len() + 2);
    let mut text = head;
    for name in FIELDS {
        if text.last() != Some(&b'{') {
            text.push(b',');
        }
        text.extend_from_slice(format!("\"{name}\":").as_bytes());
        if name == "attachments" {
            text.extend_from_slice(&attachments);
            continue;
        }
        let blob = conn
            .blob_open(rusqlite::MAIN_DB, "run_details", name, found.seq, true)
            .map_err(|e| ApiError::internal(format!("the run's details are missing: {e}")))?;
        if blob.len() <= CHUNK {
            let mut small = vec![0; blob.len()];
            blob.read_at_exact(&mut small, 0)?;
            text.extend_from_slice(if small.trim_ascii().is_empty() { b"[]" } else { &small });
        } else {
            pieces.push(Piece::Bytes(std::mem::take(&mut text)));
            pieces.push(Piece::Stored(blob));
        }
    }
    text.push(b'}');
    pieces.push(Piece::Bytes(text));
    let len = pieces
        .iter()
        .map(|p| match p {
            Piece::Bytes(b) => b.len(),
            Piece::Stored(b) => b.len(),
        })
        .sum();
    Ok(RunBody { len, pieces, _snapshot: snapshot })
}

impl RunBody<'_> {
    /// The body's length in bytes.
    pub fn content_length(&self) -> usize {
        self.len
    }

    /// Hands the body to `emit` in chunks of about `CHUNK` bytes, reading the stored parts as
    /// it goes; stops early, without error, when `emit` says the answer is no longer wanted.
    pub fn write_chunks(self, mut emit: impl FnMut(Vec<u8>) -> bool) -> rusqlite::Result<()> {
        let mut out = Vec::with_capacity(CHUNK);
        for piece in &self.pieces {
            match piece {
                Piece::Bytes(b) => out.extend_from_slice(b),
                Piece::Stored(blob) => {
                    let mut at = 0;
                    while at < blob.len() {
                        let n = (blob.len() - at).min(CHUNK.saturating_sub(out.len()).max(1));
                        let start = out.len();
                        out.resize(start + n, 0);
                        blob.read_at_exact(&mut out[start..], at)?;
                        at += n;
                        if out.len() >= CHUNK
                            && !emit(std::mem::replace(&mut out, Vec::with_capacity(CHUNK)))
                        {
                            return Ok(());
                        }
                    }
                }
            }
        }
        if !out.is_empty() {
            emit(out);
        }
        Ok(())
    }

    /// The whole body in one buffer.
    pub fn into_vec(self) -> rusqlite::Result<Vec<u8>> {
        let mut all = Vec::with_capacity(self.len);
        self.write_chunks(|c| {
            all.extend_from_slice(&c);
            true
        })?;
        Ok(all)
    }
}
