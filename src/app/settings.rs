//! The settings the dashboard applies to the app before `start` (from the command line and
//! the config).

use super::App;

impl App {
    /// Read-only: mutations leave the keymap (so the footer and `?` do not offer them).
    pub fn set_readonly(&mut self) {
        self.shared.set_readonly();
    }

    /// Replaces the views (before `start`): the first becomes active.
    pub fn set_views(&mut self, configs: &[crate::config::ViewConfig]) {
        self.runs.set_views(configs, self.list_rows());
    }

    /// Turns live polling on (for every view) with this period, or off.
    pub fn set_live(&mut self, every_ms: Option<i64>) {
        self.runs.set_live(every_ms, self.shared.now_ms());
        if let Some(ms) = every_ms {
            self.shared.settings_mut().live_every_ms = ms;
        }
    }
}
