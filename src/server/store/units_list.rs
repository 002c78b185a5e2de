//! `GET /v2/units`: every filter and sort the SDK has. A unit's newest run and run count are
//! kept on the unit (see `catalog::count_run`), so `latest_only`, `run_count_*` and the
//! last-run sorts need no aggregate over runs.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, Row};

use super::people;
use super::sql::{Where, any_in, dir, in_list, like_pattern, trigram_match};
use super::wire::{
    IdName, IdNumber, LastRun, Listed, PartWithRevision, UnitRef, UnitSummary, UserName, metadata,
    offset_page,
};
use crate::api::time::from_ms;
use crate::api::{SampleFilter, UnitSortBy, WireEnum};
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::query::catalog::UnitQuery;
use crate::server::query::{MetaCond, Page};
use crate::server::scope;

/// SQL for metadata conditions on a JSON object column, one `EXISTS` per key.
pub fn metadata_clauses(w: &mut Where, column: &str, metadata: &[(String, Vec<MetaCond>)]) {
    for (key, conds) in metadata {
        let k = w.bind(key.clone());
        let mut parts = vec![format!("je.key = {k}")];
        for c in conds {
            parts.push(match c {
                MetaCond::In(values) => {
                    let marks: Vec<String> = values.iter().map(|v| w.bind(v.clone())).collect();
                    format!("je.type = 'text' AND je.value IN ({})", marks.join(", "))
                }
                MetaCond::Contains(s) => {
                    let p = w.bind(like_pattern(s));
                    format!("je.type = 'text' AND je.value LIKE {p} ESCAPE '\\'")
                }
                MetaCond::Num(op, n) => {
                    let p = w.bind(*n);
                    format!("je.type IN ('integer', 'real') AND je.value {op} {p}")
                }
                MetaCond::Bool(b) => format!("je.type = '{}'", if *b { "true" } else { "false" }),
            });
        }
        w.push(format!(
            "EXISTS (SELECT 1 FROM json_each({column}) je WHERE {})",
            parts.join(" AND ")
        ));
    }
}

fn where_for(q: &UnitQuery, caller: &Caller) -> Where {
    let mut w = Where { clauses: vec!["1".into()], params: vec![] };
    scope::units(&mut w, caller);
    if let Some(text) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let p = w.bind(like_pattern(text));
        w.push(format!("u.serial_number LIKE {p} ESCAPE '\\'"));
        if let Some(m) = trigram_match(text) {
            let m = w.bind(m);
            w.push(format!(
                "u.rowid IN (SELECT rowid FROM unit_search WHERE unit_search MATCH {m})"
            ));
        }
    }
    any_in(&mut w, "u.id", &q.ids);
    any_in(&mut w, "u.serial_number", &q.serials);
    any_in(&mut w, "pa.number", &q.parts);
    any_in(&mut w, "rv.number", &q.revisions);
    if !q.batches.is_empty() {
        let named: Vec<String> = q.batches.iter().flatten().cloned().collect();
        let mut alt = Vec::new();
        if q.batches.iter().any(Option::is_none) {
            alt.push("u.batch_id IS NULL".to_string());
        }
        if !named.is_empty() {
            let marks: Vec<String> = named.into_iter().map(|n| w.bind(n)).collect();
            alt.push(format!("b.number IN ({})", marks.join(", ")));
        }
        w.push(format!("({})", alt.join(" OR ")));
    }
    // Run conditions hold for one run: the newest with `latest_only`, else any. The newest
    // run's outcome is kept on the unit (indexed): "failing now" is a lookup.
    // A station's conditions hold for its own runs only: the newest is the newest it may see
    // (scope.rs), and naming another procedure finds nothing.
    let outcomes: Vec<String> = q.outcomes.iter().map(|o| o.as_str().to_string()).collect();
    let mut conds: Vec<String> = Vec::new();
    if q.latest_only && caller.station_id().is_none() {
        any_in(&mut w, "u.last_outcome", &outcomes);
    } else {
        conds.extend(in_list(&mut w, "rr.outcome", &outcomes));
    }
    conds.extend(in_list(&mut w, "rr.procedure_id", &q.procedure_ids));
    let mut station = None;
    if let Some(s) = caller.station_id()
        && !conds.is_empty()
    {
        let s = w.bind(s.to_string());
        conds.push(format!(
            "rr.procedure_id IN (SELECT procedure_id FROM station_procedures WHERE station_id = {s})"
        ));
        station = Some(s);
    }
    for (op, v) in [(">=", q.started_after), ("<=", q.started_before)] {
        if let Some(v) = v {
            let m = w.bind(v);
            conds.push(format!("rr.started_at {op} {m}"));
        }
    }
    if !conds.is_empty() {
        let cond = conds.join(" AND ");
        let newest = match &station {
            Some(s) => scope::last_visible_run_sql("u.id", s),
            None => "u.last_run_seq".to_string(),
        };
        w.push(if q.latest_only {
            format!("EXISTS (SELECT 1 FROM runs rr WHERE rr.seq = {newest} AND {cond})")
        } else {
            format!("EXISTS (SELECT 1 FROM runs rr WHERE rr.unit_id = u.id AND {cond})")
        });
    }
    for (col, op, v) in [
        ("u.run_count", ">=", q.run_count_min),
        ("u.run_count", "<=", q.run_count_max),
        ("u.created_at", ">=", q.created_after),
        ("u.created_at", "<=", q.created_before),
    ] {
        if let Some(v) = v {
            let m = w.bind(v);
            w.push(format!("{col} {op} {m}"));
        }
    }
    any_in(&mut w, "u.created_by_user_id", &q.created_by_user_ids);
    any_in(&mut w, "u.created_by_station_id", &q.created_by_station_ids);
    if q.exclude_with_parent {
        w.push("u.parent_id IS NULL");
    }
    if !q.samples.is_empty() {
        let named: Vec<String> = q
            .samples
            .iter()
            .filter(|s| **s != SampleFilter::Production)
            .map(|s| s.as_str().to_string())
            .collect();
        let mut alt = Vec::new();
        if q.samples.contains(&SampleFilter::Production) {
            alt.push("u.sample IS NULL".to_string());
        }
        if !named.is_empty() {
            let marks: Vec<String> = named.into_iter().map(|n| w.bind(n)).collect();
            alt.push(format!("u.sample IN ({})", marks.join(", ")));
        }
        w.push(format!("({})", alt.join(" OR ")));
    }
    metadata_clauses(&mut w, "u.metadata", &q.metadata.conds);
    w
}

