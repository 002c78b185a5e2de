//! Numeric metadata keys with many values (a temperature read to the tenth) are binned: a
//! key whose every value is a number, with more than [`BIN_ABOVE`] distinct ones (more than
//! [`WHOLE_BIN_ABOVE`] when all are whole numbers, which are more often names), is split
//! into about [`BINS`] bins of about equal runs (quantiles), their edges rounded to a 1-2-5
//! grid so they read as round numbers ("24–26"). Each bin is then one value of the dimension:
//! the yield splits by it, explain tests it (so 61 temperatures are a handful of comparisons,
//! not 61), a drill-down filters by its range. The bins follow the data as pages arrive.

use super::facts::{Facts, MetaColumn};
use super::ticks::{decimals, nice_step};

/// Distinct numeric values above which a key is binned.
pub const BIN_ABOVE: usize = 10;
/// Whole numbers are binned only above this many distinct values: up to it they are more
/// likely names (fixture 12, slot 3) than measurements.
pub const WHOLE_BIN_ABOVE: usize = 30;
/// Bins aimed at (fewer when quantiles round to the same edge).
pub const BINS: usize = 5;

/// A binned key: the bin of each value code, and each bin's range and label.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Bins {
    /// Value code → bin code (1-based; 0 is "none").
    pub of_value: Vec<u32>,
    /// Bin code − 1 → `[lo, hi)`, open-ended (infinite) at the ends.
    pub ranges: Vec<(f64, f64)>,
    pub labels: Vec<String>,
}

/// The value of a metadata value code as a number, NaN when it is not one.
pub(crate) fn number(text: &str) -> f64 {
    text.trim().parse::<f64>().ok().filter(|x| x.is_finite()).unwrap_or(f64::NAN)
}

/// Interior edges for values `(x, runs)` sorted by x: the run-weighted quantiles at
/// 1/BINS … (BINS−1)/BINS rounded to a 1-2-5 step, strictly increasing, inside the values.
pub fn quantile_edges(sorted: &[(f64, u32)]) -> (Vec<f64>, f64) {
    let total: u64 = sorted.iter().map(|&(_, n)| u64::from(n)).sum();
    let (Some(&(min, _)), Some(&(max, _))) = (sorted.first(), sorted.last()) else {
        return (Vec::new(), 1.0);
    };
    if total == 0 || min >= max {
        return (Vec::new(), 1.0);
    }
    let quantile = |q: f64| {
        let want = (q * total as f64).ceil() as u64;
        let mut seen = 0u64;
        sorted
            .iter()
            .find(|&&(_, n)| {
                seen += u64::from(n);
                seen >= want.max(1)
            })
            .map_or(max, |&(x, _)| x)
    };
    // The grid: a round step about a tenth of the middle 90 % (the full range if that is 0).
    let spread = quantile(0.95) - quantile(0.05);
    let step = nice_step(if spread > 0.0 { spread } else { max - min } / (2 * BINS) as f64);
    let mut edges: Vec<f64> = Vec::new();
    for i in 1..BINS {
        let e = (quantile(i as f64 / BINS as f64) / step).round() * step;
        if e > min && e <= max && edges.last().is_none_or(|&l| e > l) {
            edges.push(e);
        }
    }
    (edges, step)
}

impl MetaColumn {
    /// Bins for this key, or `None` when it is not numeric or has few values.
    pub(crate) fn binned(&self) -> Option<Bins> {
        let mut values: Vec<(f64, u32)> = Vec::new();
        for (code, &n) in self.runs_per_value.iter().enumerate().skip(1) {
            let x = number(self.values.keys.resolve(code as u32));
            if x.is_nan() {
                return None;
            }
            if n > 0 {
                values.push((x, n));
            }
        }
        let whole = values.iter().all(|(x, _)| x.fract() == 0.0);
        if values.len() <= if whole { WHOLE_BIN_ABOVE } else { BIN_ABOVE } {
            return None;
        }
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (edges, step) = quantile_edges(&values);
        let d = decimals(step);
        let f = |x: f64| format!("{x:.d$}");
        let mut ranges = Vec::new();
        let mut labels = Vec::new();
        let mut lo = f64::NEG_INFINITY;
        for &hi in edges.iter().chain([f64::INFINITY].iter()) {
            labels.push(match (lo.is_finite(), hi.is_finite()) {
                (false, true) => format!("< {}", f(hi)),
                (true, false) => format!("≥ {}", f(lo)),
                (true, true) => format!("{}–{}", f(lo), f(hi)),
                (false, false) => "all".to_string(),
            });
            ranges.push((lo, hi));
            lo = hi;
        }
        let of_value = (0..self.runs_per_value.len())
            .map(|code| match code {
                0 => 0,
                c => {
                    let x = number(self.values.keys.resolve(c as u32));
                    1 + ranges.iter().position(|&(_, hi)| x < hi).unwrap_or(ranges.len() - 1) as u32
                }
            })
            .collect();
        Some(Bins { of_value, ranges, labels })
    }
}

impl Facts {
    /// Bins every numeric key again from the runs per value (after a page of runs).
    pub(crate) fn rebin(&mut self) {
        for col in &mut self.meta {
            col.bins = col.binned();
        }
    }

    /// The range `[lo, hi)` of a binned key's value `code` (infinite at the open ends).
    pub fn meta_range(&self, dim: super::Dim, code: u32) -> Option<(f64, f64)> {
        let super::Dim::Meta(k) = dim else { return None };
        let bins = self.meta.get(k as usize)?.bins.as_ref()?;
        bins.ranges.get((code as usize).checked_sub(1)?).copied()
    }
}
