//! A kept population's runs (issue 26's incremental insight): how the rows the cache holds
//! and the rows read again are put together, and how runs deleted on the server are found
//! among them.

use std::collections::HashSet;

use super::Task;
use super::client::ClientError;
use super::population::{Ask, Params, Row};
use crate::cache::PopulationChange;
use crate::query::{Bounds, RunQuery};

/// Slices of the covered span checked one by one when the whole does not match.
const CHECK_SLICES: usize = 8;
/// A slice with at most this many runs that does not match is read again whole.
const READ_AGAIN: usize = 25;

/// The latest creation time of `rows` (by the server's clock), or `before`.
pub(super) fn newest_created(rows: &[Row], before: i64) -> i64 {
    rows.iter()
        .filter_map(|r| r.summary.created_at.map(|t| t.timestamp_millis()))
        .fold(before, i64::max)
}

impl Task {
    /// Where the server holds another number of runs in `range` than `rows` do, finds the
    /// slices that differ (eight at a time, down to a few pages) and reads them again.
    pub(super) async fn find_deleted(
        &self,
        how: Ask,
        params: &Params,
        range: (i64, i64),
        rows: &mut Vec<Row>,
        change: &mut PopulationChange,
    ) -> Result<(), ClientError> {
        let mut todo = vec![range];
        while let Some(range) = todo.pop() {
            let n = count_in(rows, range);
            if self.holds_exactly(how, params, range, n).await? {
                continue;
            }
            let parts = slices(rows, range);
            if n > READ_AGAIN && parts.len() > 1 {
                todo.extend(parts);
                continue;
            }
            let mut fresh = Vec::new();
            self.fetch_range(how, params, range, usize::MAX, |r, _| fresh.extend(r)).await?;
            let ids: HashSet<&str> = fresh.iter().map(|r| r.kept.id.as_str()).collect();
            let gone: HashSet<String> = rows
                .iter()
                .filter(|r| in_range(r, range) && !ids.contains(r.kept.id.as_str()))
                .map(|r| r.kept.id.clone())
                .collect();
            rows.retain(|r| !gone.contains(&r.kept.id));
            change.removes.extend(gone);
            merge(rows, fresh, change);
        }
        Ok(())
    }
}

pub(super) fn in_range(r: &Row, (lo, hi): (i64, i64)) -> bool {
    (lo..=hi).contains(&r.kept.started_ms)
}

pub(super) fn count_in(rows: &[Row], range: (i64, i64)) -> usize {
    rows.iter().filter(|r| in_range(r, range)).count()
}

pub(super) fn order(rows: &mut [Row]) {
    rows.sort_by(|a, b| (b.kept.started_ms, &b.kept.id).cmp(&(a.kept.started_ms, &a.kept.id)));
}

/// Adds `new` to `rows` (replacing a run read again), newest first, and to the change.
pub(super) fn merge(rows: &mut Vec<Row>, new: Vec<Row>, change: &mut PopulationChange) {
    if new.is_empty() {
        return;
    }
    let ids: HashSet<String> = new.iter().map(|r| r.kept.id.clone()).collect();
    // A run read again keeps what is known of its failing rows (they do not change).
    let known: HashSet<String> = rows
        .iter()
        .filter(|r| r.kept.failures_known && ids.contains(&r.kept.id))
        .map(|r| r.kept.id.clone())
        .collect();
    let mut new = new;
    for r in &mut new {
        r.kept.failures_known |= known.contains(&r.kept.id);
    }
    rows.retain(|r| !ids.contains(&r.kept.id));
    change.upserts.extend(kept_of(&new));
    rows.extend(new);
    order(rows);
}

pub(super) fn kept_of(rows: &[Row]) -> Vec<crate::cache::KeptSummary> {
    rows.iter().map(|r| r.kept.clone()).collect()
}

/// The covered span cut in [`CHECK_SLICES`] ranges of about as many kept runs each, the cuts
/// between two instants; the first and last reach the span's ends.
pub(super) fn slices(rows: &[Row], (lo, hi): (i64, i64)) -> Vec<(i64, i64)> {
    let times: Vec<i64> =
        rows.iter().map(|r| r.kept.started_ms).filter(|t| (lo..=hi).contains(t)).collect();
    let step = times.len().div_ceil(CHECK_SLICES).max(1);
    // `times` is newest first: each cut is just above an instant.
    let mut cuts: Vec<i64> = Vec::new();
    for i in (step..times.len()).step_by(step) {
        let t = times[i];
        if times[i - 1] > t && cuts.last().is_none_or(|c| *c > t + 1) {
            cuts.push(t + 1);
        }
    }
    let mut out = Vec::new();
    let mut top = hi;
    for c in cuts {
        out.push((c, top));
        top = c - 1;
    }
    out.push((lo, top));
    out
}

/// The cache's name of a query's population: the query without its window. `None` for a
/// query naming runs by id (undo's reads), which is not kept.
pub(super) fn population_key(q: &RunQuery) -> Option<String> {
    if !q.ids.is_empty() {
        return None;
    }
    let mut q = q.clone();
    q.started = Bounds::default();
    Some(format!("population?{}", q.to_line()))
}
