//! Incremental insight (issue 26): an insight pane's runs from what the cache holds of its
//! population (the filter without its window), with only what the cache lacks read from the
//! server:
//! - the runs created since the last sync, anywhere in the span (runs are uploaded after they
//!   end, so a new run can start before the newest kept one);
//! - the part of the window the cache does not cover (a widened window);
//! - a check that the covered span holds as many runs on the server as in the cache (one row
//!   at the offset of the last); where it does not (runs deleted), eight slices are checked
//!   the same way and only the slices that differ are read again.
//!
//! With the cache and the server's answer, the pane gets exactly what a full reload gives:
//! the newest [`POPULATION_CAP`] runs of the window, newest first. When the server cannot be
//! reached, the pane gets what the cache holds, marked with its age.

use std::collections::HashSet;

use super::analysis::Loaded;
use super::client::{ClientError, blocking};
use super::population::{Ask, Params, Row, take_window};
use super::{ListRequest, POPULATION_CAP, Task, WorkerEvent};
use crate::cache::{Covered, PopulationChange};
use crate::query::{Bounds, Resolved, RunQuery, to_params};

/// Runs created this long before the latest creation seen are asked for again (a run being
/// written while the last sync read may be listed a little after it).
const CREATED_MARGIN_MS: i64 = 5_000;
/// Where no creation time is known (a server without `created_at`), runs created this long
/// before the last sync, by this clock, are asked for again (the clocks may differ).
const SYNCED_MARGIN_MS: i64 = 10 * 60_000;
/// Slices of the covered span checked one by one when the whole does not match.
const CHECK_SLICES: usize = 8;
/// A slice with at most this many runs that does not match is read again whole.
const READ_AGAIN: usize = 25;
/// Runs per batch sent to the pane.
const SEND_BATCH: usize = 5_000;

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

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// An insight load through the cache: what the failures' load needs.
pub(super) struct Through {
    pub(super) loaded: Loaded,
    /// The runs sent, newest first.
    rows: Vec<Row>,
    /// The server could not be reached: the cache's rows were sent.
    pub(super) offline: bool,
    /// The population's name in the cache.
    pub(super) key: String,
}

impl Through {
    pub(super) fn rows(&self) -> &[Row] {
        &self.rows
    }
}

/// What a sync found: the population's runs (every kept one, newest first), its new span,
/// and what changed.
struct Synced {
    rows: Vec<Row>,
    covered: Covered,
    change: PopulationChange,
}

impl Task {
    /// The runs of `req` through the cache; `None` when the cache does not serve this request
    /// (no cache, a query by ids, a live poll): the caller loads as before.
    pub(super) async fn analysis_through_cache(
        &self,
        req: &ListRequest,
        failures: bool,
    ) -> Option<Option<Through>> {
        let cache = self.shared.cache.clone()?;
        let key = population_key(&req.query).filter(|_| req.created_after_ms.is_none())?;
        let mut offline = to_params(&req.query, &Resolved::default(), req.now_ms, req.tz);
        let window = take_window(&mut offline);
        let t0 = std::time::Instant::now();
        let kept = read_kept(&cache, &key).await;
        tracing::debug!(ms = t0.elapsed().as_millis() as u64, "insight: the cache read");
        let had = kept.is_some();
        let how = if had { Ask::Once } else { Ask::UntilAnswered };
        let synced = match self.sync(how, req, window, kept).await {
            Ok(s) => s,
            Err(e) if e.is_offline() && had => {
                // Offline: what the cache holds, read again (rarer than a copy kept each time).
                let Some((covered, rows)) = read_kept(&cache, &key).await else {
                    let (unreadable, done, capped) = (0, true, false);
                    self.send(WorkerEvent::PopulationRuns {
                        rows: Err(e),
                        unreadable,
                        done,
                        capped,
                    });
                    return Some(None);
                };
                self.send(WorkerEvent::PopulationCached { synced_ms: covered.synced_ms });
                let (loaded, rows) = self.send_window(req, window, covered, rows, failures);
                return Some(Some(Through { loaded, rows, offline: true, key }));
            }
            Err(e) => {
                let (unreadable, done, capped) = (0, true, false);
                self.send(WorkerEvent::PopulationRuns { rows: Err(e), unreadable, done, capped });
                return Some(None);
            }
        };
        let Synced { rows, covered, change } = synced;
        tracing::debug!(
            ms = t0.elapsed().as_millis() as u64,
            new = change.upserts.len(),
            gone = change.removes.len(),
            "insight: synced with the server"
        );
        let (loaded, rows) = self.send_window(req, window, covered, rows, failures);
        let k = key.clone();
        tokio::task::spawn_blocking(move || cache.change_population(&k, &change));
        Some(Some(Through { loaded, rows, offline: false, key }))
    }

