//! Specification limits read from a measurement's validators.
//!
//! `>=` and `>` give a lower limit, `<=` and `<` an upper one (strict or not makes no
//! difference to the statistics), `range [lo, hi]` both (in either order), `==` a number both
//! (a window of zero). Several validators all have to pass, so the tightest of each side
//! wins: the highest lower limit, the lowest upper one. Left out, and counted as ignored:
//! validators that do not decide the outcome (`is_decisive: false`: a warning band, not a
//! spec), expression-only ones, `!=`, `in`, `matches`, and any whose expected value is not a
//! number.

use serde_json::Value;

use crate::api::Validator;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Limits {
    /// LSL
    pub lower: Option<f64>,
    /// USL
    pub upper: Option<f64>,
}

impl Limits {
    pub fn is_empty(&self) -> bool {
        self.lower.is_none() && self.upper.is_none()
    }

    /// USL − LSL, when both are set.
    pub fn window(&self) -> Option<f64> {
        Some(self.upper? - self.lower?)
    }

    /// Within the limits (inclusive).
    pub fn contains(&self, x: f64) -> bool {
        self.lower.is_none_or(|l| x >= l) && self.upper.is_none_or(|u| x <= u)
    }
}

/// Limits and the number of validators that gave none.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ParsedLimits {
    pub limits: Limits,
    pub ignored: u32,
}

pub fn limits_from_validators(validators: &[Validator]) -> ParsedLimits {
    let mut out = ParsedLimits::default();
    let lower = |l: &mut Limits, x: f64| l.lower = Some(l.lower.map_or(x, |c| c.max(x)));
    let upper = |l: &mut Limits, x: f64| l.upper = Some(l.upper.map_or(x, |c| c.min(x)));
    for v in validators {
        let num = v.expected_value.as_ref().and_then(Value::as_f64).filter(|x| x.is_finite());
        let pair = v.expected_value.as_ref().and_then(|e| {
            let a = e.as_array()?;
            let (x, y) = (a.first()?.as_f64()?, a.get(1)?.as_f64()?);
            (a.len() == 2 && x.is_finite() && y.is_finite()).then_some((x.min(y), x.max(y)))
        });
        let l = &mut out.limits;
        match (v.is_decisive, v.operator.as_deref(), num, pair) {
            (Some(false), ..) => out.ignored += 1,
            (_, Some(">=" | ">"), Some(x), _) => lower(l, x),
            (_, Some("<=" | "<"), Some(x), _) => upper(l, x),
            (_, Some("=="), Some(x), _) => {
                lower(l, x);
                upper(l, x);
            }
            (_, Some("range"), _, Some((lo, hi))) => {
                lower(l, lo);
                upper(l, hi);
            }
            _ => out.ignored += 1,
        }
    }
    out
}
