//! Explain a failure mode: for every dimension the facts have (station, each metadata key,
//! operator, batch, revision, procedure version, procedure, hour of day), which value the
//! mode's failures concentrate in, compared with the runs that value tested, and which
//! dimension most likely holds the cause.
//!
//! For a value v: `lift = (f_v / F) / (n_v / N)`, with F the mode's failures, N the runs tested
//! by the procedures those failures come from (counted runs, plus any failure counted by
//! option, e.g. ABORTED), f_v and n_v the same within v. Lift alone would put a 1-of-1 fluke first (one run, one failure: a huge lift), so
//! each value also gets the one-sided hypergeometric tail (Fisher's exact test) `p_v = P(X ≥
//! f_v)` for `X ~ Hypergeometric(N, F, n_v)`: the chance of at least that many of the F
//! failures landing on a value that tested n_v runs if failures fell on runs at random. It is
//! Bonferroni-corrected over every (dimension, value) with a failure, since the view looks at
//! all of them at once.
//!
//! A value is [`Evidence::Strong`] when `p_adj < alpha`, it has at least
//! `min_value_failures` failures and `min_value_runs` runs, its lift exceeds 1, and the mode
//! has at least `min_failures` failures overall; [`Evidence::Weak`] when it is concentrated
//! (lift > 1) but misses one of those; [`Evidence::None`] otherwise. Values, and dimensions by
//! their best value, rank by evidence, then by `p` (smaller first): of two values with the same
//! lift the one holding more failures is the stronger lead (a station with all of a mode's
//! failures before one of its two fixtures with half), and of two holding the same failures the
//! one that tested fewer runs (the drifting fixture before its station).

use std::cmp::Ordering;

use super::dims::Dim;
use super::facts::{Facts, RunIdx};
use super::failures::FailureOptions;
use super::pareto::{ModeFilter, events};
use super::stats::{LnFactorials, wilson_interval};

#[derive(Debug, Clone, PartialEq)]
pub struct ExplainOptions {
    pub failures: FailureOptions,
    /// Dimensions to look at; all of [`Facts::dims`] when `None`.
    pub dims: Option<Vec<Dim>>,
    /// Fewer failures of the mode than this: nothing is called a likely cause.
    pub min_failures: u32,
    pub min_value_failures: u32,
    pub min_value_runs: u32,
    /// Family-wise significance level.
    pub alpha: f64,
}

