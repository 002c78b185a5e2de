//! `GET /v2/runs` query parameters: repeated keys for lists (`ids=a&ids=b`), one value for the
//! rest, the `metadata` filter as a JSON object. Every bad value is a 400 naming its parameter.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::api::time::parse_duration_ms;
use crate::api::{RunOutcome, SampleFilter, SortBy, SortOrder, WireEnum};
use crate::path;
use crate::server::error::ApiError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 100;
pub const MAX_METADATA_FILTER_KEYS: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub enum MetaCond {
    In(Vec<String>),
    Contains(String),
    Num(&'static str, f64),
    Bool(bool),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunFilter {
    pub search_query: Option<String>,
    pub ids: Vec<String>,
    pub outcomes: Vec<RunOutcome>,
    pub procedure_ids: Vec<String>,
    pub procedure_versions: Vec<String>,
    pub deployment_ids: Vec<String>,
    pub execution_ids: Vec<String>,
    pub slot_keys: Vec<String>,
    pub slot_names: Vec<String>,
    pub serial_numbers: Vec<String>,
    pub samples: Vec<SampleFilter>,
    pub part_numbers: Vec<String>,
    pub revision_numbers: Vec<String>,
    pub batch_numbers: Vec<String>,
    pub duration_min: Option<i64>,
    pub duration_max: Option<i64>,
    pub started_after: Option<i64>,
    pub started_before: Option<i64>,
    pub ended_after: Option<i64>,
    pub ended_before: Option<i64>,
    pub created_after: Option<i64>,
    pub created_before: Option<i64>,
    pub created_by_user_ids: Vec<String>,
    pub created_by_station_ids: Vec<String>,
    pub operated_by_ids: Vec<String>,
    pub operated_by_names: Vec<String>,
    pub metadata: Vec<(String, Vec<MetaCond>)>,
    /// The embedded server has no deployments: every run is `production`.
    pub environments: Vec<crate::api::Environment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub filter: RunFilter,
    pub limit: i64,
    pub cursor: i64,
    pub sort_by: SortBy,
    pub sort_order: SortOrder,
    pub include_metadata: bool,
    pub include_sequences: bool,
}

pub fn bad(param: &str, msg: impl Into<String>) -> ApiError {
    ApiError::field(&path![param], msg)
}

/// An RFC 3339 time; one without an offset (as Python sends a naive datetime) is UTC.
pub fn parse_time(param: &str, v: &str) -> Result<i64, ApiError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc).timestamp_millis());
    }
    chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|t| t.and_utc().timestamp_millis())
        .map_err(|_| {
            bad(param, format!("`{v}` is not an RFC 3339 timestamp; e.g. 2026-11-01T08:00:00.000Z"))
        })
}

pub fn parse_bool(param: &str, v: &str) -> Result<bool, ApiError> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(bad(param, format!("`{v}` is not true or false"))),
    }
}

/// A whole number in `min..=max`. `2.0` is 2: the Python SDK sends some integers as floats.
pub fn parse_int(param: &str, v: &str, min: i64, max: i64) -> Result<i64, ApiError> {
    let not_whole = || bad(param, format!("`{v}` is not a whole number"));
    let n: i64 = match v.parse::<i64>() {
        Ok(n) => n,
        Err(_) => match v.parse::<f64>() {
            Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => f as i64,
            _ => return Err(not_whole()),
        },
    };
    if n < min || n > max {
        return Err(bad(param, format!("{n} is out of range; it must be from {min} to {max}")));
    }
    Ok(n)
}

pub fn parse_enum<T: WireEnum>(param: &str, v: &str) -> Result<T, ApiError> {
    T::parse_known(v).ok_or_else(|| {
        bad(param, format!("unknown value `{v}`, expected one of: {}", T::expected()))
    })
}

