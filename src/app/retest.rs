//! A retest side by side (`c` in the unit view): the failing run and the run of the same
//! procedure after it, every numeric measurement in both with its limits and how far each
//! value sits from the nearer limit, and what that says: just past a limit then passing
//! (a false failure?), far outside then inside (repaired), or still failing.

use super::pane::{Answered, Component, Ctx, Outcome, awaited};
use super::scroll::Scroll;
use super::{Action, Mode, layout};
use crate::analysis::retest::{Diagnosis, RetestRow, compare, diagnose};
use crate::api::RunDetail;
use crate::model::RunRow;
use crate::worker::{ClientError, Fetch, RequestId, Slot, WorkerEvent};

#[derive(Debug, Clone)]
pub enum RetestLoad {
    Loading,
    Ready {
        before: Box<RunDetail>,
        after: Box<RunDetail>,
        rows: Vec<RetestRow>,
        diagnosis: Diagnosis,
    },
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct RetestPane {
    pub serial: String,
    pub before: RunRow,
    pub after: RunRow,
    pub pending: Option<RequestId>,
    pub load: RetestLoad,
    pub view: Scroll,
}

/// The retest pair around `runs[i]` (newest first): a failing run and the next run of the
/// same procedure after it, or a run and the failing run of that procedure before it.
pub(crate) fn pair(runs: &[RunRow], i: usize) -> Option<(RunRow, RunRow)> {
    let r = runs.get(i)?;
    let same = |o: &&RunRow| o.procedure == r.procedure;
    let failed = |o: &RunRow| {
        matches!(o.outcome, Some(crate::api::RunOutcome::Fail | crate::api::RunOutcome::Error))
    };
    if failed(r) {
        // The next run after it: the nearest newer one.
        let after = runs[..i].iter().rev().find(same)?;
        Some((r.clone(), after.clone()))
    } else {
        let before = runs[i + 1..].iter().find(same).filter(|o| failed(o))?;
        Some((before.clone(), r.clone()))
    }
}

/// Rows of measurements on a screen `height` rows high.
pub(crate) fn rows(height: u16) -> usize {
    height.saturating_sub(
        layout::TITLE + layout::RETEST_HEADER + layout::TAB_HEADER + layout::STATUS + layout::KEYS,
    ) as usize
}

impl RetestPane {
    pub(crate) fn open(serial: String, before: RunRow, after: RunRow, cx: &mut Ctx) -> Self {
        let fetch = Fetch::RunPair { before: before.id.to_string(), after: after.id.to_string() };
        let pending = Some(cx.fetch(Slot::Retest, fetch));
        RetestPane {
            serial,
            before,
            after,
            pending,
            load: RetestLoad::Loading,
            view: Scroll::default(),
        }
    }

    pub fn rows(&self) -> &[RetestRow] {
        match &self.load {
            RetestLoad::Ready { rows, .. } => rows,
            _ => &[],
        }
    }
}

impl Component for RetestPane {
    fn mode(&self) -> Mode {
        Mode::Retest
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        let vp = rows(cx.shared().size().1).max(1);
        let n = self.rows().len();
        match a {
            Action::Back => {
                if self.pending.is_some() {
                    cx.cancel(Slot::Retest);
                }
                return Outcome::Pop;
            }
            a => {
                if let Some(d) = a.step(vp as isize) {
                    self.view.move_by(d, n, vp);
                }
            }
        }
        Outcome::Stay
    }

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        match awaited(self.pending, id, event)? {
            WorkerEvent::RunPair(r) => {
                self.pending = None;
                self.load = match r {
                    Ok(pair) => {
                        let (before, after) = *pair;
                        let rows = compare(&before, &after);
                        let diagnosis = diagnose(&rows);
                        RetestLoad::Ready {
                            before: Box::new(before),
                            after: Box::new(after),
                            rows,
                            diagnosis,
                        }
                    }
                    Err(e) => {
                        if let ClientError::Unauthorized(m) = &e {
                            cx.block(m.clone());
                        }
                        RetestLoad::Failed(e.to_string())
                    }
                };
            }
            WorkerEvent::Retrying { .. } => {}
            other => return Err(other),
        }
        Ok(Outcome::Stay)
    }

    fn busy(&self) -> bool {
        self.pending.is_some()
    }
}
