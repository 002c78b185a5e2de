//! Why a run failed, in one line: its first failing phase, the first failing measurement in
//! it, and the value against the limit it broke. The runs list's failure column shows it.

use serde_json::Value;

use crate::api::{Outcome, Phase, PhaseOutcome, RunDetail, Validator};

/// A failing run's first failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstFailure {
    pub phase: String,
    /// The first failing measurement of the phase (in the run's order), if one failed.
    pub measurement: Option<String>,
    /// `3.12 < 3.14`: the value and the limit it broke, when a numeric limit says so.
    pub against: Option<String>,
}

impl FirstFailure {
    /// The first failing (FAIL or ERROR) phase among the final attempts — by start, then
    /// retry, then name, as the Pareto counts it — and its first failing measurement. `None`
    /// when no phase failed.
    pub fn of(run: &RunDetail) -> Option<FirstFailure> {
        let phases = run.phases.as_deref().unwrap_or_default();
        let last_retry = |p: &Phase| {
            phases.iter().filter(|q| q.name == p.name).map(|q| q.retry_count).max().unwrap_or(0)
        };
        let phase = phases
            .iter()
            .filter(|p| matches!(p.outcome, Some(PhaseOutcome::Fail | PhaseOutcome::Error)))
            .filter(|p| p.retry_count == last_retry(p))
            .min_by(|a, b| {
                // A phase without a start sorts last.
                let key = |p: &Phase| (p.started_at.is_none(), p.started_at, p.retry_count);
                key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name))
            })?;
        let failing = phase.measurements.iter().find(|m| m.outcome == Some(Outcome::Fail));
        Some(FirstFailure {
            phase: phase.name.clone(),
            measurement: failing.map(|m| m.name.clone()),
            against: failing.and_then(|m| {
                let value = m.measured_value.as_ref()?.as_f64()?;
                broken(value, m.validators.as_deref().unwrap_or_default())
            }),
        })
    }
}

/// `value OP limit` for the first numeric limit `value` breaks (the one the validator marks
/// failed first, else the first the value does not meet).
fn broken(value: f64, validators: &[Validator]) -> Option<String> {
    let numeric = |v: &&Validator| {
        let limit = v.expected_value.as_ref().and_then(Value::as_f64)?;
        let (met, not) = match v.operator.as_deref()? {
            ">=" => (value >= limit, "<"),
            ">" => (value > limit, "≤"),
            "<=" => (value <= limit, ">"),
            "<" => (value < limit, "≥"),
            "==" => (value == limit, "≠"),
            "!=" => (value != limit, "="),
            _ => return None,
        };
        Some((met, not, limit))
    };
    let marked = validators.iter().filter(|v| v.outcome == Some(Outcome::Fail));
    let (_, op, limit) = marked
        .filter_map(|v| numeric(&v))
        .next()
        .or_else(|| validators.iter().filter_map(|v| numeric(&v)).find(|(met, ..)| !met))?;
    Some(format!("{} {op} {}", number(value), number(limit)))
}

/// A number as the run gave it (`3.12`, `40`).
fn number(x: f64) -> String {
    format!("{x}")
}
