//! Yield by TofuPilot's rules, counted per (unit, procedure) pair:
//!
//! - ABORTED runs, runs with no outcome, and runs of golden, failing or ignored sample units
//!   are not counted (they are tallied in [`NotCounted`] so the pane can say so).
//! - ERROR and TIMEOUT count as not passing, like FAIL.
//! - A pair's runs are its attempts in start order (equal starts: by run id). First-pass yield
//!   is the share of pairs whose first counted run passed, final yield the share whose last
//!   counted run passed, retest load the counted runs per pair.
//! - In a split, a pair belongs to the value its *first* counted run carried (the station or
//!   fixture where the unit was first tested), with its first-pass and final results and all
//!   its runs, retests elsewhere included; so the rows add up to the total. In the time series
//!   a pair belongs to the bucket of its first counted run.

use super::buckets::{BucketSize, Buckets};
use super::dims::Dim;
use super::facts::{Facts, HOUR_MS, NO_TIME, RunIdx, SampleClass, Verdict};

#[derive(Debug, Clone, Default)]
pub struct YieldOptions {
    pub split: Option<Dim>,
    /// The filter's time window (ms), for the throughput and the buckets; by default the span
    /// of the counted runs' start times.
    pub window: Option<(i64, i64)>,
    /// Bucket size of the series; by default from the window (see [`BucketSize::for_span`]).
    pub bucket: Option<BucketSize>,
}

/// Counts behind a yield; the ratios are `None` with no units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YieldCount {
    /// (unit, procedure) pairs; for one procedure, the units.
    pub units: u32,
    /// Counted runs of those pairs.
    pub runs: u32,
    /// Pairs whose first counted run passed.
    pub first_pass: u32,
    /// Pairs whose last counted run passed.
    pub final_pass: u32,
}

