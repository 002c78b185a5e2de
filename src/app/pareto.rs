//! The failure Pareto pane: the failures among the runs the view's filter matches, each
//! attributed to its first failing phase and, inside it, its first failing measurement (final
//! attempts only), grouped into bars — by failure mode, by phase, or by the station, fixture or
//! other value the failing run carried — the largest first with share and cumulative share,
//! top 20 and "other". Runs load first, then the failing phases and measurements; the bars
//! are recomputed after each batch.

use super::drill::DrillDown;
use super::explain::{ExplainPane, Explained};
use super::insight::{InsightLoad, InsightTable, population};
use super::pane::{Answered, Component, Ctx, News, Outcome};
use super::scroll::Scroll;
use super::{Action, ListState, Mode, Pane, layout};
use crate::analysis::{
    CrossTab, CrossTabOptions, Dim, Drill, FailureMode, FailureOptions, ModeFilter, Pareto,
    ParetoBy, ParetoOptions, crosstab, pareto,
};
use crate::query::RunQuery;
use crate::worker::{RequestId, WorkerEvent};

pub struct ParetoPane {
    pub load: InsightLoad,
    pub by: ParetoBy,
    pub report: Pareto,
    /// The two-way table (failure × station, or × the bars' dimension) when shown.
    pub two_way: Option<CrossTab>,
    /// The cursor over the bars (or the two-way table's rows).
    pub rows: Scroll,
    /// The two-way table's column cursor (`h`/`l`); its offset is the first column shown.
    pub cols: Scroll,
    /// Final attempts only unless retries are asked for (`a`); ABORTED runs with `A`.
    pub failures: FailureOptions,
    /// Opened with `e` on a measurement in the run tree: (phase, measurement) to explain
    /// once the failures are in.
    explain_on_load: Option<(String, String)>,
    /// The failure mode of an explain pane opened during the load, explained again (and
    /// announced) when the load completes.
    explaining: Option<ModeFilter>,
}

impl ParetoPane {
    /// Opens the pane for the runs `list`'s filter matches and starts loading them.
    pub(crate) fn for_list(list: &ListState, cx: &mut Ctx) -> ParetoPane {
        Self::over(list, None, cx)
    }

    /// `drilled_from`: the list is a drill-down from this filter, whose population is used.
    fn over(list: &ListState, drilled_from: Option<&RunQuery>, cx: &mut Ctx) -> ParetoPane {
        let pop = population(&list.query, drilled_from, "a failure rate needs the passing runs");
        let load = InsightLoad::start(list, pop, true, cx);
        let report = pareto(&load.facts, &ParetoOptions::default());
        ParetoPane {
            load,
            by: ParetoBy::Mode,
            report,
            two_way: None,
            rows: Scroll::default(),
            cols: Scroll::default(),
            failures: FailureOptions::default(),
            explain_on_load: None,
            explaining: None,
        }
    }

    /// `e` on a measurement in the run tree: the Pareto of the list's filter, and over it, once
    /// loaded, that measurement's failures explained.
    pub(crate) fn explaining(
        list: &ListState,
        drilled_from: Option<&RunQuery>,
        target: (String, String),
        cx: &mut Ctx,
    ) -> Self {
        ParetoPane { explain_on_load: Some(target), ..Self::over(list, drilled_from, cx) }
    }

    /// The explain pane asked for when the Pareto opened, once the load is complete.
    fn explain_loaded(&mut self, cx: &mut Ctx) -> Outcome {
        let Some((phase, name)) = self.explain_on_load.take() else { return Outcome::Stay };
        let facts = &self.load.facts;
        match (facts.phase_code(&phase), facts.measurement_code(&name)) {
            (Some(phase), Some(measurement)) => {
                let mode = ModeFilter::Mode(FailureMode::Measurement { phase, measurement });
                let pane = ExplainPane::new(
                    facts,
                    self.load.query(),
                    &mode,
                    self.failures,
                    &self.load.heading(),
                    false,
                )
                .with_drift(facts, self.load.query(), &mode, self.failures, cx);
                Outcome::Push(Pane::Explain(Box::new(pane)))
            }
            _ => {
                cx.flash(format!(
                    "{phase} › {name} did not fail in these runs: nothing to explain"
                ));
                Outcome::Stay
            }
        }
    }

