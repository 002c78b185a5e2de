//! One test of "this failure mode is concentrated in this value", shared by the explain pane and
//! the two-way table (`w`), so the same cell gets the same numbers in both.
//!
//! The population is the runs that could have failed this way: the counted runs of the
//! procedures the mode's failures come from (a phase of one procedure never runs in another,
//! and a station that only runs that procedure would otherwise look like the cause) and, for a
//! mode in one phase once the runs that ran each failing phase are known, only those that ran
//! that phase (a run that stopped before it could not fail there); plus the mode's failures
//! counted by option (ABORTED ones with `A`). For a value v of a dimension,
//! with F the mode's failures, N the population, f_v and n_v the same within v:
//! `lift = (f_v / F) / (n_v / N)`, and the one-sided hypergeometric tail (Fisher's exact test)
//! `p_v = P(X ≥ f_v)`, `X ~ Hypergeometric(N, F, n_v)`, Bonferroni-corrected over the family:
//! every (dimension, value) holding one of the mode's failures, over every dimension the facts
//! have, since explain looks at all of them at once. The two-way table tests each of its cells
//! as the explanation of that row's mode would.

use std::collections::{HashMap, HashSet};

use super::dims::Dim;
use super::explain::ExplainOptions;
use super::facts::{Facts, RunIdx};
use super::pareto::Event;
use super::stats::{LnFactorials, wilson_interval};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// Concentrated beyond chance, on enough runs: a likely cause.
    Strong,
    /// Concentrated, but too few numbers or could be chance.
    Weak,
    /// No more failures than its volume predicts.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caveat {
    /// The mode has fewer than `min_failures` failures in all.
    TooFewFailures,
    /// The value has fewer than `min_value_failures` failures or `min_value_runs` runs.
    TooFewRuns,
    /// The concentration is within what chance gives (`p_adj ≥ alpha`).
    CouldBeChance,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValueStat {
    pub code: u32,
    pub label: String,
    pub failures: u32,
    pub tested: u32,
    /// f_v / F
    pub failure_share: f64,
    /// n_v / N
    pub tested_share: f64,
    pub lift: f64,
    /// The value's failure rate f_v / n_v and its 95 % Wilson interval.
    pub rate: f64,
    pub rate_interval: (f64, f64),
    /// One-sided hypergeometric tail, and its log (finite where the tail underflows).
    pub p_value: f64,
    pub ln_p: f64,
    /// Bonferroni-corrected, at most 1.
    pub p_adjusted: f64,
    pub evidence: Evidence,
    /// Why a concentrated value is not called a likely cause.
    pub caveat: Option<Caveat>,
}

/// Counted runs per procedure and value of one dimension, and per (procedure, phase) over the
/// runs that ran the phase: every mode's population of that dimension is summed from it, in
/// O(procedures × values) instead of a pass over the runs.
pub(crate) struct CountedBy {
    pub dim: Dim,
    size: usize,
    per_procedure: HashMap<u32, Vec<u32>>,
    /// (procedure, phase) → counted runs per value that ran the phase (built on first use).
    per_phase: std::cell::RefCell<HashMap<u32, HashMap<u32, Vec<u32>>>>,
}

impl CountedBy {
    pub(crate) fn new(facts: &Facts, dim: Dim) -> Self {
        let size = facts.dim_size(dim);
        let mut per_procedure: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, f) in facts.runs().iter().enumerate() {
            if f.is_counted() {
                let v =
                    per_procedure.entry(u32::from(f.procedure)).or_insert_with(|| vec![0; size]);
                v[facts.code(i as RunIdx, dim) as usize] += 1;
            }
        }
        CountedBy { dim, size, per_procedure, per_phase: Default::default() }
    }

    /// Counted runs per value of each procedure among those that ran `phase` (`bits`).
    fn phase_counts(&self, facts: &Facts, bits: &[u64]) -> HashMap<u32, Vec<u32>> {
        let mut out: HashMap<u32, Vec<u32>> = HashMap::new();
        for (w, &word) in bits.iter().enumerate() {
            let mut word = word;
            while word != 0 {
                let run = (w * 64) as RunIdx + word.trailing_zeros();
                word &= word - 1;
                let f = facts.run(run);
                if f.is_counted() {
                    let v = out.entry(u32::from(f.procedure)).or_insert_with(|| vec![0; self.size]);
                    v[facts.code(run, self.dim) as usize] += 1;
                }
            }
        }
        out
    }

    /// The counted runs per value of `procedure` that could have had `mode`'s failures.
    fn of(&self, facts: &Facts, mode: &ModeFamily, procedure: u32) -> Option<Vec<u32>> {
        let Some((phase, bits)) = mode.reached(facts) else {
            return self.per_procedure.get(&procedure).cloned();
        };
        let mut cache = self.per_phase.borrow_mut();
        let by_proc = cache.entry(phase).or_insert_with(|| self.phase_counts(facts, bits));
        by_proc.get(&procedure).cloned()
    }

    /// Runs tested per value by the population of `mode`'s failures.
    pub(crate) fn tested(&self, facts: &Facts, mode: &ModeFamily) -> Vec<u32> {
        let mut out = vec![0u32; self.size];
        for &p in &mode.procedures {
            if let Some(v) = self.of(facts, mode, p) {
                for (o, n) in out.iter_mut().zip(&v) {
                    *o += n;
                }
            }
        }
        for &r in &mode.uncounted {
            out[facts.code(r, self.dim) as usize] += 1;
        }
        out
    }
}