// CROSS JOIN: the units are the outer loop, walked in the order of the page's index; SQLite
// would otherwise start from the handful of parts and sort every unit.
const FROM: &str = "FROM units u CROSS JOIN parts pa ON pa.id = u.part_id
    CROSS JOIN revisions rv ON rv.id = u.revision_id
    LEFT JOIN batches b ON b.id = u.batch_id LEFT JOIN runs lr ON lr.seq = u.last_run_seq
    LEFT JOIN procedures lp ON lp.id = lr.procedure_id
    LEFT JOIN users cu ON cu.id = u.created_by_user_id
    LEFT JOIN stations cs ON cs.id = u.created_by_station_id
    LEFT JOIN units pu ON pu.id = u.parent_id";

const COLUMNS: &str = "u.id, u.serial_number, u.created_at, u.sample, u.created_by_user_id,
    u.created_by_station_id, pa.id, pa.number, pa.name, rv.id, rv.number, b.id, b.number,
    u.parent_id, lr.id, lr.outcome, lr.started_at, lr.ended_at, lp.id, lp.name, u.metadata,
    cu.name, cs.name, pu.serial_number";

/// The newest run of unit `id` a station may see, as a unit's `last_run`.
fn last_visible_run(
    conn: &Connection,
    id: &str,
    station: &str,
) -> rusqlite::Result<Option<LastRun>> {
    let sql = format!(
        "SELECT r.id, r.outcome, r.started_at, r.ended_at, p.id, p.name
         FROM runs r JOIN procedures p ON p.id = r.procedure_id WHERE r.seq = {}",
        scope::last_visible_run_sql("?1", "?2")
    );
    conn.prepare_cached(&sql)?.query_row([id, station], |r| last_run(r, 0)).optional()
}

/// A `last_run` from the six columns at `at`: id, outcome, started, ended, procedure id, name.
fn last_run(r: &Row<'_>, at: usize) -> rusqlite::Result<LastRun> {
    Ok(LastRun {
        id: r.get(at)?,
        outcome: r.get(at + 1)?,
        started_at: from_ms(r.get(at + 2)?),
        ended_at: from_ms(r.get(at + 3)?),
        procedure: IdName { id: r.get(at + 4)?, name: r.get(at + 5)? },
    })
}

