//! The metadata editor: the run's keys with type and value; add, edit, mark for deletion;
//! review the change set; save it as one PATCH per run. Nothing typed is lost: edits stay
//! until the server acknowledges them, and a failed save can be sent again.

mod edits;

use std::collections::HashSet;

use serde_json::{Map, Value};
use tui_input::InputRequest;

pub use edits::{MetaRow, Step};

use super::ask::{Ask, AskPane};
use super::pane::{Component, Ctx, Outcome, Reply};
use super::{Action, Mode, Pane};
use crate::worker::{ClientError, Fetch, RequestId, Slot, WorkerEvent};

/// A run the editor writes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub run_id: String,
    pub serial: String,
}

#[derive(Debug, Clone)]
pub struct EditorPane {
    pub targets: Vec<Target>,
    /// Waiting for the run's current metadata (single run).
    pub loading: Option<RequestId>,
    pub rows: Vec<MetaRow>,
    pub cursor: usize,
    pub step: Step,
    /// Why the text being typed is not accepted.
    pub invalid: Option<String>,
    /// The last save's failure, or per-run failures of a bulk save.
    pub error: Option<String>,
    pub pending: Vec<(RequestId, String)>,
    /// Runs whose save was acknowledged in this round.
    pub saved: Vec<String>,
}

impl EditorPane {
    /// The editor for `targets`. For one run, its metadata: `known` when the pane opening the
    /// editor has it, else the cached run's, else fetched.
    pub(crate) fn open(
        targets: Vec<Target>,
        known: Option<Option<Map<String, Value>>>,
        cx: &mut Ctx,
    ) -> EditorPane {
        let mut ed = EditorPane {
            targets,
            loading: None,
            rows: Vec::new(),
            cursor: 0,
            step: Step::Browse,
            invalid: None,
            error: None,
            pending: Vec::new(),
            saved: Vec::new(),
        };
        if let [t] = ed.targets.as_slice() {
            let run_id = t.run_id.clone();
            let meta = known
                .or_else(|| cx.shared.runs.peek(&run_id).map(|c| c.run.summary.metadata.clone()));
            match meta {
                Some(m) => ed.set_metadata(m.as_ref()),
                None => ed.loading = Some(cx.fetch(Slot::Editor, Fetch::Run { run_id })),
            }
        }
        ed
    }

    fn save(&mut self, cx: &mut Ctx) {
        let changes = self.changes();
        self.pending = self
            .targets
            .iter()
            .map(|t| {
                let fetch =
                    Fetch::UpdateMetadata { run_id: t.run_id.clone(), changes: changes.clone() };
                (cx.mutate(fetch), t.run_id.clone())
            })
            .collect();
        self.saved.clear();
        self.error = None;
        self.step = Step::Saving;
    }

    /// One run's save was answered; when every answer is in, close or keep what failed.
    fn saved_one(
        &mut self,
        id: RequestId,
        result: Result<Vec<String>, ClientError>,
        cx: &mut Ctx,
    ) -> Outcome {
        let Some(k) = self.pending.iter().position(|(p, _)| *p == id) else {
            return Outcome::Stay;
        };
        let (_, run_id) = self.pending.remove(k);
        let serial = self
            .targets
            .iter()
            .find(|t| t.run_id == run_id)
            .map(|t| t.serial.clone())
            .unwrap_or_default();
        let mut denied = None;
        match result {
            Ok(_) => self.saved.push(run_id.clone()),
            Err(e) => {
                let msg = match &e {
                    ClientError::Forbidden(m) => {
                        denied = Some(m.clone());
                        format!("HTTP 403: {m}")
                    }
                    ClientError::NotFound(_) => {
                        "the run no longer exists (deleted meanwhile?)".into()
                    }
                    other => other.to_string(),
                };
                let line = if self.bulk() { format!("{serial}: {msg}") } else { msg };
                self.error = Some(match self.error.take() {
                    Some(prev) => format!("{prev}; {line}"),
                    None => line,
                });
            }
        }
        if !self.pending.is_empty() {
            return Outcome::Stay;
        }
        // Every answer is in.
        let saved: HashSet<String> = self.saved.iter().cloned().collect();
        let total = self.targets.len();
        if saved.len() == total {
            let n = self.changes().len();
            cx.flash(format!(
                "saved {n} change{} to {total} run{}",
                if n == 1 { "" } else { "s" },
                if total == 1 { "" } else { "s" }
            ));
            for r in &saved {
                cx.changed(r);
            }
            return Outcome::Pop;
        }
        // Keep the edits and the runs that failed, to try again.
        self.targets.retain(|t| !saved.contains(&t.run_id));
        self.step = Step::Browse;
        let failed = self.targets.len();
        if let Some(err) = self.error.take() {
            self.error = Some(if total > 1 {
                format!(
                    "saved on {} of {total} runs; {failed} failed: {err} — ctrl-s retries them",
                    total - failed
                )
            } else {
                format!("not saved: {err} — your edits are kept; ctrl-s retries")
            });
        }
        for r in &saved {
            cx.changed(r);
        }
        if let Some(m) = denied {
            self.error = Some(cx.forbidden(Action::EditMetadata, &m));
        }
        Outcome::Stay
    }
}

