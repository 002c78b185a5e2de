//! The `:` line: `:q` quits from anywhere; any other command is run by the pane it was opened
//! over when the line is entered (the runs list: `:w NAME`, `:rename`, `:delete`, `:move N`,
//! `:export FILE`; a run view: `:export FILE`); a mistake brings the line back with the error
//! under it.

use tui_input::{Input, InputRequest};

use super::pane::{Component, Ctx, Outcome, Reply};
use super::{Action, Mode};

/// The commands that leave tofui, wherever the line is open.
const QUIT: &[&str] = &["q", "q!", "quit", "qa", "qa!"];

#[derive(Debug, Clone, Default)]
pub struct CommandPane {
    pub input: Input,
    pub error: Option<String>,
}

impl Component for CommandPane {
    fn mode(&self) -> Mode {
        Mode::Command
    }

    fn handle(&mut self, a: Action, _cx: &mut Ctx) -> Outcome {
        match a {
            Action::Back => Outcome::Pop,
            Action::Submit if QUIT.contains(&self.input.value().trim()) => Outcome::Quit,
            // The pane under the line (the list, or a run view) runs it.
            Action::Submit => Outcome::Return(Reply::Command(std::mem::take(&mut self.input))),
            _ => Outcome::Stay,
        }
    }

    fn typed(&mut self, req: InputRequest, _cx: &mut Ctx) {
        self.input.handle(req);
        self.error = None;
    }
}
