//! Rows across runs: `/v2/measurements`, `/v2/phases`, `/v2/logs`, what their lists take and
//! what they answer. Responses are tolerant like the rest of `api`: every field defaults and
//! enums keep values they do not know.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Measurement;
use super::{
    LogLevel, LogSortBy, MeasurementSortBy, MeasurementType, Outcome, PhaseOutcome, PhaseSortBy,
    RunOutcome, Sample, SortOrder, Validator, WireEnum,
};

/// A row of `GET /v2/measurements`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MeasurementRow {
    pub id: String,
    pub phase_name: String,
    pub measurement_name: String,
    pub started_at: Option<DateTime<Utc>>,
    pub value: Option<f64>,
    pub bool_value: Option<bool>,
    pub string_value: Option<String>,
    pub units: Option<String>,
    pub measurement_outcome: Option<Outcome>,
    pub run_id: String,
    pub serial_number: Option<String>,
    pub sample: Option<Sample>,
    pub measurement_type: Option<MeasurementType>,
    pub retry_count: i64,
    pub is_final_attempt: bool,
    pub validators: Option<Vec<Validator>>,
}

/// A row of `GET /v2/phases`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhaseRow {
    pub id: String,
    pub name: String,
    pub outcome: Option<PhaseOutcome>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub duration_ms: Option<i64>,
    pub retry_count: i64,
    pub sequence_path: Option<String>,
    pub is_final_attempt: bool,
    pub run_id: String,
    pub run_outcome: Option<RunOutcome>,
    pub serial_number: Option<String>,
    pub sample: Option<Sample>,
}

/// `{id, name}` of whatever a row points at.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdName {
    pub id: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogRun {
    pub id: String,
    pub outcome: Option<RunOutcome>,
    pub started_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogUnit {
    pub id: String,
    pub serial_number: String,
}

/// A row of `GET /v2/logs`, and `GET /v2/logs/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogRow {
    pub id: String,
    pub level: Option<LogLevel>,
    pub message: String,
    /// When the line was logged (the API calls it `created_at`).
    pub created_at: Option<DateTime<Utc>>,
    pub source_file: Option<String>,
    pub line_number: Option<i64>,
    pub run: LogRun,
    pub unit: LogUnit,
    pub procedure: IdName,
    pub created_by_user: Option<IdName>,
    pub created_by_station: Option<IdName>,
}

/// `GET /v2/measurements/{id}`: the measurement as a run has it, and where it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MeasurementDetail {
    #[serde(flatten)]
    pub measurement: Measurement,
    pub phase: IdName,
    pub run: MeasurementRun,
    pub procedure: IdName,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MeasurementRun {
    pub id: String,
    pub outcome: Option<RunOutcome>,
    pub serial_number: Option<String>,
}

/// `GET /v2/phases/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhaseDetail {
    #[serde(flatten)]
    pub phase: super::Phase,
    pub run: MeasurementRun,
    pub procedure: IdName,
}

/// Run-level filters the cross-run lists take under the runs list's names. Built from the
/// dashboard's filter; each list sends them under its own names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunScope {
    pub outcomes: Vec<RunOutcome>,
    pub serial_numbers: Vec<String>,
    pub part_numbers: Vec<String>,
    pub revision_numbers: Vec<String>,
    pub batch_numbers: Vec<String>,
    pub procedure_versions: Vec<String>,
    pub created_by_station_ids: Vec<String>,
    pub created_by_user_ids: Vec<String>,
    pub operated_by_ids: Vec<String>,
    pub operated_by_names: Vec<String>,
    pub started_after: Option<DateTime<Utc>>,
    pub started_before: Option<DateTime<Utc>>,
}

