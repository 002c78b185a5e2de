//! A measurement's trend: the filter's runs (as for the other insight panes) and, at the same
//! time, every value of the measurement from the newest run's start back, newest first, every
//! attempt, page by page (by time: see [`super::by_time`]). Once the runs are in, their oldest
//! start bounds the walk, and what is left of their span is cut in slices read at once (a walk
//! by time is one page after the other: 500 round trips for 50,000 values); then the values
//! measured after the newest start, up to the latest run's end (a run is measured after it
//! starts: a bound at its start missed its values). Values of runs outside the filter come too
//! (the measurements list takes no run filter but the window); the pane keeps those of the
//! runs it was given. With a cache, what was read is kept per run ([`super::trend_kept`]). A
//! server without the measurements list (404) has each run read whole instead
//! ([`Task::trend_run_by_run`]), and the pane says so.

use std::collections::HashSet;
use std::sync::Mutex;

use futures::StreamExt;

use super::analysis::{PAGE, SLICES, in_flight};
use super::by_time::{ByTime, slices};
use super::{ClientError, ListRequest, Task, TrendTarget, WorkerEvent};
use crate::api::crossrun::{MeasurementListRequest, MeasurementRow, Paging, RunScope};

/// A second either side of the runs' span: the bounds are not inclusive on every server.
pub(super) const SLACK_MS: i64 = 1_000;

impl Task {
    /// One page of the target's values measured in `[after_ms, before_ms]` (ms, inclusive), of
    /// these units only when `serials` is not empty.
    async fn values_page(
        &self,
        target: &TrendTarget,
        serials: &[String],
        after_ms: Option<i64>,
        before_ms: i64,
        cursor: Option<i64>,
    ) -> Result<super::catalog::Page<MeasurementRow>, ClientError> {
        let runs = RunScope {
            started_after: after_ms.map(crate::api::time::from_ms),
            started_before: Some(crate::api::time::from_ms(before_ms)),
            serial_numbers: serials.to_vec(),
            ..RunScope::default()
        };
        let req = MeasurementListRequest {
            procedure_id: target.procedure_id.clone(),
            measurement_name: Some(target.measurement.clone()),
            phase_names: vec![target.phase.clone()],
            runs,
            include_retries: true,
            paging: Paging { limit: PAGE as u32, cursor, ..Paging::default() },
            ..MeasurementListRequest::default()
        };
        self.measurements_page(req).await
    }

    pub(super) async fn trend(&self, req: &ListRequest, target: &TrendTarget) {
        if self.trend_through_cache(req, target).await {
            return;
        }
        // The values read, kept when the walk completes (a cache with none of the target's).
        let keep: Kept = Mutex::new(self.shared.cache.is_some().then(Vec::new));
        let (tx, mut span) = tokio::sync::watch::channel(None);
        // Set when the runs are all in: their span (`None`: no runs), or the load failed.
        let runs_done: Mutex<Option<Option<(i64, i64)>>> = Mutex::new(None);
        let runs = async {
            let loaded = self.analysis_runs(req, true, Some(&tx)).await;
            *runs_done.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(loaded.as_ref().and_then(|l| l.span));
            drop(tx);
            loaded
        };
        let values = async {
            // The newest run's start is the walk's upper bound: wait for the first runs.
            let hi = loop {
                if let Some((_, hi)) = *span.borrow_and_update() {
                    break Some(hi);
                }
                if span.changed().await.is_err() {
                    break None;
                }
            };
            let hi = hi?;
            let done = || *runs_done.lock().unwrap_or_else(|p| p.into_inner());
            Some(self.values_walk(target, &Walk::every(hi, &keep), done).await)
        };
        let (loaded, listed) = futures::join!(runs, values);
        // The runs' failure was sent, and ends the load.
        let Some(loaded) = loaded else { return };
        // A run's values are measured after its start, up to its end: those measured after
        // the newest start (and its slack) are walked now that the latest end is known.
        let listed = match (listed, loaded.span, loaded.last_end) {
            (Some(Ok(())), Some((_, hi)), Some(end)) if end + SLACK_MS > hi + SLACK_MS => {
                let after = Some(hi + SLACK_MS + 1);
                let later = super::by_time::pages(
                    |before_ms, cursor| {
                        let before = before_ms.unwrap_or(end + SLACK_MS);
                        self.values_page(target, &[], after, before, cursor)
                    },
                    |rows, _| {
                        keep_rows(&keep, &rows);
                        if !rows.is_empty() {
                            self.send(WorkerEvent::TrendValues { rows: Ok(rows), done: false })
                        }
                    },
                )
                .await;
                Some(later)
            }
            (listed, ..) => listed,
        };
        match listed {
            Some(Err(ClientError::NotSupported(why))) => {
                self.trend_run_by_run(&loaded.ids, target, why).await
            }
            Some(Err(e)) => self.send(WorkerEvent::TrendValues { rows: Err(e), done: true }),
            _ => {
                self.send(WorkerEvent::TrendValues { rows: Ok(Vec::new()), done: true });
                let kept = keep.into_inner().unwrap_or_else(|p| p.into_inner());
                if let Some(rows) = kept {
                    self.keep_values(target, loaded.ids.iter().map(String::as_str), rows);
                }
            }
        }
    }

