//! A measurement's trend: the filter's runs (as for the other insight panes), then every value
//! of the measurement over their time span, every attempt, page by page. Values of runs
//! outside the filter come too (the measurements list takes no run filter but the window);
//! the pane keeps those of the runs it was given.

use super::analysis::PAGE;
use super::{ListRequest, Task, TrendTarget, WorkerEvent};
use crate::api::crossrun::{MeasurementListRequest, Paging, RunScope};

impl Task {
    pub(super) async fn trend(&self, req: &ListRequest, target: &TrendTarget) {
        let Some(loaded) = self.analysis_runs(req, true).await else { return };
        let Some((lo, hi)) = loaded.span else {
            return self.send(WorkerEvent::TrendValues { rows: Ok(Vec::new()), done: true });
        };
        let runs = RunScope {
            // A second either side: the bounds are not inclusive on every server.
            started_after: Some(crate::api::time::from_ms(lo - 1_000)),
            started_before: Some(crate::api::time::from_ms(hi + 1_000)),
            ..RunScope::default()
        };
        let listed = super::by_time::pages(
            |before_ms, cursor| {
                let mut runs = runs.clone();
                if let Some(ms) = before_ms {
                    runs.started_before = Some(crate::api::time::from_ms(ms));
                }
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
            },
            |rows, done| self.send(WorkerEvent::TrendValues { rows: Ok(rows), done }),
        )
        .await;
        if let Err(e) = listed {
            self.send(WorkerEvent::TrendValues { rows: Err(e), done: true });
        }
    }
}
