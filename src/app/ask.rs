//! A yes/no question over everything: quitting with unsaved edits, closing the editor and
//! losing them, or restoring edits a signal saved.

use super::editor::EditorPane;
use super::pane::{Component, Ctx, Outcome, Reply};
use super::recovery::Recovery;
use super::{Action, Effect, Mode, Pane};

/// What a yes/no question is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// Quit with unsaved or unacknowledged metadata edits.
    QuitWithEdits,
    /// Close the editor and lose its edits (the answer goes back to the editor).
    DiscardEdits,
    /// Write an export over the file of this name (the answer goes back to the exporter).
    Overwrite(String),
    /// Restore the edits a signal saved last time (yes), or delete them (no).
    RestoreEdits,
}

#[derive(Debug, Clone)]
pub struct AskPane {
    pub question: Ask,
    /// For `RestoreEdits`: the edits.
    pub recovery: Option<Box<Recovery>>,
}

impl AskPane {
    pub(crate) fn new(question: Ask) -> AskPane {
        AskPane { question, recovery: None }
    }
}

impl Component for AskPane {
    fn mode(&self) -> Mode {
        Mode::Ask
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        match (a, &self.question) {
            (Action::Yes, Ask::QuitWithEdits) => {
                cx.effect(Effect::Quit);
                Outcome::Pop
            }
            (Action::Yes, Ask::DiscardEdits | Ask::Overwrite(_)) => Outcome::Return(Reply::Yes),
            (Action::Yes, Ask::RestoreEdits) => {
                cx.effect(Effect::ForgetEdits);
                match self.recovery.take() {
                    Some(r) if r.new_run.is_some() => {
                        let form =
                            super::create::CreatePane::restore(r.new_run.unwrap_or_default(), cx);
                        Outcome::Replace(Pane::Create(Box::new(form)))
                    }
                    Some(r) => {
                        let ed = EditorPane::restore(r.targets, &r.changes, cx);
                        Outcome::Replace(Pane::Editor(Box::new(ed)))
                    }
                    None => Outcome::Pop,
                }
            }
            (Action::No, Ask::RestoreEdits) => {
                cx.effect(Effect::ForgetEdits);
                cx.flash("the saved edits were deleted");
                Outcome::Pop
            }
            // Only y or n answers this one: a stray key neither restores nor deletes.
            (_, Ask::RestoreEdits) => Outcome::Stay,
            _ => Outcome::Pop,
        }
    }
}
