//! A measurement's points split into series by a dimension (station, fixture, …) for the
//! trend chart's legend, each with its own mean, σ and drift (least-squares slope per day).
//! The largest groups get their own series; the rest share "other".

use std::collections::HashMap;

use super::dims::Dim;
use super::facts::{DAY_MS, Facts, NO_TIME, Verdict};
use super::measure::{MeasurementSeries, Point, TrendOptions, mean_sd};

/// `PointGroup::code` of points whose run has not arrived (its station is not known yet).
pub const RUN_NOT_LOADED: u32 = u32::MAX;

#[derive(Debug, Clone, PartialEq)]
pub struct PointGroup {
    /// The value's code; [`RUN_NOT_LOADED`]; `None` for "other", or for "all" with no split.
    pub code: Option<u32>,
    pub label: String,
    /// (ms since the epoch, value) in time order: chart coordinates. Points with no time are
    /// in the statistics only.
    pub points: Vec<(f64, f64)>,
    /// The points whose measurement outcome was FAIL (also in `points`), for a marker on top.
    pub failing: Vec<(f64, f64)>,
    pub n: u32,
    pub mean: Option<f64>,
    pub std_dev: Option<f64>,
    pub failures: u32,
    /// Least-squares slope of value over time, in value units per day; `None` under two
    /// distinct times.
    pub slope_per_day: Option<f64>,
    /// The same line with its slope's 95 % interval, for a prediction (three points or more).
    pub drift: Option<super::drift::Drift>,
}

fn group(code: Option<u32>, label: String, pts: &[&Point]) -> PointGroup {
    let (n, mean, std_dev) = mean_sd(pts.iter().map(|p| p.value));
    let mut points: Vec<(f64, f64)> =
        pts.iter().filter(|p| p.t_ms != NO_TIME).map(|p| (p.t_ms as f64, p.value)).collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut failing: Vec<(f64, f64)> = pts
        .iter()
        .filter(|p| p.failed && p.t_ms != NO_TIME)
        .map(|p| (p.t_ms as f64, p.value))
        .collect();
    failing.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    PointGroup {
        code,
        label,
        slope_per_day: slope(&points).map(|s| s * DAY_MS as f64),
        drift: super::drift::Drift::fit(&points),
        points,
        failing,
        n,
        mean,
        std_dev,
        failures: pts.iter().filter(|p| p.failed).count() as u32,
    }
}

/// Least-squares slope of y over x, centred on the means so ms since 1970 lose no digits.
pub fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let (mx, my) = points.iter().fold((0.0, 0.0), |(a, b), p| (a + p.0 / n, b + p.1 / n));
    let (sxy, sxx) = points.iter().fold((0.0, 0.0), |(sxy, sxx), p| {
        let dx = p.0 - mx;
        (sxy + dx * (p.1 - my), sxx + dx * dx)
    });
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The numeric points in view, one group per value of `dim` (one "all" group when `None`),
/// the largest first; beyond `max_groups` the smallest share an "other" group.
pub fn point_groups(
    series: &MeasurementSeries,
    facts: &Facts,
    opts: &TrendOptions,
    dim: Option<Dim>,
    max_groups: usize,
) -> Vec<PointGroup> {
    let pts = series.in_view(opts).filter(|p| p.is_numeric());
    let Some(dim) = dim else {
        return vec![group(None, "all".into(), &pts.collect::<Vec<_>>())];
    };
    let mut by: HashMap<u32, Vec<&Point>> = HashMap::new();
    for p in pts {
        let loaded =
            facts.runs().get(p.run as usize).is_some_and(|f| f.verdict != Verdict::NotLoaded);
        let code = if loaded { facts.code(p.run, dim) } else { RUN_NOT_LOADED };
        by.entry(code).or_default().push(p);
    }
    let label = |c: u32| {
        if c == RUN_NOT_LOADED {
            "(run not loaded)".into()
        } else {
            facts.value_label(dim, c).into_owned()
        }
    };
    let mut groups: Vec<(u32, String, Vec<&Point>)> =
        by.into_iter().map(|(c, v)| (c, label(c), v)).collect();
    groups.sort_by(|a, b| b.2.len().cmp(&a.2.len()).then_with(|| a.1.cmp(&b.1)));
    let max = max_groups.max(1);
    let rest: Vec<&Point> = if groups.len() > max {
        groups.drain(max - 1..).flat_map(|g| g.2).collect()
    } else {
        Vec::new()
    };
    let mut out: Vec<PointGroup> =
        groups.iter().map(|(c, l, v)| group(Some(*c), l.clone(), v)).collect();
    if !rest.is_empty() {
        out.push(group(None, "other".into(), &rest));
    }
    out
}