    /// Every value of `target` from `hi` back, newest first: page after page while the runs
    /// load (`runs_done` is `None`); once their span is known, what is left of it in
    /// [`SLICES`] slices read at once, each by time (a value on a slice's edge, asked for by
    /// both, is sent once).
    pub(super) async fn values_walk(
        &self,
        target: &TrendTarget,
        walk: &Walk<'_>,
        runs_done: impl Fn() -> Option<Option<(i64, i64)>>,
    ) -> Result<(), ClientError> {
        let (hi, serials) = (walk.hi, walk.serials.as_slice());
        let sent: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
        let send = |rows: Vec<MeasurementRow>, last: bool| {
            let mut seen = sent.lock().unwrap_or_else(|p| p.into_inner());
            let rows: Vec<MeasurementRow> = rows
                .into_iter()
                .filter(|r| (walk.wanted)(&r.run_id) && seen.insert(r.id.clone()))
                .collect();
            drop(seen);
            keep_rows(walk.keep, &rows);
            // The last page is sent once the runs are in (the pane counts the values of the
            // runs it has).
            if !rows.is_empty() || last {
                self.send(WorkerEvent::TrendValues { rows: Ok(rows), done: false })
            }
        };
        let mut at = ByTime::default();
        let (lo, upper) = loop {
            // The cursor only goes on under the same bounds it was given with.
            let after = match (at.cursor, runs_done()) {
                (None, Some(Some((lo, _)))) => Some(lo - SLACK_MS),
                _ => None,
            };
            let before = at.before_ms.unwrap_or(hi + SLACK_MS);
            let page = self.values_page(target, serials, after, before, at.cursor).await?;
            let (rows, more) = at.next(page);
            let oldest = rows.iter().filter_map(|r| r.started_at).min();
            // Past the oldest run, once the runs are all in: enough.
            let enough = match (runs_done(), oldest) {
                (Some(Some((lo, _))), Some(t)) => t.timestamp_millis() < lo - SLACK_MS,
                (Some(None), _) => true,
                _ => false,
            };
            send(rows, !more || enough);
            if !more || enough {
                return Ok(());
            }
            if let (Some(Some((lo, _))), None, Some(b)) = (runs_done(), at.cursor, at.before_ms) {
                break (lo - SLACK_MS, b);
            }
        };
        // The rest of the span at once. Each slice asks a millisecond beyond its edges (not
        // every server's bounds are inclusive); what two slices both bring is sent once.
        let cut: Vec<(i64, i64)> = slices(Some((lo, upper)), SLICES)
            .into_iter()
            .flatten()
            .map(|(from, to)| (from.max(lo), to.min(upper)))
            .collect();
        let walks = cut.into_iter().map(|(from, to)| {
            let send = &send;
            async move {
                super::by_time::pages(
                    |before_ms, cursor| {
                        let before = before_ms.unwrap_or(to + 1).min(to + 1);
                        self.values_page(target, serials, Some(from - 1), before, cursor)
                    },
                    |rows, _| send(rows, false),
                )
                .await
            }
        });
        let mut walks =
            futures::stream::iter(walks).buffer_unordered(in_flight(self.client.round_trip_ms()));
        while let Some(walked) = walks.next().await {
            walked?;
        }
        Ok(())
    }
}

/// The values read so far, when they are to be kept (`None`: not).
pub(super) type Kept = Mutex<Option<Vec<MeasurementRow>>>;

fn keep_rows(keep: &Kept, rows: &[MeasurementRow]) {
    if let Some(k) = keep.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
        k.extend_from_slice(rows);
    }
}

/// A values walk: from `hi` back, of these units (none: all), the runs `wanted`, kept in `keep`.
pub(super) struct Walk<'a> {
    pub(super) hi: i64,
    pub(super) serials: Vec<String>,
    pub(super) wanted: &'a (dyn Fn(&str) -> bool + Sync),
    pub(super) keep: &'a Kept,
}

impl<'a> Walk<'a> {
    /// Every value from `hi` back.
    fn every(hi: i64, keep: &'a Kept) -> Self {
        Walk { hi, serials: Vec::new(), wanted: &|_| true, keep }
    }
}