pub fn parse_metadata(v: &str) -> Result<Vec<(String, Vec<MetaCond>)>, ApiError> {
    let obj: serde_json::Map<String, Value> = serde_json::from_str(v).map_err(|e| {
        bad(
            "metadata",
            format!("must be a JSON object such as {{\"shift\":{{\"in\":[\"A\"]}}}} ({e})"),
        )
    })?;
    if obj.len() > MAX_METADATA_FILTER_KEYS {
        return Err(bad(
            "metadata",
            format!(
                "filters on {} keys; at most {MAX_METADATA_FILTER_KEYS} are allowed",
                obj.len()
            ),
        ));
    }
    let mut out = Vec::new();
    for (key, spec) in obj {
        let p = path!["metadata", key.as_str()];
        let err = |m: String| ApiError::field(&p, m);
        let conds = match spec {
            // Shorthand: a bare value means equality.
            Value::String(s) => vec![MetaCond::In(vec![s])],
            Value::Bool(b) => vec![MetaCond::Bool(b)],
            Value::Number(n) => vec![MetaCond::Num("=", n.as_f64().unwrap_or_default())],
            Value::Object(ops) if !ops.is_empty() => {
                let mut conds = Vec::new();
                for (op, val) in ops {
                    let c = match (op.as_str(), &val) {
                        ("in", Value::Array(items)) => MetaCond::In(
                            items
                                .iter()
                                .map(|i| {
                                    i.as_str()
                                        .map(str::to_string)
                                        .ok_or_else(|| err("`in` takes a list of strings".into()))
                                })
                                .collect::<Result<_, _>>()?,
                        ),
                        ("contains", Value::String(s)) => MetaCond::Contains(s.clone()),
                        ("eq", Value::Bool(b)) => MetaCond::Bool(*b),
                        ("eq", Value::String(s)) => MetaCond::In(vec![s.clone()]),
                        (op @ ("gt" | "gte" | "lt" | "lte" | "eq"), Value::Number(n)) => {
                            MetaCond::Num(
                                match op {
                                    "gt" => ">",
                                    "gte" => ">=",
                                    "lt" => "<",
                                    "lte" => "<=",
                                    _ => "=",
                                },
                                n.as_f64().unwrap_or_default(),
                            )
                        }
                        (op, _) => {
                            return Err(err(format!(
                                "`{op}` with {val} is not a filter; use in (strings), contains (string), gt/gte/lt/lte/eq (number) or eq (boolean)"
                            )));
                        }
                    };
                    conds.push(c);
                }
                conds
            }
            other => {
                return Err(err(format!(
                    "{other} is not a filter; use e.g. {{\"in\":[\"A\"]}} or {{\"gte\":20}}"
                )));
            }
        };
        out.push((key, conds));
    }
    Ok(out)
}

/// The list a repeated parameter adds to, if `k` is one.
fn list_param<'a>(f: &'a mut RunFilter, k: &str) -> Option<&'a mut Vec<String>> {
    Some(match k {
        "ids" => &mut f.ids,
        "procedure_ids" => &mut f.procedure_ids,
        "procedure_versions" => &mut f.procedure_versions,
        "deployment_ids" => &mut f.deployment_ids,
        "execution_ids" => &mut f.execution_ids,
        "slot_keys" => &mut f.slot_keys,
        "slot_names" => &mut f.slot_names,
        "serial_numbers" => &mut f.serial_numbers,
        "part_numbers" => &mut f.part_numbers,
        "revision_numbers" => &mut f.revision_numbers,
        "batch_numbers" => &mut f.batch_numbers,
        "created_by_user_ids" => &mut f.created_by_user_ids,
        "created_by_station_ids" => &mut f.created_by_station_ids,
        "operated_by_ids" => &mut f.operated_by_ids,
        "operated_by_names" => &mut f.operated_by_names,
        _ => return None,
    })
}

/// The query string's pairs, as every list endpoint reads them: `ids[]=a` is `ids=a` (some
/// HTTP clients add brackets), and an empty value means the parameter was not given (the
/// official Python SDK sends every parameter it knows, `metadata=` included).
pub fn query_pairs(raw: &str) -> impl Iterator<Item = (String, String)> + '_ {
    form_urlencoded::parse(raw.as_bytes()).filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| {
        let k = k.strip_suffix("[]").map(str::to_string).unwrap_or_else(|| k.into_owned());
        (k, v.into_owned())
    })
}

/// A `search_query`: text to find, which a NUL can never be part of (SQLite's full-text
/// index would fail on it, and no stored name holds one).
pub fn search_text(v: &str) -> Result<String, ApiError> {
    if v.contains('\0') {
        return Err(bad("search_query", "must not contain a NUL character (%00)"));
    }
    Ok(v.to_string())
}

/// Applies one run-filter parameter; `Ok(false)` when `k` is not one.
pub fn apply_run_param(f: &mut RunFilter, k: &str, v: &str) -> Result<bool, ApiError> {
    if let Some(target) = list_param(f, k) {
        target.push(v.to_string());
        return Ok(true);
    }
    match k {
        "search_query" => f.search_query = Some(search_text(v)?),
        "outcomes" => f.outcomes.push(parse_enum(k, v)?),
        "samples" => f.samples.push(parse_enum(k, v)?),
        "duration_min" => f.duration_min = Some(parse_duration_ms(v).map_err(|m| bad(k, m))?),
        "duration_max" => f.duration_max = Some(parse_duration_ms(v).map_err(|m| bad(k, m))?),
        "started_after" => f.started_after = Some(parse_time(k, v)?),
        "started_before" => f.started_before = Some(parse_time(k, v)?),
        "ended_after" => f.ended_after = Some(parse_time(k, v)?),
        "ended_before" => f.ended_before = Some(parse_time(k, v)?),
        "created_after" => f.created_after = Some(parse_time(k, v)?),
        "created_before" => f.created_before = Some(parse_time(k, v)?),
        "metadata" => f.metadata = parse_metadata(v)?,
        "environments" => f.environments.push(parse_enum(k, v)?),
        _ => return Ok(false),
    }
    Ok(true)
}