/// A mode's failures, their population and the size of the family its values are tested in.
pub(crate) struct ModeFamily {
    procedures: Vec<u32>,
    /// The phase every failure is in, if they share one: the population is the runs that ran
    /// it, where those are known.
    phase: Option<u32>,
    /// Failures that are not counted runs (ABORTED, by option): in the population too.
    uncounted: Vec<RunIdx>,
    /// F and N.
    pub failures: u32,
    pub tested: u32,
    /// Values (of every dimension) holding one of the failures: the Bonferroni factor.
    pub tests: f64,
}

impl ModeFamily {
    /// `events`: the mode's failures; `counted`: counted runs per procedure (any dimension);
    /// `dims`: the dimensions looked at (all of [`Facts::dims`] in both panes).
    pub(crate) fn new(facts: &Facts, events: &[Event], counted: &CountedBy, dims: &[Dim]) -> Self {
        let procedures: HashSet<u32> =
            events.iter().map(|e| u32::from(facts.run(e.run).procedure)).collect();
        let procedures: Vec<u32> = procedures.into_iter().collect();
        let uncounted: Vec<RunIdx> =
            events.iter().map(|e| e.run).filter(|&r| !facts.run(r).is_counted()).collect();
        let phase = events.first().and_then(|e| e.mode.phase());
        let phase = phase.filter(|&p| events.iter().all(|e| e.mode.phase() == Some(p)));
        let mut seen: HashSet<(Dim, u32)> = HashSet::new();
        for &dim in dims {
            seen.extend(events.iter().map(|e| (dim, facts.code(e.run, dim))));
        }
        let mut fam = ModeFamily {
            tested: 0,
            failures: events.len() as u32,
            tests: seen.len().max(1) as f64,
            procedures,
            phase,
            uncounted,
        };
        let counted_runs: u32 = fam
            .procedures
            .iter()
            .filter_map(|&p| counted.of(facts, &fam, p))
            .map(|v| v.iter().sum::<u32>())
            .sum();
        fam.tested = counted_runs + fam.uncounted.len() as u32;
        fam
    }

    /// The phase the population is narrowed to, and its runs, when both are known.
    fn reached<'f>(&self, facts: &'f Facts) -> Option<(u32, &'f [u64])> {
        let phase = self.phase?;
        Some((phase, facts.reached(phase)?))
    }

    /// The phase whose runs are the population, when it is narrowed to them (else the
    /// population is the runs of the mode's procedures).
    pub(crate) fn by_phase(&self, facts: &Facts) -> Option<u32> {
        Some(self.reached(facts)?.0)
    }

    /// The test of value `code` of `dim`, which holds `f` of the failures and tested `n` runs.
    pub(crate) fn value(
        &self,
        facts: &Facts,
        (dim, code): (Dim, u32),
        (f, n): (u32, u32),
        lf: &LnFactorials,
        opts: &ExplainOptions,
    ) -> ValueStat {
        let (f_total, n_total) = (self.failures, self.tested);
        let ratio = |a: u32, b: u32| if b == 0 { 0.0 } else { f64::from(a) / f64::from(b) };
        let lift = ratio(f, f_total) / ratio(n, n_total);
        let ln_p = lf.ln_hypergeometric_tail(n_total, f_total, n, f);
        let p_adjusted = (ln_p.exp() * self.tests).min(1.0);
        let caveat = if f_total < opts.min_failures {
            Some(Caveat::TooFewFailures)
        } else if f < opts.min_value_failures || n < opts.min_value_runs {
            Some(Caveat::TooFewRuns)
        } else if p_adjusted >= opts.alpha {
            Some(Caveat::CouldBeChance)
        } else {
            None
        };
        let evidence = match caveat {
            _ if lift <= 1.0 => Evidence::None,
            None => Evidence::Strong,
            Some(_) => Evidence::Weak,
        };
        ValueStat {
            code,
            label: facts.value_label(dim, code).into_owned(),
            failures: f,
            tested: n,
            failure_share: ratio(f, f_total),
            tested_share: ratio(n, n_total),
            lift,
            rate: ratio(f, n),
            rate_interval: wilson_interval(f, n, 1.96),
            p_value: ln_p.exp(),
            ln_p,
            p_adjusted,
            evidence,
            caveat,
        }
    }
}
