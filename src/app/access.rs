//! How the rest of the program reads the app: its mode, the panes by kind, what the footer
//! and the list show, whether the clock should tick fast; and the settings the dashboard
//! applies before `start`.

use super::pane::{Component, Ctx};
use super::{App, Download, ListState, Mode, Pane, cache};
use super::{Effect, layout, pareto, run, trend};
use crate::app::Action;

impl App {
    /// Read-only: mutations leave the keymap (so the footer and `?` do not offer them).
    pub fn set_readonly(&mut self) {
        self.shared.readonly = true;
        let why =
            |a: Action| format!("read-only session (--readonly): tofui does not {}", a.what());
        self.shared.keymap.withdraw(Action::mutates, why);
    }

    /// Replaces the views (before `start`): the first becomes active.
    pub fn set_views(&mut self, configs: &[crate::config::ViewConfig]) {
        self.runs.set_views(configs, self.list_rows());
    }

    /// Turns live polling on (for every view) with this period, or off.
    pub fn set_live(&mut self, every_ms: Option<i64>) {
        self.runs.set_live(every_ms, self.shared.now_ms);
        if let Some(ms) = every_ms {
            self.shared.live_every_ms = ms;
        }
    }

    pub fn mode(&self) -> Mode {
        if self.shared.session.blocked.is_some() {
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
            Some(Pane::Help(_)) if self.shared.session.blocked.is_none() => {
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
        self.stack.iter().map(|p| p.component().bar_rows()).max().unwrap_or(0)
    }

    /// List rows that fit the screen, with the `/` or `:` line when it is open.
    pub(crate) fn list_rows(&self) -> usize {
        layout::list_rows(self.shared.size.1, self.bar_rows())
    }

    /// The active view's list.
    pub fn list(&self) -> &ListState {
        &self.runs.list
    }

    /// `t` in the run tree: the trend of the measurement under the cursor over the list's
    /// filter (the run view's own pane cannot see the list).
    pub(crate) fn open_trend(&mut self, fx: &mut Vec<Effect>, news: &mut Vec<super::News>) {
        let target = self.run().and_then(trend::target_of);
        let mut cx = Ctx::new(&mut self.shared, fx, news);
        match target {
            Some(t) => {
                let source = self.parked.last().map(super::drill::Parked::query);
                let pane = trend::TrendPane::open(&self.runs.list, source, t, &mut cx);
                self.stack.push(Pane::Trend(Box::new(pane)));
            }
            None => cx.flash("t: put the cursor on a measurement to see its trend"),
        }
    }

    /// `e` in the run tree: the Pareto of the list's filter, then the failures of the
    /// measurement under the cursor explained over it.
    pub(crate) fn open_explain(&mut self, fx: &mut Vec<Effect>, news: &mut Vec<super::News>) {
        let target = self.run().and_then(trend::target_of);
        let mut cx = Ctx::new(&mut self.shared, fx, news);
        match target {
            Some(t) => {
                let target = (t.phase, t.measurement);
                let source = self.parked.last().map(super::drill::Parked::query);
                let pane = pareto::ParetoPane::explaining(&self.runs.list, source, target, &mut cx);
                self.stack.push(Pane::Pareto(Box::new(pane)));
            }
            None => cx.flash("e: put the cursor on a measurement to explain its failures"),
        }
    }

    /// The session's last metadata change, which `z` undoes.
    pub fn last_change(&self) -> Option<&super::undo::Undo> {
        self.shared.undo.last()
    }

    /// How many of the session's metadata changes `z` can still undo.
    pub fn changes_to_undo(&self) -> usize {
        self.shared.undo.len()
    }

    /// The footer's message, while it lasts.
    pub fn flash(&self) -> Option<&str> {
        self.shared.flash.as_ref().map(|(t, _)| t.as_str())
    }

    pub fn downloads(&self) -> &[Download] {
        &self.shared.downloads
    }

    /// Whether time-driven work is near: a spinner, a prefetch or a download in progress.
    pub(crate) fn wants_fast_tick(&self) -> bool {
        self.runs.busy()
            || self.stack.iter().any(|p| p.component().busy())
            || self.shared.downloads.iter().any(|d| d.result.is_none())
            || self.shared.runs.prefetch_soon(self.shared.now_ms)
    }

    /// Opens a run as `enter` does, with `cached` put in the cache first. For the benchmarks.
    #[doc(hidden)]
    pub fn open_run_for_bench(
        &mut self,
        run_id: String,
        cached: Option<cache::CachedRun>,
    ) -> Vec<Effect> {
        if let Some(c) = cached {
            self.shared.runs.put(run_id.clone(), c);
        }
        self.stack.retain(|p| !matches!(p, Pane::Run(_)));
        let mut fx = Vec::new();
        let mut news = Vec::new();
        let pane = run::RunPane::open(run_id, &mut Ctx::new(&mut self.shared, &mut fx, &mut news));
        self.stack.push(Pane::Run(Box::new(pane)));
        fx
    }
}
