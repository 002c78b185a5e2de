//! The measurement trend pane: every value of one measurement (a phase's measurement of a
//! procedure, picked with `t` in the run tree) over the runs the view's filter matches, final
//! attempts only. The runs load first (they tell the points apart by station or fixture), then
//! the values page by page; the statistics, the groups and the drift are recomputed after each
//! page. Values of runs outside the filter (the measurements list takes only the time window)
//! are left out.

use super::drill::DrillDown;
use super::insight::{InsightLoad, population};
use super::pane::{Answered, Component, Ctx, Outcome, awaited};
use super::pareto::ParetoPane;
use super::run::RunPane;
use super::{Action, ListState, Mode};
use crate::analysis::{
    Dim, Drift, MeasurementSeries, MeasurementStats, NO_TIME, PointGroup, TrendOptions, Verdict,
    point_groups, slope,
};
use crate::query::RunQuery;
use crate::worker::{RequestId, Slot, TrendTarget, WorkerEvent};

/// Groups in the legend before the rest share "other".
pub(crate) const MAX_GROUPS: usize = 6;

pub struct TrendPane {
    pub load: InsightLoad,
    pub target: TrendTarget,
    pub series: MeasurementSeries,
    pub opts: TrendOptions,
    /// What the points are told apart by; `None`: one group.
    pub split: Option<Dim>,
    /// A metadata key to split by once the values name it (another pane's [`Dim`] is not
    /// this one's: each numbers the keys it sees).
    split_key: Option<String>,
    pub stats: MeasurementStats,
    pub groups: Vec<PointGroup>,
    /// The drift: least-squares slope per day over every point in view, and the mean of the
    /// older half of the points against the newer half.
    pub slope_per_day: Option<f64>,
    pub halves: Option<(f64, f64)>,
    /// The same line with its slope's 95 % interval: when it reaches a limit.
    pub drift: Option<Drift>,
    /// Values received (every attempt, runs outside the filter left out).
    pub values: usize,
    /// Values whose run has not come yet.
    held: Vec<crate::api::crossrun::MeasurementRow>,
    /// When the statistics were last computed (ms).
    computed_ms: i64,
}

/// How often the statistics are recomputed while values come in (ms).
const RECOMPUTE_EVERY_MS: i64 = 150;

/// The measurement under the run tree's cursor (or the one a validator under it belongs to).
pub(crate) fn target_of(run: &RunPane) -> Option<TrendTarget> {
    let procedure_id = run.loaded()?.run.summary.procedure.id.clone();
    let (phase, measurement) = run.place().node?;
    Some(TrendTarget { procedure_id, phase, measurement: measurement? })
}

/// `t` (its trend) or `e` (the Pareto, then its failures explained) on a measurement in the
/// run tree, over the filter of the list under the run view.
pub(crate) fn from_run_tree(run: &RunPane, a: Action, cx: &mut Ctx) -> Outcome {
    let (Some(list), drilled_from) = (cx.list(), cx.drilled_from()) else { return Outcome::Stay };
    match (target_of(run), a) {
        (Some(t), Action::Trend) => {
            Outcome::Push(TrendPane::open(list, drilled_from, t, cx).into())
        }
        (Some(t), _) => {
            let target = (t.phase, t.measurement);
            Outcome::Push(ParetoPane::explaining(list, drilled_from, target, cx).into())
        }
        (None, Action::Trend) => {
            cx.flash("t: put the cursor on a measurement to see its trend");
            Outcome::Stay
        }
        (None, _) => {
            cx.flash("e: put the cursor on a measurement to explain its failures");
            Outcome::Stay
        }
    }
}

impl TrendPane {
    /// `drilled_from`: the list is a drill-down from this filter, whose population is used.
    pub(crate) fn open(
        list: &ListState,
        drilled_from: Option<&RunQuery>,
        target: TrendTarget,
        cx: &mut Ctx,
    ) -> TrendPane {
        Self::open_in(list, drilled_from, target, Slot::Population, cx)
    }

    /// As [`Self::open`], its load in the worker's `slot`.
    pub(crate) fn open_in(
        list: &ListState,
        drilled_from: Option<&RunQuery>,
        target: TrendTarget,
        slot: Slot,
        cx: &mut Ctx,
    ) -> TrendPane {
        let pop = population(&list.query, drilled_from, "capability needs every value");
        let load = InsightLoad::start_trend(list, pop, target.clone(), slot, cx);
        let series = MeasurementSeries::new(Some(target.phase.clone()), &target.measurement);
        let opts = TrendOptions::default();
        TrendPane {
            stats: series.stats(&opts),
            load,
            target,
            series,
            opts,
            split: Some(Dim::Station),
            split_key: None,
            groups: Vec::new(),
            slope_per_day: None,
            halves: None,
            drift: None,
            values: 0,
            held: Vec::new(),
            computed_ms: 0,
        }
    }

    /// Splits by this metadata key (`None`: by station).
    pub(crate) fn split_on(&mut self, key: Option<String>) {
        self.split = Some(Dim::Station);
        self.split_key = key;
        self.recompute();
    }

