//! A histogram of a measurement's values with its limits. Bin width: Freedman–Diaconis
//! (2·IQR·n^(-1/3)), or the range over ⌈√n⌉ when the middle half of the values is one value,
//! rounded up to a 1-2-5 step so bin edges are round numbers, then widened until the bins fit
//! `max_bins`. The range covers the values and reaches out to a limit when the limit lies
//! within two data ranges of them (the gap to a limit is what a triage looks for); a limit
//! further out is flagged off scale rather than squeezing the values into one bin.

use super::limits::Limits;
use super::ticks::{next_step, nice_step};

#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Left edge of the first bin; bins are `[start + i·width, start + (i+1)·width)`, the last
    /// one closed.
    pub start: f64,
    pub width: f64,
    pub counts: Vec<u32>,
    /// Of `counts`, the values whose measurement outcome was FAIL.
    pub failing: Vec<u32>,
    pub limits: Limits,
    /// Whether each limit lies within the bins' range (and can be drawn).
    pub lower_on_scale: bool,
    pub upper_on_scale: bool,
}

impl Histogram {
    pub fn end(&self) -> f64 {
        self.start + self.width * self.counts.len() as f64
    }

    pub fn bin_of(&self, x: f64) -> Option<usize> {
        let n = self.counts.len();
        if n == 0 || !x.is_finite() || x < self.start || x > self.end() {
            return None;
        }
        Some((((x - self.start) / self.width).floor() as usize).min(n - 1))
    }

    /// The bin a limit falls in, edges read with a tolerance (`3.0 + 2 × 0.2` is
    /// 3.4000000000000004, not above 3.4) and a limit on the last bin's end in the last bin;
    /// `None` when it is off the bins.
    pub fn limit_bin(&self, limit: Option<f64>) -> Option<usize> {
        let l = limit.filter(|l| l.is_finite())?;
        let n = self.counts.len();
        let k = (l - self.start) / self.width;
        let i = (k + 1e-9).floor();
        if i < 0.0 || n == 0 {
            return None;
        }
        match i as usize {
            i if i < n => Some(i),
            i if i == n && (k - n as f64).abs() < 1e-9 => Some(n - 1),
            _ => None,
        }
    }

    /// `values`: (value, failed). `None` without a finite value.
    pub fn build(values: &[(f64, bool)], limits: &Limits, max_bins: usize) -> Option<Histogram> {
        let mut xs: Vec<f64> = values.iter().map(|v| v.0).filter(|x| x.is_finite()).collect();
        let n = xs.len();
        if n == 0 {
            return None;
        }
        let (lo, hi) =
            xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
        let span = hi - lo;
        let reach = if span > 0.0 { 2.0 * span } else { limits.window().unwrap_or(0.0).abs() };
        let slack = reach * (1.0 + 1e-9);
        let near = |l: Option<f64>| l.filter(|l| *l >= lo - slack && *l <= hi + slack);
        let (low_l, high_l) = (near(limits.lower), near(limits.upper));
        let r_lo = low_l.map_or(lo, |l| l.min(lo));
        let r_hi = high_l.map_or(hi, |u| u.max(hi));

        let raw = if span > 0.0 {
            let iqr = quantile(&mut xs, 0.75) - quantile(&mut xs, 0.25);
            if iqr > 0.0 { 2.0 * iqr / (n as f64).cbrt() } else { span / (n as f64).sqrt().ceil() }
        } else if r_hi > r_lo {
            (r_hi - r_lo) / 10.0
        } else {
            // One value and no limit in reach: one bin a hundredth of its size wide.
            if lo == 0.0 { 1.0 } else { lo.abs() / 100.0 }
        };
        let max_bins = max_bins.max(1);
        let mut width = nice_step(raw);
        let (start, count) = loop {
            let start = (r_lo / width).floor() * width;
            let count = (((r_hi - start) / width).floor() as usize + 1).max(1);
            if count <= max_bins {
                break (start, count);
            }
            width = next_step(width);
        };
        let mut h = Histogram {
            start,
            width,
            counts: vec![0; count],
            failing: vec![0; count],
            limits: *limits,
            lower_on_scale: false,
            upper_on_scale: false,
        };
        for &(x, failed) in values {
            if let Some(b) = h.bin_of(x) {
                h.counts[b] += 1;
                h.failing[b] += u32::from(failed);
            }
        }
        // A hair of tolerance: 64 × 0.05 need not print as 3.2.
        let eps = h.width * 1e-9;
        let on = |l: Option<f64>| l.is_some_and(|l| l >= h.start - eps && l <= h.end() + eps);
        (h.lower_on_scale, h.upper_on_scale) = (on(limits.lower), on(limits.upper));
        Some(h)
    }
}

/// The `q` quantile by linear interpolation between order statistics (type 7, as R and
/// NumPy default), in O(n) by selection; reorders `xs`.
pub fn quantile(xs: &mut [f64], q: f64) -> f64 {
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let i = h.floor() as usize;
    let (_, a, rest) = xs.select_nth_unstable_by(i, f64::total_cmp);
    let a = *a;
    if i + 1 >= n {
        return a;
    }
    let b = rest.iter().copied().fold(f64::INFINITY, f64::min);
    a + (h - i as f64) * (b - a)
}