    /// Sends the window's newest runs to the pane; returns what the failures' load needs.
    fn send_window(
        &self,
        req: &ListRequest,
        (lo, hi): (i64, i64),
        covered: Covered,
        rows: Vec<Row>,
        failures: bool,
    ) -> (Loaded, Vec<Row>) {
        let lo_kept = lo.max(covered.from_ms);
        let mut rows: Vec<Row> = rows
            .into_iter()
            .filter(|r| (lo_kept..=hi).contains(&r.kept.started_ms))
            .filter(|r| req.query.keeps_serial(&r.summary.unit.serial_number))
            .collect();
        // More than the cap, or a cut above the window's start: more exist than are sent.
        let capped = rows.len() > POPULATION_CAP || covered.from_ms > lo;
        rows.truncate(POPULATION_CAP);
        let mut loaded = Loaded::default();
        let mut batches = rows.chunks(SEND_BATCH).peekable();
        if batches.peek().is_none() {
            self.send(WorkerEvent::PopulationRuns {
                rows: Ok(vec![]),
                unreadable: 0,
                done: true,
                capped,
            });
        }
        while let Some(batch) = batches.next() {
            let batch: Vec<_> = batch.iter().map(|r| r.summary.clone()).collect();
            if failures {
                loaded.learn(&batch);
            }
            let done = batches.peek().is_none();
            self.send(WorkerEvent::PopulationRuns { rows: Ok(batch), unreadable: 0, done, capped });
        }
        (loaded, rows)
    }

    /// Brings the kept population up to date over the window (and what it already covers).
    async fn sync(
        &self,
        how: Ask,
        req: &ListRequest,
        (wa, wb): (i64, i64),
        kept: Option<(Covered, Vec<Row>)>,
    ) -> Result<Synced, ClientError> {
        let names = req.query.names();
        let mut params: Params = self
            .ask(how, |c, report| {
                let (names, shared) = (names.clone(), self.shared.clone());
                async move { super::resolve::resolve(&c, &shared.names, &names, &report).await }
            })
            .await
            .map(|resolved| to_params(&req.query, &resolved, req.now_ms, req.tz))?;
        take_window(&mut params);
        let synced_ms = now_ms();
        let Some((old, mut rows)) = kept else {
            // Nothing kept: the window, newest first, up to the cap.
            let mut rows = Vec::new();
            let more = self
                .fetch_range(how, &params, (wa, wb), POPULATION_CAP, |r, _| rows.extend(r))
                .await?;
            let from_ms = if more { cut(&mut rows) } else { wa };
            let created_ms = newest_created(&rows, i64::MIN);
            let covered = Covered { from_ms, to_ms: wb, synced_ms, created_ms };
            let change = PopulationChange {
                upserts: kept_of(&rows),
                removes: vec![],
                covered: Some(covered),
            };
            return Ok(Synced { rows, covered, change });
        };
        let mut change = PopulationChange::default();
        let span = (old.from_ms, old.to_ms.max(wb));
        // Created since the last sync, anywhere in the span.
        let mut created = Vec::new();
        let mut p = params.clone();
        let since = match old.created_ms {
            i64::MIN => old.synced_ms - SYNCED_MARGIN_MS,
            t => t - CREATED_MARGIN_MS,
        };
        let since = crate::api::time::query_timestamp(&crate::api::time::from_ms(since));
        p.push(("created_after", since));
        self.fetch_range(how, &p, span, usize::MAX, |r, _| created.extend(r)).await?;
        merge(&mut rows, created, &mut change);
        // Runs deleted from the covered span.
        self.find_deleted(how, &params, (old.from_ms, old.to_ms), &mut rows, &mut change).await?;
        // The window's parts not covered: later runs, then earlier ones up to the cap.
        let (from_ms, to_ms) = (old.from_ms, old.to_ms.max(wb));
        let mut covered = Covered { from_ms, to_ms, synced_ms, created_ms: old.created_ms };
        if wb > old.to_ms {
            let mut later = Vec::new();
            self.fetch_range(how, &params, (old.to_ms + 1, wb), usize::MAX, |r, _| later.extend(r))
                .await?;
            merge(&mut rows, later, &mut change);
        }
        let room = POPULATION_CAP.saturating_sub(count_in(&rows, (wa, wb)));
        // (No room: the cache already holds the cap's newest runs; the cut stays.)
        if wa < old.from_ms && room > 0 {
            let mut earlier = Vec::new();
            let below = (wa, old.from_ms - 1);
            let more =
                self.fetch_range(how, &params, below, room, |r, _| earlier.extend(r)).await?;
            covered.from_ms = if more { cut(&mut earlier).max(wa) } else { wa };
            merge(&mut rows, earlier, &mut change);
        }
        // Kept to half again the cap: the oldest go (with any run at the first one's
        // instant), and the span starts after them.
        if rows.len() > POPULATION_CAP * 3 / 2 {
            let first_out = rows[POPULATION_CAP].kept.started_ms;
            let (keep, out): (Vec<Row>, Vec<Row>) =
                rows.into_iter().partition(|r| r.kept.started_ms > first_out);
            change.removes.extend(out.into_iter().map(|r| r.kept.id));
            covered.from_ms = covered.from_ms.max(first_out.saturating_add(1));
            rows = keep;
        }
        covered.created_ms = newest_created(&rows, old.created_ms);
        change.covered = Some(covered);
        Ok(Synced { rows, covered, change })
    }
}

