//! Field readers for `#[serde(deserialize_with = "…")]`: each reads a parameter's text (the
//! last value of a repeated scalar, every value of a list) and says what is wrong with a bad
//! one; [`parse`](super::parse) names the parameter.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Deserializer;
use serde::de::{Error, SeqAccess, Visitor};

use super::MAX_LIMIT;
use crate::api::WireEnum;
use crate::api::time::parse_duration_ms;

/// Every value of a parameter, one or many.
fn values<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Texts;
    impl<'de> Visitor<'de> for Texts {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("text")
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut all = Vec::new();
            while let Some(v) = seq.next_element::<String>()? {
                all.push(v);
            }
            Ok(all)
        }
    }
    d.deserialize_any(Texts)
}

/// The last value, read by `read`.
fn last<'de, D: Deserializer<'de>, T>(
    d: D,
    read: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, D::Error> {
    values(d)?.last().map(|v| read(v).map_err(D::Error::custom)).transpose()
}

/// Every value, each read by `read`.
fn each<'de, D: Deserializer<'de>, T>(
    d: D,
    read: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, D::Error> {
    values(d)?.iter().map(|v| read(v).map_err(D::Error::custom)).collect()
}

/// A whole number in `min..=max`. `2.0` is 2: the Python SDK sends some integers as floats.
pub fn whole(v: &str, min: i64, max: i64) -> Result<i64, String> {
    let n: i64 = match v.parse::<i64>() {
        Ok(n) => n,
        Err(_) => match v.parse::<f64>() {
            Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => f as i64,
            _ => return Err(format!("`{v}` is not a whole number")),
        },
    };
    if n < min || n > max {
        return Err(format!("{n} is out of range; it must be from {min} to {max}"));
    }
    Ok(n)
}

/// An RFC 3339 time; one without an offset (as Python sends a naive datetime) is UTC.
pub fn time_of(v: &str) -> Result<i64, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc).timestamp_millis());
    }
    chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|t| t.and_utc().timestamp_millis())
        .map_err(|_| format!("`{v}` is not an RFC 3339 timestamp; e.g. 2026-11-01T08:00:00.000Z"))
}

fn flag_of(v: &str) -> Result<bool, String> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("`{v}` is not true or false")),
    }
}

fn known_of<T: WireEnum>(v: &str) -> Result<T, String> {
    T::parse_known(v)
        .ok_or_else(|| format!("unknown value `{v}`, expected one of: {}", T::expected()))
}

/// `limit`: 1 to 100.
pub fn limit<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(last(d, |v| whole(v, 1, MAX_LIMIT))?.unwrap_or(super::DEFAULT_LIMIT))
}

/// `cursor`: an offset, 0 or more.
pub fn cursor<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(last(d, |v| whole(v, 0, i64::MAX))?.unwrap_or_default())
}

/// A count, 0 or more.
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    last(d, |v| whole(v, 0, i64::MAX))
}

/// A time, as milliseconds since the epoch.
pub fn time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    last(d, time_of)
}

/// An ISO 8601 duration, as milliseconds.
pub fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    last(d, parse_duration_ms)
}

/// `true` or `false`.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(last(d, flag_of)?.unwrap_or_default())
}

/// A flag's default when it is on unless turned off.
pub fn yes() -> bool {
    true
}

/// `true` or `false`, when given.
pub fn flag_given<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    last(d, flag_of)
}

/// A finite number.
pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    last(d, |v| {
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("`{v}` is not a number"))
    })
}

/// One of an enum's documented values (any ASCII case).
pub fn known<'de, D: Deserializer<'de>, T: WireEnum>(d: D) -> Result<Option<T>, D::Error> {
    last(d, known_of)
}

/// One of an enum's documented values, for a field with a default.
pub fn known_one<'de, D: Deserializer<'de>, T: WireEnum>(d: D) -> Result<T, D::Error> {
    last(d, known_of)?.ok_or_else(|| D::Error::custom("no value"))
}

/// Every value, each one of an enum's documented values.
pub fn known_all<'de, D: Deserializer<'de>, T: WireEnum>(d: D) -> Result<Vec<T>, D::Error> {
    each(d, known_of)
}

/// Plain text, the last value given.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    last(d, |v| Ok(v.to_string()))
}

/// A `search_query`: text to find, which a NUL can never be part of (SQLite's full-text
/// index would fail on it, and no stored name holds one).
pub fn search<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    last(d, |v| {
        if v.contains('\0') {
            return Err("must not contain a NUL character (%00)".into());
        }
        Ok(v.to_string())
    })
}

/// Every value, an empty one as `None` (`batch_numbers=`: units without a batch).
pub fn texts_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Option<String>>, D::Error> {
    each(d, |v| Ok(Some(v.trim().to_string()).filter(|b| !b.is_empty())))
}
