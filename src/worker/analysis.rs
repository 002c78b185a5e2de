//! The runs an insight pane computes from: every run the view's filter matches, newest first,
//! with its metadata, page after page (several pages at once: the cursor is an offset), each
//! batch sent as it arrives so the pane fills while it loads. Capped at [`POPULATION_CAP`] runs.
//! For the Pareto, then the failing phases and measurements of those runs' procedures over
//! the runs' time span, every attempt (rows of runs outside the filter are ignored by the
//! facts, which only count the runs they were given). A server without those lists (404) has
//! each failing run read whole instead ([`Task::failures_run_by_run`]), and the pane says so.

use futures::StreamExt;

use super::client::ClientError;
use super::failure_list::List;
use super::{
    IDS_PER_REQUEST, ListRequest, POPULATION_CAP, PopulationFailureRows, Task, WorkerEvent,
};
use crate::api::RawPage;
use crate::api::crossrun::RunScope;
use crate::api::{RunOutcome, RunSummary};

/// Runs per page (the API's largest page).
pub(super) const PAGE: usize = 100;
/// Pages on their way at once: on loopback (no link to cover) 2, one page made by the server
/// while the last is read (more only make the server, the worker and the screen fight for the
/// cores: the bench's keys while loading were slower, the trend's values walk too); over a
/// link 4 for the server's own work and one per ~10 ms of the round trip (on a 100 ms round
/// trip, 4 in lock-step left a 20 Mbit/s line idle most of the time). From the round trip, not
/// from how long answers take: those grow with the pages asked for (a busy server), which
/// then asked for more, up to 16 on loopback.
pub(super) fn in_flight(round_trip_ms: u64) -> usize {
    if round_trip_ms < 5 { 2 } else { (4 + round_trip_ms as usize / 10).clamp(4, 16) }
}
/// Slices of the runs' time span whose failure lists are paged at once (each list is paged
/// by time, one page after the other, so slices are what lets pages overlap).
pub(super) const SLICES: i64 = 8;
use super::by_time::slices;
/// A copy of the failing rows sent, for the cache.
pub(super) type Kept = std::sync::Mutex<PopulationFailureRows>;
/// Pages per batch sent to the pane.
const BATCH: usize = 4;

/// A page's rows, each read on its own (a row that cannot be read is counted, not fatal),
/// how many could not be read, and whether more pages follow.
fn decode(body: &[u8]) -> Result<(Vec<RunSummary>, usize, bool), ClientError> {
    let page: RawPage =
        serde_json::from_slice(body).map_err(|e| ClientError::Decode(e.to_string()))?;
    let rows: Vec<RunSummary> =
        page.data.iter().filter_map(|r| serde_json::from_str(r.get()).ok()).collect();
    Ok({
        let bad = page.data.len() - rows.len();
        (rows, bad, page.meta.has_more)
    })
}