    fn recompute(&mut self) {
        if let Some(d) = self.split_key.as_deref().and_then(|k| self.load.facts.metadata_dim(k)) {
            (self.split, self.split_key) = (Some(d), None);
        }
        let facts = &self.load.facts;
        self.stats = self.series.stats(&self.opts);
        self.groups = point_groups(&self.series, facts, &self.opts, self.split, MAX_GROUPS);
        let mut pts: Vec<(f64, f64)> = self
            .series
            .in_view(&self.opts)
            .filter(|p| p.is_numeric() && p.t_ms != NO_TIME)
            .map(|p| (p.t_ms as f64, p.value))
            .collect();
        // By time, then value: the same points in the same order however they came.
        pts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        self.slope_per_day = slope(&pts).map(|s| s * 86_400_000.0);
        self.drift = Drift::fit(&pts);
        let half = pts.len() / 2;
        let mean = |xs: &[(f64, f64)]| xs.iter().map(|p| p.1).sum::<f64>() / xs.len() as f64;
        self.halves = (half >= 2).then(|| (mean(&pts[..half]), mean(&pts[pts.len() - half..])));
    }

    /// No values yet (a new load started).
    fn clear(&mut self) {
        self.series =
            MeasurementSeries::new(Some(self.target.phase.clone()), &self.target.measurement);
        self.values = 0;
        self.held.clear();
        self.recompute();
    }

    /// The next grouping: station, each metadata key, none.
    fn next_split(&mut self, back: bool) {
        let mut all: Vec<Option<Dim>> = vec![Some(Dim::Station)];
        all.extend(
            self.load.facts.dims().into_iter().filter(|d| matches!(d, Dim::Meta(_))).map(Some),
        );
        all.push(None);
        let i = all.iter().position(|d| *d == self.split).unwrap_or(0);
        let n = all.len();
        self.split = all[if back { (i + n - 1) % n } else { (i + 1) % n }];
        self.recompute();
    }

    /// What the points are told apart by, as the legend says it.
    pub fn split_name(&self) -> String {
        self.split.map_or("nothing".into(), |d| self.load.facts.dim_name(d).into_owned())
    }

    pub fn loading(&self) -> bool {
        self.load.loading()
    }

    /// Values come while the runs load: those of runs in are counted, the others held until
    /// their run comes; once the runs are all in (`last`: the values too), the rest are left
    /// out (runs outside the filter).
    fn take_held(&mut self, last: bool, now: i64) {
        let facts = &mut self.load.facts;
        let known = |r: &crate::api::crossrun::MeasurementRow| {
            facts.find_run(&r.run_id).is_some_and(|i| facts.run(i).verdict != Verdict::NotLoaded)
        };
        let (rows, held): (Vec<_>, Vec<_>) = self.held.drain(..).partition(known);
        if !(last || self.load.runs_done) {
            self.held = held;
        }
        self.values += rows.len();
        self.series.add_rows(facts, &rows);
        // While values pour in, the statistics are brought up to date a few times a second
        // (each pass goes over every point), and at the end.
        if last || now - self.computed_ms >= RECOMPUTE_EVERY_MS {
            self.computed_ms = now;
            self.recompute();
        }
    }

    /// `enter`: the runs list filtered to the runs whose value failed (there is no cursor on
    /// the points: the failed ones are what a triage looks at), else those within 10 % of a
    /// limit.
    fn drill(&mut self, cx: &mut Ctx) -> Outcome {
        if self.loading() {
            cx.flash("still loading: enter lists the runs once the values are all in");
            return Outcome::Stay;
        }
        let name = &self.target.measurement;
        let mut runs: Vec<_> =
            self.series.in_view(&self.opts).filter(|p| p.failed).map(|p| p.run).collect();
        let mut what = format!("failed {name} values");
        if runs.is_empty() {
            runs = self.series.near_limit(&self.opts, 0.10).unwrap_or_default();
            what = format!("{name} values within 10 % of a limit");
        }
        runs.sort_unstable();
        runs.dedup();
        if runs.is_empty() {
            cx.flash(format!("no failed {name} values, none within 10 % of a limit"));
            return Outcome::Stay;
        }
        let d = DrillDown::runs(self.load.query(), &self.load.facts, &runs, &what);
        Outcome::Drill(Box::new(d))
    }
}

impl Component for TrendPane {
    fn mode(&self) -> Mode {
        Mode::Trend
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        match a {
            Action::Back => {
                self.load.cancel(cx);
                return Outcome::Pop;
            }
            Action::Open => return self.drill(cx),
            Action::Split => self.next_split(false),
            Action::SplitBack => self.next_split(true),
            Action::Refresh => {
                self.load.reload(cx);
                self.clear();
            }
            Action::Window(days) if self.load.set_window(days, cx) => self.clear(),
            _ => {}
        }
        Outcome::Stay
    }

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        match awaited(self.load.pending, id, event)? {
            WorkerEvent::TrendValues { rows, done } => {
                if done {
                    self.load.pending = None;
                }
                match rows {
                    Ok(rows) => {
                        self.held.extend(rows);
                        self.take_held(done, cx.now());
                    }
                    Err(e) => self.load.failed(e, cx),
                }
            }
            other => {
                if self.load.on_answer(id, other, cx)? {
                    self.take_held(false, cx.now());
                }
            }
        }
        Ok(Outcome::Stay)
    }

    fn busy(&self) -> bool {
        self.load.loading()
    }
}
