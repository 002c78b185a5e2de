//! The units' answers: a unit, and a row of the units list.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{IdName, IdNumber, Metadata, PartWithRevision, UnitRef};
use crate::server::store::people::{Creators, StationRef};

/// `GET /v2/units/{serial}`.
#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    pub id: String,
    pub serial_number: String,
    pub created_at: DateTime<Utc>,
    pub sample: Option<String>,
    #[serde(flatten)]
    pub creators: Creators,
    pub part: PartWithRevision,
    pub batch: Option<IdNumber>,
    pub parent: Option<Relative>,
    pub children: Vec<Relative>,
    pub created_during: Option<CreatedDuring>,
    pub attachments: Vec<UnitAttachment>,
    pub metadata: Metadata,
}

/// A unit's parent or child.
#[derive(Debug, Clone, Serialize)]
pub struct Relative {
    pub id: String,
    pub serial_number: String,
    pub part: PartWithRevision,
}

/// The run during which a unit was first seen.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedDuring {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub duration: String,
    pub outcome: String,
    pub procedure: IdName,
}

/// A file attached to a unit; linked once finalized.
#[derive(Debug, Clone, Serialize)]
pub struct UnitAttachment {
    pub id: String,
    pub name: String,
    pub size: Option<i64>,
    pub content_type: String,
    pub download_url: Option<String>,
}

/// A row of `GET /v2/units`.
#[derive(Debug, Clone, Serialize)]
pub struct UnitSummary {
    pub id: String,
    pub serial_number: String,
    pub created_at: DateTime<Utc>,
    pub sample: Option<String>,
    /// The list names its creator without the email.
    pub created_by_user: Option<UserName>,
    pub created_by_station: Option<StationRef>,
    pub batch: Option<IdNumber>,
    pub parent: Option<UnitRef>,
    pub children: Vec<UnitRef>,
    pub part: PartWithRevision,
    pub last_run: Option<LastRun>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UserName {
    pub id: String,
    pub name: Option<String>,
}

/// A unit's newest run (that the caller may see).
#[derive(Debug, Clone, Serialize)]
pub struct LastRun {
    pub id: String,
    pub outcome: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub procedure: IdName,
}