impl YieldCount {
    fn ratio(a: u32, b: u32) -> Option<f64> {
        (b > 0).then(|| f64::from(a) / f64::from(b))
    }
    pub fn first_pass_yield(&self) -> Option<f64> {
        Self::ratio(self.first_pass, self.units)
    }
    pub fn final_yield(&self) -> Option<f64> {
        Self::ratio(self.final_pass, self.units)
    }
    /// Counted runs per pair: 1.0 means no retests.
    pub fn retest_load(&self) -> Option<f64> {
        Self::ratio(self.runs, self.units)
    }
    /// Pairs that did not pass first time: what a split's rows are sorted by.
    pub fn failed_first_pass(&self) -> u32 {
        self.units - self.first_pass
    }
    fn add(&mut self, runs: u32, first: bool, last: bool) {
        self.units += 1;
        self.runs += runs;
        self.first_pass += u32::from(first);
        self.final_pass += u32::from(last);
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct YieldRow {
    /// The split value's code (`None` for the total).
    pub code: Option<u32>,
    pub label: String,
    pub count: YieldCount,
    /// One count per bucket of [`YieldReport::buckets`], for the sparkline.
    pub series: Vec<YieldCount>,
}

impl YieldRow {
    /// First-pass yield per bucket; `None` where no unit was first tested.
    pub fn first_pass_series(&self) -> Vec<Option<f64>> {
        self.series.iter().map(YieldCount::first_pass_yield).collect()
    }
}

/// Runs the yield leaves out, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NotCounted {
    pub aborted: u32,
    /// Runs of golden, failing or ignored sample units (whatever their outcome).
    pub samples: u32,
    /// Runs with no outcome, or one the API does not document.
    pub no_outcome: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YieldReport {
    pub total: YieldRow,
    /// Split rows, the costliest first: most failed first passes, then most units, then label.
    pub rows: Vec<YieldRow>,
    pub split: Option<Dim>,
    pub buckets: Buckets,
    pub window: (i64, i64),
    /// Distinct units with a counted run (a unit tested by two procedures counts once).
    pub distinct_units: u32,
    pub not_counted: NotCounted,
}

impl YieldReport {
    /// Distinct units per day of the window (a window under an hour counts as an hour).
    pub fn units_per_day(&self) -> f64 {
        self.units_per_hour() * 24.0
    }
    pub fn units_per_hour(&self) -> f64 {
        let hours = ((self.window.1 - self.window.0).max(HOUR_MS)) as f64 / HOUR_MS as f64;
        f64::from(self.distinct_units) / hours
    }
}

#[derive(Clone, Copy)]
struct PairAgg {
    first: RunIdx,
    last: RunIdx,
    runs: u32,
}

/// Whether run `a` comes before run `b` among a pair's attempts.
fn before(facts: &Facts, a: RunIdx, b: RunIdx) -> bool {
    let (ta, tb) = (facts.run(a).started_ms, facts.run(b).started_ms);
    ta < tb || (ta == tb && facts.run_id(a) < facts.run_id(b))
}

pub fn yield_report(facts: &Facts, opts: &YieldOptions) -> YieldReport {
    let mut pairs = vec![PairAgg { first: u32::MAX, last: u32::MAX, runs: 0 }; facts.pair_count()];
    let mut not_counted = NotCounted::default();
    let mut span: Option<(i64, i64)> = None;
    for (i, f) in facts.runs().iter().enumerate() {
        if f.verdict == Verdict::NotLoaded {
            continue;
        }
        if !f.is_counted() {
            if f.sample != SampleClass::Production {
                not_counted.samples += 1;
            } else if f.verdict == Verdict::Aborted {
                not_counted.aborted += 1;
            } else {
                not_counted.no_outcome += 1;
            }
            continue;
        }
        let i = i as RunIdx;
        let p = &mut pairs[f.pair as usize];
        if p.runs == 0 {
            *p = PairAgg { first: i, last: i, runs: 1 };
        } else {
            p.runs += 1;
            if before(facts, i, p.first) {
                p.first = i;
            }
            if before(facts, p.last, i) {
                p.last = i;
            }
        }
        if f.started_ms != NO_TIME {
            let (lo, hi) = span.unwrap_or((f.started_ms, f.started_ms));
            span = Some((lo.min(f.started_ms), hi.max(f.started_ms)));
        }
    }
    let window = opts.window.or(span).unwrap_or((0, 0));
    let mut buckets = Buckets::covering(window.0, window.1, opts.bucket, facts.utc_offset_ms());
    if opts.window.is_none() && span.is_none() {
        buckets.count = 0;
    }

    let empty = |code: Option<u32>, label: String| YieldRow {
        code,
        label,
        count: YieldCount::default(),
        series: vec![YieldCount::default(); buckets.count],
    };
    let mut total = empty(None, "all".into());
    let mut rows: Vec<YieldRow> = match opts.split {
        Some(dim) => (0..facts.dim_size(dim) as u32)
            .map(|c| empty(Some(c), facts.value_label(dim, c).into_owned()))
            .collect(),
        None => Vec::new(),
    };
    let mut seen_unit = vec![false; facts.unit_count()];
    let mut distinct_units = 0;
    for p in pairs.iter().filter(|p| p.runs > 0) {
        let first = facts.run(p.first);
        let (fp, fin) =
            (first.verdict == Verdict::Pass, facts.run(p.last).verdict == Verdict::Pass);
        let bucket = buckets.index(first.started_ms);
        for row in std::iter::once(&mut total)
            .chain(opts.split.map(|dim| &mut rows[facts.code(p.first, dim) as usize]))
        {
            row.count.add(p.runs, fp, fin);
            if let Some(b) = bucket {
                row.series[b].add(p.runs, fp, fin);
            }
        }
        if !std::mem::replace(&mut seen_unit[first.unit as usize], true) {
            distinct_units += 1;
        }
    }
    rows.retain(|r| r.count.units > 0);
    rows.sort_by(|a, b| {
        b.count
            .failed_first_pass()
            .cmp(&a.count.failed_first_pass())
            .then(b.count.units.cmp(&a.count.units))
            .then_with(|| a.label.cmp(&b.label))
    });
    YieldReport { total, rows, split: opts.split, buckets, window, distinct_units, not_counted }
}
