//! What an insight pane is given of a population read through the cache (issue 26): the
//! window's newest runs in batches that double, and the population held for a reopening in
//! this session (or read back from the file, on every core).

use std::sync::Arc;

use super::analysis::RunsLoaded;
use super::client::blocking;
use super::kept_rows::population_key;
use super::population::Row;
use super::{ListRequest, POPULATION_CAP, Task, WorkerEvent};
use crate::cache::{Cache, Covered};
use crate::query::RunQuery;

/// Runs in the first batch sent to the pane (each next one is twice the last).
const SEND_BATCH: usize = 5_000;

/// An insight load through the cache: what the failures' load needs.
pub(super) struct Through {
    pub(super) loaded: RunsLoaded,
    /// The population's runs, and which of them were sent (newest first).
    pub(super) all: Arc<Vec<Row>>,
    pub(super) shown: Vec<u32>,
    /// The server could not be reached: the cache's rows were sent.
    pub(super) offline: bool,
    /// The population's name in the cache.
    pub(super) key: String,
}

impl Through {
    /// The runs sent, newest first.
    pub(super) fn rows(&self) -> Vec<&Row> {
        self.shown.iter().map(|&i| &self.all[i as usize]).collect()
    }
}

/// The population last synced in this session, as the cache holds it: reopened, it is not
/// read back from the file (half a second for 50,000 runs).
pub(super) struct HeldPopulation {
    pub(super) key: String,
    pub(super) covered: Covered,
    pub(super) rows: Arc<Vec<Row>>,
    /// Runs whose failing rows were read since (and kept in the file).
    pub(super) failures_known: std::collections::HashSet<String>,
}

impl HeldPopulation {
    /// The held runs, as the file now has them.
    pub(super) fn into_rows(self) -> Vec<Row> {
        // (Shared with a load still using it: copied without the runs' JSON, which the cache
        // has, and without copying the runs.)
        let mut rows =
            Arc::try_unwrap(self.rows).unwrap_or_else(|a| a.iter().map(Row::light).collect());
        if !self.failures_known.is_empty() {
            for r in &mut rows {
                r.kept.failures_known |= self.failures_known.contains(&r.kept.id);
            }
        }
        rows
    }
}

/// A population's kept runs: held from this session, or being read from the file (on every
/// core) while the server is asked what changed.
pub(super) enum KeptRows {
    Held(Vec<Row>),
    Reading(tokio::task::JoinHandle<Vec<Row>>),
}

impl KeptRows {
    pub(super) async fn rows(self) -> Vec<Row> {
        match self {
            KeptRows::Held(rows) => rows,
            KeptRows::Reading(h) => h.await.unwrap_or_default(),
        }
    }
}

/// The first view's population, read from the file before an insight pane asks for it: at
/// start, while the view's rows come from the server, so that a yield or Pareto opened then
/// does not wait the half second 50,000 kept runs take to read.
pub(super) struct ReadAhead {
    key: String,
    /// Taken by the first insight load, whichever population it opens (once, at start), or
    /// dropped when a change is saved (it may have read the run before).
    pub(super) rows: Option<tokio::task::JoinHandle<Vec<Row>>>,
}

/// Every kept run of the population `key`, with its span (`None`: not kept).
fn read_all(cache: &Cache, key: &str) -> Option<(Covered, Vec<Row>)> {
    cache.population_as(key, i64::MIN, i64::MAX, Row::from_kept)
}

fn read_rows(cache: &Cache, key: &str) -> Vec<Row> {
    read_all(cache, key).map(|(_, rows)| rows).unwrap_or_default()
}

impl Task {
    /// A view's first page is asked for: the first time (at start), when nothing is held,
    /// that view's population is read from the file meanwhile (nothing where it is not kept;
    /// the file is read on the blocking pool only).
    pub(super) fn read_ahead(&self, query: &RunQuery) {
        let (Some(cache), Some(key)) = (self.shared.cache.clone(), population_key(query)) else {
            return;
        };
        if self.shared.session().is_some() {
            return;
        }
        let mut ahead = self.shared.read_ahead();
        if ahead.is_some() {
            return;
        }
        let k = key.clone();
        let rows = Some(tokio::task::spawn_blocking(move || read_rows(&cache, &k)));
        *ahead = Some(ReadAhead { key, rows });
    }

    /// The kept population `key` and its span: held from this session, read ahead, or being
    /// read now (while the server is asked what changed). `None`: nothing is kept.
    pub(super) async fn kept_rows(&self, key: &str) -> Option<(Covered, KeptRows)> {
        if let Some(s) = self.shared.session().take_if(|s| s.key == key) {
            return Some((s.covered, KeptRows::Held(s.into_rows())));
        }
        let cache = self.shared.cache.clone()?;
        // (Another population's is dropped: the first view's was not the one opened.)
        let ahead =
            self.shared.read_ahead().as_mut().and_then(|a| a.rows.take().filter(|_| a.key == key));
        let (c, k) = (cache.clone(), key.to_string());
        let covered = blocking(move || Ok(c.covered(&k))).await.ok().flatten()?;
        let rows = match ahead {
            Some(rows) => rows,
            None => {
                let k = key.to_string();
                tokio::task::spawn_blocking(move || read_rows(&cache, &k))
            }
        };
        Some((covered, KeptRows::Reading(rows)))
    }
}

