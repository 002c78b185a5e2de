//! Run shapes as the API returns them (list rows and the full run). Every field defaults, so a
//! missing optional field reads as empty rather than failing the whole response. The server
//! always fills what the SDK requires (see `server::store::render`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::*;

pub type Metadata = Map<String, Value>;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserRef {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StationRef {
    pub id: String,
    pub name: Option<String>,
}

/// Who ran the test: a member (id, name, email) or a declared name only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OperatorRef {
    pub id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VersionRef {
    pub id: String,
    pub tag: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcedureRef {
    pub id: String,
    pub name: String,
    pub version: Option<VersionRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RevisionRef {
    pub id: String,
    pub number: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartRef {
    pub id: String,
    pub number: String,
    pub name: String,
    pub revision: RevisionRef,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BatchRef {
    pub id: String,
    pub number: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnitRef {
    pub id: String,
    pub serial_number: String,
    pub sample: Option<Sample>,
    pub part: PartRef,
    pub batch: Option<BatchRef>,
}

/// One row of `GET /v2/runs`; also the top level of `GET /v2/runs/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunSummary {
    pub id: String,
    pub created_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub duration: Option<String>,
    pub outcome: Option<RunOutcome>,
    pub docstring: Option<String>,
    pub execution_id: Option<String>,
    pub slot_key: Option<String>,
    pub slot_name: Option<String>,
    pub created_by_user: Option<UserRef>,
    pub created_by_station: Option<StationRef>,
    pub operated_by: Option<OperatorRef>,
    pub procedure: ProcedureRef,
    pub unit: UnitRef,
    /// Sent only with `include_metadata=true` (always in a single run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Sent only with `include_sequences=true` (always in a single run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequences: Option<Vec<Sequence>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListMeta {
    pub has_more: bool,
    pub next_cursor: Option<i64>,
}

/// A `{data, meta}` list page, each row kept raw so that it is read on its own (one bad row
/// never fails the page): the one shape every list decoder starts from.
#[derive(Debug, Deserialize)]
pub struct RawPage {
    #[serde(default)]
    pub data: Vec<Box<serde_json::value::RawValue>>,
    #[serde(default)]
    pub meta: ListMeta,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Validator {
    pub outcome: Option<Outcome>,
    pub operator: Option<String>,
    pub expected_value: Option<Value>,
    pub expression: String,
    pub is_decisive: Option<bool>,
    pub is_expression_only: bool,
    pub analytics_expression: Option<String>,
    pub has_custom_expression: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Aggregation {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub outcome: Option<Outcome>,
    pub value: Option<Value>,
    pub unit: Option<String>,
    pub validators: Option<Vec<Validator>>,
}

/// One axis of a multi-dimensional measurement (the x axis first, then each y series).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DataSeries {
    pub data: Vec<f64>,
    pub units: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub validators: Option<Vec<Validator>>,
    pub aggregations: Option<Vec<Aggregation>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Measurement {
    pub id: String,
    pub name: String,
    pub outcome: Option<Outcome>,
    pub units: Option<String>,
    pub validators: Option<Vec<Validator>>,
    pub aggregations: Option<Vec<Aggregation>>,
    pub measured_value: Option<Value>,
    pub data_series: Option<Vec<DataSeries>>,
    pub docstring: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Phase {
    pub id: String,
    pub name: String,
    pub outcome: Option<PhaseOutcome>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub duration: Option<String>,
    pub retry_count: i64,
    pub sequence_path: Option<String>,
    pub docstring: Option<String>,
    pub measurements: Vec<Measurement>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sequence {
    pub id: String,
    pub path: String,
    pub key: String,
    pub parent_path: Option<String>,
    pub name: String,
    pub source: Option<String>,
    pub outcome: Option<SequenceOutcome>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub duration: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Attachment {
    pub id: String,
    pub name: String,
    pub size: Option<f64>,
    pub content_type: Option<String>,
    pub is_report: bool,
    pub download_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogLine {
    pub id: String,
    pub level: Option<LogLevel>,
    pub timestamp: Option<DateTime<Utc>>,
    pub message: String,
    pub source_file: String,
    pub line_number: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubUnit {
    pub id: String,
    pub serial_number: String,
    pub part_number: String,
    pub part_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigEntry {
    pub key: String,
    pub value: Value,
    pub variable_id: Option<String>,
    pub version: Option<i64>,
    pub source: Option<ConfigSource>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecretEntry {
    pub key: String,
    pub variable_id: Option<String>,
    pub version: Option<i64>,
    pub source: Option<ConfigSource>,
}

/// `GET /v2/runs/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunDetail {
    #[serde(flatten)]
    pub summary: RunSummary,
    pub phases: Option<Vec<Phase>>,
    pub attachments: Option<Vec<Attachment>>,
    pub logs: Option<Vec<LogLine>>,
    pub sub_units: Option<Vec<SubUnit>>,
    pub config: Vec<ConfigEntry>,
    pub secrets: Vec<SecretEntry>,
}
