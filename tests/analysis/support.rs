//! Builders for hand-made runs, phases and measurements.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use tofui::api::crossrun::{MeasurementRow, PhaseRow};
use tofui::api::*;

/// 2024-01-01T00:00:00Z, a Monday.
pub const T0: i64 = 1_704_067_200_000;
pub const MIN: i64 = 60_000;
pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 86_400_000;

pub fn at(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap()
}

pub struct R(pub RunSummary);

/// A run of procedure `P` on station `A` at `T0 + minute` minutes.
pub fn run(id: &str, serial: &str, outcome: &str, minute: i64) -> R {
    let mut s = RunSummary {
        id: id.into(),
        started_at: Some(at(T0 + minute * MIN)),
        outcome: Some(RunOutcome::parse(outcome)),
        ..Default::default()
    };
    s.unit.serial_number = serial.into();
    s.procedure = ProcedureRef { id: "proc-P".into(), name: "P".into(), version: None };
    s.created_by_station = Some(StationRef { id: "st-A".into(), name: Some("A".into()) });
    R(s)
}

impl R {
    pub fn station(mut self, name: &str) -> Self {
        self.0.created_by_station =
            Some(StationRef { id: format!("st-{name}"), name: Some(name.into()) });
        self
    }
    pub fn no_station(mut self) -> Self {
        self.0.created_by_station = None;
        self
    }
    pub fn procedure(mut self, name: &str) -> Self {
        self.0.procedure.id = format!("proc-{name}");
        self.0.procedure.name = name.into();
        self
    }
    pub fn version(mut self, tag: &str) -> Self {
        self.0.procedure.version = Some(VersionRef { id: format!("v-{tag}"), tag: tag.into() });
        self
    }
    pub fn operator(mut self, name: &str) -> Self {
        self.0.operated_by = Some(OperatorRef {
            id: Some(format!("op-{name}")),
            name: Some(name.into()),
            email: None,
        });
        self
    }
    pub fn batch(mut self, number: &str) -> Self {
        self.0.unit.batch = Some(BatchRef { id: format!("b-{number}"), number: number.into() });
        self
    }
    pub fn part(mut self, number: &str) -> Self {
        self.0.unit.part.number = number.into();
        self
    }
    pub fn revision(mut self, number: &str) -> Self {
        self.0.unit.part.revision.number = number.into();
        self
    }
    pub fn sample(mut self, s: &str) -> Self {
        self.0.unit.sample = Some(Sample::parse(s));
        self
    }
    pub fn meta(mut self, key: &str, value: Value) -> Self {
        self.0.metadata.get_or_insert_with(Default::default).insert(key.into(), value);
        self
    }
    pub fn fixture(self, f: &str) -> Self {
        self.meta("fixture", json!(f))
    }
    pub fn duration(mut self, iso: &str) -> Self {
        self.0.duration = Some(iso.into());
        self
    }
    pub fn build(self) -> RunSummary {
        self.0
    }
}

/// A phase row of run `run` started at `T0 + minute` minutes.
pub fn phase(
    run: &str,
    name: &str,
    outcome: &str,
    minute: i64,
    retry: i64,
    last: bool,
) -> PhaseRow {
    PhaseRow {
        id: format!("{run}/{name}/{retry}"),
        name: name.into(),
        outcome: Some(PhaseOutcome::parse(outcome)),
        started_at: Some(at(T0 + minute * MIN)),
        retry_count: retry,
        is_final_attempt: last,
        run_id: run.into(),
        ..Default::default()
    }
}

/// A failing numeric measurement row in phase `ph` (which started at `minute`).
pub fn fail_meas(
    run: &str,
    ph: &str,
    name: &str,
    minute: i64,
    retry: i64,
    last: bool,
) -> MeasurementRow {
    MeasurementRow {
        id: format!("{run}/{ph}/{retry}/{name}"),
        phase_name: ph.into(),
        measurement_name: name.into(),
        started_at: Some(at(T0 + minute * MIN)),
        value: Some(1.0),
        measurement_outcome: Some(Outcome::Fail),
        run_id: run.into(),
        measurement_type: Some(MeasurementType::Numeric),
        retry_count: retry,
        is_final_attempt: last,
        ..Default::default()
    }
}

pub fn validator(op: &str, expected: Value) -> Validator {
    Validator {
        operator: Some(op.into()),
        expression: format!("x {op} {expected}"),
        expected_value: Some(expected),
        ..Default::default()
    }
}

/// A numeric value of measurement `m` in phase `Power`, final attempt, limits `lo..=hi`.
pub fn value_row(
    id: &str,
    run: &str,
    m: &str,
    ms: i64,
    v: f64,
    lo: f64,
    hi: f64,
) -> MeasurementRow {
    MeasurementRow {
        id: id.into(),
        phase_name: "Power".into(),
        measurement_name: m.into(),
        started_at: Some(at(ms)),
        value: Some(v),
        measurement_outcome: Some(if (lo..=hi).contains(&v) {
            Outcome::Pass
        } else {
            Outcome::Fail
        }),
        run_id: run.into(),
        measurement_type: Some(MeasurementType::Numeric),
        is_final_attempt: true,
        validators: Some(vec![validator(">=", json!(lo)), validator("<=", json!(hi))]),
        ..Default::default()
    }
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[track_caller]
pub fn assert_close(a: f64, b: f64) {
    assert!(close(a, b), "{a} != {b}");
}