/// The request's parameters, once per hundred of its run ids (undo's read of many marked
/// runs; a filter of many `ids`); as they are when they have fewer.
fn by_ids(params: Vec<(&'static str, String)>) -> Vec<Vec<(&'static str, String)>> {
    if params.iter().filter(|(k, _)| *k == "ids").count() <= IDS_PER_REQUEST {
        return vec![params];
    }
    let (ids, rest): (Vec<_>, Vec<_>) = params.into_iter().partition(|(k, _)| *k == "ids");
    ids.chunks(IDS_PER_REQUEST).map(|c| rest.iter().chain(c).cloned().collect()).collect()
}

/// What the runs' load learnt for the failures' load.
#[derive(Default)]
pub(super) struct RunsLoaded {
    pub(super) procedures: Vec<String>,
    pub(super) span: Option<(i64, i64)>,
    /// The latest end of a run (its end, else its start and duration, else its start): a
    /// run's values are measured up to its end, after its start.
    pub(super) last_end: Option<i64>,
    /// The runs that did not pass (nor abort), newest first.
    pub(super) failing: Vec<String>,
    /// Only the failing rows of these units are asked for (a few new runs' rows).
    pub(super) serials: Vec<String>,
    /// Every run, newest first (a trend reads them one by one where the server lacks the
    /// measurements list).
    pub(super) ids: Vec<String>,
}

/// A run that ended failing (ABORTED does not count): the runs whose failing rows the Pareto
/// reads.
pub(super) fn ended_failing(r: &RunSummary) -> bool {
    r.outcome.as_ref().is_some_and(RunOutcome::ended_failing)
}

impl RunsLoaded {
    /// The end of run `r` (its end, else its start and duration, else its start), into
    /// `last_end`.
    pub(super) fn learn_end(&mut self, r: &RunSummary) {
        let Some(t) = r.started_at.map(|t| t.timestamp_millis()) else { return };
        let duration =
            r.duration.as_deref().and_then(|d| crate::api::time::parse_duration_ms(d).ok());
        let end = r
            .ended_at
            .map(|e| e.timestamp_millis())
            .or(duration.map(|d| t + d))
            .unwrap_or(t)
            .max(t);
        self.last_end = Some(self.last_end.map_or(end, |e| e.max(end)));
    }

    /// The bound of a phase list over these runs (ms): a phase starts after its run, up to
    /// the run's end, so the newest run's phases may start well after the newest run start.
    /// A second later: the bounds are not inclusive on every server.
    pub(super) fn phases_before(&self) -> Option<i64> {
        self.span.map(|(_, hi)| self.last_end.unwrap_or(hi).max(hi) + 1_000)
    }

    /// What a batch of runs tells the failures' load.
    pub(super) fn learn<R: std::borrow::Borrow<RunSummary>>(&mut self, rows: &[R]) {
        for r in rows.iter().map(R::borrow) {
            if !self.procedures.contains(&r.procedure.id) {
                self.procedures.push(r.procedure.id.clone());
            }
            if let Some(t) = r.started_at.map(|t| t.timestamp_millis()) {
                let (lo, hi) = self.span.unwrap_or((t, t));
                self.span = Some((lo.min(t), hi.max(t)));
                self.learn_end(r);
            }
            self.ids.push(r.id.clone());
            if ended_failing(r) {
                self.failing.push(r.id.clone());
            }
        }
    }
}

impl Task {
    pub(super) async fn analysis(&self, req: &ListRequest, failures: bool) {
        if let Some(through) = self.analysis_through_cache(req, failures).await {
            if let (Some(through), true) = (through, failures) {
                self.failures_through_cache(through).await;
            }
            return;
        }
        let Some(loaded) = self.analysis_runs(req, failures, None).await else { return };
        if failures && self.failure_rows(&loaded, None).await {
            self.reached_rows(&loaded).await;
        }
    }

    /// Loads and sends the runs; returns their procedures, time span and failing runs (`None`
    /// when it failed, which was sent).
    /// `span_so_far`, when given, hears the runs' time span as it grows (a trend pages its
    /// values while the runs load).
    pub(super) async fn analysis_runs(
        &self,
        req: &ListRequest,
        failures: bool,
        span_so_far: Option<&tokio::sync::watch::Sender<Option<(i64, i64)>>>,
    ) -> Option<RunsLoaded> {
        if let Some(through) = self.analysis_through_cache(req, failures).await {
            let loaded = through.map(|t| t.loaded);
            if let (Some(tx), Some(l)) = (span_so_far, &loaded) {
                tx.send_replace(l.span);
            }
            return loaded;
        }
        let mut loaded = RunsLoaded::default();
        let mut params = match self.filter_params(req).await {
            Ok(p) => p,
            Err(e) => {
                self.send(WorkerEvent::PopulationRuns {
                    rows: Err(e),
                    unreadable: 0,
                    done: true,
                    capped: false,
                });
                return None;
            }
        };
        params.push(("sort_by", "started_at".into()));
        params.push(("sort_order", "desc".into()));
        params.push(("include_metadata", "true".into()));
        params.push(("limit", PAGE.to_string()));
        let chunks = by_ids(params);
        let last = chunks.len() - 1;
        // Pages asked for in earlier chunks, toward the cap.
        let mut before = 0usize;
        for (chunk, params) in chunks.into_iter().enumerate() {
            // A chunk of ids is one page; a filter's pages go several at a time, in order.
            let in_flight = if last > 0 { 1 } else { in_flight(self.client.round_trip_ms()) };
            let cap = POPULATION_CAP.saturating_sub(before);
            let pages = futures::stream::iter((0..).map(|k| k * PAGE).take_while(|at| *at < cap))
                .map(|at| {
                    let mut p = params.clone();
                    if at > 0 {
                        p.push(("cursor", at.to_string()));
                    }
                    self.retrying(move |c, report| {
                        let p = p.clone();
                        async move { c.list_runs_raw(&p, &report).await }
                    })
                })
                .buffered(in_flight);
            let mut pages = std::pin::pin!(pages);
            let (mut offset, mut more) = (0usize, true);
            let (mut rows, mut unreadable, mut in_batch) = (Vec::new(), 0, 0);
            while more {
                let Some(body) = pages.next().await else { break };
                match body.and_then(|b| decode(&b)) {
                    Ok((r, bad, has_more)) => {
                        rows.extend(
                            r.into_iter()
                                .filter(|r| req.query.keeps_serial(&r.unit.serial_number))
                                .map(std::sync::Arc::new),
                        );
                        unreadable += bad;
                        offset += PAGE;
                        more = has_more;
                        in_batch += 1;
                    }
                    Err(e) => {
                        if !rows.is_empty() {
                            let (done, capped) = (false, false);
                            self.send(WorkerEvent::PopulationRuns {
                                rows: Ok(rows),
                                unreadable,
                                done,
                                capped,
                            });
                        }
                        let (done, capped) = (true, false);
                        self.send(WorkerEvent::PopulationRuns {
                            rows: Err(e),
                            unreadable: 0,
                            done,
                            capped,
                        });
                        return None;
                    }
                }
                // At the cap the pane is told more exist; nothing more is fetched.
                let rest = more || chunk < last;
                let capped = rest && before + offset >= POPULATION_CAP;
                let done = !rest || capped;
                // The pane hears a batch every few pages (it recomputes per batch).
                if in_batch < BATCH && more && !capped {
                    continue;
                }
                let batch = std::mem::take(&mut rows);
                if failures {
                    loaded.learn(&batch);
                }
                let n = std::mem::take(&mut unreadable);
                in_batch = 0;
                self.send(WorkerEvent::PopulationRuns {
                    rows: Ok(batch),
                    unreadable: n,
                    done,
                    capped,
                });
                if let Some(tx) = span_so_far {
                    tx.send_replace(loaded.span);
                }
                if done {
                    return Some(loaded);
                }
            }
            before += offset;
        }
        Some(loaded)
    }

    /// Failing phases, then failing measurements, of each procedure over `span`, page by page.
    /// Where the server lacks either list (404), every failing run is read whole instead.
    /// `keep`, when given, gets a copy of every row sent; `true` when every list was read (the
    /// last answer is then the caller's to send: [`Task::reached_rows`] comes next).
    pub(super) async fn failure_rows(&self, loaded: &RunsLoaded, keep: Option<&Kept>) -> bool {
        let span = loaded.span;
        // Every run's failing attempts, those of runs that passed in the end and of ABORTED
        // runs too: the Pareto counts them when asked (`a`, `A`).
        let scope = RunScope {
            // A second either side: the bounds are not inclusive on every server.
            started_after: span.map(|(lo, _)| crate::api::time::from_ms(lo - 1_000)),
            started_before: loaded.phases_before().map(crate::api::time::from_ms),
            serial_numbers: loaded.serials.clone(),
            ..RunScope::default()
        };
        // Every procedure's two lists over every slice of the span at once (a bounded number
        // on their way): the facts take their rows in any order.
        let slices = slices(span, SLICES);
        let scope = &scope;
        let lists: Vec<_> = loaded
            .procedures
            .iter()
            .flat_map(|p| {
                slices.iter().flat_map(move |s| [(p.clone(), *s, false), (p.clone(), *s, true)])
            })
            .map(|(p, slice, m)| async move {
                let list = if m { List::Measurements } else { List::Phases };
                self.list_slice(&p, scope, slice, list, keep).await
            })
            .collect();
        let listed: Vec<Result<(), ClientError>> = futures::stream::iter(lists)
            .buffered(in_flight(self.client.round_trip_ms()))
            .collect()
            .await;
        for listed in listed {
            match listed {
                Ok(()) => {}
                Err(ClientError::NotSupported(why)) => {
                    self.failures_run_by_run(&loaded.failing, why).await;
                    return false;
                }
                Err(e) => {
                    self.send(WorkerEvent::PopulationFailures { rows: Err(e), done: true });
                    return false;
                }
            }
        }
        true
    }
}
