//! A run's body as a test script writes it: phases one after another on a clock relative to
//! the run's start, log lines stamped while their phase is open (so the line that explains a
//! failure lies inside the failing phase), and measurement helpers. `finish` tops the log up to
//! the run's share of chatter and places everything at the run's real start.

use std::borrow::Cow;

use chrono::{DateTime, TimeZone, Utc};
use fastrand::Rng;
use serde_json::{Value, json};

use super::flow::RunContext;
use super::logs::Chatter;
use super::story::{Defect, Fault};
use crate::api::create::*;
use crate::api::*;

pub(super) fn t(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

pub(super) fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// A standard normal draw (Box–Muller).
pub(super) fn normal(rng: &mut Rng) -> f64 {
    let u = rng.f64().max(1e-12);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * rng.f64()).cos()
}

pub(super) fn v(op: &str, expected: Value) -> ValidatorCreate {
    ValidatorCreate {
        operator: Some(op.into()),
        expected_value: Some(expected),
        ..Default::default()
    }
}

pub(super) fn outcome_of(pass: bool) -> Strict<Outcome> {
    Strict(if pass { Outcome::Pass } else { Outcome::Fail })
}

pub(super) fn measurement(
    name: &str,
    value: Value,
    units: Option<&str>,
    validators: Vec<ValidatorCreate>,
    pass: bool,
) -> MeasurementCreate {
    MeasurementCreate {
        name: name.into(),
        outcome: outcome_of(pass),
        x_axis: None,
        y_axis: None,
        measured_value: Some(value),
        units: units.map(Value::from),
        lower_limit: None,
        upper_limit: None,
        validators: if validators.is_empty() { None } else { Some(validators) },
        aggregations: None,
        docstring: None,
    }
}

pub(super) fn ranged(name: &str, x: f64, lo: f64, hi: f64, units: &str) -> MeasurementCreate {
    measurement(
        name,
        json!(x),
        Some(units),
        vec![v(">=", json!(lo)), v("<=", json!(hi))],
        lo <= x && x <= hi,
    )
}

pub(super) fn at_most(name: &str, x: f64, hi: f64, units: &str) -> MeasurementCreate {
    measurement(name, json!(x), Some(units), vec![v("<=", json!(hi))], x <= hi)
}

pub(super) fn at_least(name: &str, x: f64, lo: f64, units: &str) -> MeasurementCreate {
    measurement(name, json!(x), Some(units), vec![v(">=", json!(lo))], x >= lo)
}

/// A reading just past one of its limits, the upper one with chance `upper`: a false
/// failure. It lands 0.5–3 % of the limits' width outside.
pub(super) fn just_past(rng: &mut Rng, lo: f64, hi: f64, upper: f64) -> f64 {
    let by = (hi - lo) * (0.005 + rng.f64() * 0.025);
    if rng.f64() < upper { hi + by } else { lo - by }
}

/// The unit's reading for a real defect of `kind`, if that is what this run meets.
pub(super) fn defect(f: Fault, kind: Defect) -> Option<f64> {
    match f {
        Fault::Real(d) if d.kind == kind => Some(d.value),
        _ => None,
    }
}

pub(super) fn phase_outcome(ok: bool) -> PhaseOutcome {
    if ok { PhaseOutcome::Pass } else { PhaseOutcome::Fail }
}

pub(super) struct PhaseRec {
    pub name: &'static str,
    pub outcome: PhaseOutcome,
    pub start: i64,
    pub end: i64,
    pub measurements: Vec<MeasurementCreate>,
    pub retry: i64,
    pub seq: Option<&'static str>,
}

pub(super) struct LogRec {
    pub level: LogLevel,
    pub at: i64,
    pub msg: Cow<'static, str>,
    pub file: &'static str,
    pub line: i64,
}

pub(super) struct Body {
    pub phases: Vec<PhaseRec>,
    pub logs: Vec<LogRec>,
    pub sequences: Vec<SequenceCreate>,
    pub outcome: RunOutcome,
    /// Milliseconds since the run's start.
    pub clock: i64,
    open: i64,
    file: &'static str,
}

impl Body {
    pub(super) fn new(file: &'static str) -> Self {
        Body {
            phases: Vec::with_capacity(6),
            logs: Vec::with_capacity(24),
            sequences: Vec::new(),
            outcome: RunOutcome::Pass,
            clock: 0,
            open: 0,
            file,
        }
    }

    /// The first lines of every run.
    pub(super) fn open_run(&mut self, c: &RunContext, name: &str) {
        self.log(LogLevel::Info, format!("Starting {name} {} on {}", c.version, c.serial), 12);
        let msg = format!("Fixture {} clamped, DUT powered", c.fixture);
        self.log_in(LogLevel::Debug, msg, "lib/fixture.py", 88);
        if c.rework {
            self.log(LogLevel::Info, "Unit back from rework: repair ticket closed", 14);
        }
    }

    /// The last line of every run.
    pub(super) fn close_run(&mut self) {
        let (level, msg) = match self.outcome {
            RunOutcome::Pass => (LogLevel::Info, "Run finished: PASS"),
            RunOutcome::Fail => (LogLevel::Warning, "Run finished: FAIL"),
            RunOutcome::Error => (LogLevel::Warning, "Run finished: ERROR"),
            RunOutcome::Timeout => (LogLevel::Warning, "Run finished: TIMEOUT"),
            _ => (LogLevel::Warning, "Run finished: ABORTED"),
        };
        self.log(level, msg, 240);
    }

    pub(super) fn stop(&mut self) {
        self.log_in(LogLevel::Warning, "Operator pressed STOP", "lib/ui.py", 19);
        self.fail(RunOutcome::Aborted);
    }

