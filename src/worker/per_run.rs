//! An insight load from a server without `/v2/phases` or `/v2/measurements`: each failing run
//! (for the Pareto) or each run (for a trend) read whole, without its logs, a few at a time,
//! sent in batches with how many are in, so the pane fills and says why it is slower.

use futures::StreamExt;

use super::{PerRun, PopulationFailureRows, Task, TrendTarget, WorkerEvent};
use crate::api::RunDetail;
use crate::api::crossrun::MeasurementRow;
use crate::api::enums::MeasurementType;

/// Runs read at once.
const AT_ONCE: usize = 8;
/// Runs per batch sent to the pane.
const BATCH: usize = 16;

impl Task {
    pub(super) async fn failures_run_by_run(&self, failing: &[String], why: String) {
        let read = self
            .read_each(
                failing,
                why,
                |run, runs: &mut Vec<RunDetail>| runs.push(run),
                |runs, per_run, last| {
                    let rows = PopulationFailureRows {
                        runs,
                        per_run: per_run.map(Box::new),
                        ..PopulationFailureRows::default()
                    };
                    self.send(WorkerEvent::PopulationFailures { rows: Ok(rows), done: last });
                },
            )
            .await;
        if let Err(e) = read {
            self.send(WorkerEvent::PopulationFailures { rows: Err(e), done: true });
        }
    }

    /// A trend's values from each run of the filter read whole: the measurement's every
    /// attempt, as `/v2/measurements` would list it; how far it is goes out as a failures
    /// answer with nothing in it but the count.
    pub(super) async fn trend_run_by_run(&self, ids: &[String], target: &TrendTarget, why: String) {
        let keep = |run: RunDetail, rows: &mut Vec<MeasurementRow>| {
            rows.extend(values_of(&run, target));
        };
        let read = self
            .read_each(ids, why, keep, |rows, per_run, last| {
                let counted = PopulationFailureRows {
                    per_run: per_run.map(Box::new),
                    ..PopulationFailureRows::default()
                };
                self.send(WorkerEvent::PopulationFailures { rows: Ok(counted), done: false });
                self.send(WorkerEvent::TrendValues { rows: Ok(rows), done: last });
            })
            .await;
        if let Err(e) = read {
            self.send(WorkerEvent::TrendValues { rows: Err(e), done: true });
        }
    }

    /// Reads each of `ids` whole (without its logs), [`AT_ONCE`] at a time, in order; `keep`
    /// takes what is wanted of each run, and `send` gets it every [`BATCH`] runs and at the
    /// end (`last`), with how far the reading is. A run deleted since the list was read counts
    /// as read; any other failure ends the reading.
    async fn read_each<T>(
        &self,
        ids: &[String],
        why: String,
        mut keep: impl FnMut(RunDetail, &mut Vec<T>),
        mut send: impl FnMut(Vec<T>, Option<PerRun>, bool),
    ) -> Result<(), super::ClientError> {
        let of = ids.len();
        let mut reads = futures::stream::iter(ids.iter().cloned())
            .map(|id| {
                self.retrying(move |c, report| {
                    let id = id.clone();
                    async move { super::run_head(&c, &id, &report).await }
                })
            })
            .buffered(AT_ONCE);
        let (mut read, mut kept) = (0, Vec::new());
        loop {
            let next = reads.next().await;
            let last = next.is_none();
            match next {
                Some(Ok(run)) => keep(run, &mut kept),
                Some(Err(super::ClientError::NotFound(_))) => {}
                Some(Err(e)) => return Err(e),
                None => {}
            }
            if !last {
                read += 1;
            }
            if last || read % BATCH == 0 {
                let per_run = Some(PerRun { why: why.clone(), read, of });
                send(std::mem::take(&mut kept), per_run, last);
            }
            if last {
                return Ok(());
            }
        }
    }
}

/// The rows `/v2/measurements` would give for `target` in `run`: every attempt of the phase.
fn values_of(run: &RunDetail, target: &TrendTarget) -> Vec<MeasurementRow> {
    let phases = run.phases.as_deref().unwrap_or(&[]);
    let attempts = phases.iter().filter(|p| p.name == target.phase);
    let last = attempts.clone().map(|p| p.retry_count).max();
    attempts
        .flat_map(|p| {
            p.measurements.iter().filter(|m| m.name == target.measurement).map(move |m| {
                let v = m.measured_value.as_ref();
                let kind = match v {
                    Some(serde_json::Value::Number(_)) => Some(MeasurementType::Numeric),
                    Some(serde_json::Value::Bool(_)) => Some(MeasurementType::Boolean),
                    Some(serde_json::Value::String(_)) => Some(MeasurementType::String),
                    _ => None,
                };
                MeasurementRow {
                    id: m.id.clone(),
                    phase_name: p.name.clone(),
                    measurement_name: m.name.clone(),
                    started_at: p.started_at,
                    value: v.and_then(serde_json::Value::as_f64),
                    bool_value: v.and_then(serde_json::Value::as_bool),
                    string_value: v.and_then(|v| v.as_str().map(str::to_string)),
                    units: m.units.clone(),
                    measurement_outcome: m.outcome.clone(),
                    run_id: run.summary.id.clone(),
                    serial_number: Some(run.summary.unit.serial_number.clone()),
                    sample: run.summary.unit.sample.clone(),
                    measurement_type: kind,
                    retry_count: p.retry_count,
                    is_final_attempt: last == Some(p.retry_count),
                    validators: m.validators.clone(),
                }
            })
        })
        .collect()
}
