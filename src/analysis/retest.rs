//! A retest side by side: every numeric measurement of two runs of one unit on one procedure
//! (the failing one and the run after it), with its limits and how far each value sits from
//! the nearer limit as a share of the window. A false failure reads as "just past a limit,
//! then passing"; a real repair as "far outside, then well inside".

use std::collections::HashMap;

use super::{Limits, limits_from_validators};
use crate::api::{Outcome, RunDetail};

/// One measurement in both runs.
#[derive(Debug, Clone, PartialEq)]
pub struct RetestRow {
    pub phase: String,
    pub name: String,
    pub units: Option<String>,
    pub limits: Limits,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub before_failed: bool,
    pub after_failed: bool,
}

/// What the failing measurements of the first run say about the retest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diagnosis {
    /// Every failing value was within this share of its window past the limit, and passes
    /// after: likely a false failure (noise, contact, fixture).
    JustPast,
    /// A failing value was far outside and is inside after: something was repaired.
    Repaired,
    /// It still fails after.
    StillFailing,
    /// No failing numeric measurement with a two-sided window to judge by.
    Unknown,
}

/// How far past a limit (share of the window) still reads as "just past".
pub const JUST_PAST: f64 = 0.05;

impl RetestRow {
    /// Distance from the nearer limit as a share of the window: 0.25 is a quarter of the
    /// window inside, −0.02 is 2 % of it outside. `None` without both limits or a value.
    pub fn margin(&self, value: Option<f64>) -> Option<f64> {
        let (v, lo, hi) = (value?, self.limits.lower?, self.limits.upper?);
        let window = hi - lo;
        if window <= 0.0 {
            return None;
        }
        Some((v - lo).min(hi - v) / window)
    }
}

/// Every measurement with a numeric value in either run, failing-first then by the first
/// run's margin (closest to a limit first).
pub fn compare(before: &RunDetail, after: &RunDetail) -> Vec<RetestRow> {
    let mut rows: Vec<RetestRow> = Vec::new();
    // Where each (phase, measurement) is in `rows`: a huge run has 50,000 measurements.
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    let mut add = |run: &RunDetail, first: bool| {
        for p in run.phases.as_deref().unwrap_or_default() {
            for m in &p.measurements {
                let Some(v) = m.measured_value.as_ref().and_then(|v| v.as_f64()) else {
                    continue;
                };
                let failed = m.outcome == Some(Outcome::Fail);
                let key = (p.name.clone(), m.name.clone());
                let row = match at.get(&key) {
                    Some(&i) => &mut rows[i],
                    None => {
                        at.insert(key, rows.len());
                        let limits =
                            limits_from_validators(m.validators.as_deref().unwrap_or_default())
                                .limits;
                        rows.push(RetestRow {
                            phase: p.name.clone(),
                            name: m.name.clone(),
                            units: m.units.clone(),
                            limits,
                            before: None,
                            after: None,
                            before_failed: false,
                            after_failed: false,
                        });
                        rows.last_mut().expect("pushed")
                    }
                };
                if first {
                    (row.before, row.before_failed) = (Some(v), failed);
                } else {
                    (row.after, row.after_failed) = (Some(v), failed);
                }
            }
        }
    };
    add(before, true);
    add(after, false);
    rows.sort_by(|a, b| {
        let key = |r: &RetestRow| (!r.before_failed, r.margin(r.before).unwrap_or(f64::INFINITY));
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
    });
    rows
}

/// The diagnosis from the rows `compare` made.
pub fn diagnose(rows: &[RetestRow]) -> Diagnosis {
    let failing: Vec<&RetestRow> = rows.iter().filter(|r| r.before_failed).collect();
    if failing.is_empty() {
        return Diagnosis::Unknown;
    }
    if failing.iter().any(|r| r.after_failed) {
        return Diagnosis::StillFailing;
    }
    let margins: Vec<Option<f64>> = failing.iter().map(|r| r.margin(r.before)).collect();
    if margins.iter().any(Option::is_none) {
        return Diagnosis::Unknown;
    }
    if margins.iter().flatten().all(|m| *m >= -JUST_PAST) {
        Diagnosis::JustPast
    } else {
        Diagnosis::Repaired
    }
}
