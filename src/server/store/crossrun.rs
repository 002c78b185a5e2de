//! What `/v2/measurements`, `/v2/phases` and `/v2/logs` share: the run filters of `/v2/runs`
//! (under the names these endpoints give them), the station scope, and paging.
//!
//! A page is found on the narrow rows of the cross-run table (an index walk of one procedure
//! in time order), joined to its run for the run filters, and only then widened to the
//! columns the answer needs. The cursor carries a snapshot of the newest run, as the runs
//! list's does, so runs created while a client pages do not shift the pages.

use rusqlite::Connection;
use serde_json::{Value, json};

use super::filter::{RunFilter, apply_page_param, apply_run_param, bad};
use super::list;
use super::sql::Where;
use crate::api::SortOrder;
use crate::server::auth::Caller;
use crate::server::error::ApiError;

/// Paging and the run-level filters.
#[derive(Debug, Clone, PartialEq)]
pub struct Common {
    pub runs: RunFilter,
    pub limit: i64,
    pub cursor: i64,
    pub order: SortOrder,
}

impl Default for Common {
    fn default() -> Self {
        Common {
            runs: RunFilter::default(),
            limit: super::filter::DEFAULT_LIMIT,
            cursor: 0,
            order: SortOrder::Desc,
        }
    }
}

/// Run-level parameters every cross-run list takes under the runs list's own names.
const RUN_PARAMS: &[&str] = &[
    "procedure_versions",
    "deployment_ids",
    "environments",
    "serial_numbers",
    "part_numbers",
    "revision_numbers",
    "batch_numbers",
    "operated_by_ids",
    "operated_by_names",
    "created_by_station_ids",
    "created_by_user_ids",
    "duration_min",
    "duration_max",
    "samples",
];

impl Common {
    /// Applies `k` if it is paging or a shared run filter. `renamed` maps this endpoint's
    /// names for run filters (`run_outcomes`, `run_ids`) to the runs list's.
    pub fn apply(&mut self, k: &str, v: &str, renamed: &[(&str, &str)]) -> Result<bool, ApiError> {
        if apply_page_param(&mut self.limit, &mut self.cursor, &mut self.order, k, v)? {
            return Ok(true);
        }
        if let Some((_, to)) = renamed.iter().find(|(from, _)| *from == k) {
            return apply_run_param(&mut self.runs, to, v).map_err(|e| rename_error(e, to, k));
        }
        if RUN_PARAMS.contains(&k) {
            return apply_run_param(&mut self.runs, k, v);
        }
        Ok(false)
    }
}

/// An error about a run filter names the parameter as the client sent it.
fn rename_error(mut e: ApiError, internal: &str, sent: &str) -> ApiError {
    e.body.message = e.body.message.replace(internal, sent);
    for issue in &mut e.body.issues {
        for seg in &mut issue.path {
            if seg.as_str() == Some(internal) {
                *seg = Value::from(sent);
            }
        }
    }
    e
}

/// `procedures.rowid` of the required `procedure_id`, or `None` when no such procedure exists
/// (the page is then empty, as for any filter that matches nothing).
pub fn procedure_key(conn: &Connection, id: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(id) = id else {
        return Err(bad(
            "procedure_id",
            "is required: these rows are listed one procedure at a time",
        ));
    };
    use rusqlite::OptionalExtension;
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
    let (snapshot, offset) = list::decode_cursor(c.cursor);
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
    let has_more = rows.len() as i64 > c.limit;
    rows.truncate(c.limit as usize);
    let next = if has_more {
        Value::from(list::encode_cursor(snapshot, offset.saturating_add(c.limit)))
    } else {
        Value::Null
    };
    json!({"data": rows, "meta": {"has_more": has_more, "next_cursor": next}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_run_filters_report_the_name_sent() {
        let mut c = Common::default();
        let err = c.apply("run_outcomes", "RUNNING", &[("run_outcomes", "outcomes")]).unwrap_err();
        assert!(err.body.message.contains("run_outcomes"), "{}", err.body.message);
        assert!(c.apply("run_outcomes", "FAIL", &[("run_outcomes", "outcomes")]).unwrap());
        assert_eq!(c.runs.outcomes, vec![crate::api::RunOutcome::Fail]);
    }
}
