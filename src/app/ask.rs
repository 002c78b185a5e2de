//! A yes/no question over everything: quitting with unsaved edits, or closing the editor and
//! losing them.

use super::pane::{Component, Ctx, Outcome, Reply};
use super::{Action, Effect, Mode};

/// What a yes/no question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// Quit with unsaved or unacknowledged metadata edits.
    QuitWithEdits,
    /// Close the editor and lose its edits (the answer goes back to the editor).
    DiscardEdits,
}

#[derive(Debug, Clone)]
pub struct AskPane {
    pub question: Ask,
}

impl AskPane {
    pub(crate) fn new(question: Ask) -> AskPane {
        AskPane { question }
    }
}

impl Component for AskPane {
    fn mode(&self) -> Mode {
        Mode::Ask
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        match (a, self.question) {
            (Action::Yes, Ask::QuitWithEdits) => {
                cx.effect(Effect::Quit);
                Outcome::Pop
            }
            (Action::Yes, Ask::DiscardEdits) => Outcome::Return(Reply::Yes),
            _ => Outcome::Pop,
        }
    }
}
