//! The explain pane: one failure mode (a Pareto bar, or a row of its two-way table) and every
//! dimension the runs have — station, fixture and the other metadata keys, operator, batch,
//! revision, procedure version, hour of day — ranked by how concentrated the mode's failures
//! are in one value compared with the runs that value tested, the likely cause first. Computed
//! once, when it opens, from the runs the Pareto had loaded (it says so when that load was not
//! complete); `r` in the Pareto and `e` again recompute.

use super::drill::DrillDown;
use super::pane::{Answered, Component, Ctx, Outcome};
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
    /// procedures (`e` again, once loaded, narrows it).
    pub phases_loading: bool,
    /// The cursor over the dimensions.
    pub rows: Scroll,
    /// Per dimension, the failing runs of its most concentrated value (`enter`).
    drills: Vec<Option<DrillDown>>,
    /// A measurement failure: every value of the measurement over the same runs, split by
    /// the likely cause's dimension (station or a metadata key), for the drift prediction.
    pub drift: Option<Box<TrendPane>>,
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
        ExplainPane {
            filter: filter.to_string(),
            report,
            drills,
            runs: facts.loaded_runs(),
            partial,
            phases_loading: false,
            rows: Scroll::default(),
            drift: None,
        }
    }

    /// For a measurement failure, loads its values over `query` (the Pareto's runs) for the
    /// drift prediction: the measurement of the procedure most of the failures come from,
    /// split as the lead dimension is when that is the station or a metadata key.
    pub(crate) fn with_drift(
        mut self,
        facts: &Facts,
        query: &RunQuery,
        mode: &ModeFilter,
        failures: FailureOptions,
        cx: &mut Ctx,
    ) -> Self {
        let ModeFilter::Mode(m) = mode else { return self };
        let Some((phase, measurement)) = facts.measurement_of(m) else { return self };
        let runs = facts.drill_runs(&Drill { filter: *mode, value: None }, &failures);
        let mut by_procedure: Vec<(u16, usize)> = Vec::new();
        for r in runs {
            let p = facts.run(r).procedure;
            match by_procedure.iter_mut().find(|(q, _)| *q == p) {
                Some((_, n)) => *n += 1,
                None => by_procedure.push((p, 1)),
            }
        }
        let Some(&(procedure, _)) = by_procedure.iter().max_by_key(|(_, n)| *n) else {
            return self;
        };
        let target = TrendTarget {
            procedure_id: facts.procedure_id(procedure).to_string(),
            phase: phase.to_string(),
            measurement: measurement.to_string(),
        };
        let list = ListState { query: query.clone(), ..ListState::default() };
        let mut trend = TrendPane::open_in(&list, None, target, Slot::Drift, cx);
        trend.split = match self.report.dims.first().map(|d| d.dim) {
            Some(d @ (Dim::Station | Dim::Meta(_))) => Some(d),
            _ => Some(Dim::Station),
        };
        self.drift = Some(Box::new(trend));
        self
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
        let vp = explain_rows(cx.shared().size.1).saturating_sub(self.drift_rows().into());
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

    fn busy(&self) -> bool {
        self.drift.as_ref().is_some_and(|t| t.loading())
    }
}
