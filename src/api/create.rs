//! `POST /v2/runs` body as the server reads it. Enums are [`Strict`]: an unknown outcome or
//! level is a 400 naming the field. Unset optional fields are `None`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::enums::*;
use super::run::Metadata;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunCreate {
    pub outcome: Strict<RunOutcome>,
    pub procedure_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_run_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procedure_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operated_by: Option<String>,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub serial_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_units: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docstring: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phases: Option<Vec<PhaseCreate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequences: Option<Vec<SequenceCreate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logs: Option<Vec<LogCreate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_metadata: Option<Metadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<Vec<ConfigCreate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets: Option<Vec<SecretCreate>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseCreate {
    pub name: String,
    pub outcome: Strict<PhaseOutcome>,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docstring: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measurements: Option<Vec<MeasurementCreate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ValidatorCreate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Strict<Outcome>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_decisive: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregationCreate {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Strict<Outcome>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validators: Option<Vec<ValidatorCreate>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AxisCreate {
    #[serde(default)]
    pub data: Vec<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validators: Option<Vec<ValidatorCreate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregations: Option<Vec<AggregationCreate>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasurementCreate {
    pub name: String,
    pub outcome: Strict<Outcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_axis: Option<AxisCreate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y_axis: Option<Vec<AxisCreate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured_value: Option<Value>,
    /// Any JSON; the service answers with a string (arrays are joined).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_limit: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper_limit: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validators: Option<Vec<ValidatorCreate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregations: Option<Vec<AggregationCreate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docstring: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequenceCreate {
    pub path: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub outcome: Strict<SequenceOutcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogCreate {
    pub level: Strict<LogLevel>,
    pub timestamp: DateTime<Utc>,
    pub message: String,
    pub source_file: String,
    pub line_number: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigCreate {
    pub key: String,
    pub value: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Strict<ConfigSource>>,
}

/// A secret is identified, never sent: `deny_unknown_fields` turns a `value` into a 400.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretCreate {
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Strict<ConfigSource>>,
}
