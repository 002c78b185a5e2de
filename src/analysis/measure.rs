//! One measurement across runs, for the trend view: its values over time, the limits from its
//! validators, and the statistics a test engineer reads next to the chart.
//!
//! - Numeric values only: rows whose type is not numeric, or with no finite value, are counted
//!   as `non_numeric` and left out of every number.
//! - Final attempts only unless retries are asked for (the rows say which they are).
//! - The limits are those of the newest value that has any: limits can change with the
//!   procedure version, and the current ones are what a drift is heading for;
//!   `limits_vary` says when the values in view were judged against more than one set.
//! - σ is the sample standard deviation (n − 1). Cp = (USL − LSL) / 6σ and
//!   Cpk = min(USL − μ, μ − LSL) / 3σ; with one limit only Cpk exists (the side that is
//!   there); neither with no limit, fewer than 2 values, or σ = 0 ([`Capability`] says which).
//! - Near a limit: values within the limits and within 10 % of the limit window (USL − LSL)
//!   of either limit. Needs both limits and a window above zero; `None` otherwise.
//! - Failures: values whose measurement outcome is FAIL (the service's verdict, which may
//!   differ from the current limits), numeric or not (a boolean self-test that failed);
//!   `out_of_limits` counts against the current limits.

use super::facts::{Facts, RunIdx};
use super::histogram::Histogram;
use super::intern::Interner;
use super::limits::{Limits, limits_from_validators};
use crate::api::crossrun::MeasurementRow;
use crate::api::{MeasurementType, Outcome};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub t_ms: i64,
    /// NaN when not numeric.
    pub value: f64,
    pub run: RunIdx,
    pub failed: bool,
    pub final_attempt: bool,
    /// Index into [`MeasurementSeries::limit_sets`] (0: none).
    pub limits: u16,
}

