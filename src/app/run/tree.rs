//! The phases tree of a run: sequences → phases → measurements → validators and aggregations,
//! flattened once into pre-order nodes. What is on screen is a list of visible node indexes,
//! recomputed only when something is expanded or collapsed.

use crate::api::time::to_ms;
use crate::api::{Outcome, PhaseOutcome, RunDetail, SequenceOutcome};
use crate::app::scroll::Scroll;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Sequence(usize),
    Phase(usize),
    Measurement { phase: usize, m: usize },
    Validator { phase: usize, m: usize, v: usize },
    Aggregation { phase: usize, m: usize, a: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub depth: u16,
    pub parent: Option<u32>,
    /// One past the last node of this node's subtree.
    pub end: u32,
    /// Failed itself (a failing phase, measurement, validator, aggregation or sequence).
    pub failed: bool,
}

impl Node {
    pub(crate) fn has_children(&self, index: u32) -> bool {
        self.end > index + 1
    }
}

#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
    pub expanded: Vec<bool>,
    /// Visible node indexes, in screen order.
    pub visible: Vec<u32>,
    /// Failing phases and measurements, in tree order: what `f`, `n` and `N` visit.
    pub failures: Vec<u32>,
    /// Position in `visible`, and the first visible row on screen.
    pub view: Scroll,
}

fn phase_failed(o: Option<&PhaseOutcome>) -> bool {
    matches!(o, Some(PhaseOutcome::Fail | PhaseOutcome::Error))
}

fn outcome_failed(o: Option<&Outcome>) -> bool {
    matches!(o, Some(Outcome::Fail))
}

fn sequence_failed(o: Option<&SequenceOutcome>) -> bool {
    matches!(
        o,
        Some(
            SequenceOutcome::Fail
                | SequenceOutcome::Error
                | SequenceOutcome::Timeout
                | SequenceOutcome::Aborted
        )
    )
}

/// A child of a sequence (or of the root): a sequence or a phase, with its start for ordering.
#[derive(Clone, Copy)]
enum Item {
    Seq(usize),
    Phase(usize),
}

struct Builder<'a> {
    run: &'a RunDetail,
    nodes: Vec<Node>,
}

impl Builder<'_> {
    fn push(&mut self, kind: NodeKind, depth: u16, parent: Option<u32>, failed: bool) -> u32 {
        let i = self.nodes.len() as u32;
        self.nodes.push(Node { kind, depth, parent, end: i + 1, failed });
        i
    }

    fn close(&mut self, i: u32) {
        self.nodes[i as usize].end = self.nodes.len() as u32;
    }

    fn phase(&mut self, p: usize, depth: u16, parent: Option<u32>) {
        let phases = self.run.phases.as_deref().unwrap_or_default();
        let phase = &phases[p];
        let pi = self.push(NodeKind::Phase(p), depth, parent, phase_failed(phase.outcome.as_ref()));
        for (m, meas) in phase.measurements.iter().enumerate() {
            let mi = self.push(
                NodeKind::Measurement { phase: p, m },
                depth + 1,
                Some(pi),
                outcome_failed(meas.outcome.as_ref()),
            );
            for (v, val) in meas.validators.as_deref().unwrap_or_default().iter().enumerate() {
                self.push(
                    NodeKind::Validator { phase: p, m, v },
                    depth + 2,
                    Some(mi),
                    outcome_failed(val.outcome.as_ref()),
                );
            }
            for (a, agg) in meas.aggregations.as_deref().unwrap_or_default().iter().enumerate() {
                self.push(
                    NodeKind::Aggregation { phase: p, m, a },
                    depth + 2,
                    Some(mi),
                    outcome_failed(agg.outcome.as_ref()),
                );
            }
            self.close(mi);
        }
        self.close(pi);
    }

    fn items(&mut self, items: &[Item], children: &[Vec<Item>], depth: u16, parent: Option<u32>) {
        let seqs = self.run.summary.sequences.as_deref().unwrap_or_default();
        for item in items {
            match *item {
                Item::Phase(p) => self.phase(p, depth, parent),
                Item::Seq(s) => {
                    let si = self.push(
                        NodeKind::Sequence(s),
                        depth,
                        parent,
                        sequence_failed(seqs[s].outcome.as_ref()),
                    );
                    self.items(&children[s], children, depth + 1, Some(si));
                    self.close(si);
                }
            }
        }
    }
}

