//! The metadata editor: the run's keys with type and value; add, edit, mark for deletion;
//! review the change set; save it as one PATCH per run. Nothing typed is lost: edits stay
//! until the server acknowledges them, and a failed save can be sent again.

mod bulk;
pub(crate) mod edits;
mod sends;

use std::collections::HashSet;

use serde_json::{Map, Value};
use tui_input::InputRequest;

pub(crate) use edits::MAX_VALUE;
pub use edits::{Held, MetaRow, Step};

use super::ask::{Ask, AskPane};
use super::pane::{Answered, Component, Ctx, Outcome, Reply};
use super::{Action, Mode, Pane};
use crate::worker::{ClientError, Fetch, RequestId, Slot, WorkerEvent};

/// A run the editor writes to, or a unit (`unit`: by its serial; `run_id` is empty).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Target {
    pub run_id: String,
    pub serial: String,
    #[serde(default)]
    pub unit: bool,
}

impl Target {
    pub(crate) fn run(run_id: String, serial: String) -> Target {
        Target { run_id, serial, unit: false }
    }

    pub(crate) fn unit(serial: String) -> Target {
        Target { run_id: String::new(), serial, unit: true }
    }

    /// What the editor's answers are matched by: the run id, or the serial of a unit.
    fn key(&self) -> &str {
        if self.unit { &self.serial } else { &self.run_id }
    }
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
    /// This editor writes an undo back (each run its own values), not an edit.
    pub undo: Option<super::undo::Restore>,
    /// The runs' metadata before the change, for undo: `(run id, metadata)`, read when the
    /// editor opens (a single run's from its rows).
    pub current: super::undo::Current,
    /// What the save in flight changes, with the values before (for undo).
    before: Option<Vec<super::undo::UndoRun>>,
    /// The targets the save in flight writes to (those it changes), by key.
    sent_to: Vec<String>,
    /// Changes of this save kept in the outbox (the server could not be reached).
    queued: usize,
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
            undo: None,
            current: Default::default(),
            before: None,
            sent_to: Vec::new(),
            queued: 0,
        };
        if ed.bulk() && !ed.is_unit() {
            ed.current.start(&ed.targets, cx);
        }
        if let [t] = ed.targets.as_slice() {
            let run_id = t.run_id.clone();
            let meta = known
                .or_else(|| cx.run_cache().peek(&run_id).map(|c| c.run.summary.metadata.clone()));
            match meta {
                Some(m) => ed.set_metadata(m.as_ref()),
                None => ed.loading = Some(cx.fetch(Slot::Editor, Fetch::Run { run_id })),
            }
        }
        ed
    }

    /// The editor for `targets` with `changes` (saved by a signal last time) over the runs'
    /// metadata as it is now.
    pub(crate) fn restore(
        targets: Vec<Target>,
        changes: &Map<String, Value>,
        cx: &mut Ctx,
    ) -> EditorPane {
        let mut ed = EditorPane::open(targets, None, cx);
        for (key, v) in changes {
            let edit = if v.is_null() { None } else { Some(v.clone()) };
            match ed.rows.iter_mut().find(|r| r.key == *key) {
                Some(r) => r.edit = Some(edit),
                // Not on the run (yet): a key added here; a deletion of it has nothing to do
                // until the metadata arrives (which keeps edits).
                None => ed.rows.push(MetaRow::new(key.clone(), None, Some(edit))),
            }
        }
        ed
    }

    /// The editor that writes an undo back: `rows` to preview, each run's own values to send.
    pub(crate) fn for_undo(
        targets: Vec<Target>,
        rows: Vec<MetaRow>,
        restore: super::undo::Restore,
    ) -> EditorPane {
        EditorPane {
            targets,
            loading: None,
            rows,
            cursor: 0,
            step: Step::Review,
            invalid: None,
            error: None,
            pending: Vec::new(),
            saved: Vec::new(),
            undo: Some(restore),
            current: Default::default(),
            before: None,
            sent_to: Vec::new(),
            queued: 0,
        }
    }

    fn save(&mut self, cx: &mut Ctx) {
        let changes = self.changes();
        self.before = if self.undo.is_some() || self.is_unit() {
            None
        } else {
            super::undo::capture(self, &changes)
        };
        let sends: Vec<(Target, Map<String, Value>)> =
            self.sends().into_iter().map(|(t, c)| (t.clone(), c)).collect();
        if sends.is_empty() {
            self.step = Step::Browse;
            cx.flash("nothing to save: every run already has these values");
            return;
        }
        self.pending = sends
            .into_iter()
            .map(|(t, changes)| {
                let fetch = if t.unit {
                    Fetch::UpdateUnitMetadata { serial: t.serial.clone(), changes }
                } else {
                    Fetch::UpdateMetadata { run_id: t.run_id.clone(), changes }
                };
                (cx.mutate(fetch), t.key().to_string())
            })
            .collect();
        self.sent_to = self.pending.iter().map(|(_, k)| k.clone()).collect();
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
            .find(|t| t.key() == run_id)
            .map(|t| t.serial.clone())
            .unwrap_or_default();
        let noun = self.noun();
        let mut denied = None;
        match result {
            Ok(_) => self.saved.push(run_id.clone()),
            // Offline: kept in the outbox, sent when the server answers.
            Err(e) if e.is_offline() => self.queue(&run_id, cx),
            Err(e) => {
                let msg = match &e {
                    ClientError::Forbidden(m) => {
                        denied = Some(m.clone());
                        format!("HTTP 403: {m}")
                    }
                    ClientError::NotFound(_) => {
                        format!("the {noun} no longer exists (deleted meanwhile?)")
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
        let sent: Vec<_> =
            self.sends().into_iter().map(|(t, c)| (t.key().to_string(), c)).collect();
        // The targets this save wrote to; the others already had the values.
        let total = self.sent_to.len();
        let note =
            super::undo::saved(self.undo.as_ref(), self.before.take(), self.is_unit(), &saved, cx);
        if saved.len() == total && self.queued > 0 {
            return self.queued_all(cx);
        }
        if saved.len() == total {
            let n = self.changes().len();
            cx.flash(format!(
                "{} {n} change{} to {total} {noun}{}{note}{}",
                if self.undo.is_some() { "undone:" } else { "saved" },
                if n == 1 { "" } else { "s" },
                if total == 1 { "" } else { "s" },
                // The marks are kept, to act on the same runs again.
                if total > 1 && !self.is_unit() && self.undo.is_none() {
                    " · they stay marked"
                } else {
                    ""
                }
            ));
            self.announce_saved(&saved, sent, cx);
            return Outcome::Pop;
        }
        // Keep the edits and the runs that failed, to try again.
        self.targets
            .retain(|t| self.sent_to.iter().any(|k| k == t.key()) && !saved.contains(t.key()));
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
        self.announce_saved(&saved, sent, cx);
        if let Some(m) = denied {
            let action = if self.is_unit() { Action::EditUnit } else { Action::EditMetadata };
            self.error = Some(cx.forbidden(action, &m));
        }
        Outcome::Stay
    }
}

impl Component for EditorPane {
    fn mode(&self) -> Mode {
        match self.step {
            Step::AddKey(_) | Step::AddValue { .. } | Step::EditValue(_) => Mode::EditorText,
            Step::Review if self.undo.is_some() => Mode::UndoReview,
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
                if self.loading.is_some() || self.current.loading() {
                    cx.flash(format!("the {}'s metadata is still loading", self.noun()));
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
            // An undo is not edited: esc drops it (`z` offers it again).
            (Step::Review, Action::Back) if self.undo.is_some() => return Outcome::Pop,
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

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        if self.current.owns(id) {
            self.current.answer(event);
            if !self.current.loading() {
                self.spread();
            }
            return Ok(Outcome::Stay);
        }
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
