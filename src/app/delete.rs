//! `d`: deleting runs, after a confirmation naming them; more than one needs the count typed.
//! The runs leave every pane's view only when the server says they are gone.

use tui_input::{Input, InputRequest};

use super::editor::Target;
use super::pane::{Answered, Component, Ctx, News, Outcome, awaited};
use super::{Action, Mode};
use crate::worker::{ClientError, Fetch, RequestId, WorkerEvent};

/// What tells a run apart from the other runs of its unit, for the confirmation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunNamed {
    pub procedure: Option<String>,
    pub started_ms: Option<i64>,
}

impl RunNamed {
    pub(crate) fn of(row: Option<&crate::model::RunRow>) -> RunNamed {
        RunNamed {
            procedure: row.and_then(|r| r.procedure.as_deref().map(str::to_string)),
            started_ms: row.and_then(|r| r.started_ms),
        }
    }
}

/// Which runs, and (for more than one) the count typed to confirm.
#[derive(Debug, Clone)]
pub struct DeletePane {
    pub ids: Vec<String>,
    pub serials: Vec<String>,
    /// Each run's procedure and start, beside its serial (a unit has several runs).
    pub named: Vec<RunNamed>,
    pub typed: Input,
    pub pending: Option<RequestId>,
    pub error: Option<String>,
}

impl DeletePane {
    pub(crate) fn new(targets: Vec<Target>, named: Vec<RunNamed>) -> DeletePane {
        let (ids, serials) = targets.into_iter().map(|t| (t.run_id, t.serial)).unzip();
        DeletePane { ids, serials, named, typed: Input::default(), pending: None, error: None }
    }

    /// More than one run: the count must be typed.
    pub(crate) fn needs_count(&self) -> bool {
        self.ids.len() > 1
    }

    fn confirmed(&self) -> bool {
        !self.needs_count() || self.typed.value().trim() == self.ids.len().to_string()
    }

    /// The server's answer: what is gone leaves every view; a failure keeps the dialog.
    fn deleted(&mut self, result: Result<Vec<String>, ClientError>, cx: &mut Ctx) -> Outcome {
        match result {
            Ok(ids) => {
                // Only ids we sent count: a server that reports more (or repeats one) must not
                // make the count run past what was asked.
                let deleted = self.ids.iter().filter(|i| ids.contains(i)).count();
                let unasked = ids.iter().filter(|i| !self.ids.contains(i)).count();
                if unasked > 0 {
                    tracing::warn!(
                        unasked,
                        "the server reported deleting runs it was not asked to"
                    );
                }
                let missing = self.ids.len().saturating_sub(deleted);
                cx.flash(if missing == 0 {
                    format!("deleted {deleted} run{}", if deleted == 1 { "" } else { "s" })
                } else {
                    format!("deleted {deleted}; {missing} did not exist any more")
                });
            }
            Err(ClientError::Partly { done, error }) => {
                // Those deleted leave every view; the others stay here, to try again (their
                // count typed anew).
                let mut named = std::mem::take(&mut self.named).into_iter();
                let kept: Vec<(String, String, RunNamed)> = std::mem::take(&mut self.ids)
                    .into_iter()
                    .zip(std::mem::take(&mut self.serials))
                    .map(|(id, s)| (id, s, named.next().unwrap_or_default()))
                    .filter(|(id, ..)| !done.contains(id))
                    .collect();
                for (id, serial, n) in kept {
                    self.ids.push(id);
                    self.serials.push(serial);
                    self.named.push(n);
                }
                let (left, gone) = (self.ids.len(), done.len());
                cx.announce(News::Deleted(done));
                (self.pending, self.typed) = (None, Input::default());
                let again =
                    if left > 1 { format!("type {left} and enter") } else { "enter".into() };
                self.error = Some(format!(
                    "deleted {gone}; the other {left} not: {error}; {again} tries again"
                ));
                return Outcome::Stay;
            }
            Err(ClientError::NotFound(_)) => cx.flash(
                "these runs did not exist any more (deleted meanwhile?); removed from the list",
            ),
            Err(ClientError::Forbidden(m)) => {
                let msg = cx.forbidden(Action::Delete, &m);
                cx.flash(msg);
                return Outcome::Pop;
            }
            Err(e) => {
                // Nothing is removed from view; the dialog stays to try again.
                self.pending = None;
                self.error = Some(format!("not deleted: {e}; enter tries again"));
                return Outcome::Stay;
            }
        }
        // The ones the server did not know are gone too.
        cx.announce(News::Deleted(self.ids.clone()));
        Outcome::Pop
    }
}

impl Component for DeletePane {
    fn mode(&self) -> Mode {
        Mode::ConfirmDelete
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        match a {
            Action::Back if self.pending.is_none() => return Outcome::Pop,
            Action::Submit if self.pending.is_none() => {
                if !self.confirmed() {
                    let n = self.ids.len();
                    self.error = Some(format!("type {n} to delete {n} runs"));
                    return Outcome::Stay;
                }
                self.pending = Some(cx.mutate(Fetch::DeleteRuns { ids: self.ids.clone() }));
                self.error = None;
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn typed(&mut self, req: InputRequest, _cx: &mut Ctx) {
        if self.pending.is_none() {
            self.typed.handle(req);
            self.error = None;
        }
    }

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        Ok(match awaited(self.pending, id, event)? {
            WorkerEvent::Done(result) => self.deleted(result, cx),
            _ => Outcome::Stay,
        })
    }
}
