//! One procedure's rows of a cross-run list over one slice of the runs' span: its failing
//! phases, its failing measurements (the Pareto's attributions), or the runs that reached its
//! failing phases (the population explain and the two-way table test a phase's failures
//! against).

use std::collections::{BTreeSet, HashMap};

use super::analysis::{Kept, PAGE};
use super::client::ClientError;
use super::{PopulationFailureRows, Task, WorkerEvent};
use crate::api::crossrun::{MeasurementListRequest, Paging, PhaseListRequest, RunScope};
use crate::api::{Outcome, PhaseOutcome};

/// Which rows a slice is read for.
#[derive(Debug, Clone, Copy)]
pub(super) enum List<'a> {
    /// FAIL and ERROR phase attempts, retries included.
    Phases,
    /// FAIL measurements, retries included.
    Measurements,
    /// Each run's last attempt of these phases, if it ran (PASS, FAIL or ERROR).
    Reached(&'a [String]),
}

/// Failing phase names by procedure id, as the failing rows went by.
pub(super) type FailingNames = std::sync::Mutex<HashMap<String, BTreeSet<String>>>;

impl Task {
    /// Notes `names` as failing phases of procedure `proc_id`.
    pub(super) fn note_failing<'a>(&self, proc_id: &str, names: impl Iterator<Item = &'a String>) {
        let mut f = self.failing.lock().unwrap_or_else(|p| p.into_inner());
        let set = f.entry(proc_id.to_string()).or_default();
        for n in names {
            if !set.contains(n) {
                set.insert(n.clone());
            }
        }
    }

    /// `list`'s rows of one procedure's runs in `scope` that started in `slice` (ms, from
    /// inclusive, to exclusive; `None`: the whole scope), page by page (by time: see
    /// [`super::by_time`]), each page sent as it arrives. The server is asked a second wider
    /// either side (its bounds are not inclusive on every server) and the rows outside the
    /// slice are dropped here, so each row comes from one slice only. The failing rows' phase
    /// names are noted in [`Task::failing`] (the reached lists ask for them).
    pub(super) async fn list_slice(
        &self,
        proc_id: &str,
        scope: &RunScope,
        slice: Option<(i64, i64)>,
        list: List<'_>,
        keep: Option<&Kept>,
    ) -> Result<(), ClientError> {
        let mut scope = scope.clone();
        // The first and last slices keep the scope's own bounds.
        if let Some((from, to)) = slice {
            if from != i64::MIN {
                scope.started_after = Some(crate::api::time::from_ms(from - 1_000));
            }
            if to != i64::MAX {
                scope.started_before = Some(crate::api::time::from_ms(to + 1_000));
            }
        }
        let scope = &scope;
        let in_slice = |t: Option<chrono::DateTime<chrono::Utc>>| match (slice, t) {
            (Some((from, to)), Some(t)) => (from..to).contains(&t.timestamp_millis()),
            // A row without a start belongs to the first slice.
            (Some((from, _)), None) => from == i64::MIN,
            (None, _) => true,
        };
        let scope_before = |before_ms: Option<i64>| {
            let mut runs = scope.clone();
            if let Some(ms) = before_ms {
                runs.started_before = Some(crate::api::time::from_ms(ms));
            }
            runs
        };
        let send = |rows: PopulationFailureRows| {
            let names = rows.phases.iter().map(|r| &r.name);
            self.note_failing(
                proc_id,
                names.chain(rows.measurements.iter().map(|m| &m.phase_name)),
            );
            if let Some(keep) = keep {
                let mut k = keep.lock().unwrap_or_else(|p| p.into_inner());
                k.phases.extend(rows.phases.iter().cloned());
                k.measurements.extend(rows.measurements.iter().cloned());
            }
            self.send(WorkerEvent::PopulationFailures { rows: Ok(rows), done: false })
        };
        match list {
            List::Measurements => {
                super::by_time::pages(
                    |before_ms, cursor| {
                        let req = MeasurementListRequest {
                            procedure_id: proc_id.to_string(),
                            runs: scope_before(before_ms),
                            include_retries: true,
                            measurement_outcomes: vec![Outcome::Fail],
                            paging: Paging { limit: PAGE as u32, cursor, ..Paging::default() },
                            ..MeasurementListRequest::default()
                        };
                        self.measurements_page(req)
                    },
                    |mut rows, _| {
                        rows.retain(|r| in_slice(r.started_at));
                        send(PopulationFailureRows { measurements: rows, ..Default::default() })
                    },
                )
                .await
            }
            List::Phases | List::Reached(_) => {
                super::by_time::pages(
                    |before_ms, cursor| {
                        let req = PhaseListRequest {
                            procedure_id: proc_id.to_string(),
                            names: match list {
                                List::Reached(names) => names.to_vec(),
                                _ => Vec::new(),
                            },
                            outcomes: match list {
                                // Every attempt that ran (a SKIP could not fail), the last one of
                                // each run: one row per run and phase.
                                List::Reached(_) => {
                                    vec![
                                        PhaseOutcome::Pass,
                                        PhaseOutcome::Fail,
                                        PhaseOutcome::Error,
                                    ]
                                }
                                _ => vec![PhaseOutcome::Fail, PhaseOutcome::Error],
                            },
                            runs: scope_before(before_ms),
                            include_retries: !matches!(list, List::Reached(_)),
                            paging: Paging { limit: PAGE as u32, cursor, ..Paging::default() },
                            ..PhaseListRequest::default()
                        };
                        self.phases_page(req)
                    },
                    |mut rows, _| {
                        rows.retain(|r| in_slice(r.started_at));
                        if matches!(list, List::Reached(_)) {
                            if let Some(keep) = keep {
                                let mut k = keep.lock().unwrap_or_else(|p| p.into_inner());
                                k.reached.extend(rows.iter().cloned());
                            }
                            let event = WorkerEvent::PopulationReached {
                                rows,
                                done: false,
                                complete: false,
                            };
                            self.send(event)
                        } else {
                            send(PopulationFailureRows { phases: rows, ..Default::default() })
                        }
                    },
                )
                .await
            }
        }
    }
}
