//! What the insight panes (yield, Pareto, trend) share: the runs of their population loading
//! in the background into [`Facts`], with the progress and the errors to show. The pane
//! recomputes its report whenever [`InsightLoad::on_answer`] says the facts changed.
//!
//! The population is the view's filter without its outcome and `id:` clauses ([`population`]):
//! a yield over the failing runs only is 0 %, and a Cpk over the failing values is meaningless.

use super::pane::{Ctx, Outcome, retry_note};
use super::scroll::Scroll;
use super::{Action, ListState, layout};
use crate::analysis::Facts;
use crate::query::RunQuery;
use crate::worker::{
    ClientError, Fetch, ListRequest, PerRun, RequestId, Slot, TrendTarget, WorkerEvent,
};

/// The runs an insight pane computes over, and what of the view's filter it set aside.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Population {
    pub query: RunQuery,
    /// What the header says about it ("outcome set aside: yield needs the passing runs").
    pub note: Option<String>,
}

/// The population of an insight pane opened on a list filtered by `view`: the runs that could
/// fail, i.e. `view` without its outcome and `id:` clauses (they pick runs by the answer the
/// pane computes). `drilled_from`: the list is a drill-down and this is the filter it came
/// from, whose population is used instead. `needs`: why, as the header says it.
pub(crate) fn population(
    view: &RunQuery,
    drilled_from: Option<&RunQuery>,
    needs: &str,
) -> Population {
    let source = drilled_from.unwrap_or(view);
    let mut query = source.clone();
    let mut aside = Vec::new();
    if !query.outcomes.is_empty() {
        aside.push("outcome");
        query.outcomes.clear();
    }
    if !query.ids.is_empty() {
        aside.push("id:");
        query.ids.clear();
    }
    let clauses = match aside.as_slice() {
        [] => None,
        [one] => Some(format!("{one} set aside")),
        _ => Some(format!("{} set aside", aside.join(" and "))),
    };
    let note = match (drilled_from.is_some(), clauses) {
        (true, Some(c)) => Some(format!("the drill-down's source, {c}: {needs}")),
        (true, None) => Some(format!("the drill-down's source: {needs}")),
        (false, Some(c)) => Some(format!("{c}: {needs}")),
        (false, None) => None,
    };
    Population { query, note }
}

pub struct InsightLoad {
    /// The population's filter as the `/` line would show it (empty: every run).
    pub filter: String,
    /// What of the view's filter was set aside, and why.
    pub note: Option<String>,
    request: ListRequest,
    /// Also load failing phases and measurements (the Pareto needs them).
    failures: bool,
    /// Then the values of this measurement (the trend), instead of the failures.
    trend: Option<Box<TrendTarget>>,
    pub facts: Facts,
    /// The worker's slot its requests go in (a newer one there stops this one).
    slot: Slot,
    pub pending: Option<RequestId>,
    /// Loaded; which runs ran each failing phase still coming (the request's id).
    reached_pending: Option<RequestId>,
    /// Runs received so far.
    pub loaded: usize,
    /// Runs received when the pane last counted (see [`InsightLoad::on_answer`]).
    counted_at: usize,
    /// Rows the API sent that could not be read.
    pub unreadable: usize,
    /// The filter matches more runs than are loaded (the newest were).
    pub capped: bool,
    /// The runs are in; failing phases and measurements are loading.
    pub runs_done: bool,
    pub error: Option<String>,
    pub retry: Option<String>,
    /// The server lacks the cross-run lists: failures are read run by run (how far).
    pub per_run: Option<PerRun>,
    /// The time window set with the window keys (days; `None`: the filter's own).
    pub window_days: Option<u16>,
    /// The population's filter before a window was set.
    base: RunQuery,
    /// The server could not be reached: the runs are the local cache's, as of then (ms).
    pub offline_since: Option<i64>,
}

impl InsightLoad {
    /// Starts loading the runs of `pop` (of `list`'s filter).
    pub(crate) fn start(list: &ListState, pop: Population, failures: bool, cx: &mut Ctx) -> Self {
        Self::start_with(list, pop, failures, None, Slot::Population, cx)
    }

    /// Starts loading the runs of `pop`, then the values of `target`.
    pub(crate) fn start_trend(
        list: &ListState,
        pop: Population,
        target: TrendTarget,
        slot: Slot,
        cx: &mut Ctx,
    ) -> Self {
        Self::start_with(list, pop, true, Some(Box::new(target)), slot, cx)
    }

