//! The unit view's data: the unit, every run of it (newest first) with the first failing step
//! of each failing run, and the assembly tree it belongs to.

use std::collections::HashMap;

use super::RunRow;
use crate::api::catalog::UnitDetail;

/// A unit, its runs across every procedure, and its genealogy.
#[derive(Debug, Clone, Default)]
pub struct UnitData {
    pub unit: UnitDetail,
    /// Newest first.
    pub runs: Vec<RunRow>,
    /// More runs exist than were loaded.
    pub more_runs: bool,
    /// A failing run's first failing phase (and measurement inside it), by run id; empty when
    /// the server has no cross-run phase list.
    pub first_failure: HashMap<String, String>,
    /// The tree from the topmost ancestor down, depth first.
    pub tree: Vec<TreeUnit>,
    /// The tree was cut at this many units.
    pub tree_cut: bool,
}

/// One unit of the assembly tree.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeUnit {
    pub serial: String,
    pub part: Option<String>,
    /// 0 for the topmost ancestor.
    pub depth: usize,
    /// The unit the view is about.
    pub here: bool,
}

/// What asking for a serial found.
#[derive(Debug, Clone)]
pub enum UnitAnswer {
    Found(Box<UnitData>),
    /// No such unit; serials that look like it (from the server's search).
    Missing {
        close: Vec<String>,
    },
}

impl UnitData {
    /// The procedures the runs went through, in order of first appearance.
    pub fn procedures(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for r in &self.runs {
            if let Some(p) = r.procedure.as_deref()
                && !seen.contains(&p)
            {
                seen.push(p);
            }
        }
        seen
    }
}