/// A row of the page; `visible`: the procedures a station key sees (`None`: a user key).
fn row(
    conn: &Connection,
    r: &Row<'_>,
    include_metadata: bool,
    caller: &Caller,
    visible: Option<&HashSet<String>>,
) -> Result<UnitSummary, ApiError> {
    let id: String = r.get(0)?;
    let parent = match r.get::<_, Option<String>>(13)? {
        Some(p) => {
            let serial: Option<String> = r.get(23)?;
            Some(UnitRef { id: p, serial_number: serial.unwrap_or_default() })
        }
        None => None,
    };
    let last_procedure: Option<String> = r.get(18)?;
    let foreign = match (&last_procedure, visible) {
        (Some(p), Some(visible)) => !visible.contains(p),
        _ => false,
    };
    let last_run = match r.get::<_, Option<String>>(14)? {
        Some(_) if foreign => last_visible_run(conn, &id, caller.station_id().unwrap_or(""))?,
        Some(_) => Some(last_run(r, 14)?),
        None => None,
    };
    let batch = match r.get::<_, Option<String>>(11)? {
        Some(b) => Some(IdNumber { id: b, number: r.get(12)? }),
        None => None,
    };
    let created_by_user = match r.get::<_, Option<String>>(4)? {
        Some(u) => Some(UserName { id: u, name: r.get(21)? }),
        None => None,
    };
    let metadata = if include_metadata { Some(metadata(&r.get::<_, String>(20)?)) } else { None };
    Ok(UnitSummary {
        id,
        serial_number: r.get(1)?,
        created_at: from_ms(r.get(2)?),
        sample: r.get(3)?,
        created_by_user,
        created_by_station: people::station(r.get(5)?, r.get(22)?),
        batch,
        parent,
        children: vec![],
        part: PartWithRevision {
            id: r.get(6)?,
            number: r.get(7)?,
            name: r.get(8)?,
            revision: IdNumber { id: r.get(9)?, number: r.get(10)? },
        },
        last_run,
        metadata,
    })
}

pub fn list(
    conn: &Connection,
    q: &UnitQuery,
    page: &Page,
    caller: &Caller,
) -> Result<Listed<UnitSummary>, ApiError> {
    let mut w = where_for(q, caller);
    let d = dir(&page.order);
    let order = match q.sort_by.as_ref().unwrap_or(&UnitSortBy::CreatedAt) {
        UnitSortBy::SerialNumber => format!("u.serial_number {d}, u.rowid {d}"),
        UnitSortBy::LastRunAt => format!("u.last_run_at {d}, u.rowid {d}"),
        UnitSortBy::PartNumber => format!("pa.number {d}, u.created_at {d}, u.rowid {d}"),
        UnitSortBy::LastRunProcedure => format!("lp.name {d}, u.last_run_at {d}, u.rowid {d}"),
        _ => format!("u.created_at {d}, u.rowid {d}"),
    };
    let lim = w.bind(page.limit + 1);
    let off = w.bind(page.cursor);
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE {} ORDER BY {order} LIMIT {lim} OFFSET {off}",
        w.clauses.join(" AND ")
    );
    // Read once for the page, not once per row.
    let visible = scope::visible_procedures(conn, caller)?;
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = Vec::new();
    let mut it = stmt.query(rusqlite::params_from_iter(w.params.iter()))?;
    while let Some(r) = it.next()? {
        rows.push(row(conn, r, q.include_metadata, caller, visible.as_ref())?);
    }
    add_children(conn, &mut rows)?;
    Ok(offset_page(rows, page))
}

/// Fills each row's `children`: its first ten by serial number, for the whole page at once.
fn add_children(conn: &Connection, rows: &mut [UnitSummary]) -> rusqlite::Result<()> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let marks = vec!["?"; ids.len()].join(", ");
    let sql = format!(
        "SELECT parent_id, id, serial_number FROM (SELECT parent_id, id, serial_number,
            ROW_NUMBER() OVER (PARTITION BY parent_id ORDER BY serial_number) AS n
            FROM units WHERE parent_id IN ({marks}))
         WHERE n <= 10 ORDER BY parent_id, serial_number"
    );
    let mut by_parent: std::collections::HashMap<String, Vec<UnitRef>> = Default::default();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut it = stmt.query(rusqlite::params_from_iter(ids.iter()))?;
    while let Some(r) = it.next()? {
        let child = UnitRef { id: r.get(1)?, serial_number: r.get(2)? };
        by_parent.entry(r.get(0)?).or_default().push(child);
    }
    for row in rows {
        if let Some(children) = by_parent.remove(&row.id) {
            row.children = children;
        }
    }
    Ok(())
}
