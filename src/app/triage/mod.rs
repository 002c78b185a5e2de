//! The triage queue (`T` on the runs list): the view's failing runs without a disposition,
//! one after the other, each at its first failing measurement with that phase's logs beside
//! (or under) it. A number key records a preset under the configured metadata key, `t` a
//! typed disposition; once the server has it the next run opens (fetched ahead while this one
//! is shown). A failed write keeps the run and says why; nothing is retried unasked. Leaving
//! keeps what was recorded; `T` again resumes with the runs still undisposed.

mod keys;
mod queue;

use serde_json::{Map, Value};
use tui_input::{Input, InputRequest};

use keys::follow;
pub use queue::text_of;
pub use queue::{Check, DEFAULT_KEY, DEFAULT_PRESETS, Item, TriageSettings};

use super::editor::Target;
use super::pane::{Answered, Component, Ctx, News, Outcome, Reply};
use super::run::RunPane;
use super::undo::{Undo, UndoRun};
use super::{Action, ListState, Mode, layout};
use crate::worker::{ClientError, Fetch, RequestId, Slot, WorkerEvent};

/// Longest typed disposition (the editor's limit for a value).
const MAX_TEXT: usize = super::editor::MAX_VALUE;

pub enum Stage {
    /// Reading which runs have a disposition already.
    Checking(Check),
    /// That could not be read.
    Failed(String),
    Ready,
}

/// A disposition on its way to the server.
#[derive(Debug, Clone)]
pub struct Saving {
    pub id: RequestId,
    /// The run it is for (the one shown when it was sent).
    pub target: Target,
    pub value: Value,
    /// Typed (`t`), not a preset: given back to type on if the write fails.
    typed: bool,
    /// The key's value before (`None`: the run did not have it), for undo.
    before: Option<Value>,
}

pub struct TriagePane {
    pub settings: TriageSettings,
    /// The view's filter, as a line.
    pub filter: String,
    pub stage: Stage,
    pub items: Vec<Item>,
    /// The run shown: an index into `items`.
    pub pos: usize,
    pub run: Option<RunPane>,
    /// The run shown has been put at its first failure.
    focused: bool,
    /// The run fetched ahead (once per run, so a failed prefetch is not repeated).
    ahead: Option<String>,
    pub saving: Option<Saving>,
    /// The disposition being typed (`t`), and why it is not accepted.
    pub typing: Option<Input>,
    pub invalid: Option<String>,
    /// The last write's failure: the run stays until a write succeeds.
    pub error: Option<String>,
}

impl TriagePane {
    /// Starts triage over `list`'s filter: first reads which runs are disposed.
    pub(crate) fn start(list: &ListState, cx: &mut Ctx) -> TriagePane {
        TriagePane {
            settings: cx.shared().settings().triage.clone(),
            filter: list.query.to_line(),
            stage: Stage::Checking(Check::start(list, cx)),
            items: Vec::new(),
            pos: 0,
            run: None,
            focused: false,
            ahead: None,
            saving: None,
            typing: None,
            invalid: None,
            error: None,
        }
    }

    /// Runs recorded in this queue.
    pub fn recorded(&self) -> usize {
        self.items.iter().filter(|i| i.recorded.is_some()).count()
    }

    pub fn current(&self) -> Option<&Item> {
        self.items.get(self.pos)
    }

    /// Rows of the tree and of the logs (under their filter line), and whether they are side
    /// by side, on this screen.
    fn split(cx: &Ctx) -> (usize, usize, bool) {
        let (w, h) = cx.shared().size();
        layout::triage_split(w, h)
    }

    /// Shows the run at `pos`, or leaves when the queue is done.
    pub(super) fn show(&mut self, cx: &mut Ctx) -> Outcome {
        self.error = None;
        let Some(item) = self.items.get(self.pos) else {
            let (n, done) = (self.items.len(), self.recorded());
            let left = n - done;
            cx.flash(if left == 0 {
                format!("triage done: {done} of {n} recorded")
            } else {
                format!("triage: {done} of {n} recorded, {left} skipped — T resumes with them")
            });
            return Outcome::Pop;
        };
        self.run = Some(RunPane::open(item.run_id.clone(), cx));
        self.focused = false;
        self.focus(cx);
        Outcome::Stay
    }

    /// The run shown, once here: to its first failure, with that phase's logs.
    fn focus(&mut self, cx: &Ctx) {
        let (tree_rows, _, _) = Self::split(cx);
        let Some(l) = self.run.as_mut().and_then(RunPane::loaded_mut) else { return };
        if self.focused {
            return;
        }
        self.focused = true;
        if let Some(&i) = l.tree.failures.first() {
            l.tree.reveal(i);
        }
        l.tree.view.fit(l.tree.visible.len(), tree_rows);
        follow(l);
    }