    /// Failure modes (or phases) × stations, or × the dimension the bars are by: every row and
    /// column, whatever the screen holds (the renderer shows what fits).
    fn cross(&self) -> CrossTab {
        let opts = CrossTabOptions {
            failures: self.failures,
            rows_by: if self.by == ParetoBy::Phase { ParetoBy::Phase } else { ParetoBy::Mode },
            dim: self.dim().unwrap_or(Dim::Station),
        };
        crosstab(&self.load.facts, &opts)
    }

    /// The item under the cursor: a bar's runs, or a two-way row's mode.
    fn selected_item(&self) -> Option<Drill> {
        let i = self.rows.cursor;
        match &self.two_way {
            Some(t) => Some(Drill { filter: t.rows.get(i)?.filter, value: None }),
            None => Some(self.report.bars.get(i)?.drill),
        }
    }

    /// Recomputes (new counting rules) with the cursor on the same item where it still is.
    fn recompute_keeping_cursor(&mut self, cx: &Ctx) {
        let item = self.selected_item();
        self.recompute();
        let at = match &self.two_way {
            Some(t) => t.rows.iter().position(|r| Some(r.filter) == item.map(|d| d.filter)),
            None => self.report.bars.iter().position(|b| Some(b.drill) == item),
        };
        if let Some(at) = at {
            self.rows.cursor = at;
        }
        self.rows.fit(self.row_count(), layout::insight_rows(cx.shared().size().1));
    }

    /// Moves the two-way table's column cursor, keeping it on screen.
    fn move_col(&mut self, delta: isize, cx: &Ctx) {
        let n = self.two_way.as_ref().map_or(0, |t| t.cols.len());
        self.cols.move_by(delta, n, layout::two_way_cols(cx.shared().size().0).max(1));
    }

    /// The next grouping: failure mode, phase, then each dimension the data has.
    fn next_by(&mut self, back: bool) {
        let mut all = vec![ParetoBy::Mode, ParetoBy::Phase];
        all.extend(self.load.facts.dims().into_iter().map(ParetoBy::Dim));
        let i = all.iter().position(|b| *b == self.by).unwrap_or(0);
        let n = all.len();
        self.by = all[if back { (i + n - 1) % n } else { (i + 1) % n }];
        self.rows = Scroll::default();
    }

    /// What the bars are, as the header shows it.
    pub fn by_name(&self) -> String {
        match self.by {
            ParetoBy::Mode => "failure (phase › measurement)".into(),
            ParetoBy::Phase => "first failing phase".into(),
            ParetoBy::Dim(d) => self.load.facts.dim_name(d).into_owned(),
        }
    }

    /// The dimension the bars are by, if any.
    pub fn dim(&self) -> Option<Dim> {
        match self.by {
            ParetoBy::Dim(d) => Some(d),
            _ => None,
        }
    }

    pub fn loading(&self) -> bool {
        self.load.loading()
    }

    /// The failure mode under the cursor: a bar's, or a two-way row's.
    pub fn selected_mode(&self) -> Option<ModeFilter> {
        let i = self.rows.cursor;
        match &self.two_way {
            Some(t) => Some(t.rows.get(i)?.filter),
            None => Some(self.report.bars.get(i)?.drill.filter),
        }
    }

