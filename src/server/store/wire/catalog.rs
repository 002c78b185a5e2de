//! The catalog's answers: parts, revisions, batches, stations, procedures and versions.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::{IdName, IdNumber, IdNumberName, Metadata, UnitRef};
use crate::server::store::people::{Creators, UserRef};

/// A part's revision: with its creation time in a part's own answer, not in the list.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionRef {
    pub id: String,
    pub number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
}

/// A row of `GET /v2/parts`.
#[derive(Debug, Clone, Serialize)]
pub struct PartSummary {
    pub id: String,
    pub number: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revisions: Vec<RevisionRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// `GET /v2/parts/{number}`.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub id: String,
    pub number: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    #[serde(flatten)]
    pub creators: Creators,
    pub revisions: Vec<RevisionRef>,
    pub metadata: Metadata,
}

/// `PATCH /v2/parts/{number}`.
#[derive(Debug, Clone, Serialize)]
pub struct PartUpdated {
    pub id: String,
    pub number: String,
    pub name: String,
    pub updated_at: DateTime<Utc>,
}

/// `DELETE /v2/parts/{number}`.
#[derive(Debug, Clone, Serialize)]
pub struct PartDeleted {
    pub id: String,
    #[serde(rename = "deletedRevisionIds")]
    pub deleted_revision_ids: Vec<String>,
}

/// `GET /v2/parts/{number}/revisions/{number}`.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub id: String,
    pub number: String,
    pub created_at: DateTime<Utc>,
    #[serde(flatten)]
    pub creators: Creators,
    pub part: IdNumberName,
    pub units: Vec<UnitRef>,
    pub metadata: Metadata,
}

/// A row of `GET /v2/batches`.
#[derive(Debug, Clone, Serialize)]
pub struct BatchSummary {
    pub id: String,
    pub number: String,
    pub created_at: DateTime<Utc>,
    #[serde(flatten)]
    pub creators: Creators,
    pub unit_count: i64,
}

/// `GET /v2/batches/{number}`.
#[derive(Debug, Clone, Serialize)]
pub struct Batch {
    pub id: String,
    pub number: String,
    pub created_at: DateTime<Utc>,
    #[serde(flatten)]
    pub creators: Creators,
    pub units: Vec<BatchUnit>,
}

/// A unit of a batch, with its part and revision.
#[derive(Debug, Clone, Serialize)]
pub struct BatchUnit {
    pub id: String,
    pub serial_number: String,
    pub created_at: DateTime<Utc>,
    pub part: PartWithRevision,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartWithRevision {
    pub id: String,
    pub number: String,
    pub name: String,
    pub revision: IdNumber,
}

/// A row of `GET /v2/stations`.
#[derive(Debug, Clone, Serialize)]
pub struct StationSummary {
    pub id: String,
    pub name: String,
    pub procedures: Vec<IdName>,
    pub procedures_count: usize,
    pub team: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

/// `GET /v2/stations/{id}` and `/current`.
#[derive(Debug, Clone, Serialize)]
pub struct Station {
    pub id: String,
    pub name: String,
    pub api_key: Option<String>,
    pub procedures: Vec<StationProcedure>,
    pub organization_slug: &'static str,
    pub team: Option<Value>,
    pub metadata: Metadata,
}

/// A procedure of a station, with its runs there in the last seven days.
#[derive(Debug, Clone, Serialize)]
pub struct StationProcedure {
    pub id: String,
    pub name: String,
    pub runs_count: i64,
    pub deployment: Option<Value>,
}

/// A row of `GET /v2/procedures`; one nobody made is the system's.
#[derive(Debug, Clone, Serialize)]
pub struct ProcedureSummary {
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub created_by_user: UserRef,
    #[serde(rename = "linkedRepository")]
    pub linked_repository: Option<Value>,
}

/// `GET /v2/procedures/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct Procedure {
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub created_by_user: Option<UserRef>,
    pub runs_count: i64,
    pub recent_runs: Vec<RecentRun>,
    pub stations: Vec<IdName>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecentRun {
    pub id: String,
    pub started_at: DateTime<Utc>,
    pub outcome: String,
    pub unit: SerialOnly,
}

#[derive(Debug, Clone, Serialize)]
pub struct SerialOnly {
    pub serial_number: String,
}

/// `GET /v2/procedures/{id}/versions/{tag}`.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub id: String,
    pub tag: String,
    pub created_at: DateTime<Utc>,
    #[serde(flatten)]
    pub creators: Creators,
    pub procedure: IdName,
    pub run_count: i64,
}
