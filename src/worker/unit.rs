//! Everything the unit view shows, for one serial: the unit, its runs across procedures, the
//! first failing phase of each failing run, and its assembly tree from the topmost ancestor
//! down. An unknown serial comes back with the serials that look like it.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;

use super::catalog::Page;
use super::client::{self, ApiClient, ClientError, Report};
use crate::api::catalog::{UnitDetail, UnitListRequest, UnitSummary};
use crate::api::crossrun::{Paging, PhaseListRequest, RunScope};
use crate::api::{PhaseOutcome, RunOutcome, WireEnum};
use crate::model::{NamePool, TreeUnit, UnitAnswer, UnitData};

/// Runs loaded for one unit (a unit with more says so).
const MAX_RUNS: usize = 1_000;
/// Units of one assembly tree loaded at most.
const MAX_TREE: usize = 300;
/// Ancestors followed at most (the server keeps the tree acyclic; this guards the client).
const MAX_DEPTH: usize = 32;

pub(crate) async fn fetch(
    c: &ApiClient,
    serial: &str,
    report: &Report,
    name_pool: &Mutex<NamePool>,
) -> Result<UnitAnswer, ClientError> {
    let unit = match c.get_unit(serial, report).await {
        Ok(u) => u,
        Err(ClientError::NotFound(_)) => {
            return Ok(UnitAnswer::Missing { close: close_to(c, serial, report).await });
        }
        Err(e) => return Err(e),
    };
    let (runs, failing) = runs_of(c, &unit.serial_number, report, name_pool).await?;
    let (runs, more_runs) = runs;
    let first_failure = first_failures(c, &unit.serial_number, &failing, report).await;
    let (tree, tree_cut) = tree_of(c, &unit, report).await?;
    Ok(UnitAnswer::Found(Box::new(UnitData {
        unit,
        runs,
        more_runs,
        first_failure,
        tree,
        tree_cut,
    })))
}

/// Serials like `serial`: the server's search, then shorter prefixes of it (a mistyped or
/// half-scanned code).
async fn close_to(c: &ApiClient, serial: &str, report: &Report) -> Vec<String> {
    let chars: Vec<char> = serial.trim().chars().collect();
    let mut n = chars.len();
    while n >= 3 {
        let text: String = chars[..n].iter().collect();
        let req = UnitListRequest {
            search: Some(text),
            paging: Paging { limit: 8, ..Paging::default() },
            ..UnitListRequest::default()
        };
        match c.list_units(&req, report).await {
            Ok(Page { rows, .. }) if !rows.is_empty() => {
                return rows.into_iter().map(|u: UnitSummary| u.serial_number).collect();
            }
            Ok(_) => n = n.saturating_sub(1.max(n / 4)),
            Err(_) => break,
        }
    }
    Vec::new()
}

type Runs = (Vec<crate::model::RunRow>, bool);

/// The unit's runs, newest first, and the failing ones as (run id, procedure id).
async fn runs_of(
    c: &ApiClient,
    serial: &str,
    report: &Report,
    name_pool: &Mutex<NamePool>,
) -> Result<(Runs, Vec<(String, String)>), ClientError> {
    let mut rows = Vec::new();
    let mut failing = Vec::new();
    let mut cursor: Option<i64> = None;
    loop {
        let mut params = vec![
            ("serial_numbers", serial.to_string()),
            ("sort_by", "started_at".to_string()),
            ("sort_order", "desc".to_string()),
            ("limit", "100".to_string()),
        ];
        if let Some(c) = cursor {
            params.push(("cursor", c.to_string()));
        }
        let body = c.list_runs_raw(&params, report).await?;
        let page = {
            let mut i = name_pool.lock().unwrap_or_else(|p| p.into_inner());
            client::decode_page(&body, &mut i)?
        };
        failing.extend(failing_runs(&body));
        // The serial filter matches exactly, but a server may be looser: keep this unit's.
        rows.extend(page.rows.into_iter().filter(|r| r.serial.eq_ignore_ascii_case(serial)));
        match page.next_cursor {
            Some(next) if page.has_more && rows.len() < MAX_RUNS => cursor = Some(next),
            _ => return Ok(((rows, page.has_more), failing)),
        }
    }
}

