//! What `/v2/measurements`, `/v2/phases` and `/v2/logs` share: the run filters of `/v2/runs`
//! (parsed under the names these endpoints give them in `routes::query::crossrun`), the station
//! scope, and paging.
//!
//! A page is found on the narrow rows of the cross-run table (an index walk of one procedure
//! in time order), joined to its run for the run filters, and only then widened to the
//! columns the answer needs. The cursor carries a snapshot of the newest run, as the runs
//! list's does, so runs created while a client pages do not shift the pages.

use rusqlite::{Connection, OptionalExtension};
use serde_json::{Value, json};

use super::list;
use super::sql::Where;
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::routes::query::crossrun::Common;

/// `procedures.rowid` of the `procedure_id` these rows are listed by, or `None` when no such
/// procedure exists (the page is then empty, as for any filter that matches nothing).
pub fn procedure_key(conn: &Connection, id: &str) -> Result<Option<i64>, ApiError> {
    Ok(conn
        .prepare_cached("SELECT rowid FROM procedures WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// The run clauses (filters, station scope) for a query over `table` (as `alias`) joined to
/// `runs r`, and the snapshot: the newest row of `table` when the first page was read (its
/// ids only grow). Returns them with the snapshot and the offset the cursor carries.
///
/// The snapshot bounds the table's own id, not the runs': a bound on `r.seq` would make
/// SQLite walk every run rather than the table's time index.
pub fn run_where(
    conn: &Connection,
    c: &Common,
    caller: &Caller,
    table: &str,
    alias: &str,
) -> rusqlite::Result<(Where, i64, i64)> {
    let (snapshot, offset) = list::decode_cursor(c.page.cursor);
    let snapshot = match snapshot {
        Some(s) => s,
        None => conn
            .prepare_cached(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"))?
            .query_row([], |r| r.get(0))?,
    };
    let resolved = list::resolve_filter(conn, &c.runs, false)?;
    let mut w = list::where_clauses(&c.runs, caller, None, &resolved);
    let s = w.bind(snapshot);
    w.push(format!("{alias}.id <= {s}"));
    Ok((w, snapshot, offset))
}

/// Whether the run filters name a few runs (serials, ids): then the runs drive the query;
/// otherwise the table's own index walk in page order does, with each row's run looked up.
pub fn runs_drive(c: &Common) -> bool {
    !c.runs.serial_numbers.is_empty() || !c.runs.ids.is_empty()
}

/// The answer's `{data, meta}` from `limit + 1` rows.
pub fn page(mut rows: Vec<Value>, c: &Common, snapshot: i64, offset: i64) -> Value {
    let has_more = rows.len() as i64 > c.page.limit;
    rows.truncate(c.page.limit as usize);
    let next = if has_more {
        Value::from(list::encode_cursor(snapshot, offset.saturating_add(c.page.limit)))
    } else {
        Value::Null
    };
    json!({"data": rows, "meta": {"has_more": has_more, "next_cursor": next}})
}