/// The latest creation time of `rows` (by the server's clock), or `before`.
fn newest_created(rows: &[Row], before: i64) -> i64 {
    rows.iter()
        .filter_map(|r| r.summary.created_at.map(|t| t.timestamp_millis()))
        .fold(before, i64::max)
}

impl Task {
    /// Where the server holds another number of runs in `range` than `rows` do, finds the
    /// slices that differ (eight at a time, down to a few pages) and reads them again.
    async fn find_deleted(
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

/// What the cache holds of population `key`: its span and its runs, newest first.
async fn read_kept(
    cache: &std::sync::Arc<crate::cache::Cache>,
    key: &str,
) -> Option<(Covered, Vec<Row>)> {
    let (c, k) = (cache.clone(), key.to_string());
    blocking(move || {
        Ok(c.population(&k, i64::MIN, i64::MAX).map(|(cv, rows)| {
            (cv, rows.into_iter().filter_map(Row::from_kept).collect::<Vec<_>>())
        }))
    })
    .await
    .ok()
    .flatten()
}

fn in_range(r: &Row, (lo, hi): (i64, i64)) -> bool {
    (lo..=hi).contains(&r.kept.started_ms)
}

fn count_in(rows: &[Row], range: (i64, i64)) -> usize {
    rows.iter().filter(|r| in_range(r, range)).count()
}

fn order(rows: &mut [Row]) {
    rows.sort_by(|a, b| (b.kept.started_ms, &b.kept.id).cmp(&(a.kept.started_ms, &a.kept.id)));
}

/// Adds `new` to `rows` (replacing a run read again), newest first, and to the change.
fn merge(rows: &mut Vec<Row>, new: Vec<Row>, change: &mut PopulationChange) {
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

fn kept_of(rows: &[Row]) -> Vec<crate::cache::KeptSummary> {
    rows.iter().map(|r| r.kept.clone()).collect()
}

/// After a read stopped at the cap: drops the kept runs that share the oldest one's start
/// with runs not read (so the cut falls between two instants) and returns where the covered
/// span now starts.
fn cut(rows: &mut Vec<Row>) -> i64 {
    let Some(oldest) = rows.last().map(|r| r.kept.started_ms) else { return i64::MAX };
    rows.retain(|r| r.kept.started_ms > oldest);
    oldest.saturating_add(1)
}

/// The covered span cut in [`CHECK_SLICES`] ranges of about as many kept runs each, the cuts
/// between two instants; the first and last reach the span's ends.
fn slices(rows: &[Row], (lo, hi): (i64, i64)) -> Vec<(i64, i64)> {
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
