//! `GET /v2/runs` as one SQL query: filters ANDed, values within a filter ORed, a stable order
//! (the sort column, then insertion order), and `limit + 1` rows to learn whether more exist.
//!
//! The cursor is still the integer the SDK expects, but it carries a snapshot: the newest run
//! when the first page was read sits in the high bits, the offset in the low 24. Runs created
//! while a user pages are left out of later pages instead of shifting every row down by one.
//! A small integer (below 2^24) is a plain offset, so hand-written cursors keep working.

use rusqlite::Connection;

use super::render::{self, SUMMARY_FROM, SUMMARY_SELECT};
use super::sql::{Where, like_pattern};
use super::wire::{Listed, Meta};
use crate::api::{RunSummary, SampleFilter, SortBy, SortOrder, WireEnum};
use crate::server::auth::Caller;
use crate::server::query::{ListQuery, MetaCond, RunFilter};

const OFFSET_BITS: u32 = 24;
const OFFSET_MASK: i64 = (1 << OFFSET_BITS) - 1;

pub fn decode_cursor(cursor: i64) -> (Option<i64>, i64) {
    if cursor <= OFFSET_MASK {
        (None, cursor)
    } else {
        (Some(cursor >> OFFSET_BITS), cursor & OFFSET_MASK)
    }
}

pub fn encode_cursor(snapshot: i64, offset: i64) -> i64 {
    if offset > OFFSET_MASK || snapshot <= 0 || snapshot >= (1 << (62 - OFFSET_BITS)) {
        offset
    } else {
        (snapshot << OFFSET_BITS) | offset
    }
}

/// What the WHERE clauses need beyond the filter: batch and version numbers turned into ids
/// before the main query (so a single value is an equality the `(batch_id, started_at)` index
/// serves in order; `None`: no such filter), and whether the page is ordered by start time.
pub struct Resolved {
    pub batch_ids: Option<Vec<String>>,
    pub version_ids: Option<Vec<String>>,
    /// The page is ordered by start time, which single-value filter indexes also serve.
    pub by_start: bool,
}

