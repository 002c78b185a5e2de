//! Incremental insight (issue 26): an insight pane's runs from what the cache holds of its
//! population (the filter without its window), with only what the cache lacks read from the
//! server:
//! - the runs created since the last sync, anywhere in the span (runs are uploaded after they
//!   end, so a new run can start before the newest kept one);
//! - the part of the window the cache does not cover (a widened window);
//! - at the same time, a check that the covered span holds as many runs created before then on
//!   the server as in the cache (one row at the offset of the last); where it does not (runs
//!   deleted), eight slices are checked the same way and only those that differ read again.
//!
//! With the cache and the server's answer, the pane gets exactly what a full reload gives:
//! the newest [`POPULATION_CAP`] runs of the window, newest first. When the server cannot be
//! reached, the pane gets what the cache holds, marked with its age.

use std::collections::HashSet;

use super::analysis::RunsLoaded;
use super::client::ClientError;
use super::kept_rows::{count_in, in_range, kept_of, merge, newest_created, population_key};
use super::population::{Ask, Params, Row, take_window};
use super::window::{KeptRows, Through, created_before, read_kept, shows};
use super::{ListRequest, POPULATION_CAP, Task, WorkerEvent};
use crate::api::time::{from_ms as at_ms, query_timestamp};
use crate::cache::{Covered, PopulationChange};
use crate::query::{Resolved, to_params};

/// Runs created this long before the latest creation seen are asked for again (a run being
/// written while the last sync read may be listed a little after it).
const CREATED_MARGIN_MS: i64 = 5_000;
/// Where no creation time is known (a server without `created_at`), runs created this long
/// before the last sync, by this clock, are asked for again (the clocks may differ).
const SYNCED_MARGIN_MS: i64 = 10 * 60_000;
/// Kept runs sent before the server's answer leave room for this many created since: where
/// the window is full, more would push some of those sent out of it (and all is sent again).
const NEW_RUNS_ROOM: usize = 2_000;

/// What a sync found: the population's runs (every kept one, newest first), its new span,
/// and what changed.
struct Synced {
    rows: Vec<Row>,
    covered: Covered,
    /// What the cache takes; with `upsert_all`, every one of `rows` besides (listed by the
    /// cache's own thread, after the pane was told it has them all).
    change: PopulationChange,
    upsert_all: bool,
}

