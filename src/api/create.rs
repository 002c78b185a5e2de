//! `POST /v2/runs` body as the server reads it. Enums are [`Strict`]: an unknown outcome or
//! level is a 400 naming the field. Unset optional fields are `None`. Read only, never sent:
//! tofui's own writes go through other, smaller bodies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::enums::*;
use super::run::Metadata;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunCreate {
    pub outcome: Strict<RunOutcome>,
    pub procedure_id: String,
    pub deployment_id: Option<String>,
    pub client_run_ref: Option<String>,
    pub execution_id: Option<String>,
    pub slot_key: Option<String>,
    pub slot_name: Option<String>,
    pub procedure_version: Option<String>,
    pub operated_by: Option<String>,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub serial_number: String,
    pub part_number: Option<String>,
    pub revision_number: Option<String>,
    pub batch_number: Option<String>,
    pub sub_units: Option<Vec<String>>,
    pub docstring: Option<String>,
    pub phases: Option<Vec<PhaseCreate>>,
    pub sequences: Option<Vec<SequenceCreate>>,
    pub logs: Option<Vec<LogCreate>>,
    pub metadata: Option<Metadata>,
    pub unit_metadata: Option<Metadata>,
    pub config: Option<Vec<ConfigCreate>>,
    pub secrets: Option<Vec<SecretCreate>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseCreate {
    pub name: String,
    pub outcome: Strict<PhaseOutcome>,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub docstring: Option<String>,
    pub measurements: Option<Vec<MeasurementCreate>>,
    pub retry_count: Option<i64>,
    pub sequence_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ValidatorCreate {
    pub outcome: Option<Strict<Outcome>>,
    pub operator: Option<String>,
    pub expected_value: Option<Value>,
    pub expression: Option<String>,
    pub is_decisive: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregationCreate {
    #[serde(rename = "type")]
    pub kind: String,
    pub outcome: Option<Strict<Outcome>>,
    pub value: Option<Value>,
    pub unit: Option<String>,
    pub validators: Option<Vec<ValidatorCreate>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AxisCreate {
    #[serde(default)]
    pub data: Vec<f64>,
    pub units: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub validators: Option<Vec<ValidatorCreate>>,
    pub aggregations: Option<Vec<AggregationCreate>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasurementCreate {
    pub name: String,
    pub outcome: Strict<Outcome>,
    pub x_axis: Option<AxisCreate>,
    pub y_axis: Option<Vec<AxisCreate>>,
    pub measured_value: Option<Value>,
    /// Any JSON; the service answers with a string (arrays are joined).
    pub units: Option<Value>,
    pub lower_limit: Option<f64>,
    pub upper_limit: Option<f64>,
    pub validators: Option<Vec<ValidatorCreate>>,
    pub aggregations: Option<Vec<AggregationCreate>>,
    pub docstring: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequenceCreate {
    pub path: String,
    pub name: String,
    pub source: Option<String>,
    pub outcome: Strict<SequenceOutcome>,
    pub started_at: Option<DateTime<Utc>>,
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

/// Stored as sent and returned by `GET /v2/runs/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigCreate {
    pub key: String,
    pub value: Value,
    pub variable_id: Option<String>,
    pub version: Option<i64>,
    pub source: Option<Strict<ConfigSource>>,
}

/// A secret is identified, never sent: `deny_unknown_fields` turns a `value` into a 400.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretCreate {
    pub key: String,
    pub variable_id: Option<String>,
    pub version: Option<i64>,
    pub source: Option<Strict<ConfigSource>>,
}