    fn start_with(
        list: &ListState,
        pop: Population,
        failures: bool,
        trend: Option<Box<TrendTarget>>,
        slot: Slot,
        cx: &mut Ctx,
    ) -> InsightLoad {
        // The list's sort and paging do not matter: the loader reads every run, newest first.
        let request = list.first_page(pop.query, 100, cx.now(), cx.shared().tz());
        let mut l = InsightLoad {
            filter: request.query.to_line(),
            note: pop.note,
            window_days: None,
            base: request.query.clone(),
            request,
            failures,
            trend,
            facts: Facts::new(0),
            slot,
            pending: None,
            reached_pending: None,
            loaded: 0,
            unreadable: 0,
            capped: false,
            runs_done: false,
            error: None,
            retry: None,
            per_run: None,
            offline_since: None,
            counted_at: 0,
        };
        l.reload(cx);
        l
    }

    /// Loads again from nothing.
    pub(crate) fn reload(&mut self, cx: &mut Ctx) {
        self.forget_runs(cx);
        (self.error, self.retry, self.per_run) = (None, None, None);
        self.offline_since = None;
        self.reached_pending = None;
        self.request.now_ms = cx.now();
        let req = Box::new(self.request.clone());
        let fetch = match &self.trend {
            Some(target) => Fetch::Trend { req, target: target.clone() },
            None => Fetch::Population { req, failures: self.failures },
        };
        self.pending = Some(cx.fetch(self.slot, fetch));
    }

    /// Forgets the runs loaded so far.
    fn forget_runs(&mut self, cx: &Ctx) {
        // Days are bucketed at today's offset (a day across a DST change is an hour off).
        let offset = cx.shared().tz().at(cx.now()).map_or(0, |t| t.offset().local_minus_utc());
        self.facts = Facts::new(offset / 60);
        (self.loaded, self.unreadable, self.capped, self.runs_done) = (0, 0, false, false);
        self.counted_at = 0;
    }

    /// Stops a load in flight.
    pub(crate) fn cancel(&mut self, cx: &mut Ctx) {
        if self.pending.take().is_some() | self.reached_pending.take().is_some() {
            cx.cancel(self.slot);
        }
    }

    pub fn loading(&self) -> bool {
        self.pending.is_some()
    }

    /// The load in flight (the runs, or which runs ran each phase), if any.
    pub(crate) fn in_flight(&self) -> Option<RequestId> {
        self.pending.or(self.reached_pending)
    }

    /// Loaded, but which runs ran each failing phase is still coming: a phase's failures are
    /// tested against the runs of its procedures meanwhile.
    pub fn reached_loading(&self) -> bool {
        self.reached_pending.is_some()
    }

    /// The population as a header says it: its filter ("all runs"), the window set with the
    /// window keys, and what was set aside.
    pub fn heading(&self) -> String {
        let filter =
            if self.base.is_empty() { "all runs".to_string() } else { self.base.to_line() };
        let window = match self.window_days {
            Some(1) => " · last day".to_string(),
            Some(d) => format!(" · last {d} days"),
            None => String::new(),
        };
        match &self.note {
            Some(n) => format!("{filter}{window} · {n}"),
            None => format!("{filter}{window}"),
        }
    }

    /// A window key: the runs started in the last `days` days (0: the filter's own window),
    /// loaded again without editing the filter. False when it was already so.
    pub(crate) fn set_window(&mut self, days: u16, cx: &mut Ctx) -> bool {
        let window = (days > 0).then_some(days);
        if window == self.window_days {
            return false;
        }
        self.window_days = window;
        let mut q = self.base.clone();
        if let Some(d) = window {
            q.started = crate::query::Bounds {
                min: Some(crate::query::TimeSpec::Ago(i64::from(d) * 86_400_000)),
                max: None,
            };
        }
        self.filter = q.to_line();
        self.request.query = q;
        self.cancel(cx);
        self.reload(cx);
        true
    }

    /// The population's filter the runs were loaded for.
    pub(crate) fn query(&self) -> &crate::query::RunQuery {
        &self.request.query
    }

    pub(crate) fn failed(&mut self, e: ClientError, cx: &mut Ctx) {
        if let ClientError::Unauthorized(m) = &e {
            cx.block(m.clone());
        }
        self.error = Some(e.to_string());
        self.pending = None;
    }