impl Component for EditorPane {
    fn mode(&self) -> Mode {
        match self.step {
            Step::AddKey(_) | Step::AddValue { .. } | Step::EditValue(_) => Mode::EditorText,
            Step::Review => Mode::EditorReview,
            Step::Browse | Step::Saving => Mode::Editor,
        }
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        match (&self.step, a) {
            (Step::Browse, Action::Down) => self.move_by(1),
            (Step::Browse, Action::Up) => self.move_by(-1),
            (Step::Browse, Action::Add) => {
                self.step = Step::AddKey(tui_input::Input::default());
                self.invalid = None;
            }
            (Step::Browse, Action::Open) => self.start_edit(),
            (Step::Browse, Action::ToggleDelete) => self.toggle_delete(),
            (Step::Browse, Action::Save) => {
                if self.loading.is_some() {
                    cx.flash("the run's metadata is still loading");
                } else if self.dirty() {
                    self.step = Step::Review;
                } else {
                    cx.flash("nothing to save");
                }
            }
            (Step::Browse, Action::Back) if self.holds_edits() => {
                return Outcome::Push(Pane::Ask(Box::new(AskPane::new(Ask::DiscardEdits))));
            }
            (Step::Browse, Action::Back) => return Outcome::Pop,
            (Step::AddKey(_) | Step::AddValue { .. } | Step::EditValue(_), Action::Submit) => {
                self.submit_text()
            }
            (Step::AddKey(_), Action::NextField) => self.tab(),
            (Step::AddKey(_) | Step::AddValue { .. } | Step::EditValue(_), Action::Back) => {
                self.step = Step::Browse;
                self.invalid = None;
            }
            (Step::Review, Action::Back) => self.step = Step::Browse,
            (Step::Review, Action::Submit) => self.save(cx),
            _ => {}
        }
        Outcome::Stay
    }

    fn typed(&mut self, req: InputRequest, _cx: &mut Ctx) {
        if let Some(i) = self.input_mut() {
            i.handle(req);
        }
        self.invalid = None;
    }

    fn on_answer(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
        cx: &mut Ctx,
    ) -> Result<Outcome, WorkerEvent> {
        if self.loading == Some(id) {
            if let WorkerEvent::Run { run, .. } = event {
                match run {
                    Ok(r) => self.set_metadata(r.summary.metadata.as_ref()),
                    Err(e) => {
                        self.loading = None;
                        self.error = Some(format!("could not read the run's metadata: {e}"));
                    }
                }
            }
            return Ok(Outcome::Stay);
        }
        if self.pending.iter().any(|(p, _)| *p == id) {
            return Ok(match event {
                WorkerEvent::Done(result) => self.saved_one(id, result, cx),
                _ => Outcome::Stay,
            });
        }
        Err(event)
    }

    /// "Yes, lose the edits."
    fn on_reply(&mut self, reply: Reply, _cx: &mut Ctx) -> Outcome {
        match reply {
            Reply::Yes => Outcome::Pop,
            _ => Outcome::Stay,
        }
    }

    fn holds_edits(&self) -> bool {
        EditorPane::holds_edits(self)
    }
}
