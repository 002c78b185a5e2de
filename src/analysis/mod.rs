//! Triage insight computed on the client from what API v2 returns (it has no analytics
//! endpoints). So far: specification limits read from validators.

mod limits;

pub use limits::{Limits, ParsedLimits, limits_from_validators};