    /// `1`–`9` or a typed disposition: sent for the run shown; whether it was.
    fn record(&mut self, value: Value, typed: bool, cx: &mut Ctx) -> bool {
        if self.saving.is_some() {
            cx.flash("still recording the last one…");
            return false;
        }
        let (Some(item), Some(l)) =
            (self.items.get(self.pos), self.run.as_ref().and_then(RunPane::loaded))
        else {
            cx.flash("the run is still loading");
            return false;
        };
        // Its first failure, for the list's column and the exports of the triage's outcome.
        let failure = crate::model::FirstFailure::of(&l.run);
        cx.announce(News::FirstFailure { run_id: item.run_id.clone(), failure });
        let key = &self.settings.key;
        let before = l.run.summary.metadata.as_ref().and_then(|m| m.get(key)).cloned();
        let mut changes = Map::new();
        changes.insert(key.clone(), value.clone());
        let id = cx.mutate(Fetch::UpdateMetadata { run_id: item.run_id.clone(), changes });
        let target = Target::run(item.run_id.clone(), item.serial.clone());
        self.saving = Some(Saving { id, target, value, typed, before });
        self.error = None;
        true
    }

    /// The server answered the disposition sent.
    fn recorded_one(&mut self, result: Result<Vec<String>, ClientError>, cx: &mut Ctx) -> Outcome {
        let Some(s) = self.saving.take() else { return Outcome::Stay };
        // Where the run written is in the queue now (a delete meanwhile may have moved it).
        let at = self.items.iter().position(|i| i.run_id == s.target.run_id);
        let shown = at.is_some() && at == Some(self.pos);
        let serial = s.target.serial.clone();
        let e = match result {
            Ok(_) => {
                let what = format!("triage of {serial} ({})", text_of(&s.value));
                let keys = vec![(self.settings.key.clone(), s.before, Some(s.value.clone()))];
                let target = s.target.clone();
                super::undo::record(cx, Undo { what, runs: vec![UndoRun { target, keys }] });
                let set = Map::from_iter([(self.settings.key.clone(), s.value.clone())]);
                cx.metadata_set(&s.target.run_id, set);
                None
            }
            // Offline: kept in the outbox, shown as recorded (pending), and on to the next.
            Err(e) if e.is_offline() => {
                let changes = Map::from_iter([(self.settings.key.clone(), s.value.clone())]);
                cx.keep_in_outbox(s.target.clone(), changes);
                cx.flash(format!("offline: the triage of {serial} waits in the outbox"));
                None
            }
            Err(e) => Some(e),
        };
        let Some(e) = e else {
            let Some(at) = at else { return Outcome::Stay };
            self.items[at].recorded = Some(s.value);
            if !shown {
                return Outcome::Stay;
            }
            self.pos += 1;
            return self.show(cx);
        };
        // The text typed is not lost: back on the line while its run is shown (enter retries),
        // else said; not where nothing can be written (403).
        let typed = s.typed && !matches!(e, ClientError::Forbidden(_));
        if typed && shown {
            self.typing = Some(Input::new(text_of(&s.value)));
        } else if typed {
            cx.flash(format!("{serial}: “{}” not recorded", text_of(&s.value)));
        }
        let why = match e {
            ClientError::Unauthorized(m) => {
                cx.block(m);
                return Outcome::Stay;
            }
            ClientError::Forbidden(m) => {
                // Nothing here can be written: the queue's keys go with the editor's.
                cx.forbidden(Action::EditMetadata, &m)
            }
            ClientError::NotFound(_) => "the run no longer exists (deleted meanwhile?)".into(),
            other => other.to_string(),
        };
        let again = if typed && shown {
            self.invalid = Some(format!("not recorded: {why} · enter retries"));
            "record it again"
        } else {
            "press again to retry"
        };
        self.error = Some(format!("{serial} not recorded: {why} · stays queued; {again}"));
        Outcome::Stay
    }

    /// Fetches the next run ahead while this one is shown.
    fn prefetch(&mut self, cx: &mut Ctx) {
        if self.run.as_ref().and_then(RunPane::loaded).is_none() {
            return;
        }
        let Some(next) = self.items.get(self.pos + 1).map(|i| i.run_id.clone()) else { return };
        let runs = &cx.run_cache();
        if self.ahead.as_ref() == Some(&next)
            || runs.usable(&next)
            || runs.in_flight(&next).is_some()
        {
            return;
        }
        cx.run_cache().superseded(Slot::Prefetch);
        let id = cx.fetch(Slot::Prefetch, Fetch::Run { run_id: next.clone() });
        cx.run_cache().prefetching(id, next.clone());
        self.ahead = Some(next);
    }
}