fn push_all<T: AsRef<str>>(out: &mut Vec<(&'static str, String)>, key: &'static str, v: &[T]) {
    out.extend(v.iter().map(|x| (key, x.as_ref().to_string())));
}

fn push_enums<T: WireEnum>(out: &mut Vec<(&'static str, String)>, key: &'static str, v: &[T]) {
    out.extend(v.iter().map(|x| (key, x.as_str().to_string())));
}

impl RunScope {
    /// The parameters, naming run outcomes `outcomes_key` (`outcomes` on measurements,
    /// `run_outcomes` on phases and logs); `with_window`: the list takes `started_*`.
    fn params(&self, outcomes_key: &'static str, with_window: bool) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        push_enums(&mut out, outcomes_key, &self.outcomes);
        push_all(&mut out, "serial_numbers", &self.serial_numbers);
        push_all(&mut out, "part_numbers", &self.part_numbers);
        push_all(&mut out, "revision_numbers", &self.revision_numbers);
        push_all(&mut out, "batch_numbers", &self.batch_numbers);
        push_all(&mut out, "procedure_versions", &self.procedure_versions);
        push_all(&mut out, "created_by_station_ids", &self.created_by_station_ids);
        push_all(&mut out, "created_by_user_ids", &self.created_by_user_ids);
        if with_window {
            push_all(&mut out, "operated_by_ids", &self.operated_by_ids);
            push_all(&mut out, "operated_by_names", &self.operated_by_names);
            if let Some(t) = &self.started_after {
                out.push(("started_after", super::time::query_timestamp(t)));
            }
            if let Some(t) = &self.started_before {
                out.push(("started_before", super::time::query_timestamp(t)));
            }
        }
        out
    }
}

/// Paging and order, as every list takes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    pub limit: u32,
    pub cursor: Option<i64>,
    pub order: SortOrder,
}

impl Default for Paging {
    fn default() -> Self {
        Paging { limit: 100, cursor: None, order: SortOrder::Desc }
    }
}

impl Paging {
    fn params(&self, out: &mut Vec<(&'static str, String)>) {
        out.push(("limit", self.limit.to_string()));
        if let Some(c) = self.cursor {
            out.push(("cursor", c.to_string()));
        }
        out.push(("sort_order", self.order.as_str().to_string()));
    }
}

/// `GET /v2/measurements`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeasurementListRequest {
    pub procedure_id: String,
    pub measurement_name: Option<String>,
    pub phase_names: Vec<String>,
    pub runs: RunScope,
    /// Every attempt of a retried phase, not only the last.
    pub include_retries: bool,
    pub value_min: Option<f64>,
    pub value_max: Option<f64>,
    pub measurement_outcomes: Vec<Outcome>,
    pub measurement_types: Vec<MeasurementType>,
    pub sort_by: Option<MeasurementSortBy>,
    pub paging: Paging,
}

impl MeasurementListRequest {
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("procedure_id", self.procedure_id.clone())];
        if let Some(n) = &self.measurement_name {
            out.push(("measurement_name", n.clone()));
        }
        push_all(&mut out, "phase_names", &self.phase_names);
        out.extend(self.runs.params("outcomes", true));
        out.push(("exclude_retries", (!self.include_retries).to_string()));
        if let Some(v) = self.value_min {
            out.push(("value_min", v.to_string()));
        }
        if let Some(v) = self.value_max {
            out.push(("value_max", v.to_string()));
        }
        push_enums(&mut out, "measurement_outcomes", &self.measurement_outcomes);
        push_enums(&mut out, "measurement_types", &self.measurement_types);
        if let Some(s) = &self.sort_by {
            out.push(("sort_by", s.as_str().to_string()));
        }
        self.paging.params(&mut out);
        out
    }
}

/// `GET /v2/phases`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhaseListRequest {
    pub procedure_id: String,
    pub names: Vec<String>,
    pub outcomes: Vec<PhaseOutcome>,
    pub runs: RunScope,
    pub include_retries: bool,
    pub sort_by: Option<PhaseSortBy>,
    pub paging: Paging,
}

impl PhaseListRequest {
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("procedure_id", self.procedure_id.clone())];
        push_all(&mut out, "names", &self.names);
        push_enums(&mut out, "outcomes", &self.outcomes);
        out.extend(self.runs.params("run_outcomes", true));
        out.push(("exclude_retries", (!self.include_retries).to_string()));
        if let Some(s) = &self.sort_by {
            out.push(("sort_by", s.as_str().to_string()));
        }
        self.paging.params(&mut out);
        out
    }
}

/// `GET /v2/logs`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogListRequest {
    pub procedure_ids: Vec<String>,
    pub search: Option<String>,
    pub levels: Vec<LogLevel>,
    pub after: Option<DateTime<Utc>>,
    pub before: Option<DateTime<Utc>>,
    pub run_ids: Vec<String>,
    pub runs: RunScope,
    pub sort_by: Option<LogSortBy>,
    pub paging: Paging,
}

impl LogListRequest {
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        push_all(&mut out, "procedure_ids", &self.procedure_ids);
        if let Some(s) = &self.search {
            out.push(("search_query", s.clone()));
        }
        push_enums(&mut out, "levels", &self.levels);
        if let Some(t) = &self.after {
            out.push(("timestamp_after", super::time::query_timestamp(t)));
        }
        if let Some(t) = &self.before {
            out.push(("timestamp_before", super::time::query_timestamp(t)));
        }
        push_all(&mut out, "run_ids", &self.run_ids);
        out.extend(self.runs.params("run_outcomes", false));
        if let Some(s) = &self.sort_by {
            out.push(("sort_by", s.as_str().to_string()));
        }
        self.paging.params(&mut out);
        out
    }
}