impl Point {
    pub fn is_numeric(&self) -> bool {
        self.value.is_finite()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrendOptions {
    pub include_retries: bool,
}

/// Why Cp or Cpk is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Both computed.
    Full,
    /// One limit: Cpk only.
    OneSided,
    NoLimits,
    TooFewValues,
    /// σ = 0: every value the same.
    NoSpread,
}

/// Cp and Cpk of values with mean `mean` and standard deviation `sd` (n values).
pub fn capability(
    n: u32,
    mean: f64,
    sd: f64,
    limits: &Limits,
) -> (Option<f64>, Option<f64>, Capability) {
    if limits.is_empty() {
        return (None, None, Capability::NoLimits);
    }
    if n < 2 {
        return (None, None, Capability::TooFewValues);
    }
    if sd.is_nan() || sd <= 0.0 {
        return (None, None, Capability::NoSpread);
    }
    let cpu = limits.upper.map(|u| (u - mean) / (3.0 * sd));
    let cpl = limits.lower.map(|l| (mean - l) / (3.0 * sd));
    match (limits.window(), cpu, cpl) {
        (Some(w), Some(u), Some(l)) => (Some(w / (6.0 * sd)), Some(u.min(l)), Capability::Full),
        (_, one, other) => (None, one.or(other), Capability::OneSided),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementStats {
    pub n: u32,
    pub non_numeric: u32,
    pub mean: Option<f64>,
    pub std_dev: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub limits: Limits,
    pub limits_vary: bool,
    pub cp: Option<f64>,
    pub cpk: Option<f64>,
    pub capability: Capability,
    pub failures: u32,
    pub out_of_limits: u32,
    pub near_limit: Option<u32>,
}

impl MeasurementStats {
    /// μ − 3σ, μ, μ + 3σ.
    pub fn sigma_lines(&self) -> Option<[f64; 3]> {
        let (m, s) = (self.mean?, self.std_dev?);
        Some([m - 3.0 * s, m, m + 3.0 * s])
    }
}

/// Mean and sample standard deviation, two passes (exact where one pass loses digits to a
/// large offset, e.g. 2,400 MHz ± 0.01).
pub fn mean_sd(xs: impl Iterator<Item = f64> + Clone) -> (u32, Option<f64>, Option<f64>) {
    // Summed in the values' order, not the order they came in: the same values give the same
    // figures to the last bit, whichever page brought which (slices arrive in any order).
    let mut xs: Vec<f64> = xs.collect();
    xs.sort_unstable_by(f64::total_cmp);
    let n = xs.len() as u32;
    if n == 0 {
        return (0, None, None);
    }
    let mean = xs.iter().sum::<f64>() / f64::from(n);
    let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
    (n, Some(mean), (n >= 2).then(|| (ss / f64::from(n - 1)).sqrt()))
}

/// The values of one measurement (one phase's measurement of that name), page by page. Rows
/// seen again replace themselves.
#[derive(Debug, Clone)]
pub struct MeasurementSeries {
    pub phase_name: Option<String>,
    pub measurement_name: String,
    pub units: Option<String>,
    row_ids: Interner,
    points: Vec<Point>,
    limit_sets: Vec<Limits>,
    /// Rows of another phase or measurement, left out.
    pub skipped_rows: u32,
}

impl MeasurementSeries {
    /// `phase_name`: `None` takes the measurement from any phase.
    pub fn new(phase_name: Option<String>, measurement_name: impl Into<String>) -> Self {
        MeasurementSeries {
            phase_name,
            measurement_name: measurement_name.into(),
            units: None,
            row_ids: Interner::new(),
            points: Vec::new(),
            limit_sets: vec![Limits::default()],
            skipped_rows: 0,
        }
    }

    pub fn points(&self) -> &[Point] {
        &self.points
    }

    pub fn limit_sets(&self) -> &[Limits] {
        &self.limit_sets
    }

    /// `facts` gives each row's run an index, so points can be told apart by station or
    /// fixture once the run's row is there.
    pub fn add_rows(&mut self, facts: &mut Facts, rows: &[MeasurementRow]) {
        for r in rows {
            if r.measurement_name != self.measurement_name
                || self.phase_name.as_ref().is_some_and(|p| *p != r.phase_name)
            {
                self.skipped_rows += 1;
                continue;
            }
            let numeric = matches!(r.measurement_type, None | Some(MeasurementType::Numeric));
            let value = r.value.filter(|v| numeric && v.is_finite()).unwrap_or(f64::NAN);
            let limits = limits_from_validators(r.validators.as_deref().unwrap_or(&[])).limits;
            let limits = match self.limit_sets.iter().position(|l| *l == limits) {
                Some(i) => i,
                None => {
                    self.limit_sets.push(limits);
                    self.limit_sets.len() - 1
                }
            };
            if self.units.is_none() {
                self.units.clone_from(&r.units);
            }
            let point = Point {
                t_ms: r.started_at.map_or(super::facts::NO_TIME, |t| t.timestamp_millis()),
                value,
                run: facts.run_slot(&r.run_id),
                failed: r.measurement_outcome == Some(Outcome::Fail),
                final_attempt: r.is_final_attempt,
                limits: limits.min(usize::from(u16::MAX)) as u16,
            };
            let idx = self.row_ids.intern(&r.id) as usize;
            if idx == self.points.len() {
                self.points.push(point);
            } else {
                self.points[idx] = point;
            }
        }
    }

    /// The points in view under `opts`, numeric or not.
    pub fn in_view<'a>(
        &'a self,
        opts: &'a TrendOptions,
    ) -> impl Iterator<Item = &'a Point> + Clone {
        self.points.iter().filter(move |p| opts.include_retries || p.final_attempt)
    }

    /// The current limits: those of the newest numeric point in view that has any.
    pub fn current_limits(&self, opts: &TrendOptions) -> (Limits, bool) {
        let mut newest: Option<&Point> = None;
        let mut first_set = None;
        let mut vary = false;
        for p in self.in_view(opts).filter(|p| p.is_numeric() && p.limits != 0) {
            match first_set {
                None => first_set = Some(p.limits),
                Some(s) => vary |= s != p.limits,
            }
            if newest.is_none_or(|n| p.t_ms >= n.t_ms) {
                newest = Some(p);
            }
        }
        (newest.map_or_else(Limits::default, |p| self.limit_sets[p.limits as usize]), vary)
    }

    /// The runs of the numeric values in view within the current limits and within `share`
    /// of the limit window from one of them; `None` without both limits.
    pub fn near_limit(&self, opts: &TrendOptions, share: f64) -> Option<Vec<RunIdx>> {
        let (limits, _) = self.current_limits(opts);
        let (l, u, w) = (limits.lower?, limits.upper?, limits.window().filter(|w| *w > 0.0)?);
        let m = share * w;
        let near = self
            .in_view(opts)
            .filter(|p| p.is_numeric() && limits.contains(p.value))
            .filter(|p| p.value - l <= m || u - p.value <= m)
            .map(|p| p.run);
        Some(near.collect())
    }

    pub fn stats(&self, opts: &TrendOptions) -> MeasurementStats {
        let view = self.in_view(opts);
        let numeric = view.clone().filter(|p| p.is_numeric());
        let non_numeric = view.filter(|p| !p.is_numeric()).count() as u32;
        let (n, mean, std_dev) = mean_sd(numeric.clone().map(|p| p.value));
        let (min, max) =
            numeric.clone().fold((None, None), |(lo, hi): (Option<f64>, Option<f64>), p| {
                (
                    Some(lo.map_or(p.value, |l| l.min(p.value))),
                    Some(hi.map_or(p.value, |h| h.max(p.value))),
                )
            });
        let (limits, limits_vary) = self.current_limits(opts);
        let (cp, cpk, cap) = capability(n, mean.unwrap_or(0.0), std_dev.unwrap_or(0.0), &limits);
        // Every failed value, numeric or not (a boolean self-test fails too).
        let failures = self.in_view(opts).filter(|p| p.failed).count() as u32;
        let out_of_limits = numeric.clone().filter(|p| !limits.contains(p.value)).count() as u32;
        let near_limit = self.near_limit(opts, 0.1).map(|runs| runs.len() as u32);
        MeasurementStats {
            n,
            non_numeric,
            mean,
            std_dev,
            min,
            max,
            limits,
            limits_vary,
            cp,
            cpk,
            capability: cap,
            failures,
            out_of_limits,
            near_limit,
        }
    }

    /// The histogram of the numeric values in view, against the current limits.
    pub fn histogram(&self, opts: &TrendOptions, max_bins: usize) -> Option<Histogram> {
        let values: Vec<(f64, bool)> =
            self.in_view(opts).filter(|p| p.is_numeric()).map(|p| (p.value, p.failed)).collect();
        Histogram::build(&values, &self.current_limits(opts).0, max_bins)
    }
}