    /// A worker answer: `Ok(true)` when the facts changed, `Err` when it is not this load's.
    pub(crate) fn on_answer(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
        cx: &mut Ctx,
    ) -> Result<bool, WorkerEvent> {
        if self.pending != Some(id) && self.reached_pending != Some(id) {
            return Err(event);
        }
        match event {
            WorkerEvent::Retrying { attempt, delay, error } => {
                self.retry = Some(retry_note(attempt, delay, &error));
                Ok(false)
            }
            WorkerEvent::PopulationReset => {
                self.forget_runs(cx);
                Ok(true)
            }
            WorkerEvent::PopulationCached { synced_ms } => {
                self.offline_since = Some(synced_ms);
                Ok(false)
            }
            WorkerEvent::PopulationRuns { rows, unreadable, done, capped } => {
                self.retry = None;
                self.capped = capped;
                match rows {
                    Ok(rows) => {
                        self.loaded += rows.len();
                        self.unreadable += unreadable;
                        self.facts.add_runs(&rows);
                        self.runs_done = done;
                        if done && !self.failures {
                            self.pending = None;
                        }
                        // The pane counts again when the runs grew by half since it last
                        // did (and at the end): a few counts over 50,000 runs, not one per
                        // batch of a few hundred (which made the load quadratic).
                        let grew = self.loaded >= self.counted_at + self.counted_at / 2;
                        if done || grew || self.counted_at == 0 {
                            self.counted_at = self.loaded;
                            return Ok(true);
                        }
                        Ok(false)
                    }
                    Err(e) => {
                        self.failed(e, cx);
                        Ok(false)
                    }
                }
            }
            WorkerEvent::PopulationFailures { rows, done } => {
                self.retry = None;
                match rows {
                    Ok(rows) => {
                        self.facts.add_phases(&rows.phases);
                        self.facts.add_measurements(&rows.measurements);
                        for run in &rows.runs {
                            self.facts.add_run_detail(run);
                        }
                        if rows.per_run.is_some() {
                            self.per_run = rows.per_run.map(|p| *p);
                        }
                        if done {
                            self.pending = None;
                            self.reached_pending = rows.reached_follow.then_some(id);
                        }
                        Ok(true)
                    }
                    Err(e) => {
                        self.failed(e, cx);
                        Ok(false)
                    }
                }
            }
            WorkerEvent::PopulationReached { rows, done, complete } => {
                self.facts.add_reached(&rows);
                if done {
                    self.facts.set_reached_complete(complete);
                    self.reached_pending = None;
                }
                // Nothing changes until every phase's runs are in.
                Ok(done)
            }
            other => Err(other),
        }
    }
}

/// What the yield and Pareto panes share: a table recomputed from the load's facts, under a
/// cursor. Their common keys and answers are handled here, once.
pub(crate) trait InsightTable {
    fn load(&mut self) -> &mut InsightLoad;
    /// The cursor over the table's rows.
    fn rows(&mut self) -> &mut Scroll;
    fn row_count(&self) -> usize;
    /// The table again from the facts.
    fn recompute(&mut self);

    /// The keys every table takes: the cursor's, `esc` (the load cancelled), `r` and the
    /// window's. `None`: the action is the pane's own.
    fn table_key(&mut self, a: Action, cx: &mut Ctx) -> Option<Outcome> {
        let vp = layout::insight_rows(cx.shared().size().1);
        if let Some(d) = a.step(vp.max(1) as isize) {
            let n = self.row_count();
            self.rows().move_by(d, n, vp);
            return Some(Outcome::Stay);
        }
        match a {
            Action::Back => {
                self.load().cancel(cx);
                return Some(Outcome::Pop);
            }
            Action::Refresh => self.load().reload(cx),
            Action::Window(days) if self.load().set_window(days, cx) => {
                *self.rows() = Scroll::default();
            }
            _ => return None,
        }
        self.recompute();
        Some(Outcome::Stay)
    }

    /// A worker answer for the load: `Ok(true)` when the facts changed (the table is then
    /// recomputed, its cursor kept on it).
    fn table_answer(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
        cx: &mut Ctx,
    ) -> Result<bool, WorkerEvent> {
        let changed = self.load().on_answer(id, event, cx)?;
        if changed {
            self.recompute();
            let n = self.row_count();
            self.rows().fit(n, layout::insight_rows(cx.shared().size().1));
        }
        Ok(changed)
    }
}
