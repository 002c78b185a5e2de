//! The `:` line: view commands (`:w NAME`, `:rename`, `:delete`, `:move N`), run by the runs
//! list when the line is entered; a mistake brings the line back with the error under it.

use tui_input::{Input, InputRequest};

use super::pane::{Component, Ctx, Outcome, Reply};
use super::{Action, Mode, layout};

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
            Action::Submit => Outcome::Return(Reply::Command(std::mem::take(&mut self.input))),
            _ => Outcome::Stay,
        }
    }

    fn typed(&mut self, req: InputRequest, _cx: &mut Ctx) {
        self.input.handle(req);
        self.error = None;
    }

    fn bar_rows(&self) -> u16 {
        layout::BAR
    }
}