/// What a sync gives the pane before it is over.
enum Ahead<'r> {
    /// Nothing was kept: a page as it comes.
    Page(&'r [Row]),
    /// The window within what is kept, before the check for deleted runs: the rows, their
    /// span, and the size of the change so far.
    Window(&'r [Row], Covered, (usize, usize)),
    /// The kept runs created before this instant (ms), while the server is asked for those
    /// created since: sent first, the rest of the window follows with `Window`.
    Kept(&'r [Row], Covered, i64),
}

type SendEarly<'a> = dyn FnMut(Ahead) + Send + 'a;

type Reading = Option<KeptRows>;

/// The window sent before the check for deleted runs (the usual reopening: nothing was
/// deleted, and the pane counts while the check is on its way).
struct Early {
    loaded: RunsLoaded,
    capped: bool,
    /// The change's size when it was sent: a sync that changed more sends again.
    changed: (usize, usize),
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
        let saves = self.shared.saves.load(std::sync::atomic::Ordering::SeqCst);
        let (old, mut reading): (Option<Covered>, Reading) = self.kept_rows(&key).await.unzip();
        let had = old.is_some();
        let how = if had { Ask::Once } else { Ask::UntilAnswered };
        let mut early: Option<Early> = None;
        // Pages sent as they came (nothing kept): what the failures' load needs, and how many.
        let mut paged: Option<(RunsLoaded, usize)> = None;
        // Kept runs sent before the server's answer: how many, created before when, and what
        // the failures' load needs of them.
        let mut first: Option<(usize, i64, RunsLoaded)> = None;
        let mut send_early = |ahead: Ahead| match ahead {
            Ahead::Kept(rows, covered, since_ms) => {
                let before = |r: &&Row| created_before(r, since_ms);
                let sent: Vec<&Row> = rows
                    .iter()
                    .filter(|r| shows(req, window, covered, r))
                    .filter(before)
                    .take(POPULATION_CAP - NEW_RUNS_ROOM)
                    .collect();
                let loaded = self.send_rows(&sent, failures, None);
                tracing::debug!(
                    ms = t0.elapsed().as_millis() as u64,
                    runs = sent.len(),
                    "insight: kept runs sent"
                );
                first = Some((sent.len(), since_ms, loaded));
            }
            Ahead::Window(rows, covered, changed) => {
                let (loaded, capped) = match first.take() {
                    Some((n, since_ms, loaded)) => {
                        self.send_rest(req, window, covered, rows, (n, since_ms), loaded, failures)
                    }
                    None => self.send_window(req, window, covered, rows, failures, false),
                };
                early = Some(Early { loaded, capped, changed });
            }
            Ahead::Page(rows) => {
                let (loaded, sent) = paged.get_or_insert_with(Default::default);
                let room = POPULATION_CAP.saturating_sub(*sent);
                let batch: Vec<_> = rows
                    .iter()
                    .filter(|r| req.query.keeps_serial(&r.summary.unit.serial_number))
                    .take(room)
                    .map(|r| r.summary.clone())
                    .collect();
                if failures {
                    loaded.learn(&batch);
                }
                *sent += batch.len();
                let (unreadable, done, capped) = (0, false, false);
                self.send(WorkerEvent::PopulationRuns {
                    rows: Ok(batch),
                    unreadable,
                    done,
                    capped,
                });
            }
        };
        let synced = self.sync(how, req, window, old, &mut reading, &mut send_early).await;
        let sent_early = early.is_some() || paged.is_some() || first.is_some();
        let synced = match synced {
            Ok(s) => s,
            Err(e) if e.is_offline() && had => {
                // Offline: what the cache holds (read again when the sync had it).
                if sent_early {
                    self.send(WorkerEvent::PopulationReset);
                }
                let kept = match reading.take() {
                    Some(r) => old.zip(Some(r.rows().await)),
                    None => read_kept(&cache, &key).await,
                };
                let Some((covered, rows)) = kept else {
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
                let (loaded, _) = self.send_window(req, window, covered, &rows, failures, true);
                let rows = std::sync::Arc::new(rows);
                let (all, shown) = self.keep_session(req, window, (&key, saves), covered, rows);
                return Some(Some(Through { loaded, all, shown, offline: true, key }));
            }
            Err(e) => {
                let (unreadable, done, capped) = (0, true, false);
                self.send(WorkerEvent::PopulationRuns { rows: Err(e), unreadable, done, capped });
                return Some(None);
            }
        };
        let Synced { rows, covered, change, upsert_all } = synced;
        tracing::debug!(
            ms = t0.elapsed().as_millis() as u64,
            new = change.upserts.len(),
            gone = change.removes.len(),
            early = sent_early,
            "insight: synced with the server"
        );
        let changed = (change.upserts.len(), change.removes.len());
        let loaded = match early {
            // Sent page by page: the pane is told it is all, and whether more exist.
            _ if paged.is_some() => {
                let (loaded, sent) = paged.unwrap_or_default();
                let capped = sent > POPULATION_CAP || covered.from_ms > window.0;
                self.send_done(capped);
                loaded
            }
            // What was sent stands: the pane is told it is all.
            Some(e) if e.changed == changed => {
                let capped = e.capped;
                self.send_done(capped);
                e.loaded
            }
            Some(_) => {
                self.send(WorkerEvent::PopulationReset);
                self.send_window(req, window, covered, &rows, failures, true).0
            }
            // The kept runs sent first, and nothing deleted: the rest of the window follows.
            None => match first.take() {
                Some((n, since_ms, loaded)) if change.removes.is_empty() => {
                    let sent = (n, since_ms);
                    let (loaded, capped) =
                        self.send_rest(req, window, covered, &rows, sent, loaded, failures);
                    self.send_done(capped);
                    loaded
                }
                Some(_) => {
                    self.send(WorkerEvent::PopulationReset);
                    self.send_window(req, window, covered, &rows, failures, true).0
                }
                None => self.send_window(req, window, covered, &rows, failures, true).0,
            },
        };
        // Given to the cache first: a flush from now on waits for it.
        let rows = std::sync::Arc::new(rows);
        let (k, every) = (key.clone(), upsert_all.then(|| rows.clone()));
        cache.write_behind(move |c| {
            let mut change = change;
            if let Some(rows) = every {
                change.upserts = kept_of(&rows);
            }
            c.change_population(&k, &change)
        });
        let (all, shown) = self.keep_session(req, window, (&key, saves), covered, rows);
        Some(Some(Through { loaded, all, shown, offline: false, key }))
    }

    /// Brings the kept population up to date over the window (and what it already covers).
    async fn sync(
        &self,
        how: Ask,
        req: &ListRequest,
        (wa, wb): (i64, i64),
        old: Option<Covered>,
        reading: &mut Reading,
        early: &mut SendEarly<'_>,
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
        let synced_ms = chrono::Utc::now().timestamp_millis();
        let Some(old) = old else {
            // Nothing kept: the window, newest first, up to the cap.
            let mut rows = Vec::new();
            let more = self
                .fetch_range(how, &params, (wa, wb), POPULATION_CAP, |r, _| {
                    early(Ahead::Page(&r));
                    rows.extend(r)
                })
                .await?;
            let from_ms = match more {
                Some(from) => {
                    rows.retain(|r| r.kept.started_ms >= from);
                    from
                }
                None => wa,
            };
            let created_ms = newest_created(&rows, i64::MIN);
            let covered = Covered { from_ms, to_ms: wb, synced_ms, created_ms };
            let change = PopulationChange { covered: Some(covered), ..Default::default() };
            return Ok(Synced { rows, covered, change, upsert_all: true });
        };
        let mut change = PopulationChange::default();
        let span = (old.from_ms, old.to_ms.max(wb));
        // Created since the last sync, anywhere in the span.
        let mut created = Vec::new();
        let mut p = params.clone();
        let since_ms = match old.created_ms {
            i64::MIN => old.synced_ms - SYNCED_MARGIN_MS,
            t => t - CREATED_MARGIN_MS,
        };
        p.push(("created_after", query_timestamp(&at_ms(since_ms))));
        let (from_ms, to_ms) = (old.from_ms, old.to_ms.max(wb));
        let mut covered = Covered { from_ms, to_ms, synced_ms, created_ms: old.created_ms };
        // While the server is asked, the kept runs it cannot answer again (created before)
        // go to the pane, when the window ends within what is kept (any runs read below it
        // are older than all of them).
        let within = wb <= old.to_ms;
        // A kept run created before `since` (or with no creation time): not in the list.
        let older = |r: &Row| r.summary.created_at.is_none_or(|t| t.timestamp_millis() < since_ms);
        // Meanwhile too, whether the server still holds every kept run created before then
        // (a count: one run, at the offset of the last); the runs created since are the list.
        let kept = async {
            let rows = match reading.take() {
                Some(r) => r.rows().await,
                None => Vec::new(),
            };
            if within {
                early(Ahead::Kept(&rows, covered, since_ms));
            }
            let kept_span = (old.from_ms, old.to_ms);
            let n = rows.iter().filter(|r| older(r) && in_range(r, kept_span)).count();
            let mut before = params.clone();
            // (A millisecond before: a server's bound may take its own instant.)
            before.push(("created_before", query_timestamp(&at_ms(since_ms - 1))));
            let whole = self.holds_exactly(how, &before, kept_span, n).await;
            (rows, whole)
        };
        let listed = self.fetch_range(how, &p, span, usize::MAX, |r, _| created.extend(r));
        let (listed, (mut rows, whole)) = futures::join!(listed, kept);
        if let Err(e) = listed {
            // Offline: the caller shows the kept runs.
            *reading = Some(KeptRows::Held(rows));
            return Err(e);
        }
        let listed: HashSet<String> = created.iter().map(|r| r.kept.id.clone()).collect();
        merge(&mut rows, created, &mut change);
        // The window within what is kept (the usual reopening): sent now, while the server
        // is asked whether runs were deleted.
        let room = POPULATION_CAP.saturating_sub(count_in(&rows, (wa, wb)));
        if wb <= old.to_ms && (wa >= old.from_ms || room == 0) {
            early(Ahead::Window(&rows, covered, (change.upserts.len(), change.removes.len())));
        }
        // Runs deleted from the covered span. Those created before `since` are all there when
        // the count above agrees; a kept run created since that the list did not bring is
        // gone. Else the span is searched for the slices that differ.
        let kept_span = (old.from_ms, old.to_ms);
        if matches!(whole, Ok(true)) {
            let gone: HashSet<String> = rows
                .iter()
                .filter(|r| !older(r) && in_range(r, kept_span) && !listed.contains(&r.kept.id))
                .map(|r| r.kept.id.clone())
                .collect();
            rows.retain(|r| !gone.contains(&r.kept.id));
            change.removes.extend(gone);
        } else {
            self.find_deleted(how, &params, kept_span, &mut rows, &mut change).await?;
        }
        // The window's parts not covered: later runs, then earlier ones up to the cap.
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
            covered.from_ms = match more {
                Some(from) => {
                    earlier.retain(|r| r.kept.started_ms >= from);
                    from.max(wa)
                }
                None => wa,
            };
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
        Ok(Synced { rows, covered, change, upsert_all: false })
    }
}
