//! Explain a failure mode: for every dimension the facts have (station, each metadata key,
//! operator, batch, revision, procedure version, procedure, hour of day), which value the
//! mode's failures concentrate in, compared with the runs that value tested, and which
//! dimension most likely holds the cause.
//!
//! Each value is tested as [`super::lift`] says (the population: the runs of the procedures
//! the mode's failures come from; lift; the hypergeometric tail, Bonferroni-corrected over
//! every (dimension, value) holding a failure), the same test the two-way table makes.
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
pub use super::lift::{Caveat, Evidence, ValueStat};
use super::lift::{CountedBy, ModeFamily};
use super::pareto::{ModeFilter, events};
use super::stats::LnFactorials;

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
    /// The phase whose runs are N, when N is narrowed to the runs that ran the mode's phase;
    /// `None`: N is the runs of the mode's procedures.
    pub reached: Option<String>,
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
    let lf = LnFactorials::up_to(facts.runs().len());
    let mut family: Option<ModeFamily> = None;
    let mut out: Vec<DimExplain> = dims
        .iter()
        .map(|&dim| {
            let counted = CountedBy::new(facts, dim);
            let fam =
                family.get_or_insert_with(|| ModeFamily::new(facts, &events, &counted, &dims));
            let tested = counted.tested(facts, fam);
            let mut fails = vec![0u32; tested.len()];
            for e in &events {
                fails[facts.code(e.run, dim) as usize] += 1;
            }
            let mut values: Vec<ValueStat> = (0..tested.len())
                .filter(|&c| fails[c] > 0)
                .map(|c| fam.value(facts, (dim, c as u32), (fails[c], tested[c]), &lf, opts))
                .collect();
            values.sort_by(|a, b| rank(a, b).then_with(|| a.label.cmp(&b.label)));
            DimExplain {
                dim,
                name: facts.dim_name(dim).into_owned(),
                values,
                distinct_values: tested.iter().filter(|&&n| n > 0).count() as u32,
                same_as: None,
            }
        })
        .collect();
    let reached = family.as_ref().and_then(|f| f.by_phase(facts));
    let reached = reached.map(|p| facts.phase_name(p).to_string());
    let (f_total, n_total) = family.map_or((events.len() as u32, 0), |f| (f.failures, f.tested));
    let too_few = f_total < opts.min_failures;
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
        reached,
        too_few_failures: too_few,
        dims: out,
    }
}