/// `limit`, `cursor`, `sort_order`: the paging every list shares. `Ok(false)` for other keys.
pub fn apply_page_param(
    limit: &mut i64,
    cursor: &mut i64,
    order: &mut SortOrder,
    k: &str,
    v: &str,
) -> Result<bool, ApiError> {
    match k {
        "limit" => *limit = parse_int(k, v, 1, MAX_LIMIT)?,
        "cursor" => *cursor = parse_int(k, v, 0, i64::MAX)?,
        "sort_order" => *order = parse_enum(k, v)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// Parses the raw query string.
pub fn parse_list_query(raw: &str) -> Result<ListQuery, ApiError> {
    let mut q = ListQuery {
        filter: RunFilter::default(),
        limit: DEFAULT_LIMIT,
        cursor: 0,
        sort_by: SortBy::StartedAt,
        sort_order: SortOrder::Desc,
        include_metadata: false,
        include_sequences: false,
    };
    for (k, v) in query_pairs(raw) {
        let (k, v) = (k.as_str(), v.as_str());
        if apply_run_param(&mut q.filter, k, v)?
            || apply_page_param(&mut q.limit, &mut q.cursor, &mut q.sort_order, k, v)?
        {
            continue;
        }
        match k {
            "sort_by" => q.sort_by = parse_enum(k, v)?,
            "include_metadata" => q.include_metadata = parse_bool(k, v)?,
            "include_sequences" => q.include_sequences = parse_bool(k, v)?,
            // Unknown parameters are ignored, as the service does.
            _ => {}
        }
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_collect_and_scalars_parse() {
        let q = parse_list_query("ids=a&ids=b&outcomes=FAIL&outcomes=error&limit=10&sort_by=duration&sort_order=asc&duration_min=PT1M&started_after=2024-01-15T10%3A30%3A00.123Z").unwrap();
        assert_eq!(q.filter.ids, vec!["a", "b"]);
        assert_eq!(q.filter.outcomes, vec![RunOutcome::Fail, RunOutcome::Error]);
        assert_eq!((q.limit, q.sort_by, q.sort_order), (10, SortBy::Duration, SortOrder::Asc));
        assert_eq!(q.filter.duration_min, Some(60_000));
        assert_eq!(q.filter.started_after, Some(1_705_314_600_123));
    }

    #[test]
    fn python_spellings_of_numbers_and_times() {
        let q = parse_list_query("limit=5.0&cursor=2.0&started_after=2024-01-15T10%3A30%3A00.123456&started_before=2024-01-15T12%3A30%3A00%2B02%3A00").unwrap();
        assert_eq!((q.limit, q.cursor), (5, 2));
        assert_eq!(q.filter.started_after, Some(1_705_314_600_123));
        assert_eq!(q.filter.started_before, Some(1_705_314_600_000));
        assert!(parse_list_query("cursor=2.5").is_err());
    }

    #[test]
    fn bad_values_name_their_parameter() {
        for (raw, field) in [
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("limit=abc", "limit"),
            ("cursor=-1", "cursor"),
            ("outcomes=RUNNING", "outcomes"),
            ("started_after=yesterday", "started_after"),
            ("duration_max=5m", "duration_max"),
            ("sort_by=name", "sort_by"),
            ("metadata=%7Bnot-json", "metadata"),
            ("metadata=%7B%22a%22%3A%7B%22like%22%3A1%7D%7D", "metadata.a"),
            ("include_metadata=yes", "include_metadata"),
        ] {
            let err = parse_list_query(raw).unwrap_err();
            assert_eq!(err.status, axum::http::StatusCode::BAD_REQUEST, "{raw}");
            assert!(err.body.message.contains(field), "{raw}: {}", err.body.message);
        }
    }

    #[test]
    fn empty_parameters_are_not_given() {
        // What the official Python SDK sends for a plain `runs.list()`.
        let q = parse_list_query(
            "limit=50&sort_by=started_at&sort_order=desc&metadata=&include_metadata=false&include_sequences=false&ids=&search_query=",
        )
        .unwrap();
        assert_eq!(q.filter, RunFilter::default());
        assert_eq!(q.limit, 50);
    }

    #[test]
    fn metadata_operators() {
        let raw = serde_json::json!({"shift": {"in": ["A", "B"]}, "temp": {"gte": 20, "lt": 30}, "rework": {"eq": true}, "fixture": {"contains": "F-"}}).to_string();
        let q = parse_list_query(&format!("metadata={}", urlencode(&raw))).unwrap();
        assert_eq!(q.filter.metadata.len(), 4);
        let six = serde_json::json!({"a":1,"b":1,"c":1,"d":1,"e":1,"f":1}).to_string();
        assert!(parse_list_query(&format!("metadata={}", urlencode(&six))).is_err());
    }

    fn urlencode(s: &str) -> String {
        form_urlencoded::byte_serialize(s.as_bytes()).collect()
    }
}
