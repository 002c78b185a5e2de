//! Validators as the service stores them: legacy limits and operator/expected-value pairs
//! turned into expressions, and each judged against the values it checks. Pure: no database.

use serde_json::Value;

use super::detail::at;
use crate::api::create::*;
use crate::api::*;
use crate::server::error::ApiError;

const OPERATORS: &[&str] = &[">", ">=", "<", "<=", "==", "!=", "matches", "in", "range"];

pub fn build_validators(
    list: &[ValidatorCreate],
    values: &[&Value],
    base: &[Value],
) -> Result<Vec<Validator>, ApiError> {
    list.iter().enumerate().map(|(i, v)| build_validator(v, values, &at(base, i))).collect()
}

/// One validator as the service stores it. `values` are what it judges: the measured value,
/// an aggregation's value, or every point of a data series (all must pass).
pub fn build_validator(
    v: &ValidatorCreate,
    values: &[&Value],
    p: &[Value],
) -> Result<Validator, ApiError> {
    if let Some(op) = &v.operator
        && !OPERATORS.contains(&op.as_str())
    {
        return Err(ApiError::field(
            &at(p, "operator"),
            format!("unknown operator `{op}`, expected one of: {}", OPERATORS.join(" ")),
        ));
    }
    let is_decisive = Some(v.is_decisive.unwrap_or(true));
    let given_outcome = v.outcome.as_ref().map(|o| o.0.clone());
    // An object or a mixed list cannot be compared structurally: the service keeps it as the
    // validator's expression with the outcome the client computed.
    let structured = v.expected_value.as_ref().is_none_or(is_structured);
    match (&v.operator, &v.expression) {
        (Some(op), expr) if structured => {
            let outcome =
                given_outcome.unwrap_or_else(|| evaluate(op, v.expected_value.as_ref(), values));
            Ok(Validator {
                outcome: Some(outcome),
                operator: Some(op.clone()),
                expected_value: v.expected_value.clone(),
                expression: expr
                    .clone()
                    .unwrap_or_else(|| synthesize(op, v.expected_value.as_ref())),
                is_decisive,
                is_expression_only: false,
                analytics_expression: None,
                has_custom_expression: expr.is_some(),
            })
        }
        (op, expr) => {
            let expression = match (expr, op, &v.expected_value) {
                (Some(e), _, _) => e.clone(),
                (None, Some(op), Some(ev)) => format!("x {op} {ev}"),
                _ => {
                    return Err(ApiError::field(
                        p,
                        "a validator needs an `operator` or an `expression`",
                    ));
                }
            };
            Ok(Validator {
                outcome: Some(given_outcome.unwrap_or(Outcome::Unset)),
                operator: None,
                expected_value: None,
                expression,
                is_decisive,
                is_expression_only: true,
                analytics_expression: None,
                has_custom_expression: false,
            })
        }
    }
}

fn is_structured(v: &Value) -> bool {
    match v {
        Value::Object(_) => false,
        Value::Array(items) => {
            items.iter().all(Value::is_number) || items.iter().all(Value::is_string)
        }
        _ => true,
    }
}

fn synthesize(op: &str, expected: Option<&Value>) -> String {
    let show = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            format!(
                "[{}]",
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        other => other.to_string(),
    };
    match expected {
        Some(ev) if op == "matches" => format!("x matches /{}/", show(ev)),
        Some(ev) => format!("x {op} {}", show(ev)),
        None => format!("x {op}"),
    }
}

/// PASS or FAIL when every value can be judged, UNSET when any cannot (a numeric limit on a
/// string, a regular expression, no value at all).
fn evaluate(op: &str, expected: Option<&Value>, values: &[&Value]) -> Outcome {
    let Some(expected) = expected else { return Outcome::Unset };
    if values.is_empty() {
        return Outcome::Unset;
    }
    let mut all = true;
    for v in values {
        match judge(op, expected, v) {
            Some(true) => {}
            Some(false) => all = false,
            None => return Outcome::Unset,
        }
    }
    if all { Outcome::Pass } else { Outcome::Fail }
}