/// (run id, procedure id) of the failing runs of a page, read from the raw answer (the list's
/// rows keep the procedure's name only).
fn failing_runs(body: &[u8]) -> Vec<(String, String)> {
    let Ok(v) = serde_json::from_slice::<Value>(body) else { return Vec::new() };
    let rows = v.get("data").and_then(Value::as_array).cloned().unwrap_or_default();
    rows.iter()
        .filter(|r| {
            let o = r.get("outcome").and_then(Value::as_str).unwrap_or("");
            o == RunOutcome::Fail.as_str() || o == RunOutcome::Error.as_str()
        })
        .filter_map(|r| {
            let id = r.get("id")?.as_str()?.to_string();
            let proc = r.get("procedure")?.get("id")?.as_str()?.to_string();
            Some((id, proc))
        })
        .collect()
}

/// The first failing phase of each failing run, from `/v2/phases` (one call per procedure).
/// A server without that list (404) leaves the column empty.
async fn first_failures(
    c: &ApiClient,
    serial: &str,
    failing: &[(String, String)],
    report: &Report,
) -> HashMap<String, String> {
    let mut procedures: Vec<&str> = failing.iter().map(|(_, p)| p.as_str()).collect();
    procedures.sort_unstable();
    procedures.dedup();
    let wanted: std::collections::HashSet<&str> = failing.iter().map(|(r, _)| r.as_str()).collect();
    let asks = procedures.iter().map(|p| {
        let req = PhaseListRequest {
            procedure_id: p.to_string(),
            outcomes: vec![PhaseOutcome::Fail, PhaseOutcome::Error],
            runs: RunScope { serial_numbers: vec![serial.to_string()], ..RunScope::default() },
            paging: Paging { limit: 100, ..Paging::default() },
            ..PhaseListRequest::default()
        };
        async move { c.list_phases(&req, report).await }
    });
    let mut first: HashMap<String, (Option<i64>, String)> = HashMap::new();
    for page in futures::future::join_all(asks).await.into_iter().flatten() {
        for ph in page.rows {
            if !wanted.contains(ph.run_id.as_str()) {
                continue;
            }
            let at = ph.started_at.map(|t| t.timestamp_millis());
            let e = first.entry(ph.run_id.clone()).or_insert((at, ph.name.clone()));
            if at < e.0 || (e.0.is_none() && at.is_some()) {
                *e = (at, ph.name.clone());
            }
        }
    }
    first.into_iter().map(|(k, (_, name))| (k, name)).collect()
}

/// The tree the unit belongs to: up to its topmost ancestor, then every unit under that,
/// depth first, children in serial order. Each level is fetched at once.
async fn tree_of(
    c: &ApiClient,
    unit: &UnitDetail,
    report: &Report,
) -> Result<(Vec<TreeUnit>, bool), ClientError> {
    let mut known: HashMap<String, UnitDetail> = HashMap::new();
    known.insert(unit.serial_number.to_lowercase(), unit.clone());
    let mut top = unit.clone();
    for _ in 0..MAX_DEPTH {
        let Some(parent) = top.parent.clone() else { break };
        let p = c.get_unit(&parent.serial_number, report).await?;
        known.insert(p.serial_number.to_lowercase(), p.clone());
        top = p;
    }
    // Down, a level at a time.
    let mut level: Vec<String> = vec![top.serial_number.clone()];
    let mut cut = false;
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for s in &level {
            if let Some(u) = known.get(&s.to_lowercase()) {
                next.extend(u.children.iter().map(|k| k.serial_number.clone()));
            }
        }
        if next.is_empty() {
            break;
        }
        if known.len() + next.len() > MAX_TREE {
            next.truncate(MAX_TREE.saturating_sub(known.len()));
            cut = true;
        }
        let missing: Vec<&String> =
            next.iter().filter(|s| !known.contains_key(&s.to_lowercase())).collect();
        let got = futures::future::join_all(missing.iter().map(|s| c.get_unit(s, report))).await;
        for u in got.into_iter().flatten() {
            known.insert(u.serial_number.to_lowercase(), u);
        }
        level = next;
        if cut {
            break;
        }
    }
    let mut out = Vec::new();
    let here = unit.serial_number.to_lowercase();
    let mut stack = vec![(top.serial_number.clone(), 0usize)];
    while let Some((serial, depth)) = stack.pop() {
        let Some(u) = known.get(&serial.to_lowercase()) else { continue };
        out.push(TreeUnit {
            serial: u.serial_number.clone(),
            part: Some(format!("{}/{}", u.part.number, u.part.revision.number))
                .filter(|p| p != "/"),
            depth,
            here: serial.to_lowercase() == here,
        });
        let mut kids: Vec<String> = u.children.iter().map(|k| k.serial_number.clone()).collect();
        kids.sort();
        for k in kids.into_iter().rev() {
            if known.contains_key(&k.to_lowercase()) {
                stack.push((k, depth + 1));
            } else {
                cut = true;
            }
        }
    }
    Ok((out, cut))
}