    /// `e`: the explain pane for the failure mode under the cursor.
    fn explain(&mut self, cx: &mut Ctx) -> Outcome {
        match self.selected_mode() {
            Some(mode) => {
                let (facts, query) = (&self.load.facts, self.load.query());
                let heading = self.load.heading();
                let mut pane =
                    ExplainPane::new(facts, query, &mode, self.failures, &heading, self.loading());
                pane.phases_loading = self.load.reached_loading();
                // Opened during the load: computed again when it completes.
                pane.awaits = self.load.in_flight();
                self.explaining = pane.awaits.map(|_| mode);
                // The values for the drift load in the background once the runs are all in (their
                // own slot: which runs ran each phase may still be coming).
                let pane = if self.loading() {
                    pane
                } else {
                    pane.with_drift(facts, query, &mode, self.failures, cx)
                };
                Outcome::Push(Pane::Explain(Box::new(pane)))
            }
            None => {
                cx.flash("no failure under the cursor to explain");
                Outcome::Stay
            }
        }
    }

    /// `enter`: the runs list filtered to the failing runs under the cursor.
    fn drill(&self, cx: &mut Ctx) -> Outcome {
        if self.loading() {
            cx.flash("still loading: enter lists the runs once they are all in");
            return Outcome::Stay;
        }
        let i = self.rows.cursor;
        let facts = &self.load.facts;
        let (drill, label) = match &self.two_way {
            Some(t) => {
                match (t.drill(i, self.cols.cursor), t.rows.get(i), t.cols.get(self.cols.cursor)) {
                    (Some(d), Some(r), Some(c)) => {
                        (d, format!("{} on {} {}", r.label, facts.dim_name(t.dim), c.label))
                    }
                    _ => return Outcome::Stay,
                }
            }
            None => match self.report.bars.get(i) {
                Some(b) => (b.drill, b.label.clone()),
                None => return Outcome::Stay,
            },
        };
        let facts = &self.load.facts;
        let runs = facts.drill_runs(&drill, &self.failures);
        let d = DrillDown::runs(self.load.query(), facts, &runs, &label);
        Outcome::Drill(Box::new(d))
    }
}

impl InsightTable for ParetoPane {
    fn load(&mut self) -> &mut InsightLoad {
        &mut self.load
    }

    fn rows(&mut self) -> &mut Scroll {
        &mut self.rows
    }

    /// Rows under the cursor: the bars, or the two-way table's rows.
    fn row_count(&self) -> usize {
        self.two_way.as_ref().map_or(self.report.bars.len(), |t| t.rows.len())
    }

    fn recompute(&mut self) {
        let opts = ParetoOptions { by: self.by, failures: self.failures, ..Default::default() };
        self.report = pareto(&self.load.facts, &opts);
        if self.two_way.is_some() {
            self.two_way = Some(self.cross());
        }
    }
}

impl Component for ParetoPane {
    fn mode(&self) -> Mode {
        Mode::Pareto
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        if let Some(done) = self.table_key(a, cx) {
            return done;
        }
        match a {
            Action::Split => {
                self.next_by(false);
                self.recompute();
            }
            Action::SplitBack => {
                self.next_by(true);
                self.recompute();
            }
            Action::TwoWay => {
                self.two_way = if self.two_way.is_some() { None } else { Some(self.cross()) };
                self.rows = Scroll::default();
                self.cols = Scroll::default();
            }
            Action::ColumnLeft => self.move_col(-1, cx),
            Action::ColumnRight => self.move_col(1, cx),
            Action::Explain => return self.explain(cx),
            Action::Open => return self.drill(cx),
            Action::Retries => {
                self.failures.include_retries = !self.failures.include_retries;
                self.recompute_keeping_cursor(cx);
            }
            Action::Aborted => {
                self.failures.include_aborted = !self.failures.include_aborted;
                self.recompute_keeping_cursor(cx);
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        if self.table_answer(id, event, cx)? {
            // Once the runs that ran each phase are in too: explain's numbers are then w's.
            if !self.loading() && !self.load.reached_loading() && self.load.error.is_none() {
                if let Some(mode) = self.explaining.take() {
                    let (facts, query) = (&self.load.facts, self.load.query());
                    let e = Explained::new(id, facts, query, &mode, self.failures);
                    cx.announce(News::Explained(std::sync::Arc::new(e)));
                }
                return Ok(self.explain_loaded(cx));
            }
        }
        Ok(Outcome::Stay)
    }

    fn busy(&self) -> bool {
        self.load.loading()
    }
}