fn judge(op: &str, expected: &Value, value: &Value) -> Option<bool> {
    let num = |v: &Value| v.as_f64();
    match op {
        ">" | ">=" | "<" | "<=" => {
            let (x, e) = (num(value)?, num(expected)?);
            Some(match op {
                ">" => x > e,
                ">=" => x >= e,
                "<" => x < e,
                _ => x <= e,
            })
        }
        "==" | "!=" => {
            let eq = match (num(value), num(expected)) {
                (Some(x), Some(e)) => (x - e).abs() <= f64::EPSILON * x.abs().max(e.abs()).max(1.0),
                _ => value == expected,
            };
            Some(if op == "==" { eq } else { !eq })
        }
        "in" => Some(
            expected
                .as_array()?
                .iter()
                .any(|e| e == value || (num(e).is_some() && num(e) == num(value))),
        ),
        "range" => {
            let r = expected.as_array()?;
            let (lo, hi) = (num(r.first()?)?, num(r.get(1)?)?);
            let x = num(value)?;
            Some(lo <= x && x <= hi)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path;
    use serde_json::json;

    fn v(op: &str, ev: Value) -> ValidatorCreate {
        ValidatorCreate {
            operator: Some(op.into()),
            expected_value: Some(ev),
            ..Default::default()
        }
    }

    #[test]
    fn operator_only_validator_gets_an_expression_and_an_outcome() {
        let val = json!(3.3);
        let got = build_validator(&v(">=", json!(3.0)), &[&val], &[]).unwrap();
        assert_eq!(got.expression, "x >= 3.0");
        assert_eq!(got.outcome, Some(Outcome::Pass));
        assert!(!got.is_expression_only && !got.has_custom_expression);
        assert_eq!(got.is_decisive, Some(true));
        let low = json!(2.9);
        assert_eq!(
            build_validator(&v(">=", json!(3.0)), &[&low], &[]).unwrap().outcome,
            Some(Outcome::Fail)
        );
    }

    #[test]
    fn range_in_and_unjudgeable_values() {
        let x = json!(25.0);
        assert_eq!(
            build_validator(&v("range", json!([10.0, 50.0])), &[&x], &[]).unwrap().outcome,
            Some(Outcome::Pass)
        );
        let s = json!("B");
        assert_eq!(
            build_validator(&v("in", json!(["A", "B"])), &[&s], &[]).unwrap().outcome,
            Some(Outcome::Pass)
        );
        // A numeric limit on a string cannot be judged.
        assert_eq!(
            build_validator(&v(">", json!(1)), &[&s], &[]).unwrap().outcome,
            Some(Outcome::Unset)
        );
    }

    #[test]
    fn expression_only_and_custom_expression() {
        let e = ValidatorCreate {
            expression: Some("threshold check".into()),
            outcome: Some(Strict(Outcome::Fail)),
            ..Default::default()
        };
        let got = build_validator(&e, &[], &[]).unwrap();
        assert!(
            got.is_expression_only && got.operator.is_none() && got.analytics_expression.is_none()
        );
        assert_eq!(got.outcome, Some(Outcome::Fail));
        let c = ValidatorCreate {
            expression: Some("voltage within safe range".into()),
            ..v("<=", json!(5))
        };
        let got = build_validator(&c, &[], &[]).unwrap();
        assert!(got.has_custom_expression && !got.is_expression_only);
        assert_eq!(got.expression, "voltage within safe range");
    }

    #[test]
    fn bad_operator_names_the_field() {
        let err = build_validator(
            &v("~=", json!(1)),
            &[],
            &path!["phases", 0, "measurements", 1, "validators", 0],
        )
        .unwrap_err();
        assert_eq!(err.status, axum::http::StatusCode::BAD_REQUEST);
        assert!(
            err.body.message.contains("phases[0].measurements[1].validators[0].operator"),
            "{}",
            err.body.message
        );
    }
}