fn resolve(
    conn: &Connection,
    sql: &str,
    values: &[String],
) -> rusqlite::Result<Option<Vec<String>>> {
    if values.is_empty() {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(sql)?;
    let mut ids = Vec::new();
    for v in values {
        for id in stmt.query_map([v], |r| r.get::<_, String>(0))? {
            ids.push(id?);
        }
    }
    Ok(Some(ids))
}

pub fn resolve_query(conn: &Connection, q: &ListQuery) -> rusqlite::Result<Resolved> {
    resolve_filter(conn, &q.filter, matches!(q.sort_by, SortBy::StartedAt | SortBy::Unknown(_)))
}

/// What `where_clauses` needs to know beyond the filter; `by_start`: the page is ordered by
/// the runs' start time (the cross-run lists order by their own tables and pass false).
pub fn resolve_filter(
    conn: &Connection,
    f: &RunFilter,
    by_start: bool,
) -> rusqlite::Result<Resolved> {
    Ok(Resolved {
        batch_ids: resolve(conn, "SELECT id FROM batches WHERE number = ?1", &f.batch_numbers)?,
        version_ids: resolve(
            conn,
            "SELECT id FROM procedure_versions WHERE tag = ?1",
            &f.procedure_versions,
        )?,
        by_start,
    })
}

/// `column IN (ids)`, or no row at all when nothing matched the names.
fn in_ids(q: &mut Where, column: &str, ids: &[String]) {
    if ids.is_empty() {
        q.push("0");
    } else {
        q.any_of(column, ids);
    }
}

/// WHERE clauses for a filter (and a station key's scope).
pub fn where_clauses(
    f: &RunFilter,
    caller: &Caller,
    snapshot: Option<i64>,
    resolved: &Resolved,
) -> Where {
    let mut q = Where { clauses: Vec::new(), params: Vec::new() };
    if let Some(station) = caller.station_id() {
        let s = q.bind(station.to_string());
        q.push(format!(
            "r.procedure_id IN (SELECT procedure_id FROM station_procedures WHERE station_id = {s})"
        ));
    }
    if let Some(snap) = snapshot {
        let s = q.bind(snap);
        q.push(format!("r.seq <= {s}"));
    }
    if let Some(text) = &f.search_query {
        let text = text.trim();
        let p = q.bind(like_pattern(text));
        // The run's id or serial holds the text (any case); for 3 characters or more the
        // trigram index names the candidates first. A phrase MATCH, not `LIKE … ESCAPE`:
        // FTS5 answers LIKE from its index only without an ESCAPE clause.
        q.push(format!("(r.id LIKE {p} ESCAPE '\\' OR r.serial_number LIKE {p} ESCAPE '\\')"));
        if text.chars().count() >= 3 {
            let m = q.bind(format!("\"{}\"", text.replace('"', "\"\"")));
            q.push(format!("r.seq IN (SELECT rowid FROM run_search WHERE run_search MATCH {m})"));
        }
    }
    q.any_of("r.id", &f.ids);
    let outcomes: Vec<String> = f.outcomes.iter().map(|o| o.as_str().to_string()).collect();
    q.any_of_ordered("r.outcome", &outcomes, resolved.by_start);
    q.any_of("r.procedure_id", &f.procedure_ids);
    if let Some(ids) = &resolved.version_ids {
        in_ids(&mut q, "r.version_id", ids);
    }
    if !f.environments.is_empty() && !f.environments.contains(&crate::api::Environment::Production)
    {
        // Without deployments every run is a production run.
        q.push("0");
    }
    if !f.deployment_ids.is_empty() {
        // The embedded server has no deployments, so no run matches one.
        q.push("0");
    }
    q.any_of("r.execution_id", &f.execution_ids);
    q.any_of("r.slot_key", &f.slot_keys);
    q.any_of("r.slot_name", &f.slot_names);
    q.any_of("r.serial_number", &f.serial_numbers);
    if !f.samples.is_empty() {
        let mut parts = Vec::new();
        let named: Vec<String> = f
            .samples
            .iter()
            .filter(|s| **s != SampleFilter::Production)
            .map(|s| s.as_str().to_string())
            .collect();
        if f.samples.contains(&SampleFilter::Production) {
            parts.push("u.sample IS NULL".to_string());
        }
        if !named.is_empty() {
            let marks: Vec<String> = named.into_iter().map(|n| q.bind(n)).collect();
            parts.push(format!("u.sample IN ({})", marks.join(", ")));
        }
        q.push(format!("({})", parts.join(" OR ")));
    }
    q.any_of_ordered("r.part_number", &f.part_numbers, resolved.by_start);
    q.any_of_ordered("r.revision_number", &f.revision_numbers, resolved.by_start);
    if let Some(ids) = &resolved.batch_ids {
        in_ids(&mut q, "r.batch_id", ids);
    }
    for (col, op, v) in [
        // `+` keeps SQLite from choosing these wide ranges over the index the page is
        // ordered by: walking that index and stopping at the limit is far cheaper than
        // sorting every run in a month-long window.
        ("+r.duration_ms", ">=", f.duration_min),
        ("+r.duration_ms", "<=", f.duration_max),
        ("r.started_at", ">=", f.started_after),
        ("r.started_at", "<=", f.started_before),
        ("+r.ended_at", ">=", f.ended_after),
        ("+r.ended_at", "<=", f.ended_before),
        ("+r.created_at", ">=", f.created_after),
        ("+r.created_at", "<=", f.created_before),
    ] {
        if let Some(v) = v {
            let m = q.bind(v);
            q.push(format!("{col} {op} {m}"));
        }
    }
    q.any_of("r.created_by_user_id", &f.created_by_user_ids);
    q.any_of("r.created_by_station_id", &f.created_by_station_ids);
    q.any_of("r.operated_by_user_id", &f.operated_by_ids);
    if !f.operated_by_names.is_empty() {
        let marks: Vec<String> = f.operated_by_names.iter().map(|n| q.bind(n.clone())).collect();
        let m = marks.join(", ");
        q.push(format!(
            "(r.operated_by_name IN ({m}) OR r.operated_by_user_id IN (SELECT id FROM users WHERE name IN ({m}) OR email IN ({m})))"
        ));
    }
    for (key, conds) in &f.metadata.conds {
        let k = q.bind(key.clone());
        let mut parts = vec![format!("m.seq = r.seq AND m.key = {k}")];
        for c in conds {
            parts.push(match c {
                MetaCond::In(values) => {
                    let marks: Vec<String> = values.iter().map(|v| q.bind(v.clone())).collect();
                    format!("m.kind = 'string' AND m.text_value IN ({})", marks.join(", "))
                }
                MetaCond::Contains(s) => {
                    let p = q.bind(like_pattern(s));
                    format!("m.kind = 'string' AND m.text_value LIKE {p} ESCAPE '\\'")
                }
                MetaCond::Num(op, n) => {
                    let p = q.bind(*n);
                    format!("m.kind = 'number' AND m.num_value {op} {p}")
                }
                MetaCond::Bool(b) => {
                    format!("m.kind = 'boolean' AND m.num_value = {}", if *b { 1 } else { 0 })
                }
            });
        }
        q.push(format!("EXISTS (SELECT 1 FROM run_metadata m WHERE {})", parts.join(" AND ")));
    }
    q
}

fn order_by(sort: &SortBy, order: &SortOrder) -> String {
    // Ties break on start time, then insertion: every sort column has a `(column,
    // started_at)` index, so a page is an ordered index walk, never a sort of all runs.
    let col = match sort {
        SortBy::StartedAt | SortBy::Unknown(_) => "r.started_at",
        SortBy::CreatedAt => "r.created_at",
        SortBy::Duration => "r.duration_ms",
        SortBy::Outcome => "r.outcome",
        SortBy::SerialNumber => "r.serial_number",
        SortBy::PartNumber => "r.part_number",
        SortBy::RevisionNumber => "r.revision_number",
    };
    let dir = if *order == SortOrder::Asc { "ASC" } else { "DESC" };
    if col == "r.started_at" {
        format!("r.started_at {dir}, r.seq {dir}")
    } else {
        format!("{col} {dir}, r.started_at {dir}, r.seq {dir}")
    }
}

pub fn list_runs(
    conn: &Connection,
    q: &ListQuery,
    caller: &Caller,
) -> rusqlite::Result<Listed<RunSummary>> {
    let (snapshot, offset) = decode_cursor(q.page.cursor);
    let snapshot = match snapshot {
        Some(s) => s,
        None => conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM runs", [], |r| r.get(0))?,
    };
    let resolved = resolve_query(conn, q)?;
    let mut w = where_clauses(&q.filter, caller, Some(snapshot), &resolved);
    let lim = w.bind(q.page.limit + 1);
    let off = w.bind(offset);
    let extra = if q.include_sequences {
        ", (SELECT sequences FROM run_details d WHERE d.seq = r.seq)"
    } else {
        ", NULL"
    };
    let join_units =
        if q.filter.samples.is_empty() { "" } else { "JOIN units u ON u.id = r.unit_id" };
    let order = order_by(&q.sort_by, &q.page.order);
    // Two steps: find the page's runs on narrow rows, then join names for those rows only.
    let sql = format!(
        "WITH page AS (SELECT r.seq FROM runs r {join_units} WHERE {} ORDER BY {order} LIMIT {lim} OFFSET {off})
         SELECT {SUMMARY_SELECT}{extra} {SUMMARY_FROM} JOIN page ON page.seq = r.seq ORDER BY {order}",
        w.clauses.join(" AND "),
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = Vec::with_capacity(q.page.limit as usize + 1);
    let mut it = stmt.query(rusqlite::params_from_iter(w.params.iter()))?;
    while let Some(row) = it.next()? {
        let mut s = render::summary_from_row(row, q.include_metadata)?;
        if q.include_sequences {
            let text: Option<String> = row.get(render::SUMMARY_COLUMNS)?;
            s.sequences =
                Some(text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default());
        }
        rows.push(s);
    }
    let has_more = rows.len() as i64 > q.page.limit;
    rows.truncate(q.page.limit as usize);
    let next_cursor = has_more.then(|| encode_cursor(snapshot, offset + q.page.limit));
    Ok(Listed { data: rows, meta: Meta { has_more, next_cursor } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_small_cursors_are_offsets() {
        assert_eq!(decode_cursor(50), (None, 50));
        let c = encode_cursor(200_000, 150);
        assert!(c > OFFSET_MASK);
        assert_eq!(decode_cursor(c), (Some(200_000), 150));
    }
}
