//! The failure Pareto: failure events grouped by failure mode (first failing phase, or phase ›
//! measurement) or by a dimension's value, the largest first, with share and cumulative share.
//!
//! An event is a counted run that did not pass (FAIL, ERROR, TIMEOUT), attributed to where it
//! failed first (see [`super::failures`]). With retries included, a run that passed only after
//! a retried phase attempt failed is an event too ("recovered"); with ABORTED included, so is
//! an aborted run.

use std::collections::HashMap;

use super::dims::Dim;
use super::facts::{Facts, RunFact, RunIdx, SampleClass, Verdict};
use super::failures::{FailureMode, FailureOptions};

/// Which failures a bar, a row or an explanation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModeFilter {
    /// Every failure.
    Any,
    /// Exactly this mode.
    Mode(FailureMode),
    /// Any failure whose first failing step is in this phase (FAIL or ERROR, any measurement).
    Phase(u32),
    /// Any failure of a run with this outcome, wherever it failed (`TIMEOUT`).
    Verdict(Verdict),
}

impl ModeFilter {
    pub fn matches(&self, mode: &FailureMode, verdict: Verdict) -> bool {
        match self {
            ModeFilter::Any => true,
            ModeFilter::Mode(m) => m == mode,
            ModeFilter::Phase(p) => mode.phase() == Some(*p),
            ModeFilter::Verdict(v) => *v == verdict,
        }
    }
}

/// The runs behind a bar, a cell or a row: those failing under `filter`, with `value` if set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Drill {
    pub filter: ModeFilter,
    pub value: Option<(Dim, u32)>,
}

/// What the Pareto's bars are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParetoBy {
    /// The first failing phase (runs with no failing step: by outcome).
    Phase,
    /// Phase › first failing measurement, or the phase when no measurement failed.
    Mode,
    /// The value of a dimension the failing run carried (station, fixture, …).
    Dim(Dim),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParetoOptions {
    pub failures: FailureOptions,
    pub by: ParetoBy,
    /// Only failures matching this (e.g. one mode, grouped by station).
    pub filter: ModeFilter,
    /// Bars before the rest are summed into "other".
    pub top: usize,
}

