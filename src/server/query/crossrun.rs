//! The cross-run lists' queries (`/v2/measurements`, `/v2/phases`, `/v2/logs`): each list's
//! own parameters, and the runs list's filters under the names each list gives them.

use serde::Deserialize;

use super::{Page, Params, RunFilter, bad, de, parse, parse_renamed};
use crate::api::{LogLevel, LogSortBy, MeasurementSortBy, MeasurementType, Outcome};
use crate::api::{PhaseOutcome, PhaseSortBy};
use crate::server::error::ApiError;

/// Paging and the run-level filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Common {
    pub runs: RunFilter,
    pub page: Page,
}

/// Run-level parameters every cross-run list takes under the runs list's own names.
const RUN_PARAMS: &[&str] = &[
    "procedure_versions",
    "deployment_ids",
    "environments",
    "serial_numbers",
    "part_numbers",
    "revision_numbers",
    "batch_numbers",
    "operated_by_ids",
    "operated_by_names",
    "created_by_station_ids",
    "created_by_user_ids",
    "duration_min",
    "duration_max",
    "samples",
];

/// A cross-run list's query: its own parameters, then [`Common`].
pub trait CrossRun: Params {
    /// This list's names for run filters, and the runs list's: `(sent, runs list's)`.
    const RENAMED: &'static [(&'static str, &'static str)];
    fn common(&mut self) -> &mut Common;
}

/// Parses a cross-run list's query string.
pub fn parse_cross<T: CrossRun>(raw: &str) -> Result<T, ApiError> {
    let mut q: T = parse(raw)?;
    let runs = parse_renamed(raw, |k| match T::RENAMED.iter().find(|(sent, _)| *sent == k) {
        Some((_, to)) => Some(to.to_string()),
        None => RUN_PARAMS.contains(&k).then(|| k.to_string()),
    })?;
    *q.common() = Common { runs, page: parse(raw)? };
    Ok(q)
}

// The lists' default sorts.
fn measurements_by_start() -> MeasurementSortBy {
    MeasurementSortBy::StartedAt
}

fn phases_by_start() -> PhaseSortBy {
    PhaseSortBy::StartedAt
}

fn logs_by_creation() -> LogSortBy {
    LogSortBy::CreatedAt
}

/// The `procedure_id` these rows are listed by.
fn required(procedure_id: &Option<String>) -> Result<(), ApiError> {
    match procedure_id {
        Some(_) => Ok(()),
        None => {
            Err(bad("procedure_id", "is required: these rows are listed one procedure at a time"))
        }
    }
}

/// `GET /v2/measurements`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MeasurementQuery {
    #[serde(skip)]
    pub common: Common,
    #[serde(default, deserialize_with = "de::text")]
    pub procedure_id: Option<String>,
    #[serde(default, alias = "phase_name")]
    pub phase_names: Vec<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub measurement_name: Option<String>,
    #[serde(default, deserialize_with = "de::time")]
    pub started_after: Option<i64>,
    #[serde(default, deserialize_with = "de::time")]
    pub started_before: Option<i64>,
    #[serde(default = "de::yes", deserialize_with = "de::flag")]
    pub exclude_retries: bool,
    #[serde(default, deserialize_with = "de::number")]
    pub value_min: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub value_max: Option<f64>,
    #[serde(default, deserialize_with = "de::flag_given")]
    pub value_bool: Option<bool>,
    #[serde(default)]
    pub value_strings: Vec<String>,
    #[serde(default, rename = "measurement_outcomes", deserialize_with = "de::known_all")]
    pub outcomes: Vec<Outcome>,
    #[serde(default, rename = "measurement_types", deserialize_with = "de::known_all")]
    pub types: Vec<MeasurementType>,
    #[serde(default = "measurements_by_start", deserialize_with = "de::known_one")]
    pub sort_by: MeasurementSortBy,
}

