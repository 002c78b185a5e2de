//! Axis ticks at 1, 2 or 5 × 10^k, and labels with just the digits the step needs (`17.6`,
//! `2400`, `0.05`, never `17.6105`); time ticks at whole minutes, hours or days.

use chrono::{FixedOffset, TimeZone};

use super::facts::{DAY_MS, HOUR_MS};

/// The smallest 1, 2 or 5 × 10^k at least `raw` (`raw` > 0 and finite; 1 otherwise).
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let m = raw / mag;
    // A hair of tolerance: 0.3/0.1 is 2.9999999999999996.
    let f = if m <= 1.0 + 1e-9 {
        1.0
    } else if m <= 2.0 + 1e-9 {
        2.0
    } else if m <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    f * mag
}

/// The next 1-2-5 step above `step`.
pub fn next_step(step: f64) -> f64 {
    nice_step(step * 1.000_001 + f64::MIN_POSITIVE)
}

/// Ticks for an axis: the multiples of `step` within `[lo, hi]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    pub step: f64,
    pub values: Vec<f64>,
}

impl Ticks {
    /// At most `max_ticks` (at least 2) ticks over `[lo, hi]`, the step the smallest 1-2-5
    /// step that fits. An empty range gets one tick at `lo`.
    pub fn new(lo: f64, hi: f64, max_ticks: usize) -> Self {
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        if !(lo.is_finite() && hi.is_finite()) {
            return Ticks { step: 1.0, values: vec![] };
        }
        if hi - lo <= f64::EPSILON * lo.abs().max(1.0) {
            return Ticks { step: nice_step(lo.abs() / 10.0), values: vec![lo] };
        }
        let max = max_ticks.max(2);
        let mut step = nice_step((hi - lo) / (max - 1) as f64);
        loop {
            let first = (lo / step - 1e-9).ceil() as i64;
            let last = (hi / step + 1e-9).floor() as i64;
            if last - first < max as i64 {
                // Multiplying the index (not adding steps) keeps 0.1 × 3 from drifting;
                // snap to the step's digits so 0.30000000000000004 prints and compares as 0.3.
                let d = decimals(step);
                let values = (first..=last).map(|i| round_to(i as f64 * step, d)).collect();
                return Ticks { step, values };
            }
            step = next_step(step);
        }
    }

    /// Ticks from a whole step at or below `lo` to one at or above `hi`, so the axis starts
    /// and ends on a tick; at most `max_ticks` (at least 2).
    pub fn covering(lo: f64, hi: f64, max_ticks: usize) -> Self {
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        if !(lo.is_finite() && hi.is_finite()) || hi - lo <= f64::EPSILON * lo.abs().max(1.0) {
            return Ticks::new(lo, hi, max_ticks);
        }
        let max = max_ticks.max(2) as i64;
        let mut step = nice_step((hi - lo) / (max - 1) as f64);
        loop {
            let first = (lo / step + 1e-9).floor() as i64;
            let last = (hi / step - 1e-9).ceil() as i64;
            if last - first < max {
                let d = decimals(step);
                let values = (first..=last).map(|i| round_to(i as f64 * step, d)).collect();
                return Ticks { step, values };
            }
            step = next_step(step);
        }
    }

    pub fn labels(&self) -> Vec<String> {
        self.values.iter().map(|v| format_tick(*v, self.step)).collect()
    }
}

fn round_to(x: f64, decimals: usize) -> f64 {
    let f = 10f64.powi(decimals as i32);
    let r = (x * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

/// Digits after the point a tick of this step needs: 0 for 1, 2, 5, 10…; 1 for 0.1, 0.2, 0.5.
pub fn decimals(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (-(step.log10() + 1e-9).floor()).max(0.0) as usize
}

/// A tick value with the digits its step needs. Beyond ±1e6 or a step under 1e-4 it switches
/// to exponent form (`2.5e6`, `5e-5`).
pub fn format_tick(v: f64, step: f64) -> String {
    let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
    if v != 0.0 && (v.abs() >= 1e6 || step < 1e-4) {
        let exp = v.abs().log10().floor() as i32;
        let digits = ((exp as f64) - step.log10().floor()).clamp(0.0, 6.0) as usize;
        let s = format!("{:.*e}", digits, v);
        return s.replace(".0e", "e");
    }
    format!("{:.*}", decimals(step), v)
}

/// A value shown with `sig` significant digits and no trailing zeros (`17.61`, `2396`), for
/// readouts such as a mean or σ next to a chart.
pub fn format_sig(v: f64, sig: usize) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() { "0".into() } else { v.to_string() };
    }
    let exp = v.abs().log10().floor() as i32;
    let d = (sig as i32 - 1 - exp).max(0) as usize;
    let s = format!("{:.*}", d, v);
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

const TIME_STEPS: &[i64] = &[
    60_000,
    2 * 60_000,
    5 * 60_000,
    10 * 60_000,
    15 * 60_000,
    30 * 60_000,
    HOUR_MS,
    2 * HOUR_MS,
    3 * HOUR_MS,
    6 * HOUR_MS,
    12 * HOUR_MS,
    DAY_MS,
    2 * DAY_MS,
    7 * DAY_MS,
    14 * DAY_MS,
    28 * DAY_MS,
];

/// Time ticks over `[lo_ms, hi_ms]`: at most `max_ticks`, on whole local minutes, hours or
/// days (local: `utc_offset_ms` east of UTC), labelled `HH:MM` under a day's step and `MM-DD`
/// from a day up.
pub fn time_ticks(
    lo_ms: i64,
    hi_ms: i64,
    max_ticks: usize,
    utc_offset_ms: i64,
) -> Vec<(i64, String)> {
    let (lo, hi) = (lo_ms.min(hi_ms), lo_ms.max(hi_ms));
    let max = max_ticks.max(2) as i64;
    let step = TIME_STEPS
        .iter()
        .copied()
        .find(|s| (hi - lo) / s < max)
        .unwrap_or_else(|| ((hi - lo) / (max - 1) / DAY_MS + 1) * DAY_MS);
    let tz = FixedOffset::east_opt((utc_offset_ms / 1000) as i32)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"));
    let first = (lo + utc_offset_ms + step - 1).div_euclid(step) * step - utc_offset_ms;
    let fmt = if step < DAY_MS { "%H:%M" } else { "%m-%d" };
    (0..)
        .map(|i| first + i * step)
        .take_while(|t| *t <= hi)
        .map(|t| {
            let label = tz.timestamp_millis_opt(t).single().map(|d| d.format(fmt).to_string());
            (t, label.unwrap_or_default())
        })
        .collect()
}
