//! The error body every non-2xx answer carries: `{"message","code","issues"}`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ApiErrorBody {
    pub message: String,
    pub code: String,
    pub issues: Vec<ApiIssue>,
}

/// One problem with the request; `path` leads to the offending field, e.g.
/// `["phases", 2, "measurements", 0, "outcome"]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ApiIssue {
    pub message: String,
    pub path: Vec<serde_json::Value>,
}