/// `GET /v2/phases`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PhaseQuery {
    #[serde(skip)]
    pub common: Common,
    #[serde(default, deserialize_with = "de::text")]
    pub procedure_id: Option<String>,
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default, deserialize_with = "de::known_all")]
    pub outcomes: Vec<PhaseOutcome>,
    #[serde(default)]
    pub sequence_paths: Vec<String>,
    #[serde(default, deserialize_with = "de::time")]
    pub started_after: Option<i64>,
    #[serde(default, deserialize_with = "de::time")]
    pub started_before: Option<i64>,
    #[serde(default = "de::yes", deserialize_with = "de::flag")]
    pub exclude_retries: bool,
    #[serde(default = "phases_by_start", deserialize_with = "de::known_one")]
    pub sort_by: PhaseSortBy,
}

/// `GET /v2/logs`: `samples` takes `production` here too (the SDKs only list the classes).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LogQuery {
    #[serde(skip)]
    pub common: Common,
    #[serde(default)]
    pub procedure_ids: Vec<String>,
    #[serde(default, rename = "search_query", deserialize_with = "de::search")]
    pub search: Option<String>,
    #[serde(default, deserialize_with = "de::known_all")]
    pub levels: Vec<LogLevel>,
    #[serde(default, rename = "timestamp_after", deserialize_with = "de::time")]
    pub after: Option<i64>,
    #[serde(default, rename = "timestamp_before", deserialize_with = "de::time")]
    pub before: Option<i64>,
    #[serde(default)]
    pub source_files: Vec<String>,
    #[serde(default = "logs_by_creation", deserialize_with = "de::known_one")]
    pub sort_by: LogSortBy,
}

/// A cross-run list's query: what it checks, and its names for the runs' filters.
macro_rules! cross_run {
    ($query:ident, renamed: $renamed:expr, check: |$q:ident| $check:expr) => {
        impl Params for $query {
            fn from_query(raw: &str) -> Result<Self, ApiError> {
                parse_cross(raw)
            }

            fn validate(&mut self) -> Result<(), ApiError> {
                let $q = self;
                $check
            }
        }

        impl CrossRun for $query {
            const RENAMED: &'static [(&'static str, &'static str)] = $renamed;
            fn common(&mut self) -> &mut Common {
                &mut self.common
            }
        }
    };
}

// `outcomes` and `ids` are the runs' in the measurements list, as in the runs list.
cross_run!(MeasurementQuery, renamed: &[("outcomes", "outcomes"), ("ids", "ids")], check: |q| required(&q.procedure_id));
cross_run!(PhaseQuery, renamed: &[("run_outcomes", "outcomes"), ("ids", "ids")], check: |q| required(&q.procedure_id));
cross_run!(LogQuery, renamed: &[("run_ids", "ids"), ("run_outcomes", "outcomes")], check: |_q| Ok(()));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_names_as_the_sdks_send_them() {
        let q: MeasurementQuery = parse_cross(
            "procedure_id=p&exclude_retries=true&sort_by=started_at&sort_order=desc&limit=50",
        )
        .unwrap();
        assert!(q.exclude_retries);
        assert_eq!((q.common.page.limit, q.procedure_id.as_deref()), (50, Some("p")));
        let q: MeasurementQuery = parse_cross(
            "procedure_id=p&value_max=10.0&measurement_types=numeric&outcomes=FAIL&ids=r1",
        )
        .unwrap();
        assert_eq!(q.value_max, Some(10.0));
        assert_eq!(q.types, vec![MeasurementType::Numeric]);
        assert_eq!(q.common.runs.ids, vec!["r1"]);
        assert!(
            parse_cross::<MeasurementQuery>("procedure_id=p&measurement_types=vector").is_err()
        );
        assert!(parse_cross::<MeasurementQuery>("procedure_id=p&value_min=NaN").is_err());
    }

    #[test]
    fn renamed_run_filters_report_the_name_sent() {
        let err = parse_cross::<PhaseQuery>("procedure_id=p&run_outcomes=RUNNING").unwrap_err();
        assert!(err.body.message.contains("run_outcomes"), "{}", err.body.message);
        let q: PhaseQuery = parse_cross("procedure_id=p&run_outcomes=FAIL&outcomes=PASS").unwrap();
        assert_eq!(q.common.runs.outcomes, vec![crate::api::RunOutcome::Fail]);
        assert_eq!(q.outcomes, vec![PhaseOutcome::Pass]);
        let q: LogQuery = parse_cross("run_ids=r1&ids=r2").unwrap();
        assert_eq!(q.common.runs.ids, vec!["r1"]);
    }
}
