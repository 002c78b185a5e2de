//! The yield pane: for the runs the current view's filter matches (its outcome and `id:`
//! clauses set aside: see [`super::insight::population`]), units tested, runs,
//! first-pass and final yield, retest load and throughput, split by a dimension (station,
//! each metadata key, operator, batch, revision, procedure version, procedure, hour of day)
//! as a table, costliest first, with a sparkline of first-pass yield per day (or hour).
//! The runs load page by page in the background; the numbers are recomputed after each batch,
//! `esc` stops the load and goes back.

use super::insight::{InsightLoad, InsightTable, population};
use super::pane::{Answered, Component, Ctx, Outcome};
use super::scroll::Scroll;
use super::{Action, ListState, Mode};
use crate::analysis::{Dim, YieldOptions, YieldReport, yield_report};
use crate::worker::{RequestId, WorkerEvent};

pub struct YieldPane {
    pub load: InsightLoad,
    /// What the table splits by (`None`: the totals only).
    pub split: Option<Dim>,
    pub report: YieldReport,
    /// The cursor over the split's rows.
    pub rows: Scroll,
}

impl YieldPane {
    /// Opens the pane for the runs `list`'s filter matches and starts loading them.
    pub(crate) fn for_list(list: &ListState, cx: &mut Ctx) -> YieldPane {
        let pop = population(&list.query, None, "yield needs the passing runs");
        let load = InsightLoad::start(list, pop, false, cx);
        let report = yield_report(&load.facts, &YieldOptions::default());
        YieldPane { load, split: Some(Dim::Station), report, rows: Scroll::default() }
    }

    /// The next dimension to split by: station, each metadata key, operator, batch,
    /// revision, procedure version, procedure, hour of day, none.
    fn next_split(&mut self, back: bool) {
        let mut all: Vec<Option<Dim>> = self.load.facts.dims().into_iter().map(Some).collect();
        all.push(None);
        let i = all.iter().position(|d| *d == self.split).unwrap_or(0);
        let n = all.len();
        self.split = all[if back { (i + n - 1) % n } else { (i + 1) % n }];
        self.rows = Scroll::default();
        self.recompute();
    }

    /// The split's name as the header shows it.
    pub fn split_name(&self) -> String {
        self.split.map_or("nothing".into(), |d| self.load.facts.dim_name(d).into_owned())
    }

    pub fn loading(&self) -> bool {
        self.load.loading()
    }

    /// `enter`: the runs list filtered to the row's counted runs.
    fn drill(&self, cx: &mut Ctx) -> Outcome {
        if self.load.loading() {
            cx.flash("still loading: enter lists the runs once they are all in");
            return Outcome::Stay;
        }
        let row = self.report.rows.get(self.rows.cursor);
        match (self.split, row.and_then(|r| r.code)) {
            (Some(dim), Some(code)) => Outcome::Drill(Box::new(super::drill::counted_with(
                self.load.query(),
                &self.load.facts,
                dim,
                code,
            ))),
            _ => Outcome::Stay,
        }
    }
}

impl InsightTable for YieldPane {
    fn load(&mut self) -> &mut InsightLoad {
        &mut self.load
    }

    fn rows(&mut self) -> &mut Scroll {
        &mut self.rows
    }

    fn row_count(&self) -> usize {
        self.report.rows.len()
    }

    fn recompute(&mut self) {
        let opts = YieldOptions { split: self.split, ..YieldOptions::default() };
        self.report = yield_report(&self.load.facts, &opts);
    }
}

impl Component for YieldPane {
    fn mode(&self) -> Mode {
        Mode::Yield
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        if let Some(done) = self.table_key(a, cx) {
            return done;
        }
        match a {
            Action::Split => self.next_split(false),
            Action::SplitBack => self.next_split(true),
            Action::Open => return self.drill(cx),
            _ => {}
        }
        Outcome::Stay
    }

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        self.table_answer(id, event, cx)?;
        Ok(Outcome::Stay)
    }

    fn busy(&self) -> bool {
        self.load.loading()
    }
}
