//! Drilling down: `enter` on a Pareto bar or an explain row shows the runs list filtered to
//! exactly the runs behind it (the view's filter and `id:` with their ids, so the filter line
//! says how), the panes that were open put aside; `esc` (or `q`) on that list puts them back as
//! they were and the list's filter with them.

use super::pane::{Ctx, Outcome, Outside, Reply};
use super::{App, Component, Effect, News, Pane};
use crate::analysis::{Dim, Facts, RunIdx};
use crate::query::RunQuery;
use crate::worker::{RequestId, WorkerEvent};

/// Runs a drill-down lists at most (the newest): their ids go in the request's address.
pub(crate) const DRILL_MAX: usize = 300;

/// What a pane asks for with `enter`: the list filtered to these runs.
#[derive(Debug, Clone)]
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

/// The runs of the view's filter whose `dim` is `code`: a field of the query where the
/// dimension has one (station, batch, revision, version, operator, procedure, a metadata key),
/// so the filter line reads as what it is, ABORTED runs included; else the ids of the counted
/// ones.
pub(crate) fn counted_with(base: &RunQuery, facts: &Facts, dim: Dim, code: u32) -> DrillDown {
    let label = facts.value_label(dim, code).into_owned();
    let what = format!("{} {label}", facts.dim_name(dim));
    let mut q = base.clone();
    let one = vec![label.clone()];
    if let (Dim::Revision, true) = (dim, code != 0) {
        let (part, rev) = facts.part_revision(code);
        if !part.is_empty() {
            q.parts = vec![part.to_string()];
        }
        q.revisions = vec![rev.to_string()];
        return DrillDown { query: q, what: format!("the runs of {what}") };
    }
    if let Some((lo, hi)) = facts.meta_range(dim, code) {
        // A bin of a numeric key: its range.
        use crate::query::{MetaCond, Op};
        let key = facts.dim_name(dim).into_owned();
        let conds: Vec<MetaCond> = [(Op::Ge, lo), (Op::Lt, hi)]
            .into_iter()
            .filter(|(_, x)| x.is_finite())
            .map(|(op, x)| MetaCond::Num(op, x))
            .collect();
        q.meta.retain(|(k, _)| *k != key);
        q.meta.push((key, conds));
        return DrillDown { query: q, what: format!("the runs of {what}") };
    }
    let field = match dim {
        _ if code == 0 => None,
        Dim::Station => Some(&mut q.stations),
        Dim::Batch => Some(&mut q.batches),
        Dim::Revision => Some(&mut q.revisions),
        Dim::ProcedureVersion => Some(&mut q.versions),
        Dim::Operator => Some(&mut q.operators),
        Dim::Procedure => Some(&mut q.procedures),
        Dim::Meta(_) | Dim::HourOfDay => None,
    };
    if let Some(f) = field {
        *f = one;
    } else if let (Dim::Meta(_), true) = (dim, code != 0) {
        let key = facts.dim_name(dim).into_owned();
        q.meta.retain(|(k, _)| *k != key);
        q.meta.push((key, vec![crate::query::MetaCond::In(one)]));
    } else {
        let runs: Vec<RunIdx> = (0..facts.runs().len() as RunIdx)
            .filter(|&r| facts.run(r).is_counted() && facts.code(r, dim) == code)
            .collect();
        return DrillDown::runs(base, facts, &runs, &what);
    }
    DrillDown { query: q, what: format!("the runs of {what}") }
}

/// The panes put aside by a drill-down and the list's filter before it.
pub(crate) struct Parked {
    stack: Vec<Pane>,
    query: RunQuery,
    what: String,
}

impl Parked {
    /// The list's filter before the drill-down: the population it came from.
    pub(crate) fn query(&self) -> &RunQuery {
        &self.query
    }
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

    /// `esc` on a drilled-down list: the panes back as they were.
    pub(super) fn undrill(&mut self, fx: &mut Vec<Effect>, news: &mut Vec<News>) {
        let Some(p) = self.parked.pop() else { return };
        self.stack = p.stack;
        let mut cx = Ctx::new(&mut self.shared, fx, news);
        self.runs.on_reply(Reply::Query(Box::new(p.query)), &mut cx);
    }

    /// A worker answer for a pane put aside by a drill-down (the newest drill-down's first):
    /// its load goes on while the drilled list is read, so that `esc` comes back to a pane
    /// that finished (an answer dropped here would leave it loading for ever). `Err` gives the
    /// answer back when no parked pane asked for it.
    pub(super) fn parked_answer(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
        fx: &mut Vec<Effect>,
        news: &mut Vec<News>,
    ) -> Result<(), WorkerEvent> {
        let mut event = Some(event);
        let taken =
            self.each_parked(fx, news, true, |p, cx| match p.on_answer(id, event.take()?, cx) {
                Ok(outcome) => Some(outcome),
                Err(e) => {
                    event = Some(e);
                    None
                }
            });
        match event {
            Some(e) if !taken => Err(e),
            _ => Ok(()),
        }
    }

    /// News reaches the parked panes too (a run deleted, an explanation completed).
    pub(super) fn parked_news(&mut self, n: &News, fx: &mut Vec<Effect>, news: &mut Vec<News>) {
        self.each_parked(fx, news, false, |p, cx| Some(p.on_news(n, cx)));
    }

    /// Calls `f` on the parked panes, the newest drill-down's top first (only until one
    /// answers, when `first`). What a pane then asks of its own stack (a pane over it,
    /// closing) is done there; anything else waits for the user to come back. Whether one
    /// answered.
    fn each_parked(
        &mut self,
        fx: &mut Vec<Effect>,
        news: &mut Vec<News>,
        first: bool,
        mut f: impl FnMut(&mut dyn Component, &mut Ctx) -> Option<Outcome>,
    ) -> bool {
        for parked in self.parked.iter_mut().rev() {
            for i in (0..parked.stack.len()).rev() {
                let outside = Outside { drilled_from: Some(&parked.query), ..Outside::default() };
                let cx = &mut Ctx::new(&mut self.shared, fx, news).seeing(outside);
                let Some(outcome) = f(parked.stack[i].component_mut(), cx) else { continue };
                match outcome {
                    Outcome::Push(p) => parked.stack.insert(i + 1, p),
                    Outcome::Replace(p) => parked.stack[i] = p,
                    Outcome::Pop => drop(parked.stack.remove(i)),
                    _ => {}
                }
                if first {
                    return true;
                }
            }
        }
        false
    }

    /// What the list shows when a drill-down is open ("23 runs of Power-on › rail_3v3").
    pub fn drilled(&self) -> Option<&str> {
        self.parked.last().map(|p| p.what.as_str())
    }
}
