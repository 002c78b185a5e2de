//! The explain pane: one failure mode (a Pareto bar, or a row of its two-way table) and every
//! dimension the runs have — station, fixture and the other metadata keys, operator, batch,
//! revision, procedure version, hour of day — ranked by how concentrated the mode's failures
//! are in one value compared with the runs that value tested, the likely cause first. Computed
//! when it opens from the runs the Pareto had loaded; opened while the Pareto was still loading
//! (its runs, or which runs ran each phase), it says so and is computed again when the load
//! completes.

use super::drill::DrillDown;
use super::pane::{Answered, Component, Ctx, News, Outcome};
use super::scroll::Scroll;
use super::trend::TrendPane;
use super::{Action, ListState, Mode, layout};
use crate::analysis::{
    Dim, Drill, ExplainOptions, Explanation, Facts, FailureOptions, ModeFilter, explain,
};
use crate::query::RunQuery;
use crate::worker::{RequestId, Slot, TrendTarget, WorkerEvent};

pub struct ExplainPane {
    /// The view's filter as the `/` line shows it (empty: every run).
    pub filter: String,
    pub report: Explanation,
    /// Runs the explanation was computed from.
    pub runs: usize,
    /// The Pareto was still loading when this opened: the numbers are partial.
    pub partial: bool,
    /// Which runs ran each phase was still loading: the population is the runs of the mode's
    /// procedures until the load completes.
    pub phases_loading: bool,
    /// The Pareto's load this was opened during: its explanation, once complete, replaces
    /// this one ([`News::Explained`]).
    pub awaits: Option<RequestId>,
    /// The cursor over the dimensions.
    pub rows: Scroll,
    /// Per dimension, the failing runs of its most concentrated value (`enter`).
    drills: Vec<Option<DrillDown>>,
    /// A measurement failure: every value of the measurement over the same runs, split by
    /// the likely cause's dimension (station or a metadata key), for the drift prediction.
    pub drift: Option<Box<TrendPane>>,
}

/// An explanation computed again once the load it was opened during completed (the Pareto
/// announces it as [`News::Explained`]); `from` is that load's request.
#[derive(Debug)]
pub(crate) struct Explained {
    pub from: RequestId,
    report: Explanation,
    drills: Vec<Option<DrillDown>>,
    runs: usize,
    /// The drift prediction's measurement and metadata key to split by, for a measurement
    /// failure.
    drift: Option<(TrendTarget, Option<String>)>,
    query: RunQuery,
}

impl Explained {
    /// `mode` explained over the completed load `from` of `facts`.
    pub(crate) fn new(
        from: RequestId,
        facts: &Facts,
        query: &RunQuery,
        mode: &ModeFilter,
        failures: FailureOptions,
    ) -> Self {
        let (report, drills) = compute(facts, query, mode, failures);
        let drift = drift_target(&report, facts, mode, failures);
        let runs = facts.loaded_runs();
        Explained { from, report, drills, runs, drift, query: query.clone() }
    }
}

/// The explanation of `mode` over `facts`, and per dimension the failing runs of its most
/// concentrated value.
fn compute(
    facts: &Facts,
    query: &RunQuery,
    mode: &ModeFilter,
    failures: FailureOptions,
) -> (Explanation, Vec<Option<DrillDown>>) {
    let opts = ExplainOptions { failures, ..ExplainOptions::default() };
    let report = explain(facts, mode, &opts);
    let drills = report
        .dims
        .iter()
        .map(|d| {
            let v = d.best()?;
            let drill = Drill { filter: *mode, value: Some((d.dim, v.code)) };
            let runs = facts.drill_runs(&drill, &opts.failures);
            let what = format!("{} on {} {}", report.label, d.name, v.label);
            Some(DrillDown::runs(query, facts, &runs, &what))
        })
        .collect();
    (report, drills)
}

/// For a measurement failure, what the drift prediction reads: the measurement of the
/// procedure most of the failures come from, split as the lead dimension is when that is the
/// station or a metadata key (else by station): the key's name, which the trend's own facts
/// number as they see it.
fn drift_target(
    report: &Explanation,
    facts: &Facts,
    mode: &ModeFilter,
    failures: FailureOptions,
) -> Option<(TrendTarget, Option<String>)> {
    let ModeFilter::Mode(m) = mode else { return None };
    let (phase, measurement) = facts.measurement_of(m)?;
    let runs = facts.drill_runs(&Drill { filter: *mode, value: None }, &failures);
    let mut by_procedure: Vec<(u16, usize)> = Vec::new();
    for r in runs {
        let p = facts.run(r).procedure;
        match by_procedure.iter_mut().find(|(q, _)| *q == p) {
            Some((_, n)) => *n += 1,
            None => by_procedure.push((p, 1)),
        }
    }
    let &(procedure, _) = by_procedure.iter().max_by_key(|(_, n)| *n)?;
    let target = TrendTarget {
        procedure_id: facts.procedure_id(procedure).to_string(),
        phase: phase.to_string(),
        measurement: measurement.to_string(),
    };
    let split = match report.dims.first().map(|d| d.dim) {
        Some(d @ Dim::Meta(_)) => Some(facts.dim_name(d).into_owned()),
        _ => None,
    };
    Some((target, split))
}