impl Tree {
    pub fn build(run: &RunDetail) -> Tree {
        let phases = run.phases.as_deref().unwrap_or_default();
        let seqs = run.summary.sequences.as_deref().unwrap_or_default();
        let by_path: std::collections::HashMap<&str, usize> =
            seqs.iter().enumerate().map(|(i, s)| (s.path.as_str(), i)).collect();
        // A sequence without its own start begins with the first phase inside it, at any depth.
        let mut seq_start: Vec<Option<i64>> =
            seqs.iter().map(|s| s.started_at.as_ref().map(to_ms)).collect();
        for p in phases {
            let (Some(mut at), Some(t)) = (
                p.sequence_path.as_deref().and_then(|path| by_path.get(path)).copied(),
                p.started_at.as_ref().map(to_ms),
            ) else {
                continue;
            };
            // Up the parents; bounded, in case the paths loop.
            for _ in 0..seqs.len() {
                if seqs[at].started_at.is_none() {
                    seq_start[at] = Some(seq_start[at].map_or(t, |x| x.min(t)));
                }
                match seqs[at].parent_path.as_deref().and_then(|pp| by_path.get(pp)) {
                    Some(&up) if up != at => at = up,
                    _ => break,
                }
            }
        }
        let start_of = |it: &Item| match *it {
            Item::Seq(s) => seq_start[s],
            Item::Phase(p) => phases[p].started_at.as_ref().map(to_ms),
        };
        let mut children: Vec<Vec<Item>> = vec![Vec::new(); seqs.len()];
        let mut roots = Vec::new();
        for (i, s) in seqs.iter().enumerate() {
            match s.parent_path.as_deref().and_then(|p| by_path.get(p)).filter(|p| **p != i) {
                Some(&parent) => children[parent].push(Item::Seq(i)),
                None => roots.push(Item::Seq(i)),
            }
        }
        for (i, p) in phases.iter().enumerate() {
            match p.sequence_path.as_deref().and_then(|path| by_path.get(path)) {
                Some(&s) => children[s].push(Item::Phase(i)),
                None => roots.push(Item::Phase(i)),
            }
        }
        // Chronological within each level; stable, so equal starts keep the API's order.
        let key = |it: &Item| start_of(it).unwrap_or(i64::MAX);
        roots.sort_by_key(key);
        for c in &mut children {
            c.sort_by_key(key);
        }
        // A sequence whose parent chain loops would never be reached from a root: list it at
        // the root instead of losing it.
        let mut b = Builder { run, nodes: Vec::with_capacity(phases.len() * 4) };
        b.items(&roots, &children, 0, None);
        let reached: std::collections::HashSet<usize> = b
            .nodes
            .iter()
            .filter_map(|n| if let NodeKind::Sequence(s) = n.kind { Some(s) } else { None })
            .collect();
        let orphans: Vec<Item> =
            (0..seqs.len()).filter(|s| !reached.contains(s)).map(Item::Seq).collect();
        let mut guard = children.clone();
        for o in &orphans {
            if let Item::Seq(s) = o {
                guard[*s].retain(|c| !matches!(c, Item::Seq(_)));
            }
        }
        b.items(&orphans, &guard, 0, None);
        let nodes = b.nodes;
        let failures = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| {
                n.failed && matches!(n.kind, NodeKind::Phase(_) | NodeKind::Measurement { .. })
            })
            .map(|(i, _)| i as u32)
            .collect();
        let mut tree = Tree {
            expanded: vec![false; nodes.len()],
            nodes,
            visible: Vec::new(),
            failures,
            view: Scroll::default(),
        };
        tree.expand_failures();
        tree
    }

    /// Failed phases and measurements open, with every sequence leading to them; the rest
    /// closed.
    pub(crate) fn expand_failures(&mut self) {
        self.expanded.iter_mut().for_each(|e| *e = false);
        for i in 0..self.nodes.len() {
            let n = &self.nodes[i];
            if n.failed && matches!(n.kind, NodeKind::Phase(_) | NodeKind::Measurement { .. }) {
                self.expanded[i] = true;
                self.open_ancestors(i as u32);
            }
        }
        self.refresh_visible(None);
    }

    fn open_ancestors(&mut self, i: u32) {
        let mut p = self.nodes[i as usize].parent;
        while let Some(up) = p {
            self.expanded[up as usize] = true;
            p = self.nodes[up as usize].parent;
        }
    }

    /// Recomputes the visible rows, keeping the cursor on `keep` (a node index) when given,
    /// else on the node it was on.
    pub(crate) fn refresh_visible(&mut self, keep: Option<u32>) {
        let keep = keep.or_else(|| self.visible.get(self.view.cursor).copied());
        self.visible.clear();
        let mut i = 0u32;
        let n = self.nodes.len() as u32;
        while i < n {
            self.visible.push(i);
            i = if self.expanded[i as usize] { i + 1 } else { self.nodes[i as usize].end };
        }
        self.view.cursor = match keep {
            // The node itself, or the nearest visible ancestor when it was hidden.
            Some(k) => {
                let mut target = Some(k);
                let mut pos = None;
                while let Some(t) = target {
                    if let Ok(p) = self.visible.binary_search(&t) {
                        pos = Some(p);
                        break;
                    }
                    target = self.nodes[t as usize].parent;
                }
                pos.unwrap_or(0)
            }
            None => 0,
        };
    }

    pub fn current(&self) -> Option<u32> {
        self.visible.get(self.view.cursor).copied()
    }

    pub(crate) fn toggle(&mut self) {
        if let Some(i) = self.current()
            && self.nodes[i as usize].has_children(i)
        {
            self.expanded[i as usize] = !self.expanded[i as usize];
            self.refresh_visible(Some(i));
        }
    }

    pub(crate) fn set_all(&mut self, open: bool) {
        let keep = self.current();
        self.expanded.iter_mut().for_each(|e| *e = open);
        self.refresh_visible(keep);
    }

    /// Shows node `i` (opening what hides it) and puts the cursor on it.
    pub(crate) fn reveal(&mut self, i: u32) {
        self.open_ancestors(i);
        self.refresh_visible(Some(i));
    }

    /// The failure after (`forward`) or before the cursor's node; `None` when there is none.
    pub(crate) fn next_failure(&self, forward: bool) -> Option<u32> {
        let at = self.current().map_or(-1, |c| c as i64);
        if forward {
            self.failures.iter().copied().find(|&f| f as i64 > at)
        } else {
            self.failures.iter().rev().copied().find(|&f| (f as i64) < at)
        }
    }

    /// The phase a node belongs to, if any.
    pub(crate) fn phase_of(&self, i: u32) -> Option<usize> {
        match self.nodes.get(i as usize)?.kind {
            NodeKind::Phase(p)
            | NodeKind::Measurement { phase: p, .. }
            | NodeKind::Validator { phase: p, .. }
            | NodeKind::Aggregation { phase: p, .. } => Some(p),
            NodeKind::Sequence(_) => None,
        }
    }

    pub(crate) fn move_by(&mut self, delta: isize, viewport: usize) {
        self.view.move_by(delta, self.visible.len(), viewport);
    }
}
