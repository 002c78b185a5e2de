//! One run with every shape the tree shows: sequences (nested), phases that pass, fail,
//! error and skip, a retried phase, and measurements of every type with validators,
//! aggregations and a multi-dimensional series; logs at every level; attachments; sub-units.

use tofui::api::RunDetail;

pub const START: &str = "2026-11-26T10:00:00.000Z";

pub fn run() -> RunDetail {
    serde_json::from_str(include_str!("../fixtures/run.json")).expect("fixture is a run")
}
