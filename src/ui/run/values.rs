//! How measured values, validators and outcomes read on screen.

use serde_json::Value;

use crate::api::Validator;

/// A number with up to 6 significant digits, integers as integers.
pub(crate) fn number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{}", n as i64);
    }
    let precision = if n == 0.0 || !n.is_finite() {
        0
    } else {
        (5 - n.abs().log10().floor() as i64).clamp(0, 12) as usize
    };
    let s = format!("{n:.precision$}");
    let s =
        if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" { "0".into() } else { s }
}

/// A measured value of any JSON type, short enough for one row.
pub(crate) fn value(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::Number(n)) => n.as_f64().map(number).unwrap_or_else(|| n.to_string()),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::String(s)) if s.is_empty() => "\"\"".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

pub(crate) fn with_units(v: String, units: Option<&str>) -> String {
    match units.filter(|u| !u.is_empty()) {
        Some(u) if v != "—" => format!("{v} {u}"),
        _ => v,
    }
}

pub(crate) use crate::ui::theme::outcome_parts as outcome;

/// Between a measurement's limits: `·`, or in ASCII `;` (the `-` it becomes there reads as a
/// minus).
pub(crate) fn limits_sep(ascii: bool) -> &'static str {
    if ascii { "; " } else { " · " }
}

/// `x <= 3.4 ✗`, with `(marginal)` for a non-decisive validator. In ASCII the verdict is a
/// word (`x <= 3.4 FAIL`): its marks `x` and `+` would read as the expression's variable and
/// a sign.
pub(crate) fn validator(v: &Validator, ascii: bool) -> String {
    let expr = if v.expression.is_empty() {
        format!("{} {}", v.operator.as_deref().unwrap_or("?"), value(v.expected_value.as_ref()))
    } else {
        v.expression.clone()
    };
    let (sym, word) = outcome(v.outcome.as_ref());
    let sym = if ascii { word.as_str() } else { sym };
    let marginal = if v.is_decisive == Some(false) { " (marginal)" } else { "" };
    format!("{expr} {sym}{marginal}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_naturally() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(3.52), "3.52");
        assert_eq!(number(0.000123456789), "0.000123457");
        assert_eq!(number(1234.56789), "1234.57");
        assert_eq!(value(Some(&serde_json::json!(true))), "true");
        assert_eq!(value(Some(&serde_json::json!("0x00"))), "0x00");
        assert_eq!(value(Some(&serde_json::json!({"a": [1, 2]}))), r#"{"a":[1,2]}"#);
        assert_eq!(value(None), "—");
    }
}
