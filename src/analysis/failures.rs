//! Where each run failed first: from `/v2/phases?outcomes=FAIL,ERROR` rows, from
//! `/v2/measurements?measurement_outcomes=FAIL` rows, or from whole runs (the fallback when a
//! server lacks those lists). Only failing attempts are kept, a few per failing run.
//!
//! The first failure of a run is its failing phase attempt that started first (ties: lower
//! retry count, then phase name), and inside it the failing measurement whose name sorts
//! first: the rows give no order within a phase (its measurements share the phase's start),
//! and a name keeps the answer the same whatever order the pages arrive in. A failing
//! measurement is itself evidence that its phase attempt failed, so the two lists can arrive
//! in any order, or one of them not at all.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::facts::{Facts, NO_TIME, RunIdx, Verdict};
use super::intern::Interner;
use crate::api::crossrun::{MeasurementRow, PhaseRow};
use crate::api::{Outcome, PhaseOutcome, RunDetail};

/// A failing phase attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt {
    pub started_ms: i64,
    pub retry: u32,
    pub phase: u32,
    /// The phase ended in ERROR (an exception), not FAIL (a verdict).
    pub error: bool,
    pub final_attempt: bool,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct FailureFacts {
    pub phases: Interner,
    pub measurements: Interner,
    /// Earliest failing final attempt of each run.
    first_final: HashMap<RunIdx, Attempt>,
    /// Earliest failing attempt of each run, retried ones included.
    first_any: HashMap<RunIdx, Attempt>,
    /// (run, phase, retry) → first failing measurement of that attempt.
    measurement_of: HashMap<(RunIdx, u32, u32), u32>,
    /// Per failing phase, the runs that ran it (a bit per run): from the reached rows, and
    /// from every failing row (a run that failed in a phase ran it).
    reached: HashMap<u32, Vec<u64>>,
    /// Every failing phase's reached rows are in: `reached` is each one's population.
    reached_complete: bool,
}

/// What a failing run is attributed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailureMode {
    /// The first failing measurement of the first failing phase.
    Measurement { phase: u32, measurement: u32 },
    /// A failing phase where no measurement failed; `error`: it ended in ERROR.
    Phase { phase: u32, error: bool },
    /// No failing phase or measurement is recorded for the run: a TIMEOUT or ERROR outside
    /// any phase, an ABORTED run, a FAIL decided outside its phases, or one whose rows have
    /// not arrived yet. Grouped by the run's outcome.
    NoStep(Verdict),
}

impl FailureMode {
    /// The phase the failure is in, if any.
    pub fn phase(&self) -> Option<u32> {
        match *self {
            FailureMode::Measurement { phase, .. } | FailureMode::Phase { phase, .. } => {
                Some(phase)
            }
            FailureMode::NoStep(_) => None,
        }
    }
}

/// Which failures count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailureOptions {
    /// Count phase attempts a retry later passed (needs the pages fetched with retries). A
    /// failing run is then attributed to its first failing attempt, retried or not, and a run
    /// that passed after a failed attempt counts as a failure of that attempt ("recovered").
    pub include_retries: bool,
    /// Count ABORTED runs too (TofuPilot's yield does not).
    pub include_aborted: bool,
}

fn key<'a>(a: &Attempt, names: &'a Interner) -> (i64, u32, &'a str) {
    let t = if a.started_ms == NO_TIME { i64::MAX } else { a.started_ms };
    (t, a.retry, names.resolve(a.phase))
}

fn keep_first(map: &mut HashMap<RunIdx, Attempt>, run: RunIdx, a: Attempt, names: &Interner) {
    match map.get_mut(&run) {
        None => {
            map.insert(run, a);
        }
        Some(cur) => match key(&a, names).cmp(&key(cur, names)) {
            Ordering::Less => *cur = a,
            // The same attempt told twice (a phase row and a measurement row, or a page
            // repeated): an ERROR from either source stands.
            Ordering::Equal => {
                cur.error |= a.error;
                cur.final_attempt |= a.final_attempt;
            }
            Ordering::Greater => {}
        },
    }
}