    /// Logs from the procedure's own script.
    pub(super) fn log(&mut self, level: LogLevel, msg: impl Into<Cow<'static, str>>, line: i64) {
        let file = self.file;
        self.log_in(level, msg, file, line);
    }

    pub(super) fn log_in(
        &mut self,
        level: LogLevel,
        msg: impl Into<Cow<'static, str>>,
        file: &'static str,
        line: i64,
    ) {
        self.clock += 3 + (self.logs.len() as i64 % 5) * 4;
        self.logs.push(LogRec { level, at: self.clock, msg: msg.into(), file, line });
    }

    pub(super) fn wait(&mut self, ms: i64) {
        self.clock += ms;
    }

    /// Opens a phase: what is logged until `end` lies inside it.
    pub(super) fn begin(&mut self) {
        self.clock += 40;
        self.open = self.clock;
    }

    /// Closes the phase opened last; it lasts at least `ms`.
    pub(super) fn end(
        &mut self,
        name: &'static str,
        outcome: PhaseOutcome,
        ms: i64,
        measurements: Vec<MeasurementCreate>,
        retry: i64,
        seq: Option<&'static str>,
    ) {
        let end = (self.open + ms).max(self.clock + 2);
        self.phases.push(PhaseRec {
            name,
            outcome,
            start: self.open,
            end,
            measurements,
            retry,
            seq,
        });
        self.clock = end;
    }

    pub(super) fn skip(&mut self, name: &'static str, seq: Option<&'static str>) {
        self.begin();
        self.end(name, PhaseOutcome::Skip, 0, vec![], 0, seq);
    }

    /// Raises the run's outcome: an ERROR, TIMEOUT or ABORTED outranks a FAIL.
    pub(super) fn fail(&mut self, outcome: RunOutcome) {
        if self.outcome == RunOutcome::Pass || outcome != RunOutcome::Fail {
            self.outcome = outcome;
        }
    }

    /// The run's length once closed.
    pub(super) fn duration(&self) -> i64 {
        self.clock + 300
    }

    /// Tops the log up to the run's share of lines (passing runs 10–18, weighted low; failing
    /// ones 18–40) from `chatter`, stamped inside the phases, and places the run at `start`.
    pub(super) fn finish(
        mut self,
        start: i64,
        chatter: &Chatter,
        rng: &mut Rng,
    ) -> (Vec<PhaseCreate>, Vec<LogCreate>, Vec<SequenceCreate>) {
        let target = if self.outcome == RunOutcome::Pass {
            let r = rng.f64();
            10 + (r * r * r * 9.0) as usize
        } else {
            18 + rng.usize(0..23)
        };
        let timed: Vec<(i64, i64)> = self
            .phases
            .iter()
            .filter(|p| p.outcome != PhaseOutcome::Skip)
            .map(|p| (p.start, p.end))
            .collect();
        let failing = self.outcome != RunOutcome::Pass;
        // Diagnostics follow the first sign of trouble.
        let trouble_from = self
            .logs
            .iter()
            .find(|l| matches!(l.level, LogLevel::Error | LogLevel::Critical))
            .or_else(|| self.logs.iter().find(|l| l.level == LogLevel::Warning))
            .map_or(0, |l| l.at);
        let (mut common, mut trouble) = (rng.usize(0..64), rng.usize(0..64));
        while self.logs.len() < target.min(40) {
            let ((level, msg, file, line), (from, to)) = if failing && rng.bool() {
                trouble += 1;
                (chatter.trouble(trouble), (trouble_from, self.clock))
            } else {
                common += 1;
                let window = match timed.len() {
                    0 => (0, self.clock),
                    n => timed[rng.usize(0..n)],
                };
                (chatter.common(common), window)
            };
            let at = rng.i64(from..to.max(from + 1));
            self.logs.push(LogRec { level, at, msg: Cow::Borrowed(msg), file, line });
        }
        self.logs.sort_by_key(|l| l.at);
        let phases = self
            .phases
            .into_iter()
            .map(|p| PhaseCreate {
                name: p.name.into(),
                outcome: Strict(p.outcome),
                started_at: t(start + p.start),
                ended_at: t(start + p.end),
                docstring: None,
                measurements: if p.measurements.is_empty() { None } else { Some(p.measurements) },
                retry_count: if p.retry > 0 { Some(p.retry) } else { None },
                sequence_path: p.seq.map(str::to_string),
            })
            .collect();
        let logs = self
            .logs
            .into_iter()
            .map(|l| LogCreate {
                level: Strict(l.level),
                timestamp: t(start + l.at),
                message: l.msg.into_owned(),
                source_file: l.file.into(),
                line_number: l.line,
            })
            .collect();
        (phases, logs, self.sequences)
    }

    /// A sequence judged on the last attempt of each of its phases.
    pub(super) fn sequence(&mut self, path: &str, name: &str, source: &str) {
        let mut last: Vec<&PhaseRec> = Vec::new();
        for p in self.phases.iter().rev().filter(|p| p.seq == Some(path)) {
            if !last.iter().any(|l| l.name == p.name) {
                last.push(p);
            }
        }
        let outcome = if last.iter().any(|p| p.outcome == PhaseOutcome::Error) {
            SequenceOutcome::Error
        } else if last.iter().all(|p| p.outcome == PhaseOutcome::Skip) {
            SequenceOutcome::Skip
        } else if last.iter().any(|p| p.outcome == PhaseOutcome::Fail) {
            SequenceOutcome::Fail
        } else {
            SequenceOutcome::Pass
        };
        self.sequences.push(SequenceCreate {
            path: path.into(),
            name: name.into(),
            source: Some(source.into()),
            outcome: Strict(outcome),
            started_at: None,
            ended_at: None,
        });
    }
}
