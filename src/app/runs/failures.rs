//! The runs list's failure column: the first failure of each failing run on screen, fetched in
//! the background one batch at a time (the rows on screen when the last batch came back),
//! kept by run id for the session. Only wide screens show the column, and only they fetch.

use std::collections::HashMap;

use super::list::ListState;
use crate::app::export::NOT_READ;
use crate::app::layout::FAILURE_COLUMN;
use crate::app::pane::Ctx;
use crate::model::{FirstFailure, RunRow};
use crate::worker::{Fetch, RequestId, Slot, WorkerEvent};

/// What the column knows of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureCell {
    Loading,
    /// `None`: the run failed without a failing phase.
    Ready(Option<FirstFailure>),
    /// The run could not be read; not asked again this session.
    Failed,
}

#[derive(Debug, Default)]
pub struct FailureColumn {
    cells: HashMap<Box<str>, FailureCell>,
    /// The batch in flight and how many of its runs are still to come.
    batch: Option<(RequestId, usize)>,
}

impl FailureColumn {
    /// What the column shows for `row`: nothing for a run that did not fail.
    pub fn cell(&self, row: &RunRow) -> Option<&FailureCell> {
        if !failing(row) {
            return None;
        }
        Some(self.cells.get(&row.id).unwrap_or(&FailureCell::Loading))
    }

    /// The first failure of `row` as an export writes it (`Power-on › rail_3v3 (3.198 < 3.2)`):
    /// `None` for a run that did not fail, [`NOT_READ`] for one whose run was not read (the
    /// export reads those first: [`Self::unread`]).
    pub fn export_text(&self, row: &RunRow) -> Option<String> {
        match self.cell(row)? {
            FailureCell::Ready(Some(f)) => {
                let mut t = f.phase.clone();
                if let Some(m) = &f.measurement {
                    t = format!("{t} › {m}");
                }
                if let Some(a) = &f.against {
                    t = format!("{t} ({a})");
                }
                Some(t)
            }
            FailureCell::Ready(None) => Some("no failing step".into()),
            FailureCell::Loading | FailureCell::Failed => Some(NOT_READ.into()),
        }
    }

    /// The failing runs of `rows` whose first failure is not known (never read, being read
    /// for the column, or not readable when last asked), each once: what an export reads
    /// before it writes.
    pub fn unread<'a>(&self, rows: &'a [RunRow]) -> Vec<&'a str> {
        let mut seen = std::collections::HashSet::new();
        rows.iter()
            .filter(|r| !matches!(self.cell(r), None | Some(FailureCell::Ready(_))))
            .map(|r| &*r.id)
            .filter(|id| seen.insert(*id))
            .collect()
    }

    /// A run's first failure read for an export: what it was, or that it could not be read.
    pub(crate) fn read(&mut self, run_id: &str, failure: Result<Option<FirstFailure>, ()>) {
        let cell = failure.map_or(FailureCell::Failed, FailureCell::Ready);
        self.cells.insert(run_id.into(), cell);
    }

    /// A run's first failure read elsewhere (the triage queue's run).
    pub(crate) fn learn(&mut self, run_id: &str, failure: &Option<FirstFailure>) {
        self.cells.insert(run_id.into(), FailureCell::Ready(failure.clone()));
    }

    /// Asks for the failing runs on screen not known yet, when the screen is wide enough and
    /// no batch is on its way.
    pub(crate) fn tick(&mut self, list: &ListState, cx: &mut Ctx) {
        if cx.shared().size().0 < FAILURE_COLUMN || self.batch.is_some() {
            return;
        }
        let end = (list.offset + list.viewport).min(list.rows.len());
        let wanted: Vec<String> = list.rows[list.offset.min(end)..end]
            .iter()
            .filter(|r| failing(r) && !self.cells.contains_key(&r.id))
            .map(|r| r.id.to_string())
            .collect();
        if wanted.is_empty() {
            return;
        }
        for id in &wanted {
            self.cells.insert(id.as_str().into(), FailureCell::Loading);
        }
        let n = wanted.len();
        let id = cx.fetch(Slot::FirstFailures, Fetch::FirstFailures { run_ids: wanted });
        self.batch = Some((id, n));
    }

    /// Takes the answer if it is the batch's.
    pub(crate) fn on_event(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
    ) -> Result<(), WorkerEvent> {
        let Some((batch, left)) = self.batch.as_mut().filter(|(b, _)| *b == id) else {
            return Err(event);
        };
        let _ = batch;
        if let WorkerEvent::FirstFailure { run_id, failure } = event {
            let cell = failure.map_or(FailureCell::Failed, FailureCell::Ready);
            self.cells.insert(run_id.into(), cell);
            *left = left.saturating_sub(1);
            if *left == 0 {
                self.batch = None;
            }
        }
        Ok(())
    }
}

/// A readable row whose run did not pass (ABORTED included): its first failure is looked up.
fn failing(row: &RunRow) -> bool {
    row.problem.is_none()
        && !row.id.is_empty()
        && row.outcome.as_ref().is_some_and(|o| o.failing_or_aborted())
}
