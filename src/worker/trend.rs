//! A measurement's trend: the filter's runs (as for the other insight panes) and, at the same
//! time, every value of the measurement from the newest run's start back, newest first, every
//! attempt, page by page (by time: see [`super::by_time`]). Once the runs are in, their oldest
//! start bounds the walk; then the values measured after the newest start, up to the latest
//! run's end (a run is measured after it starts: a bound at its start missed its values). Values
//! of runs outside the filter come too (the measurements list
//! takes no run filter but the window); the pane keeps those of the runs it was given. A
//! server without the measurements list (404) has each run read whole instead
//! ([`Task::trend_run_by_run`]), and the pane says so.

use std::sync::Mutex;

use super::analysis::PAGE;
use super::{ClientError, ListRequest, Task, TrendTarget, WorkerEvent};
use crate::api::crossrun::{MeasurementListRequest, MeasurementRow, Paging, RunScope};

/// A second either side of the runs' span: the bounds are not inclusive on every server.
const SLACK_MS: i64 = 1_000;

impl Task {
    /// One page of the target's values measured in `[after_ms, before_ms]` (ms, inclusive).
    async fn values_page(
        &self,
        target: &TrendTarget,
        after_ms: Option<i64>,
        before_ms: i64,
        cursor: Option<i64>,
    ) -> Result<super::catalog::Page<MeasurementRow>, ClientError> {
        let runs = RunScope {
            started_after: after_ms.map(crate::api::time::from_ms),
            started_before: Some(crate::api::time::from_ms(before_ms)),
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
        self.retrying(move |c, report| {
            let req = req.clone();
            async move { c.list_measurements(&req, &report).await }
        })
        .await
    }

    pub(super) async fn trend(&self, req: &ListRequest, target: &TrendTarget) {
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
            let listed = super::by_time::pages_until(
                |before_ms, cursor| {
                    // The cursor only goes on under the same bounds it was given with.
                    let after = match (cursor, done()) {
                        (None, Some(Some((lo, _)))) => Some(lo - SLACK_MS),
                        _ => None,
                    };
                    self.values_page(target, after, before_ms.unwrap_or(hi + SLACK_MS), cursor)
                },
                |rows, last| {
                    // The last page is sent once the runs are in (the pane counts the values
                    // of the runs it has).
                    if !rows.is_empty() || last {
                        self.send(WorkerEvent::TrendValues { rows: Ok(rows), done: false })
                    }
                },
                // Past the oldest run, once the runs are all in: enough.
                |oldest| match (done(), oldest) {
                    (Some(Some((lo, _))), Some(t)) => t < lo - SLACK_MS,
                    (Some(None), _) => true,
                    _ => false,
                },
            )
            .await;
            Some(listed)
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
                        self.values_page(target, after, before, cursor)
                    },
                    |rows, _| {
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
            _ => self.send(WorkerEvent::TrendValues { rows: Ok(Vec::new()), done: true }),
        }
    }
}
