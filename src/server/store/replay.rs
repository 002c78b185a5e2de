//! `client_run_ref`: a create sent again (a retry after a lost answer) is recognised by its
//! ref and a digest of its request, and answers the run it made the first time.

use rusqlite::Connection;

use crate::api::create::RunCreate;
use crate::server::auth::Caller;

/// A digest of a create request, to tell a replay from another run under the same ref. The
/// ref counts trimmed, as it is stored: `" ref "` and `"ref"` are one ref, one request.
pub fn body_digest(req: &RunCreate) -> String {
    let text = match req.client_run_ref.as_deref() {
        Some(r) if r.trim() != r => {
            let mut trimmed = req.clone();
            trimmed.client_run_ref = Some(r.trim().to_string());
            serde_json::to_vec(&trimmed)
        }
        _ => serde_json::to_vec(req),
    }
    .unwrap_or_default();
    let d = ring::digest::digest(&ring::digest::SHA256, &text);
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// An earlier run with this `client_run_ref` that the caller may see: its id, and whether it
/// was made from the same request.
pub fn replayed(
    conn: &Connection,
    reference: &str,
    digest: &str,
    caller: &Caller,
) -> rusqlite::Result<Option<(String, bool)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, procedure_id, client_run_digest FROM runs WHERE client_run_ref = ?1 ORDER BY seq",
    )?;
    let found: Vec<(String, String, Option<String>)> = stmt
        .query_map([reference], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut visible = Vec::new();
    for (id, procedure, d) in found {
        if crate::server::scope::procedure_visible(conn, caller, &procedure)? {
            visible.push((id, d.as_deref() == Some(digest)));
        }
    }
    Ok(visible.iter().find(|(_, same)| *same).or(visible.first()).cloned())
}