impl FailureFacts {
    fn mark_reached(&mut self, run: RunIdx, phase: u32) {
        let bits = self.reached.entry(phase).or_default();
        let (word, bit) = (run as usize / 64, run % 64);
        if bits.len() <= word {
            bits.resize(word + 1, 0);
        }
        bits[word] |= 1 << bit;
    }

    fn record(&mut self, run: RunIdx, a: Attempt) {
        self.mark_reached(run, a.phase);
        keep_first(&mut self.first_any, run, a, &self.phases);
        if a.final_attempt {
            keep_first(&mut self.first_final, run, a, &self.phases);
        }
    }

    fn record_measurement(&mut self, run: RunIdx, phase: u32, retry: u32, name: &str) {
        let m = self.measurements.intern(name);
        let names = &self.measurements;
        self.measurement_of
            .entry((run, phase, retry))
            .and_modify(|cur| {
                if names.resolve(m) < names.resolve(*cur) {
                    *cur = m;
                }
            })
            .or_insert(m);
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.phases.heap_bytes()
            + self.measurements.heap_bytes()
            + (self.first_final.capacity() + self.first_any.capacity()) * (4 + 32 + 1)
            + self.measurement_of.capacity() * (16 + 1)
            + self.reached.values().map(|b| b.capacity() * 8 + 32).sum::<usize>()
    }
}

fn retry(n: i64) -> u32 {
    n.clamp(0, i64::from(u32::MAX)) as u32
}

impl Facts {
    /// Rows of `/v2/phases`; only FAIL and ERROR phases are used.
    pub fn add_phases(&mut self, rows: &[PhaseRow]) {
        for r in rows {
            let error = match r.outcome {
                Some(PhaseOutcome::Fail) => false,
                Some(PhaseOutcome::Error) => true,
                _ => continue,
            };
            let run = self.run_slot(&r.run_id);
            let phase = self.fail.phases.intern(&r.name);
            let started_ms = r.started_at.map_or(NO_TIME, |t| t.timestamp_millis());
            let retry = retry(r.retry_count);
            let final_attempt = r.is_final_attempt;
            self.fail.record(run, Attempt { started_ms, retry, phase, error, final_attempt });
        }
    }

    /// Rows of `/v2/phases?names=…` telling which runs ran a failing phase (any outcome): rows
    /// of runs these facts do not hold are dropped.
    pub fn add_reached(&mut self, rows: &[PhaseRow]) {
        for r in rows {
            let (Some(run), Some(phase)) =
                (self.find_run(&r.run_id), self.fail.phases.get(&r.name))
            else {
                continue;
            };
            if !matches!(r.outcome, Some(PhaseOutcome::Skip) | None) {
                self.fail.mark_reached(run, phase);
            }
        }
    }

    /// Every failing phase's reached rows are in (or, `false`, could not all be read).
    pub fn set_reached_complete(&mut self, complete: bool) {
        self.fail.reached_complete = complete;
    }

    /// The runs that ran `phase`, each a bit (`run / 64`, `run % 64`), when every failing
    /// phase's are known; `None` otherwise (the runs of the phase's procedures stand in).
    pub fn reached(&self, phase: u32) -> Option<&[u64]> {
        if !self.fail.reached_complete {
            return None;
        }
        Some(self.fail.reached.get(&phase).map_or(&[], Vec::as_slice))
    }

    /// Whether each failing phase's population is the runs that reached it.
    pub fn reached_known(&self) -> bool {
        self.fail.reached_complete
    }

    /// Rows of `/v2/measurements`; only those whose measurement outcome is FAIL are used.
    pub fn add_measurements(&mut self, rows: &[MeasurementRow]) {
        for r in rows {
            if r.measurement_outcome != Some(Outcome::Fail) {
                continue;
            }
            let run = self.run_slot(&r.run_id);
            let phase = self.fail.phases.intern(&r.phase_name);
            let started_ms = r.started_at.map_or(NO_TIME, |t| t.timestamp_millis());
            let retry = retry(r.retry_count);
            let final_attempt = r.is_final_attempt;
            self.fail
                .record(run, Attempt { started_ms, retry, phase, error: false, final_attempt });
            self.fail.record_measurement(run, phase, retry, &r.measurement_name);
        }
    }

