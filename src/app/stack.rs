//! The stack of panes as the screen and the event loop read it: the mode on top (and under
//! the `?` overlay), the rows the panes leave to the list, whether the clock should tick fast.

use super::{App, Component, ListState, Mode, Pane, layout};

impl App {
    pub fn mode(&self) -> Mode {
        if self.shared.session().blocked.is_some() {
            return Mode::Blocked;
        }
        self.stack.last().map_or(Mode::List, Pane::mode)
    }

    /// The panes open over the runs list, bottom first.
    pub(crate) fn stack(&self) -> &[Pane] {
        &self.stack
    }

    /// The keys the footer shows: those of the top pane, or of the one under the `?` overlay.
    pub(crate) fn footer_mode(&self) -> Mode {
        match self.stack.last() {
            Some(Pane::Help(_)) if self.shared.session().blocked.is_none() => {
                self.mode_under(self.stack.len() - 1)
            }
            _ => self.mode(),
        }
    }

    /// The mode of what is under the pane at `i` in the stack.
    pub(crate) fn mode_under(&self, i: usize) -> Mode {
        i.checked_sub(1).and_then(|j| self.stack.get(j)).map_or(Mode::List, Pane::mode)
    }

    /// Rows the `/` or `:` line takes under the list.
    pub(crate) fn bar_rows(&self) -> u16 {
        self.stack.iter().map(Pane::bar_rows).max().unwrap_or(0)
    }

    /// List rows that fit the screen, with the `/` or `:` line when it is open.
    pub(crate) fn list_rows(&self) -> usize {
        layout::list_rows(self.shared.size().1, self.bar_rows())
    }

    /// The active view's list.
    pub fn list(&self) -> &ListState {
        &self.runs.list
    }

    /// Whether time-driven work is near: a spinner, a prefetch or a download in progress.
    pub(crate) fn wants_fast_tick(&self) -> bool {
        self.runs.busy()
            || self.stack.iter().any(|p| p.component().busy())
            || self.shared.downloads().iter().any(|d| d.result.is_none())
            || self.shared.run_cache().prefetch_soon(self.shared.now_ms())
    }
}
