//! The two-way table: failure modes × the values of one dimension (station, fixture, …), the
//! counts in the cells, and per row the cell where the mode is concentrated beyond chance, so
//! "this failure lives on one station" shows at a glance.
//!
//! A cell is *hot* when its value holds a larger share of the row's failures than of the tested
//! runs, by at least [`HOT_LIFT`], with at least [`HOT_MIN_FAILURES`] failures, and a one-sided
//! hypergeometric test (Fisher's exact) says so at 5 % after a Bonferroni correction over the
//! table's cells. Each row names at most one, its most significant.

use std::collections::HashMap;

use super::dims::Dim;
use super::facts::{Facts, RunIdx};
use super::failures::FailureOptions;
use super::pareto::{Drill, ModeFilter, ParetoBy, events, group_of};
use super::stats::LnFactorials;

pub const HOT_LIFT: f64 = 1.5;
pub const HOT_MIN_FAILURES: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrossTabOptions {
    pub failures: FailureOptions,
    /// Rows by first failing phase ([`ParetoBy::Phase`]) or by mode (anything else).
    pub rows_by: ParetoBy,
    pub dim: Dim,
    /// At most this many rows and columns, the last of each summing the rest when there are
    /// more.
    pub max_rows: usize,
    pub max_cols: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CrossCol {
    /// `None`: the "other" column.
    pub code: Option<u32>,
    pub label: String,
    pub failures: u32,
    /// Runs tested with this value (counted runs, plus any failing run counted by option).
    pub tested: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CrossRow {
    /// `None`: the "other" row.
    pub filter: Option<ModeFilter>,
    pub label: String,
    pub total: u32,
    pub cells: Vec<u32>,
    /// The column where this mode is concentrated, if one is (see the module docs).
    pub hot: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CrossTab {
    pub dim: Dim,
    pub cols: Vec<CrossCol>,
    pub rows: Vec<CrossRow>,
    pub events: u32,
    pub tested: u32,
}

impl CrossTab {
    /// (share of the row's failures in the column) / (share of tested runs in the column).
    pub fn lift(&self, row: usize, col: usize) -> Option<f64> {
        let (r, c) = (self.rows.get(row)?, self.cols.get(col)?);
        if r.total == 0 || c.tested == 0 || self.tested == 0 {
            return None;
        }
        let share = f64::from(r.cells[col]) / f64::from(r.total);
        Some(share / (f64::from(c.tested) / f64::from(self.tested)))
    }

    /// The runs behind a cell (none for "other" rows or columns).
    pub fn drill(&self, row: usize, col: usize) -> Option<Drill> {
        let filter = self.rows.get(row)?.filter?;
        let code = self.cols.get(col)?.code?;
        Some(Drill { filter, value: Some((self.dim, code)) })
    }
}

pub fn crosstab(facts: &Facts, opts: &CrossTabOptions) -> CrossTab {
    let (events, _) = events(facts, &opts.failures, &ModeFilter::Any);
    let dim = opts.dim;
    let size = facts.dim_size(dim);
    let mut tested = vec![0u32; size];
    for (i, f) in facts.runs().iter().enumerate() {
        if f.is_counted() {
            tested[facts.code(i as RunIdx, dim) as usize] += 1;
        }
    }
    let mut fails = vec![0u32; size];
    let mut by_row: HashMap<ModeFilter, Vec<u32>> = HashMap::new();
    for e in &events {
        let code = facts.code(e.run, dim) as usize;
        if !facts.run(e.run).is_counted() {
            tested[code] += 1;
        }
        fails[code] += 1;
        let level_phase = opts.rows_by == ParetoBy::Phase;
        by_row.entry(group_of(&e.mode, level_phase)).or_insert_with(|| vec![0; size])[code] += 1;
    }
    let total_tested: u32 = tested.iter().sum();

    // Columns: values with failures first, then by volume; the rest summed into "other".
    let mut order: Vec<usize> = (0..size).filter(|&c| tested[c] > 0 || fails[c] > 0).collect();
    order.sort_by(|&a, &b| {
        fails[b]
            .cmp(&fails[a])
            .then(tested[b].cmp(&tested[a]))
            .then_with(|| facts.value_label(dim, a as u32).cmp(&facts.value_label(dim, b as u32)))
    });
    let keep =
        if order.len() > opts.max_cols { opts.max_cols.saturating_sub(1) } else { order.len() };
    let mut col_of = vec![keep; size];
    let mut cols: Vec<CrossCol> = order[..keep]
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            col_of[c] = i;
            CrossCol {
                code: Some(c as u32),
                label: facts.value_label(dim, c as u32).into_owned(),
                failures: fails[c],
                tested: tested[c],
            }
        })
        .collect();
    if keep < order.len() {
        let rest = &order[keep..];
        cols.push(CrossCol {
            code: None,
            label: format!("other ({})", rest.len()),
            failures: rest.iter().map(|&c| fails[c]).sum(),
            tested: rest.iter().map(|&c| tested[c]).sum(),
        });
    }

    let fold = |counts: &[u32]| {
        let mut cells = vec![0u32; cols.len()];
        for (c, n) in counts.iter().enumerate() {
            if *n > 0 {
                cells[col_of[c]] += n;
            }
        }
        cells
    };
    let mut rows: Vec<CrossRow> = by_row
        .into_iter()
        .map(|(filter, counts)| CrossRow {
            label: facts.filter_label(&filter),
            filter: Some(filter),
            total: counts.iter().sum(),
            cells: fold(&counts),
            hot: None,
        })
        .collect();
    rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.label.cmp(&b.label)));
    if rows.len() > opts.max_rows {
        let rest = rows.split_off(opts.max_rows.saturating_sub(1));
        let mut cells = vec![0u32; cols.len()];
        for r in &rest {
            for (c, n) in r.cells.iter().enumerate() {
                cells[c] += n;
            }
        }
        rows.push(CrossRow {
            filter: None,
            label: format!("other ({})", rest.len()),
            total: rest.iter().map(|r| r.total).sum(),
            cells,
            hot: None,
        });
    }

    let mut tab = CrossTab { dim, cols, rows, events: events.len() as u32, tested: total_tested };
    mark_hot(&mut tab);
    tab
}

fn mark_hot(tab: &mut CrossTab) {
    let lf = LnFactorials::up_to(tab.tested as usize);
    let real_cols = tab.cols.iter().filter(|c| c.code.is_some()).count();
    let real_rows = tab.rows.iter().filter(|r| r.filter.is_some()).count();
    let tests = (real_cols * real_rows).max(1) as f64;
    for r in 0..tab.rows.len() {
        if tab.rows[r].filter.is_none() {
            continue;
        }
        let mut best: Option<(f64, usize)> = None;
        for c in 0..tab.cols.len() {
            let (row, col) = (&tab.rows[r], &tab.cols[c]);
            let k = row.cells[c];
            if col.code.is_none() || k < HOT_MIN_FAILURES || tab.lift(r, c) < Some(HOT_LIFT) {
                continue;
            }
            let p = lf.hypergeometric_tail(tab.tested, row.total, col.tested, k) * tests;
            if p < 0.05 && best.is_none_or(|(bp, _)| p < bp) {
                best = Some((p, c));
            }
        }
        tab.rows[r].hot = best.map(|(_, c)| c);
    }
}