impl ExplainPane {
    /// Explains `mode` over `facts` (the Pareto's runs, loaded or `partial`).
    pub(crate) fn new(
        facts: &Facts,
        query: &RunQuery,
        mode: &ModeFilter,
        failures: FailureOptions,
        filter: &str,
        partial: bool,
    ) -> Self {
        let (report, drills) = compute(facts, query, mode, failures);
        ExplainPane {
            filter: filter.to_string(),
            report,
            drills,
            runs: facts.loaded_runs(),
            partial,
            phases_loading: false,
            awaits: None,
            rows: Scroll::default(),
            drift: None,
        }
    }

    /// Loads the failing measurement's values over `query` (the Pareto's runs) for the drift
    /// prediction, when `mode` is a measurement failure.
    pub(crate) fn with_drift(
        mut self,
        facts: &Facts,
        query: &RunQuery,
        mode: &ModeFilter,
        failures: FailureOptions,
        cx: &mut Ctx,
    ) -> Self {
        if let Some((target, split)) = drift_target(&self.report, facts, mode, failures) {
            self.start_drift(target, split, query, cx);
        }
        self
    }

    fn start_drift(
        &mut self,
        target: TrendTarget,
        key: Option<String>,
        q: &RunQuery,
        cx: &mut Ctx,
    ) {
        let list = ListState { query: q.clone(), ..ListState::default() };
        let mut trend = TrendPane::open_in(&list, None, target, Slot::Drift, cx);
        trend.split_on(key);
        self.drift = Some(Box::new(trend));
    }

    /// Takes the explanation computed once the load completed, the cursor staying on its
    /// dimension; the drift prediction starts, or follows the lead dimension.
    fn take(&mut self, e: &Explained, cx: &mut Ctx) {
        let at = self.report.dims.get(self.rows.cursor).map(|d| d.dim);
        self.report = e.report.clone();
        self.drills = e.drills.clone();
        (self.runs, self.partial, self.phases_loading, self.awaits) = (e.runs, false, false, None);
        let i = self.report.dims.iter().position(|d| Some(d.dim) == at).unwrap_or(0);
        self.rows = Scroll::default();
        self.rows.move_by(i as isize, self.report.dims.len(), explain_rows(cx.shared().size().1));
        match (&mut self.drift, &e.drift) {
            (Some(t), Some((_, key))) => t.split_on(key.clone()),
            (None, Some((target, key))) => {
                self.start_drift(target.clone(), key.clone(), &e.query, cx);
            }
            _ => {}
        }
    }

    /// Rows under the table kept for the drift prediction (a gap, then one or two lines).
    pub(crate) fn drift_rows(&self) -> u16 {
        if self.drift.is_some() { 3 } else { 0 }
    }

    /// The full sentence for the dimension under the cursor.
    pub fn selected_sentence(&self) -> Option<String> {
        self.report.dims.get(self.rows.cursor).map(|d| self.report.sentence(d))
    }
}

/// Rows of the explain table on a screen `height` rows high: the insight panes' table less the
/// lines that spell out the selected dimension.
pub(crate) fn explain_rows(height: u16) -> usize {
    layout::insight_rows(height).saturating_sub(EXPLAIN_SENTENCE as usize)
}

/// Lines under the table that spell out the dimension under the cursor.
pub(crate) const EXPLAIN_SENTENCE: u16 = 3;

impl Component for ExplainPane {
    fn mode(&self) -> Mode {
        Mode::Explain
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        let vp = explain_rows(cx.shared().size().1).saturating_sub(self.drift_rows().into());
        if let Some(d) = a.step(vp.max(1) as isize) {
            self.rows.move_by(d, self.report.dims.len(), vp);
            return Outcome::Stay;
        }
        match a {
            Action::Back => {
                if let Some(t) = &mut self.drift {
                    t.load.cancel(cx);
                }
                Outcome::Pop
            }
            Action::Open => match self.drills.get(self.rows.cursor).and_then(Option::as_ref) {
                Some(d) => Outcome::Drill(Box::new(DrillDown {
                    query: d.query.clone(),
                    what: d.what.clone(),
                })),
                None => Outcome::Stay,
            },
            _ => Outcome::Stay,
        }
    }

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        match &mut self.drift {
            Some(t) => t.on_answer(id, event, cx).map(|_| Outcome::Stay),
            None => Err(event),
        }
    }

    fn on_news(&mut self, news: &News, cx: &mut Ctx) -> Outcome {
        if let News::Explained(e) = news
            && self.awaits == Some(e.from)
        {
            self.take(e, cx);
        }
        Outcome::Stay
    }

    fn busy(&self) -> bool {
        self.drift.as_ref().is_some_and(|t| t.loading())
    }
}