impl Default for ParetoOptions {
    fn default() -> Self {
        ParetoOptions {
            failures: FailureOptions::default(),
            by: ParetoBy::Mode,
            filter: ModeFilter::Any,
            top: 20,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParetoBar {
    pub label: String,
    pub drill: Drill,
    pub count: u32,
    /// Of all events in the Pareto.
    pub share: f64,
    /// This bar and every larger one.
    pub cumulative: f64,
    /// Bars by dimension: counted runs that carried the value (its failure rate's base;
    /// ABORTED runs too when counted).
    pub tested: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OtherBar {
    /// How many groups it sums.
    pub groups: u32,
    pub count: u32,
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pareto {
    pub by: ParetoBy,
    /// Every failure counted (the bars and "other" sum to it).
    pub events: u32,
    /// Events that are counted runs which did not pass.
    pub failing_runs: u32,
    /// Events that are runs which passed after a retried attempt failed (retries only).
    pub recovered_runs: u32,
    /// Events that are ABORTED runs (when asked for).
    pub aborted_runs: u32,
    /// Counted runs: the base of a failure rate (ABORTED runs too when they are counted as
    /// failures).
    pub counted_runs: u32,
    pub bars: Vec<ParetoBar>,
    pub other: Option<OtherBar>,
}

/// One failure: the run, what it is attributed to, and its outcome.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Event {
    pub run: RunIdx,
    pub mode: FailureMode,
    pub verdict: Verdict,
}

/// Every failure under `opts` matching `filter`, in run order; and the number of counted runs
/// (with ABORTED runs counted as failures, counted as runs too).
pub(crate) fn events(
    facts: &Facts,
    opts: &FailureOptions,
    filter: &ModeFilter,
) -> (Vec<Event>, u32) {
    let mut out = Vec::new();
    let mut counted = 0;
    for (i, f) in facts.runs().iter().enumerate() {
        counted += u32::from(f.is_counted() || counts_aborted(f, opts));
        if f.verdict == Verdict::Pass && !opts.include_retries {
            continue;
        }
        let run = i as RunIdx;
        if let Some(mode) = facts.failure_mode(run, opts)
            && filter.matches(&mode, f.verdict)
        {
            out.push(Event { run, mode, verdict: f.verdict });
        }
    }
    (out, counted)
}

/// An ABORTED production run, when ABORTED runs are counted (`A`): a failure, and a run.
fn counts_aborted(f: &RunFact, opts: &FailureOptions) -> bool {
    opts.include_aborted && f.verdict == Verdict::Aborted && f.sample == SampleClass::Production
}

impl Facts {
    /// The runs behind a drill-down, in the order their ids were first seen.
    pub fn drill_runs(&self, drill: &Drill, opts: &FailureOptions) -> Vec<RunIdx> {
        events(self, opts, &drill.filter)
            .0
            .into_iter()
            .filter(|e| drill.value.is_none_or(|(dim, code)| self.code(e.run, dim) == code))
            .map(|e| e.run)
            .collect()
    }

    /// How a filter is shown, to be followed by "failures": `all`, a mode's label, a phase's
    /// name, `TIMEOUT`.
    pub fn filter_label(&self, filter: &ModeFilter) -> String {
        match filter {
            ModeFilter::Any => "all".into(),
            ModeFilter::Mode(m) => self.mode_label(m),
            ModeFilter::Phase(p) => self.phase_name(*p).to_string(),
            ModeFilter::Verdict(v) => v.as_str().to_string(),
        }
    }
}

/// The group a Pareto puts an event in, as the filter that selects it.
pub(crate) fn group_of(mode: &FailureMode, level_phase: bool) -> ModeFilter {
    match mode.phase() {
        Some(p) if level_phase => ModeFilter::Phase(p),
        _ => ModeFilter::Mode(*mode),
    }
}

pub fn pareto(facts: &Facts, opts: &ParetoOptions) -> Pareto {
    let (events, counted_runs) = events(facts, &opts.failures, &opts.filter);
    let mut groups: HashMap<Drill, u32> = HashMap::new();
    let (mut failing_runs, mut recovered_runs, mut aborted_runs) = (0, 0, 0);
    for e in &events {
        match e.verdict {
            Verdict::Pass => recovered_runs += 1,
            Verdict::Aborted => aborted_runs += 1,
            _ => failing_runs += 1,
        }
        let drill = match opts.by {
            ParetoBy::Phase => Drill { filter: group_of(&e.mode, true), value: None },
            ParetoBy::Mode => Drill { filter: ModeFilter::Mode(e.mode), value: None },
            ParetoBy::Dim(dim) => {
                Drill { filter: opts.filter, value: Some((dim, facts.code(e.run, dim))) }
            }
        };
        *groups.entry(drill).or_default() += 1;
    }
    let tested = match opts.by {
        ParetoBy::Dim(dim) => {
            let mut t = vec![0u32; facts.dim_size(dim)];
            for (i, f) in facts.runs().iter().enumerate() {
                if f.is_counted() || counts_aborted(f, &opts.failures) {
                    t[facts.code(i as RunIdx, dim) as usize] += 1;
                }
            }
            Some(t)
        }
        _ => None,
    };
    let label = |d: &Drill| match d.value {
        Some((dim, code)) => facts.value_label(dim, code).into_owned(),
        None => facts.filter_label(&d.filter),
    };
    let mut sorted: Vec<(Drill, u32, String)> =
        groups.into_iter().map(|(d, n)| (d, n, label(&d))).collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
    let total = events.len() as u32;
    let share = |n: u32| if total == 0 { 0.0 } else { f64::from(n) / f64::from(total) };
    let mut running = 0;
    let mut bars = Vec::new();
    let mut other: Option<OtherBar> = None;
    for (i, (drill, count, label)) in sorted.into_iter().enumerate() {
        if i >= opts.top {
            let o = other.get_or_insert(OtherBar { groups: 0, count: 0, share: 0.0 });
            o.groups += 1;
            o.count += count;
            o.share = share(o.count);
            continue;
        }
        running += count;
        let tested = match (&tested, drill.value) {
            (Some(t), Some((_, code))) => Some(t[code as usize]),
            _ => None,
        };
        bars.push(ParetoBar {
            label,
            drill,
            count,
            share: share(count),
            cumulative: share(running),
            tested,
        });
    }
    Pareto {
        by: opts.by,
        events: total,
        failing_runs,
        recovered_runs,
        aborted_runs,
        counted_runs,
        bars,
        other,
    }
}
