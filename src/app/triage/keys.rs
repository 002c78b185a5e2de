//! The triage queue's keys that stay within the run shown: typing a disposition, moving in
//! the tree (the logs follow the phase under the cursor); and leaving.

use crate::api::LogLevel;
use serde_json::Value;

use super::{MAX_TEXT, Stage, TriagePane};
use crate::app::Action;
use crate::app::pane::{Ctx, Outcome};
use crate::app::run::{Loaded, RunPane};
use crate::app::scroll::Scroll;
use crate::worker::Slot;

impl TriagePane {
    /// `esc`: the queue closes (not while a disposition is being recorded), saying how far
    /// it got.
    pub(super) fn leave(&mut self, cx: &mut Ctx) -> Outcome {
        if self.saving.is_some() {
            cx.flash(
                "recording… leaving once the server has answered loses nothing; wait a moment",
            );
            return Outcome::Stay;
        }
        if let Stage::Checking(_) = self.stage {
            cx.cancel(Slot::Population);
        }
        let (n, done) = (self.items.len(), self.recorded());
        if !self.items.is_empty() {
            cx.flash(format!("triage: {done} of {n} recorded — T resumes"));
        }
        Outcome::Pop
    }

    /// A key while typing a disposition.
    pub(super) fn text_key(&mut self, a: Action, cx: &mut Ctx) {
        match a {
            Action::Back => (self.typing, self.invalid) = (None, None),
            Action::Submit => {
                let text =
                    self.typing.as_ref().map(|i| i.value().trim().to_string()).unwrap_or_default();
                self.invalid = if text.is_empty() {
                    Some("type a disposition (esc cancels)".into())
                } else if text.chars().count() > MAX_TEXT {
                    Some(format!("at most {MAX_TEXT} characters"))
                } else if text.chars().any(char::is_control) {
                    Some("no control characters".into())
                } else {
                    None
                };
                // Kept when it cannot be sent yet (the run still loading).
                if self.invalid.is_none() && self.record(Value::String(text), true, cx) {
                    self.typing = None;
                }
            }
            _ => {}
        }
    }

    /// `a`: every log line of the run (until the cursor moves to another phase).
    pub(super) fn all_logs(&mut self) {
        if let Some(l) = self.run.as_mut().and_then(RunPane::loaded_mut)
            && l.logs.window.take().is_some()
        {
            l.relog();
            l.logs.view = Scroll::default();
        }
    }

    /// Moves in the tree; the logs follow the phase under the cursor.
    pub(super) fn tree_key(&mut self, a: Action, cx: &mut Ctx) {
        let (tree_rows, _, _) = Self::split(cx);
        let Some(l) = self.run.as_mut().and_then(RunPane::loaded_mut) else { return };
        if let Some(d) = a.step(tree_rows.saturating_sub(1).max(1) as isize) {
            l.tree.move_by(d, tree_rows);
        } else {
            match l.tree.next_failure(a == Action::NextFailure) {
                Some(i) => {
                    l.tree.reveal(i);
                    l.tree.view.fit(l.tree.visible.len(), tree_rows);
                }
                None => return cx.flash("no more failures in this run"),
            }
        }
        follow(l);
    }
}

/// The logs of the phase under the tree's cursor (all of them when it has no time window),
/// the cursor on the first ERROR or CRITICAL line: the one that explains the failure, which
/// the logs pane then shows whole (wrapped).
pub(super) fn follow(l: &mut Loaded) {
    let w = l.phase_window();
    if w != l.logs.window {
        l.logs.window = w;
        l.relog();
        l.logs.view = Scroll::default();
        let lines = l.log_lines();
        let explains = l.logs.visible.iter().position(|&i| {
            matches!(lines[i as usize].level, Some(LogLevel::Error | LogLevel::Critical))
        });
        l.logs.view.cursor = explains.unwrap_or(0);
    }
}