    /// A whole run (`GET /v2/runs/{id}`): its row (unless the run is known already, from its
    /// list row), and its failing phases and measurements. A phase attempt is final when no
    /// attempt of the same phase has a higher retry count.
    pub fn add_run_detail(&mut self, detail: &RunDetail) -> RunIdx {
        let run = match self.find_run(&detail.summary.id) {
            Some(run) => run,
            None => self.add_run(&detail.summary),
        };
        let phases = detail.phases.as_deref().unwrap_or(&[]);
        for p in phases {
            let last = phases.iter().filter(|q| q.name == p.name).map(|q| q.retry_count).max();
            let final_attempt = last == Some(p.retry_count);
            let phase = self.fail.phases.intern(&p.name);
            let started_ms = p.started_at.map_or(NO_TIME, |t| t.timestamp_millis());
            let retry = retry(p.retry_count);
            let attempt = |error| Attempt { started_ms, retry, phase, error, final_attempt };
            match p.outcome {
                Some(PhaseOutcome::Fail) => self.fail.record(run, attempt(false)),
                Some(PhaseOutcome::Error) => self.fail.record(run, attempt(true)),
                _ => {}
            }
            for m in p.measurements.iter().filter(|m| m.outcome == Some(Outcome::Fail)) {
                self.fail.record(run, attempt(false));
                self.fail.record_measurement(run, phase, retry, &m.name);
            }
        }
        run
    }

    /// What run `run` counts as a failure of, under `opts`; `None` when it is no failure
    /// (passed, not counted, or not loaded).
    pub fn failure_mode(&self, run: RunIdx, opts: &FailureOptions) -> Option<FailureMode> {
        let f = &self.runs[run as usize];
        if f.sample != super::facts::SampleClass::Production {
            return None;
        }
        let first =
            if opts.include_retries { &self.fail.first_any } else { &self.fail.first_final };
        let step = first.get(&run);
        match f.verdict {
            v if v.ended_failing() => {}
            Verdict::Aborted if opts.include_aborted => {}
            // Passed, but only after a retried attempt failed: the failure a retry hid.
            Verdict::Pass
                if opts.include_retries
                    && !self.fail.first_final.contains_key(&run)
                    && step.is_some() => {}
            _ => return None,
        }
        Some(match step {
            Some(a) => match self.fail.measurement_of.get(&(run, a.phase, a.retry)) {
                Some(&measurement) => FailureMode::Measurement { phase: a.phase, measurement },
                None => FailureMode::Phase { phase: a.phase, error: a.error },
            },
            None => FailureMode::NoStep(f.verdict),
        })
    }

    pub fn phase_name(&self, code: u32) -> &str {
        self.fail.phases.resolve(code)
    }

    pub fn measurement_name(&self, code: u32) -> &str {
        self.fail.measurements.resolve(code)
    }

    pub fn phase_code(&self, name: &str) -> Option<u32> {
        self.fail.phases.get(name)
    }

    pub fn measurement_code(&self, name: &str) -> Option<u32> {
        self.fail.measurements.get(name)
    }

    /// The phase and measurement a measurement failure mode names.
    pub fn measurement_of(&self, mode: &FailureMode) -> Option<(&str, &str)> {
        match *mode {
            FailureMode::Measurement { phase, measurement } => {
                Some((self.fail.phases.resolve(phase), self.fail.measurements.resolve(measurement)))
            }
            _ => None,
        }
    }

    /// `Power rails › rail_3v3`, `Communication (ERROR)`, `no failing step (TIMEOUT)`.
    pub fn mode_label(&self, mode: &FailureMode) -> String {
        match *mode {
            FailureMode::Measurement { phase, measurement } => {
                format!("{} › {}", self.phase_name(phase), self.measurement_name(measurement))
            }
            FailureMode::Phase { phase, error: false } => self.phase_name(phase).to_string(),
            FailureMode::Phase { phase, error: true } => {
                format!("{} (ERROR)", self.phase_name(phase))
            }
            FailureMode::NoStep(v) => format!("no failing step ({})", v.as_str()),
        }
    }
}
