//! The cross-run lists' answers: a measurement, a phase or a log line with where it ran.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::{IdName, UnitRef};
use crate::api::{Measurement, Phase};
use crate::server::store::people::Creators;

/// A row of `GET /v2/measurements`.
#[derive(Debug, Clone, Serialize)]
pub struct MeasurementRow {
    pub id: String,
    pub phase_name: String,
    pub measurement_name: String,
    pub started_at: DateTime<Utc>,
    pub value: Option<f64>,
    pub bool_value: Option<bool>,
    pub string_value: Option<String>,
    pub units: Option<String>,
    pub measurement_outcome: String,
    pub run_id: String,
    pub serial_number: String,
    pub sample: Option<String>,
    pub measurement_type: String,
    pub retry_count: i64,
    pub is_final_attempt: bool,
    pub validators: Option<Value>,
}

/// `GET /v2/measurements/{id}`: the measurement as its run holds it, with its phase, run
/// and procedure.
#[derive(Debug, Clone, Serialize)]
pub struct MeasurementDetail {
    #[serde(flatten)]
    pub measurement: Measurement,
    pub phase: IdName,
    pub run: RunOfRow,
    pub procedure: IdName,
}

/// The run of a measurement.
#[derive(Debug, Clone, Serialize)]
pub struct RunOfRow {
    pub id: String,
    pub outcome: String,
    pub serial_number: String,
}

/// A row of `GET /v2/phases`.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseRow {
    pub id: String,
    pub name: String,
    pub outcome: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub retry_count: i64,
    pub sequence_path: Option<String>,
    pub is_final_attempt: bool,
    pub run_id: String,
    pub run_outcome: String,
    pub serial_number: String,
    pub sample: Option<String>,
}

/// `GET /v2/phases/{id}`: the phase as its run holds it, with its run and procedure.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseDetail {
    #[serde(flatten)]
    pub phase: Phase,
    pub run: RunSerial,
    pub procedure: IdName,
}

/// `{id, serial_number}` of a phase's run.
#[derive(Debug, Clone, Serialize)]
pub struct RunSerial {
    pub id: String,
    pub serial_number: String,
}

/// A row of `GET /v2/logs`, and `GET /v2/logs/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct LogRow {
    pub id: String,
    pub level: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub source_file: String,
    pub line_number: i64,
    pub run: RunOfLog,
    pub unit: UnitRef,
    pub procedure: IdName,
    #[serde(flatten)]
    pub creators: Creators,
}

/// The run of a log line.
#[derive(Debug, Clone, Serialize)]
pub struct RunOfLog {
    pub id: String,
    pub outcome: String,
    pub started_at: DateTime<Utc>,
}
