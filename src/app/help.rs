//! The `?` overlay: every key of the pane under it, from the keymap (drawn by `ui::help`). It
//! scrolls, so every key is reachable however short the terminal.

use super::pane::{Component, Ctx, Outcome};
use super::{Action, Mode};

#[derive(Debug, Clone, Default)]
pub struct HelpPane {
    /// First key line on screen.
    pub offset: usize,
    /// Key lines in all.
    pub lines: usize,
}

/// Key lines the overlay shows at a terminal height: all but the border, the hint line and a
/// row above and below the box.
pub(crate) fn viewport(height: u16) -> usize {
    (height.saturating_sub(5) as usize).max(1)
}

impl HelpPane {
    pub(crate) fn new(lines: usize) -> HelpPane {
        HelpPane { offset: 0, lines }
    }
}

impl Component for HelpPane {
    fn mode(&self) -> Mode {
        Mode::Help
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        let view = viewport(cx.shared().size().1);
        let last = self.lines.saturating_sub(view);
        self.offset = match a {
            Action::Back => return Outcome::Pop,
            Action::Down => self.offset + 1,
            Action::Up => self.offset.saturating_sub(1),
            Action::PageDown => self.offset + view,
            Action::PageUp => self.offset.saturating_sub(view),
            Action::Top => 0,
            Action::Bottom => last,
            _ => self.offset,
        }
        .min(last);
        Outcome::Stay
    }
}
