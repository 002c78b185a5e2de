//! The `?` overlay: every key of the pane under it, from the keymap (drawn by `ui::help`).

use super::pane::{Component, Ctx, Outcome};
use super::{Action, Mode};

#[derive(Debug, Clone, Default)]
pub struct HelpPane;

impl Component for HelpPane {
    fn mode(&self) -> Mode {
        Mode::Help
    }

    fn handle(&mut self, a: Action, _cx: &mut Ctx) -> Outcome {
        if a == Action::Back { Outcome::Pop } else { Outcome::Stay }
    }
}
