//! Units, stations, parts, revisions, batches, procedures and versions as the API answers
//! them, and what their lists take. Tolerant like the rest of `api`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::crossrun::{IdName, Paging};
use super::{Metadata, PartRef, RunOutcome, Sample, SampleFilter, UnitSortBy, WireEnum};

/// `{id, serial_number}` of a parent or child, with its part when the API gives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnitLink {
    pub id: String,
    pub serial_number: String,
    pub part: Option<PartRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NumberRef {
    pub id: String,
    pub number: String,
}

/// A unit's newest run, in the units list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LastRun {
    pub id: String,
    pub outcome: Option<RunOutcome>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub procedure: Option<IdName>,
}

/// A row of `GET /v2/units`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnitSummary {
    pub id: String,
    pub serial_number: String,
    pub created_at: Option<DateTime<Utc>>,
    pub sample: Option<Sample>,
    pub created_by_user: Option<IdName>,
    pub created_by_station: Option<IdName>,
    pub batch: Option<NumberRef>,
    pub parent: Option<UnitLink>,
    pub children: Vec<UnitLink>,
    pub part: PartRef,
    pub last_run: Option<LastRun>,
    pub metadata: Option<Metadata>,
}

/// The run during which a unit was first seen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreatedDuring {
    pub id: String,
    pub created_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub duration: Option<String>,
    pub outcome: Option<RunOutcome>,
    pub procedure: Option<IdName>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnitAttachment {
    pub id: String,
    pub name: String,
    pub size: Option<f64>,
    pub content_type: Option<String>,
    pub download_url: Option<String>,
}

/// `GET /v2/units/{serial}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnitDetail {
    pub id: String,
    pub serial_number: String,
    pub created_at: Option<DateTime<Utc>>,
    pub sample: Option<Sample>,
    pub created_by_user: Option<IdName>,
    pub created_by_station: Option<IdName>,
    pub part: PartRef,
    pub batch: Option<NumberRef>,
    pub parent: Option<UnitLink>,
    pub children: Vec<UnitLink>,
    pub created_during: Option<CreatedDuring>,
    pub attachments: Vec<UnitAttachment>,
    pub metadata: Option<Metadata>,
}

/// `GET /v2/units`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitListRequest {
    pub search: Option<String>,
    pub serial_numbers: Vec<String>,
    pub part_numbers: Vec<String>,
    pub procedure_ids: Vec<String>,
    pub outcomes: Vec<RunOutcome>,
    pub latest_only: bool,
    pub exclude_units_with_parent: bool,
    pub samples: Vec<SampleFilter>,
    pub include_metadata: bool,
    pub sort_by: Option<UnitSortBy>,
    pub paging: Paging,
}

impl UnitListRequest {
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        if let Some(s) = &self.search {
            out.push(("search_query", s.clone()));
        }
        out.extend(self.serial_numbers.iter().map(|s| ("serial_numbers", s.clone())));
        out.extend(self.part_numbers.iter().map(|s| ("part_numbers", s.clone())));
        out.extend(self.procedure_ids.iter().map(|s| ("procedure_ids", s.clone())));
        out.extend(self.outcomes.iter().map(|o| ("outcomes", o.as_str().to_string())));
        out.extend(self.samples.iter().map(|o| ("samples", o.as_str().to_string())));
        if self.latest_only {
            out.push(("latest_only", "true".into()));
        }
        if self.exclude_units_with_parent {
            out.push(("exclude_units_with_parent", "true".into()));
        }
        if self.include_metadata {
            out.push(("include_metadata", "true".into()));
        }
        if let Some(s) = &self.sort_by {
            out.push(("sort_by", s.as_str().to_string()));
        }
        out.push(("limit", self.paging.limit.to_string()));
        if let Some(c) = self.paging.cursor {
            out.push(("cursor", c.to_string()));
        }
        out.push(("sort_order", self.paging.order.as_str().to_string()));
        out
    }
}

/// A procedure linked to a station, with its runs there in the last seven days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StationProcedure {
    pub id: String,
    pub name: String,
    pub runs_count: Option<f64>,
}

/// A row of `GET /v2/stations`, and `GET /v2/stations/{id}` (which adds the key prefix).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Station {
    pub id: String,
    pub name: String,
    pub procedures: Vec<StationProcedure>,
    pub procedures_count: Option<f64>,
    /// The start of the station's key (never the key).
    pub api_key: Option<String>,
    pub organization_slug: Option<String>,
    pub metadata: Option<Metadata>,
}

/// A row of `GET /v2/parts`, and `GET /v2/parts/{number}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Part {
    pub id: String,
    pub number: String,
    pub name: String,
    pub created_at: Option<DateTime<Utc>>,
    pub revisions: Vec<NumberRef>,
    pub metadata: Option<Metadata>,
}

/// `GET /v2/parts/{number}/revisions/{number}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Revision {
    pub id: String,
    pub number: String,
    pub created_at: Option<DateTime<Utc>>,
    pub part: Option<IdNumberName>,
    pub units: Vec<UnitLink>,
    pub metadata: Option<Metadata>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdNumberName {
    pub id: String,
    pub number: String,
    pub name: String,
}

/// A row of `GET /v2/batches`, and `GET /v2/batches/{number}` (which lists its units).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Batch {
    pub id: String,
    pub number: String,
    pub created_at: Option<DateTime<Utc>>,
    pub unit_count: Option<i64>,
    pub units: Vec<UnitLink>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecentRun {
    pub id: String,
    pub started_at: Option<DateTime<Utc>>,
    pub outcome: Option<RunOutcome>,
    pub unit: Option<Value>,
}

/// `GET /v2/procedures/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcedureDetail {
    pub id: String,
    pub name: String,
    pub created_at: Option<DateTime<Utc>>,
    pub runs_count: Option<f64>,
    pub recent_runs: Vec<RecentRun>,
    pub stations: Vec<IdName>,
}

/// `GET /v2/procedures/{id}/versions/{tag}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Version {
    pub id: String,
    pub tag: String,
    pub created_at: Option<DateTime<Utc>>,
    pub procedure: Option<IdName>,
    pub run_count: Option<i64>,
}
