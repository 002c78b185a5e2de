//! The catalog lists' queries: parts, batches, stations, procedures and units.

use serde::Deserialize;

use super::runs::MetaFilter;
use super::{Params, de};
use crate::api::{BatchSortBy, PartSortBy, RunOutcome, SampleFilter, UnitSortBy};
use crate::server::error::ApiError;

/// `GET /v2/parts`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PartQuery {
    #[serde(rename = "search_query", deserialize_with = "de::search")]
    pub search: Option<String>,
    pub procedure_ids: Vec<String>,
    #[serde(deserialize_with = "de::known")]
    pub sort_by: Option<PartSortBy>,
    pub metadata: MetaFilter,
    #[serde(deserialize_with = "de::flag")]
    pub include_metadata: bool,
}

impl Params for PartQuery {
    fn validate(&mut self) -> Result<(), ApiError> {
        self.metadata.read()
    }
}

/// `GET /v2/batches`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BatchQuery {
    pub ids: Vec<String>,
    pub numbers: Vec<String>,
    #[serde(deserialize_with = "de::time")]
    pub created_after: Option<i64>,
    #[serde(deserialize_with = "de::time")]
    pub created_before: Option<i64>,
    #[serde(rename = "search_query", deserialize_with = "de::search")]
    pub search: Option<String>,
    pub part_numbers: Vec<String>,
    pub revision_numbers: Vec<String>,
    #[serde(deserialize_with = "de::known")]
    pub sort_by: Option<BatchSortBy>,
}

impl Params for BatchQuery {}

/// `GET /v2/stations`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StationQuery {
    #[serde(rename = "search_query", deserialize_with = "de::search")]
    pub search: Option<String>,
    pub procedure_ids: Vec<String>,
    pub metadata: MetaFilter,
    #[serde(deserialize_with = "de::flag")]
    pub include_metadata: bool,
}

impl Params for StationQuery {
    fn validate(&mut self) -> Result<(), ApiError> {
        self.metadata.read()
    }
}

/// `GET /v2/procedures`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProcedureQuery {
    #[serde(rename = "search_query", deserialize_with = "de::search")]
    pub search: Option<String>,
    #[serde(deserialize_with = "de::time")]
    pub created_after: Option<i64>,
    #[serde(deserialize_with = "de::time")]
    pub created_before: Option<i64>,
}

impl Params for ProcedureQuery {}

/// `GET /v2/units`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct UnitQuery {
    #[serde(rename = "search_query", deserialize_with = "de::search")]
    pub search: Option<String>,
    pub ids: Vec<String>,
    #[serde(rename = "serial_numbers")]
    pub serials: Vec<String>,
    #[serde(rename = "part_numbers")]
    pub parts: Vec<String>,
    #[serde(rename = "revision_numbers")]
    pub revisions: Vec<String>,
    /// `None` in the list: units without a batch (`batch_numbers=`).
    #[serde(rename = "batch_numbers", deserialize_with = "de::texts_or_none")]
    pub batches: Vec<Option<String>>,
    pub procedure_ids: Vec<String>,
    #[serde(deserialize_with = "de::known_all")]
    pub outcomes: Vec<RunOutcome>,
    #[serde(deserialize_with = "de::time")]
    pub started_after: Option<i64>,
    #[serde(deserialize_with = "de::time")]
    pub started_before: Option<i64>,
    #[serde(deserialize_with = "de::flag")]
    pub latest_only: bool,
    #[serde(deserialize_with = "de::count")]
    pub run_count_min: Option<i64>,
    #[serde(deserialize_with = "de::count")]
    pub run_count_max: Option<i64>,
    #[serde(deserialize_with = "de::time")]
    pub created_after: Option<i64>,
    #[serde(deserialize_with = "de::time")]
    pub created_before: Option<i64>,
    pub created_by_user_ids: Vec<String>,
    pub created_by_station_ids: Vec<String>,
    #[serde(rename = "exclude_units_with_parent", deserialize_with = "de::flag")]
    pub exclude_with_parent: bool,
    #[serde(deserialize_with = "de::known_all")]
    pub samples: Vec<SampleFilter>,
    pub metadata: MetaFilter,
    #[serde(deserialize_with = "de::flag")]
    pub include_metadata: bool,
    #[serde(deserialize_with = "de::known")]
    pub sort_by: Option<UnitSortBy>,
}

impl Params for UnitQuery {
    const KEEP_EMPTY: &'static [&'static str] = &["batch_numbers"];

    fn validate(&mut self) -> Result<(), ApiError> {
        self.metadata.read()
    }
}

/// `DELETE …?ids=…`: the rows to delete (an empty `ids=` is an id no row has).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Ids {
    pub ids: Vec<String>,
}

impl Params for Ids {
    const KEEP_EMPTY: &'static [&'static str] = &["ids"];
}

/// `DELETE /v2/units?serial_numbers=…`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Serials {
    pub serial_numbers: Vec<String>,
}

impl Params for Serials {}

/// `DELETE /v2/units/{serial}/children?child_serial_number=…`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Child {
    #[serde(deserialize_with = "de::text")]
    pub child_serial_number: Option<String>,
}

impl Params for Child {}

#[cfg(test)]
mod tests {
    use super::super::{Page, parse};
    use super::*;

    #[test]
    fn python_defaults_parse_and_an_empty_batch_means_none() {
        let raw = "latest_only=false&exclude_units_with_parent=false&limit=50&sort_by=created_at&sort_order=desc&metadata=&include_metadata=false";
        let q: UnitQuery = parse(raw).unwrap();
        let page: Page = parse(raw).unwrap();
        assert_eq!((page.limit, q.latest_only, q.metadata.conds.len()), (50, false, 0));
        let q: UnitQuery = parse("batch_numbers=&batch_numbers=B1").unwrap();
        assert_eq!(q.batches, vec![None, Some("B1".to_string())]);
        assert!(parse::<UnitQuery>("run_count_min=-1").is_err());
        assert!(parse::<UnitQuery>("outcomes=RUNNING").is_err());
    }
}
