//! What `/v2/measurements`, `/v2/phases` and `/v2/logs` share: the run filters of `/v2/runs`
//! (parsed under the names these endpoints give them in `query::crossrun`), the station
//! scope, and paging.
//!
//! A page is found on the narrow rows of the cross-run table (an index walk of one procedure
//! in time order), joined to its run for the run filters, and only then widened to the
//! columns the answer needs. The cursor carries a snapshot of the newest run, as the runs
//! list's does, so runs created while a client pages do not shift the pages.

use rusqlite::{Connection, OptionalExtension};

use super::list;
use super::sql::Where;
use super::wire::{Listed, Meta};
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::query::crossrun::Common;

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

/// How a cross-run list reads its page: the rows of `table` (as `alias`) that match, found on
/// its narrow rows joined to their run (`join`: `JOIN`, or `CROSS JOIN` to keep the table the
/// outer loop), in `order`; then widened to `columns` with the joins in `widen`.
pub struct PageSql<'a> {
    pub table: &'a str,
    pub alias: &'a str,
    pub join: &'a str,
    pub order: &'a str,
    pub columns: &'a str,
    pub widen: &'a str,
}

/// A page of a cross-run list: `w` holds its clauses (from [`run_where`] and the list's own),
/// `row` reads a row of [`PageSql::columns`].
pub fn read_page<T>(
    conn: &Connection,
    c: &Common,
    (mut w, snapshot, offset): (Where, i64, i64),
    sql: &PageSql<'_>,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Listed<T>> {
    let PageSql { table, alias: a, join, order, columns, widen } = sql;
    let join_units =
        if c.runs.samples.is_empty() { "" } else { "JOIN units u ON u.id = r.unit_id" };
    let lim = w.bind(c.page.limit + 1);
    let off = w.bind(offset);
    let sql = format!(
        "WITH page AS (SELECT {a}.id FROM {table} {a} {join} runs r ON r.seq = {a}.run_seq {join_units}
            WHERE {} ORDER BY {order} LIMIT {lim} OFFSET {off})
         SELECT {columns} FROM page JOIN {table} {a} ON {a}.id = page.id {widen}
         ORDER BY {order}",
        w.clauses.join(" AND "),
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(w.params.iter()), row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page(rows, c, snapshot, offset))
}

/// The answer's `{data, meta}` from `limit + 1` rows.
pub fn page<T>(mut rows: Vec<T>, c: &Common, snapshot: i64, offset: i64) -> Listed<T> {
    let has_more = rows.len() as i64 > c.page.limit;
    rows.truncate(c.page.limit as usize);
    let next_cursor =
        has_more.then(|| list::encode_cursor(snapshot, offset.saturating_add(c.page.limit)));
    Listed { data: rows, meta: Meta { has_more, next_cursor } }
}
