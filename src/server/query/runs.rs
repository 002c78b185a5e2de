//! The runs' filters, which the cross-run lists share, and the runs list's query; the
//! `metadata` filter, a JSON object in one parameter.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{Page, Params, bad, de, parse};
use crate::api::{Environment, RunOutcome, SampleFilter, SortBy};
use crate::path;
use crate::server::error::ApiError;

pub const MAX_METADATA_FILTER_KEYS: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub enum MetaCond {
    In(Vec<String>),
    Contains(String),
    Num(&'static str, f64),
    Bool(bool),
}

/// The `metadata` filter: the JSON as sent, read into conditions by [`MetaFilter::read`] (a
/// bad one names its key: `metadata.shift`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetaFilter {
    sent: Option<String>,
    pub conds: Vec<(String, Vec<MetaCond>)>,
}

impl<'de> Deserialize<'de> for MetaFilter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(MetaFilter { sent: de::text(d)?, conds: vec![] })
    }
}

impl MetaFilter {
    pub fn read(&mut self) -> Result<(), ApiError> {
        if let Some(sent) = self.sent.take() {
            self.conds = parse_metadata(&sent)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RunFilter {
    #[serde(deserialize_with = "de::search")]
    pub search_query: Option<String>,
    pub ids: Vec<String>,
    #[serde(deserialize_with = "de::known_all")]
    pub outcomes: Vec<RunOutcome>,
    pub procedure_ids: Vec<String>,
    pub procedure_versions: Vec<String>,
    pub deployment_ids: Vec<String>,
    pub execution_ids: Vec<String>,
    pub slot_keys: Vec<String>,
    pub slot_names: Vec<String>,
    pub serial_numbers: Vec<String>,
    #[serde(deserialize_with = "de::known_all")]
    pub samples: Vec<SampleFilter>,
    pub part_numbers: Vec<String>,
    pub revision_numbers: Vec<String>,
    pub batch_numbers: Vec<String>,
    #[serde(deserialize_with = "de::duration")]
    pub duration_min: Option<i64>,
    #[serde(deserialize_with = "de::duration")]
    pub duration_max: Option<i64>,
    #[serde(deserialize_with = "de::time")]
    pub started_after: Option<i64>,
    #[serde(deserialize_with = "de::time")]
    pub started_before: Option<i64>,
    #[serde(deserialize_with = "de::time")]
    pub ended_after: Option<i64>,
    #[serde(deserialize_with = "de::time")]
    pub ended_before: Option<i64>,
    #[serde(deserialize_with = "de::time")]
    pub created_after: Option<i64>,
    #[serde(deserialize_with = "de::time")]
    pub created_before: Option<i64>,
    pub created_by_user_ids: Vec<String>,
    pub created_by_station_ids: Vec<String>,
    pub operated_by_ids: Vec<String>,
    pub operated_by_names: Vec<String>,
    pub metadata: MetaFilter,
    /// The embedded server has no deployments: every run is `production`.
    #[serde(deserialize_with = "de::known_all")]
    pub environments: Vec<Environment>,
}

impl Params for RunFilter {
    fn validate(&mut self) -> Result<(), ApiError> {
        self.metadata.read()
    }
}

/// `GET /v2/runs`: the filters, the page, the sort and what each row carries.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    #[serde(skip)]
    pub filter: RunFilter,
    #[serde(skip)]
    pub page: Page,
    #[serde(deserialize_with = "de::known_one")]
    pub sort_by: SortBy,
    #[serde(deserialize_with = "de::flag")]
    pub include_metadata: bool,
    #[serde(deserialize_with = "de::flag")]
    pub include_sequences: bool,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            filter: RunFilter::default(),
            page: Page::default(),
            sort_by: SortBy::StartedAt,
            include_metadata: false,
            include_sequences: false,
        }
    }
}

impl Params for ListQuery {
    /// The runs list's query string: its filter, its page and the rest, each read from it.
    fn from_query(raw: &str) -> Result<Self, ApiError> {
        Ok(ListQuery { filter: parse(raw)?, page: parse(raw)?, ..parse(raw)? })
    }
}

fn parse_metadata(v: &str) -> Result<Vec<(String, Vec<MetaCond>)>, ApiError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::SortOrder;

    #[test]
    fn repeated_keys_collect_and_scalars_parse() {
        let q = ListQuery::from_query("ids=a&ids=b&outcomes=FAIL&outcomes=error&limit=10&sort_by=duration&sort_order=asc&duration_min=PT1M&started_after=2024-01-15T10%3A30%3A00.123Z").unwrap();
        assert_eq!(q.filter.ids, vec!["a", "b"]);
        assert_eq!(q.filter.outcomes, vec![RunOutcome::Fail, RunOutcome::Error]);
        assert_eq!((q.page.limit, q.sort_by), (10, SortBy::Duration));
        assert_eq!(q.page.order, SortOrder::Asc);
        assert_eq!(q.filter.duration_min, Some(60_000));
        assert_eq!(q.filter.started_after, Some(1_705_314_600_123));
    }

    #[test]
    fn python_spellings_of_numbers_and_times() {
        let q = ListQuery::from_query("limit=5.0&cursor=2.0&started_after=2024-01-15T10%3A30%3A00.123456&started_before=2024-01-15T12%3A30%3A00%2B02%3A00").unwrap();
        assert_eq!((q.page.limit, q.page.cursor), (5, 2));
        assert_eq!(q.filter.started_after, Some(1_705_314_600_123));
        assert_eq!(q.filter.started_before, Some(1_705_314_600_000));
        assert!(ListQuery::from_query("cursor=2.5").is_err());
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
            let err = ListQuery::from_query(raw).unwrap_err();
            assert_eq!(err.status, axum::http::StatusCode::BAD_REQUEST, "{raw}");
            assert!(err.body.message.contains(field), "{raw}: {}", err.body.message);
        }
    }

    #[test]
    fn empty_parameters_are_not_given() {
        // What the official Python SDK sends for a plain `runs.list()`.
        let q = ListQuery::from_query(
            "limit=50&sort_by=started_at&sort_order=desc&metadata=&include_metadata=false&include_sequences=false&ids=&search_query=",
        )
        .unwrap();
        assert_eq!(q.filter, RunFilter::default());
        assert_eq!(q.page.limit, 50);
    }

    #[test]
    fn metadata_operators() {
        let raw = serde_json::json!({"shift": {"in": ["A", "B"]}, "temp": {"gte": 20, "lt": 30}, "rework": {"eq": true}, "fixture": {"contains": "F-"}}).to_string();
        let q = ListQuery::from_query(&format!("metadata={}", urlencode(&raw))).unwrap();
        assert_eq!(q.filter.metadata.conds.len(), 4);
        let six = serde_json::json!({"a":1,"b":1,"c":1,"d":1,"e":1,"f":1}).to_string();
        assert!(ListQuery::from_query(&format!("metadata={}", urlencode(&six))).is_err());
    }

    #[test]
    fn a_repeated_scalar_takes_its_last_value_and_brackets_are_dropped() {
        let q =
            ListQuery::from_query("limit=5&limit=7&ids[]=a&ids=b&search_query=x%00").unwrap_err();
        assert!(q.body.message.contains("search_query"), "{}", q.body.message);
        let q = ListQuery::from_query("limit=5&limit=7&ids[]=a&ids=b").unwrap();
        assert_eq!((q.page.limit, q.filter.ids.clone()), (7, vec!["a".into(), "b".into()]));
    }

    fn urlencode(s: &str) -> String {
        form_urlencoded::byte_serialize(s.as_bytes()).collect()
    }
}
