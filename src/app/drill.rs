//! Drilling down: `enter` on a Pareto bar or an explain row shows the runs list filtered to
//! exactly the runs behind it (the view's filter and `id:` with their ids, so the filter line
//! says how), the panes that were open put aside; `esc` (or `q`) on that list puts them back as
//! they were and the list's filter with them.

use super::pane::{Ctx, Reply};
use super::{App, Component, Effect, News, Pane};
use crate::analysis::{Facts, RunIdx};
use crate::query::RunQuery;

/// Runs a drill-down lists at most (the newest): their ids go in the request's address.
pub(crate) const DRILL_MAX: usize = 300;

/// What a pane asks for with `enter`: the list filtered to these runs.
#[derive(Debug)]
pub(crate) struct DrillDown {
    pub query: RunQuery,
    /// What the runs are, for the footer ("23 runs of Power-on › rail_3v3").
    pub what: String,
}

impl DrillDown {
    /// `base` (the view's filter) narrowed to `runs` of `facts`, the newest [`DRILL_MAX`].
    pub(crate) fn runs(base: &RunQuery, facts: &Facts, runs: &[RunIdx], what: &str) -> Self {
        let mut runs = runs.to_vec();
        runs.sort_by_key(|r| std::cmp::Reverse(facts.run(*r).started_ms));
        let n = runs.len();
        runs.truncate(DRILL_MAX);
        let mut query = base.clone();
        query.ids = runs.iter().map(|r| facts.run_id(*r).into_owned()).collect();
        let what = if n > DRILL_MAX {
            format!("the newest {DRILL_MAX} of {n} runs of {what}")
        } else {
            format!("{n} runs of {what}")
        };
        DrillDown { query, what }
    }
}

/// The panes put aside by a drill-down and the list's filter before it.
pub(crate) struct Parked {
    stack: Vec<Pane>,
    query: RunQuery,
    what: String,
}

impl App {
    /// Shows the runs of `d` in the list, the open panes put aside.
    pub(super) fn drill(&mut self, d: DrillDown, fx: &mut Vec<Effect>, news: &mut Vec<News>) {
        let stack = std::mem::take(&mut self.stack);
        let query = self.runs.list.query.clone();
        self.parked.push(Parked { stack, query, what: d.what });
        let mut cx = Ctx::new(&mut self.shared, fx, news);
        self.runs.on_reply(Reply::Query(Box::new(d.query)), &mut cx);
    }

    /// `esc` on a drilled-down list: the panes back as they were. False when nothing was
    /// put aside.
    pub(super) fn undrill(&mut self, fx: &mut Vec<Effect>, news: &mut Vec<News>) -> bool {
        let Some(p) = self.parked.pop() else { return false };
        self.stack = p.stack;
        let mut cx = Ctx::new(&mut self.shared, fx, news);
        self.runs.on_reply(Reply::Query(Box::new(p.query)), &mut cx);
        true
    }

    /// What the list shows when a drill-down is open ("23 runs of Power-on › rail_3v3").
    pub fn drilled(&self) -> Option<&str> {
        self.parked.last().map(|p| p.what.as_str())
    }
}
