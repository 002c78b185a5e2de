//! The settings the dashboard applies to the app before `start` (from the command line and
//! the config).

use super::App;
use super::alert::Alerter;
use super::outbox::Outbox;
use super::shared::{Settings, Shared};
use crate::config::KeyOverride;

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

    /// What the panes share, to read (the renderer, tests); it changes only through the
    /// methods here and those of the panes.
    pub fn shared(&self) -> &Shared {
        &self.shared
    }

    /// The settings, for the owner of the app to set before `start` (panes only read them).
    pub fn settings_mut(&mut self) -> &mut Settings {
        self.shared.settings_mut()
    }

    /// The config's `[keys.*]`: the problems found, by line.
    pub fn remap_keys(&mut self, overrides: &[KeyOverride]) -> Vec<(usize, String)> {
        self.shared.remap_keys(overrides)
    }

    /// `--serial SN`: the unit view to open at start.
    pub fn open_at_start(&mut self, serial: Option<String>) {
        self.shared.open_at_start(serial);
    }

    /// Live mode's alert, as the config asks for it.
    pub fn set_alerter(&mut self, alert: Alerter) {
        self.shared.set_alerter(alert);
    }

    /// The changes saved offline last time, waiting to be sent.
    pub fn restore_outbox(&mut self, outbox: Outbox) {
        self.shared.restore_outbox(outbox);
    }
}