impl Default for ExplainOptions {
    fn default() -> Self {
        ExplainOptions {
            failures: FailureOptions::default(),
            dims: None,
            min_failures: 5,
            min_value_failures: 3,
            min_value_runs: 5,
            alpha: 0.05,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// Concentrated beyond chance, on enough runs: a likely cause.
    Strong,
    /// Concentrated, but too few numbers or could be chance.
    Weak,
    /// No more failures than its volume predicts.
    None,
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
pub struct DimExplain {
    pub dim: Dim,
    pub name: String,
    /// Values with at least one failure, best lead first.
    pub values: Vec<ValueStat>,
    /// Values that tested at least one run.
    pub distinct_values: u32,
    /// An earlier dimension whose best value holds exactly the same failures as this one's
    /// (index into [`Explanation::dims`]): this one follows it (the fixture's station, the
    /// revision it happened to test) rather than being a second cause.
    pub same_as: Option<usize>,
}

impl DimExplain {
    pub fn best(&self) -> Option<&ValueStat> {
        self.values.first()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub filter: ModeFilter,
    pub label: String,
    /// F: the mode's failures.
    pub failures: u32,
    /// N: runs tested.
    pub tested: u32,
    /// F below `min_failures`: every lead is at most weak.
    pub too_few_failures: bool,
    /// Best lead first.
    pub dims: Vec<DimExplain>,
}

/// Stronger evidence first, then the smaller tail, then the higher lift.
fn rank(a: &ValueStat, b: &ValueStat) -> Ordering {
    a.evidence.cmp(&b.evidence).then(a.ln_p.total_cmp(&b.ln_p)).then(b.lift.total_cmp(&a.lift))
}

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

impl Explanation {
    /// One line per dimension: "78 % of rail_3v3 failures come from fixture FX-03, which
    /// tested 24 % of runs: 3.3× its share (47 of 60 failures, 310 of 1,290 runs)", with why
    /// the numbers may not mean anything when they may not.
    pub fn sentence(&self, d: &DimExplain) -> String {
        let Some(v) = d.best() else {
            return format!("{}: no {} failures", d.name, self.label);
        };
        let mut s = format!(
            "{} of {} failures come from {} {}, which tested {} of runs: {:.1}× its share \
             ({} of {} failures, {} of {} runs)",
            pct(v.failure_share),
            self.label,
            d.name,
            v.label,
            pct(v.tested_share),
            v.lift,
            v.failures,
            self.failures,
            v.tested,
            self.tested,
        );
        s.push_str(match (v.evidence, v.caveat) {
            (Evidence::None, _) => " — no more than its share",
            (_, Some(Caveat::TooFewFailures)) => " — too few failures to tell",
            (_, Some(Caveat::TooFewRuns)) => " — too few runs to tell",
            (_, Some(Caveat::CouldBeChance)) => " — could be chance",
            (_, None) => "",
        });
        let first = d.same_as.and_then(|j| self.dims.get(j)).and_then(|f| Some((f, f.best()?)));
        if let Some((f, b)) = first {
            s.push_str(&format!(
                " — the same failures as {} {}: it follows that, rather than being a cause of its own",
                f.name, b.label
            ));
        }
        s
    }
}

pub fn explain(facts: &Facts, filter: &ModeFilter, opts: &ExplainOptions) -> Explanation {
    let dims = opts.dims.clone().unwrap_or_else(|| facts.dims());
    let (events, _) = events(facts, &opts.failures, filter);
    let mut tested: Vec<Vec<u32>> = dims.iter().map(|&d| vec![0; facts.dim_size(d)]).collect();
    let mut fails = tested.clone();
    let mut is_event = vec![false; facts.runs().len()];
    for e in &events {
        is_event[e.run as usize] = true;
    }
    // The runs that could have failed this way: those of the procedures its failures come
    // from (a phase of one procedure never runs in another, and a station that only runs
    // that procedure would otherwise look like the cause).
    let procedure = |i: usize| facts.code(i as RunIdx, Dim::Procedure);
    let procedures: std::collections::HashSet<u32> =
        events.iter().map(|e| procedure(e.run as usize)).collect();
    let mut n_total = 0u32;
    for (i, f) in facts.runs().iter().enumerate() {
        if (!f.is_counted() && !is_event[i]) || !procedures.contains(&procedure(i)) {
            continue;
        }
        n_total += 1;
        for (k, &dim) in dims.iter().enumerate() {
            let c = facts.code(i as RunIdx, dim) as usize;
            tested[k][c] += 1;
            if is_event[i] {
                fails[k][c] += 1;
            }
        }
    }
    let f_total = events.len() as u32;
    let too_few = f_total < opts.min_failures;
    let tests = fails.iter().flatten().filter(|&&f| f > 0).count().max(1) as f64;
    let lf = LnFactorials::up_to(n_total as usize);
    let ratio = |a: u32, b: u32| if b == 0 { 0.0 } else { f64::from(a) / f64::from(b) };

    let mut out: Vec<DimExplain> = dims
        .iter()
        .enumerate()
        .map(|(k, &dim)| {
            let mut values: Vec<ValueStat> = (0..tested[k].len())
                .filter(|&c| fails[k][c] > 0)
                .map(|c| {
                    let (f, n) = (fails[k][c], tested[k][c]);
                    let lift = ratio(f, f_total) / ratio(n, n_total);
                    let ln_p = lf.ln_hypergeometric_tail(n_total, f_total, n, f);
                    let p_adjusted = (ln_p.exp() * tests).min(1.0);
                    let caveat = if too_few {
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
                        code: c as u32,
                        label: facts.value_label(dim, c as u32).into_owned(),
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
                })
                .collect();
            values.sort_by(|a, b| rank(a, b).then_with(|| a.label.cmp(&b.label)));
            DimExplain {
                dim,
                name: facts.dim_name(dim).into_owned(),
                values,
                distinct_values: tested[k].iter().filter(|&&n| n > 0).count() as u32,
                same_as: None,
            }
        })
        .collect();
    // Stable: dimensions whose best values tie (the same runs: a fixture per station) keep
    // the order of `dims`, the station first.
    out.sort_by(|a, b| match (a.best(), b.best()) {
        (Some(x), Some(y)) => rank(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    // Each dimension's best value's failures; a later one with the same runs follows the
    // earlier (stronger) one.
    let failing: Vec<Option<Vec<RunIdx>>> = out
        .iter()
        .map(|d| {
            let best = d.best().filter(|v| v.evidence == Evidence::Strong)?;
            let mut runs: Vec<RunIdx> = events
                .iter()
                .map(|e| e.run)
                .filter(|&r| facts.code(r, d.dim) == best.code)
                .collect();
            runs.sort_unstable();
            Some(runs)
        })
        .collect();
    for i in 1..out.len() {
        let Some(mine) = &failing[i] else { continue };
        out[i].same_as = (0..i).find(|&j| failing[j].as_ref() == Some(mine));
    }
    Explanation {
        filter: *filter,
        label: facts.filter_label(filter),
        failures: f_total,
        tested: n_total,
        too_few_failures: too_few,
        dims: out,
    }
}
