//! The two-way table: failure modes × the values of one dimension (station, fixture, …), the
//! counts in the cells, and per row the cell where the mode is concentrated beyond chance, so
//! "this failure lives on one station" shows at a glance.
//!
//! Every row and every value is computed, whatever fits on screen: what is shown, and how it
//! is folded, is the renderer's business, so a verdict never depends on the terminal's size.
//! Each cell is tested as the explanation of its row's mode tests that value ([`super::lift`]:
//! the same population, numbers and Bonferroni family), and a cell is *hot* when explain would
//! call that value a likely cause. Each row names at most one, its most significant.

use std::collections::HashMap;

use super::dims::Dim;
use super::explain::ExplainOptions;
use super::facts::Facts;
use super::failures::FailureOptions;
use super::lift::{CountedBy, Evidence, ModeFamily, ValueStat};
use super::pareto::{Drill, Event, ModeFilter, ParetoBy, events, group_of};
use super::stats::LnFactorials;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrossTabOptions {
    pub failures: FailureOptions,
    /// Rows by first failing phase ([`ParetoBy::Phase`]) or by mode (anything else).
    pub rows_by: ParetoBy,
    pub dim: Dim,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CrossCol {
    pub code: u32,
    pub label: String,
    pub failures: u32,
    /// Counted runs with this value (plus any failing run counted by option).
    pub tested: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CrossRow {
    pub filter: ModeFilter,
    pub label: String,
    pub total: u32,
    pub cells: Vec<u32>,
    /// Per cell holding a failure, its test (the numbers explain shows for that value).
    pub stats: Vec<Option<ValueStat>>,
    /// Runs that could have failed this way (the population of the row's tests).
    pub tested: u32,
    /// The column where this mode is concentrated, if one is (see the module docs).
    pub hot: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CrossTab {
    pub dim: Dim,
    /// Values with failures first, then by volume.
    pub cols: Vec<CrossCol>,
    /// The largest first.
    pub rows: Vec<CrossRow>,
    pub events: u32,
    pub tested: u32,
}

impl CrossTab {
    /// (share of the row's failures in the column) / (share of the row's population in it).
    pub fn lift(&self, row: usize, col: usize) -> Option<f64> {
        Some(self.stat(row, col)?.lift)
    }

    /// The test of a cell holding failures.
    pub fn stat(&self, row: usize, col: usize) -> Option<&ValueStat> {
        self.rows.get(row)?.stats.get(col)?.as_ref()
    }

    /// The runs behind a cell.
    pub fn drill(&self, row: usize, col: usize) -> Option<Drill> {
        let filter = self.rows.get(row)?.filter;
        let code = self.cols.get(col)?.code;
        Some(Drill { filter, value: Some((self.dim, code)) })
    }
}

pub fn crosstab(facts: &Facts, opts: &CrossTabOptions) -> CrossTab {
    let (events, _) = events(facts, &opts.failures, &ModeFilter::Any);
    let dim = opts.dim;
    let counted = CountedBy::new(facts, dim);
    let mut by_row: HashMap<ModeFilter, Vec<Event>> = HashMap::new();
    for e in &events {
        by_row.entry(group_of(&e.mode, opts.rows_by == ParetoBy::Phase)).or_default().push(*e);
    }
    // Columns: every value that tested a run or failed.
    let size = facts.dim_size(dim);
    let mut tested = vec![0u32; size];
    let mut fails = vec![0u32; size];
    for (i, f) in facts.runs().iter().enumerate() {
        if f.is_counted() {
            tested[facts.code(i as u32, dim) as usize] += 1;
        }
    }
    for e in &events {
        let c = facts.code(e.run, dim) as usize;
        tested[c] += u32::from(!facts.run(e.run).is_counted());
        fails[c] += 1;
    }
    let mut order: Vec<usize> = (0..size).filter(|&c| tested[c] > 0 || fails[c] > 0).collect();
    order.sort_by(|&a, &b| {
        fails[b]
            .cmp(&fails[a])
            .then(tested[b].cmp(&tested[a]))
            .then_with(|| facts.value_label(dim, a as u32).cmp(&facts.value_label(dim, b as u32)))
    });
    let mut col_of = vec![usize::MAX; size];
    let cols: Vec<CrossCol> = order
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            col_of[c] = i;
            CrossCol {
                code: c as u32,
                label: facts.value_label(dim, c as u32).into_owned(),
                failures: fails[c],
                tested: tested[c],
            }
        })
        .collect();

    let lf = LnFactorials::up_to(facts.runs().len());
    let explain = ExplainOptions { failures: opts.failures, ..ExplainOptions::default() };
    let dims = facts.dims();
    let mut rows: Vec<CrossRow> = by_row
        .into_iter()
        .map(|(filter, evs)| {
            let fam = ModeFamily::new(facts, &evs, &counted, &dims);
            let pop = counted.tested(facts, &fam);
            let mut cells = vec![0u32; cols.len()];
            for e in &evs {
                cells[col_of[facts.code(e.run, dim) as usize]] += 1;
            }
            let stats: Vec<Option<ValueStat>> = cells
                .iter()
                .zip(&cols)
                .map(|(&f, c)| {
                    let n = pop[c.code as usize];
                    (f > 0).then(|| fam.value(facts, (dim, c.code), (f, n), &lf, &explain))
                })
                .collect();
            let hot = stats
                .iter()
                .enumerate()
                .filter_map(|(i, s)| Some((i, s.as_ref()?)))
                .filter(|(_, s)| s.evidence == Evidence::Strong)
                .min_by(|a, b| a.1.ln_p.total_cmp(&b.1.ln_p))
                .map(|(i, _)| i);
            CrossRow {
                label: facts.filter_label(&filter),
                filter,
                total: evs.len() as u32,
                cells,
                stats,
                tested: fam.tested,
                hot,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.label.cmp(&b.label)));
    CrossTab { dim, cols, rows, events: events.len() as u32, tested: tested.iter().sum() }
}