impl Component for TriagePane {
    fn mode(&self) -> Mode {
        if self.typing.is_some() { Mode::TriageText } else { Mode::Triage }
    }

    fn pauses_prefetch(&self) -> bool {
        true
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        if self.typing.is_some() {
            self.text_key(a, cx);
            return Outcome::Stay;
        }
        if a == Action::Back {
            return self.leave(cx);
        }
        if !matches!(self.stage, Stage::Ready) {
            return Outcome::Stay;
        }
        match a {
            Action::Dispose(i) => match self.settings.presets.get(i as usize) {
                Some(p) => {
                    self.record(Value::String(p.clone()), false, cx);
                }
                None => cx.flash(format!(
                    "no preset {}: [triage] presets has {}",
                    i + 1,
                    self.settings.presets.len()
                )),
            },
            Action::DisposeText if self.saving.is_none() => {
                (self.typing, self.invalid) = (Some(Input::default()), None);
            }
            Action::NextRun | Action::PrevRun if self.saving.is_some() => {
                cx.flash("still recording the last one…")
            }
            Action::NextRun => {
                self.pos += 1;
                return self.show(cx);
            }
            Action::PrevRun if self.pos == 0 => cx.flash("the first run of the queue"),
            Action::PrevRun => {
                self.pos -= 1;
                return self.show(cx);
            }
            Action::AllLogs => self.all_logs(),
            // The whole run view (attachments, metadata…); `]`/`[` there move in the queue.
            Action::Open => {
                if let Some(item) = self.current() {
                    let run = RunPane::open(item.run_id.clone(), cx);
                    return Outcome::Push(super::Pane::Run(Box::new(run)));
                }
            }
            a if a.step(1).is_some() || matches!(a, Action::NextFailure | Action::PrevFailure) => {
                self.tree_key(a, cx)
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn typed(&mut self, req: InputRequest, _cx: &mut Ctx) {
        if let Some(i) = self.typing.as_mut() {
            i.handle(req);
            self.invalid = None;
        }
    }

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        if self.saving.as_ref().is_some_and(|s| s.id == id) {
            return Ok(match event {
                WorkerEvent::Done(result) => self.recorded_one(result, cx),
                _ => Outcome::Stay,
            });
        }
        if matches!(&self.stage, Stage::Checking(c) if c.pending == id) {
            return Ok(self.checked(event, cx));
        }
        let Some(run) = self.run.as_mut() else { return Err(event) };
        let o = run.on_answer(id, event, cx)?;
        self.focus(cx);
        Ok(o)
    }

    fn on_news(&mut self, news: &News, cx: &mut Ctx) -> Outcome {
        if let News::Deleted(ids) = news {
            // A deleted run leaves the queue.
            let shown = self.current().map(|i| i.run_id.clone());
            let before = self.items.len();
            self.items.retain(|i| !ids.contains(&i.run_id));
            if self.items.len() != before {
                self.pos = shown
                    .and_then(|s| self.items.iter().position(|i| i.run_id == s))
                    .unwrap_or(self.pos);
                if self.run.as_ref().is_some_and(|r| ids.contains(&r.run_id)) {
                    return self.show(cx);
                }
            }
            return Outcome::Stay;
        }
        if let Some(run) = self.run.as_mut() {
            // Read again (changed on the server): back to its first failure once here.
            if matches!(news, News::Changed(id) if *id == run.run_id) {
                self.focused = false;
            }
            run.on_news(news, cx);
            self.focus(cx);
        }
        Outcome::Stay
    }

    /// `]`/`[` in the run view opened from the queue: skip or back, as here.
    fn on_reply(&mut self, reply: Reply, cx: &mut Ctx) -> Outcome {
        match reply {
            Reply::Neighbour { by, .. } => {
                self.handle(if by > 0 { Action::NextRun } else { Action::PrevRun }, cx)
            }
            _ => Outcome::Stay,
        }
    }

    fn tick(&mut self, top: bool, cx: &mut Ctx) {
        if top {
            self.prefetch(cx);
        }
    }

    fn holds_edits(&self) -> bool {
        self.saving.is_some() || self.typing.as_ref().is_some_and(|i| !i.value().is_empty())
    }

    fn busy(&self) -> bool {
        matches!(self.stage, Stage::Checking(_))
            || self.run.as_ref().is_some_and(|r| r.pending.is_some())
    }
}
