//! The form's phases, typed on one line: `Power: rail_3v3=3.31 V 3.2..3.4, ripple=12 mV <=20 |
//! Visual: bridges=0 <=0`. Phases are separated by `|`, measurements by `,`; a measurement is
//! `name=value`, then units and limits (`lo..hi`, `<=hi`, `<hi`, `>=lo`, `>lo`, `==x`) in any
//! order. Its outcome comes from its limits; a phase fails when one of its measurements does.

use serde_json::{Value, json};

use super::body::parse_value;
use crate::api::time::from_ms;

/// The phases' JSON, and whether any measurement is outside its limits.
pub(super) fn parse(text: &str, started: i64, ended: i64) -> Result<(Vec<Value>, bool), String> {
    let mut phases = Vec::new();
    let mut any_failed = false;
    let at = |ms: i64| from_ms(ms).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let typed: Vec<&str> = text.split('|').map(str::trim).filter(|p| !p.is_empty()).collect();
    // Each phase its slice of the run's time, in the order typed.
    let n = typed.len().max(1) as i64;
    let slice = |i: i64| started + (ended - started) * i / n;
    for (i, phase) in typed.into_iter().enumerate() {
        let i = i as i64;
        let (name, list) = phase.split_once(':').unwrap_or((phase, ""));
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("`{phase}`: a phase needs a name before its `:`"));
        }
        let mut measurements = Vec::new();
        let mut failed = false;
        for m in list.split(',').map(str::trim).filter(|m| !m.is_empty()) {
            let (value, pass) = measurement(m)?;
            failed |= !pass;
            measurements.push(value);
        }
        any_failed |= failed;
        phases.push(json!({
            "name": name,
            "outcome": if failed { "FAIL" } else { "PASS" },
            "started_at": at(slice(i)),
            "ended_at": at(slice(i + 1)),
            "measurements": measurements,
        }));
    }
    Ok((phases, any_failed))
}

/// One measurement's JSON, and whether it is inside its limits.
fn measurement(text: &str) -> Result<(Value, bool), String> {
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or_default();
    let (name, value) = first
        .split_once('=')
        .ok_or_else(|| format!("`{first}`: write name=value, then units and limits"))?;
    if name.is_empty() {
        return Err(format!("`{first}`: the measurement needs a name"));
    }
    let value = parse_value(value).map_err(|e| format!("`{name}`: {e}"))?;
    let mut units: Vec<&str> = Vec::new();
    let mut validators = Vec::new();
    let mut pass = true;
    for w in words {
        let Some(checks) = limits(w) else {
            units.push(w);
            continue;
        };
        let checks = checks.map_err(|e| format!("`{name}`: {e}"))?;
        let x = value.as_f64().ok_or_else(|| {
            format!("`{name}`: {value} is not a number, and its limits are numeric")
        })?;
        for (op, limit) in checks {
            let ok = match op {
                ">=" => x >= limit,
                ">" => x > limit,
                "<=" => x <= limit,
                "<" => x < limit,
                _ => x == limit,
            };
            pass &= ok;
            validators.push(json!({
                "operator": op,
                "expected_value": limit,
                "outcome": if ok { "PASS" } else { "FAIL" },
                "is_decisive": true,
            }));
        }
    }
    let mut m = json!({
        "name": name,
        "outcome": if pass { "PASS" } else { "FAIL" },
        "measured_value": value,
    });
    if !units.is_empty() {
        m["units"] = Value::String(units.join(" "));
    }
    if !validators.is_empty() {
        m["validators"] = Value::Array(validators);
    }
    Ok((m, pass))
}

/// A limits word as (operator, limit) checks; `None` when it is no limit (units).
fn limits(w: &str) -> Option<Result<Vec<(&'static str, f64)>, String>> {
    let num = |s: &str| {
        s.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or(format!("`{s}` is not a number"))
    };
    if let Some((lo, hi)) = w.split_once("..") {
        return Some(num(lo).and_then(|lo| {
            let hi = num(hi)?;
            if lo > hi {
                return Err(format!("`{w}`: the low limit is above the high one"));
            }
            Ok(vec![(">=", lo), ("<=", hi)])
        }));
    }
    for op in [">=", "<=", "==", ">", "<"] {
        if let Some(rest) = w.strip_prefix(op) {
            return Some(num(rest).map(|x| vec![(op, x)]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_decide_the_outcomes() {
        let (p, failed) =
            parse("Power: rail=3.1 V 3.2..3.4, ripple=12 mV <=20 | Visual: bridges=0 <=0", 0, 1000)
                .expect("parses");
        assert!(failed);
        assert_eq!(p[0]["outcome"], "FAIL");
        assert_eq!(p[0]["measurements"][0]["outcome"], "FAIL");
        assert_eq!(p[0]["measurements"][0]["units"], "V");
        assert_eq!(p[0]["measurements"][0]["validators"][0]["expected_value"], 3.2);
        assert_eq!(p[0]["measurements"][1]["outcome"], "PASS");
        assert_eq!(p[1]["name"], "Visual");
        assert_eq!(p[1]["outcome"], "PASS");
        let e = parse("Power: rail=high V 3.2..3.4", 0, 0).expect_err("text against numbers");
        assert_eq!(e, "`rail`: \"high\" is not a number, and its limits are numeric");
        assert!(parse("Visual: ok=true", 0, 0).is_ok_and(|(_, f)| !f));
    }
}