impl Task {
    /// Holds the population for a reopening in this session; returns it with the indices of
    /// the runs sent.
    pub(super) fn keep_session(
        &self,
        req: &ListRequest,
        window: (i64, i64),
        (key, saves): (&str, u64),
        covered: Covered,
        all: Arc<Vec<Row>>,
    ) -> (Arc<Vec<Row>>, Vec<u32>) {
        let shown: Vec<u32> = (0..all.len() as u32)
            .filter(|&i| shows(req, window, covered, &all[i as usize]))
            .take(POPULATION_CAP)
            .collect();
        let rows = all.clone();
        // (A change saved meanwhile may be missing from these runs: not held.)
        let mut session = self.shared.session();
        if self.shared.saves.load(std::sync::atomic::Ordering::SeqCst) == saves {
            let failures_known = Default::default();
            *session = Some(HeldPopulation { key: key.to_string(), covered, rows, failures_known });
        }
        (all, shown)
    }

    /// Sends the window's newest runs to the pane (`finish`: the last batch says it is the
    /// last); returns what the failures' load needs, and whether more runs exist than sent.
    pub(super) fn send_window(
        &self,
        req: &ListRequest,
        window: (i64, i64),
        covered: Covered,
        rows: &[Row],
        failures: bool,
        finish: bool,
    ) -> (RunsLoaded, bool) {
        let (shown, capped) = window_of(req, window, covered, rows);
        let loaded = self.send_rows(&shown, failures, finish.then_some(capped));
        (loaded, capped)
    }

    /// Sends the rest of the window after the kept runs created before `since_ms` were sent
    /// (`n` of them, with `loaded`); where some of those are not in the window any more (the
    /// runs created since pushed them past the cap), the pane is given it again, whole.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn send_rest(
        &self,
        req: &ListRequest,
        window: (i64, i64),
        covered: Covered,
        rows: &[Row],
        (n, since_ms): (usize, i64),
        mut loaded: RunsLoaded,
        failures: bool,
    ) -> (RunsLoaded, bool) {
        let (shown, capped) = window_of(req, window, covered, rows);
        let mut seen = 0;
        let mut rest = Vec::new();
        for r in shown {
            if seen < n && created_before(r, since_ms) {
                seen += 1;
            } else {
                rest.push(r);
            }
        }
        if seen < n {
            self.send(WorkerEvent::PopulationReset);
            return self.send_window(req, window, covered, rows, failures, false);
        }
        let more = self.send_rows(&rest, failures, None);
        loaded.add(more);
        (loaded, capped)
    }

    /// Tells the pane it has every run of the window, and whether more exist.
    pub(super) fn send_done(&self, capped: bool) {
        let (rows, unreadable, done) = (Ok(vec![]), 0, true);
        self.send(WorkerEvent::PopulationRuns { rows, unreadable, done, capped });
    }

    /// Sends `rows` to the pane in batches that double (the pane counts all it has at each:
    /// numbers at once, and a handful of counts over the whole); `finish`: the last batch
    /// says it is the last, and whether more runs exist. Returns what the failures' load
    /// needs (when `failures`).
    pub(super) fn send_rows(
        &self,
        rows: &[&Row],
        failures: bool,
        finish: Option<bool>,
    ) -> RunsLoaded {
        let mut loaded = RunsLoaded::default();
        let capped = finish.unwrap_or(false);
        let mut batches =
            std::iter::successors(Some((0, SEND_BATCH)), |&(at, n)| Some((at + n, n * 2)))
                .take_while(|&(at, _)| at < rows.len())
                .map(|(at, n)| &rows[at..(at + n).min(rows.len())])
                .peekable();
        if batches.peek().is_none() && finish.is_some() {
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
            let done = finish.is_some() && batches.peek().is_none();
            self.send(WorkerEvent::PopulationRuns { rows: Ok(batch), unreadable: 0, done, capped });
        }
        loaded
    }
}

impl RunsLoaded {
    /// Adds what another batch of runs taught (its runs after these).
    pub(super) fn add(&mut self, other: RunsLoaded) {
        for p in other.procedures {
            if !self.procedures.contains(&p) {
                self.procedures.push(p);
            }
        }
        self.span = match (self.span, other.span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (x, y) => x.or(y),
        };
        self.last_end = self.last_end.max(other.last_end);
        self.failing.extend(other.failing);
        self.serials.extend(other.serials);
        self.ids.extend(other.ids);
    }
}

/// The window's newest runs of `rows` (as many as the pane takes), and whether more exist:
/// more than the cap, or a cut above the window's start.
fn window_of<'r>(
    req: &ListRequest,
    window: (i64, i64),
    covered: Covered,
    rows: &'r [Row],
) -> (Vec<&'r Row>, bool) {
    let mut shown: Vec<&Row> = rows.iter().filter(|r| shows(req, window, covered, r)).collect();
    let capped = shown.len() > POPULATION_CAP || covered.from_ms > window.0;
    shown.truncate(POPULATION_CAP);
    (shown, capped)
}

/// Whether run `r` was created before `since_ms` (by the server's clock): a list of the runs
/// created since cannot bring it again.
pub(super) fn created_before(r: &Row, since_ms: i64) -> bool {
    r.summary.created_at.is_some_and(|t| t.timestamp_millis() < since_ms)
}

/// Whether run `r` is in the window (and the part of it kept) and the query's serials.
pub(super) fn shows(req: &ListRequest, (lo, hi): (i64, i64), covered: Covered, r: &Row) -> bool {
    (lo.max(covered.from_ms)..=hi).contains(&r.kept.started_ms)
        && req.query.keeps_serial(&r.summary.unit.serial_number)
}

/// What the cache holds of population `key`: its span and its runs, newest first.
pub(super) async fn read_kept(
    cache: &std::sync::Arc<crate::cache::Cache>,
    key: &str,
) -> Option<(Covered, Vec<Row>)> {
    let (c, k) = (cache.clone(), key.to_string());
    blocking(move || Ok(read_all(&c, &k))).await.ok().flatten()
}
