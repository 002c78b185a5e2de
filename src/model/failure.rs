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
    /// `3.12 < 3.14 V`: the value and the limit it broke, when a numeric limit says so.
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
                let broke = broken(value, m.validators.as_deref().unwrap_or_default())?;
                Some(match m.units.as_deref().filter(|u| !u.is_empty()) {
                    Some(u) => format!("{broke} {u}"),
                    None => broke,
                })
            }),
        })
    }
}

/// `value OP limit` for the first numeric limit `value` breaks (one the run marks failed
/// first, else the first in order).
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
        .find(|(met, ..)| !met)
        .or_else(|| validators.iter().filter_map(|v| numeric(&v)).find(|(met, ..)| !met))?;
    Some(format!("{} {op} {}", number(value), number(limit)))
}

/// A number as the run gave it (`3.12`, `40`).
fn number(x: f64) -> String {
    format!("{x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn limit(op: &str, x: f64, failed: bool) -> Validator {
        Validator {
            operator: Some(op.into()),
            expected_value: Some(json!(x)),
            outcome: failed.then_some(Outcome::Fail),
            ..Validator::default()
        }
    }

    #[test]
    fn the_broken_limit_is_told_as_what_the_value_did() {
        let range = [limit(">=", 3.2, false), limit("<=", 3.46, false)];
        assert_eq!(broken(3.12, &range).as_deref(), Some("3.12 < 3.2"));
        assert_eq!(broken(3.5, &range).as_deref(), Some("3.5 > 3.46"));
        assert_eq!(broken(3.3, &range), None, "within both");
        // The validator the run marks failed wins over one computed here.
        let marked = [limit(">=", 1.0, false), limit("<=", 0.2, true)];
        assert_eq!(broken(0.5, &marked).as_deref(), Some("0.5 > 0.2"));
    }
}
