//! Undo (`z`, on the runs list and in the run view): the session's metadata changes — from
//! the editor, single run or bulk, or triage dispositions — kept as a stack (the newest
//! [`DEPTH`]) and written back newest first, each after the editor's change preview (which
//! says which change it is and how many remain). Previous values are captured when the change
//! is saved; keys that did not exist before are removed. Once undone, an entry is gone.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::editor::{EditorPane, MetaRow, Target};
use super::pane::{Ctx, Outcome};
use super::{Action, Pane};
use crate::worker::{Fetch, ListRequest, RequestId, Slot, WorkerEvent};

/// One run's part of a change: each key with its value before (`None`: it did not exist) and
/// after (`None`: it was deleted).
#[derive(Debug, Clone, PartialEq)]
pub struct UndoRun {
    pub target: Target,
    pub keys: Vec<(String, Option<Value>, Option<Value>)>,
}

impl UndoRun {
    /// What writes the values before back: the value, or `null` to remove the key.
    pub fn restore(&self) -> Map<String, Value> {
        self.keys
            .iter()
            .map(|(k, before, _)| (k.clone(), before.clone().unwrap_or(Value::Null)))
            .collect()
    }
}

/// How many changes the session keeps to undo; older ones are dropped.
pub const DEPTH: usize = 50;

/// A change saved in this session.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    /// What it was, for messages ("triage of SN-1 (fixture)").
    pub what: String,
    pub runs: Vec<UndoRun>,
}

impl Undo {
    /// The change preview that writes the values back: the editor, at its review.
    /// `left`: the changes still to undo after this one.
    pub(crate) fn preview(&self, left: usize) -> EditorPane {
        let targets = self.runs.iter().map(|r| r.target.clone()).collect();
        // The rows show the first run's values; a bulk change whose values before differed
        // run to run gives each run its own back (the preview says so).
        let rows = self.runs.first().map_or_else(Vec::new, |r| {
            r.keys
                .iter()
                .map(|(k, before, after)| {
                    MetaRow::new(k.clone(), after.clone(), Some(before.clone()))
                })
                .collect()
        });
        let per_run: Vec<(String, Map<String, Value>)> =
            self.runs.iter().map(|r| (r.target.run_id.clone(), r.restore())).collect();
        let varies = per_run.windows(2).any(|w| w[0].1 != w[1].1);
        let restore = Restore { what: self.what.clone(), per_run, varies, left };
        EditorPane::for_undo(targets, rows, restore)
    }
}

/// What an undo writes: each run's own values back.
#[derive(Debug, Clone, PartialEq)]
pub struct Restore {
    pub what: String,
    pub per_run: Vec<(String, Map<String, Value>)>,
    /// The runs get different values back (the preview shows the first run's).
    pub varies: bool,
    /// The session's changes still to undo after this one.
    pub left: usize,
}

impl Restore {
    pub(crate) fn changes_for(&self, run_id: &str) -> Option<Map<String, Value>> {
        self.per_run.iter().find(|(r, _)| r == run_id).map(|(_, m)| m.clone())
    }
}

/// The marked runs' metadata as it is before a bulk change, read when the editor opens.
#[derive(Debug, Clone, Default)]
pub struct Current {
    pending: Option<RequestId>,
    runs: HashMap<String, Option<Map<String, Value>>>,
    pub failed: Option<String>,
}

impl Current {
    /// Reads `targets`' metadata (one request for them all, by id).
    pub(crate) fn start(&mut self, targets: &[Target], cx: &mut Ctx) {
        let query = crate::query::RunQuery {
            ids: targets.iter().map(|t| t.run_id.clone()).collect(),
            ..Default::default()
        };
        let req = ListRequest {
            query,
            sort_by: crate::api::SortBy::StartedAt,
            sort_order: crate::api::SortOrder::Desc,
            cursor: None,
            limit: 100,
            now_ms: cx.now(),
            tz: cx.shared().tz(),
            created_after_ms: None,
        };
        let fetch = Fetch::Population { req: Box::new(req), failures: false };
        self.pending = Some(cx.fetch(Slot::Editor, fetch));
    }

    pub(crate) fn owns(&self, id: RequestId) -> bool {
        self.pending == Some(id)
    }

    pub(crate) fn loading(&self) -> bool {
        self.pending.is_some()
    }

    /// A run's metadata as read (`Some(None)`: it has none), or `None` when not read.
    pub(crate) fn known(&self, run_id: &str) -> Option<Option<&Map<String, Value>>> {
        self.runs.get(run_id).map(Option::as_ref)
    }

    /// The metadata of each run read (a run without any has none here).
    pub(crate) fn metadata(&self) -> impl Iterator<Item = &Map<String, Value>> {
        self.runs.values().flatten()
    }

    pub(crate) fn answer(&mut self, event: WorkerEvent) {
        match event {
            WorkerEvent::PopulationRuns { rows: Ok(rows), done, .. } => {
                for r in rows {
                    let r = std::sync::Arc::unwrap_or_clone(r);
                    self.runs.insert(r.id, r.metadata);
                }
                if done {
                    self.pending = None;
                }
            }
            WorkerEvent::PopulationRuns { rows: Err(e), .. } => {
                self.pending = None;
                self.failed = Some(e.to_string());
            }
            _ => {}
        }
    }
}

/// The values before `changes`, per run, when every run's are known: a single run's from the
/// editor's rows, marked runs' from what was read when the editor opened.
pub(crate) fn capture(ed: &EditorPane, changes: &Map<String, Value>) -> Option<Vec<UndoRun>> {
    let after = |v: &Value| if v.is_null() { None } else { Some(v.clone()) };
    ed.targets
        .iter()
        .map(|t| {
            let keys = changes
                .iter()
                .map(|(k, v)| {
                    let before = if ed.bulk() {
                        ed.current.runs.get(&t.run_id)?.as_ref().and_then(|m| m.get(k)).cloned()
                    } else {
                        ed.rows.iter().find(|r| r.key == *k).and_then(|r| r.original.clone())
                    };
                    Some((k.clone(), before, after(v)))
                })
                .collect::<Option<Vec<_>>>()?;
            Some(UndoRun { target: t.clone(), keys })
        })
        .collect()
}

/// A save's answers are all in: the session's undo entry follows (an undo removes the runs it
/// put back; a change becomes the entry). What the success message adds.
pub(crate) fn saved(
    undo: Option<&Restore>,
    before: Option<Vec<UndoRun>>,
    unit: bool,
    saved: &HashSet<String>,
    cx: &mut Ctx,
) -> &'static str {
    if saved.is_empty() || unit {
        return "";
    }
    if undo.is_some() {
        cx.undone(saved);
        return "";
    }
    let Some(before) = before else {
        // Undoing an older change over this one could put back values it overwrote.
        cx.forget_undo();
        return " (this one cannot be undone, nor those before it: the runs' metadata had not been read yet)";
    };
    let runs: Vec<UndoRun> =
        before.into_iter().filter(|r| saved.contains(&r.target.run_id)).collect();
    let keys = runs.first().map(|r| r.keys.iter().map(|k| k.0.as_str()).collect::<Vec<_>>());
    let keys = keys.unwrap_or_default().join(", ");
    let what = match runs.as_slice() {
        [r] => format!("metadata edit of {} ({keys})", r.target.serial),
        r => format!("metadata edit of {} runs ({keys})", r.len()),
    };
    record(cx, Undo { what, runs });
    " · z undoes it"
}

/// A change saved: on top of the session's stack, the oldest dropped past [`DEPTH`].
pub(crate) fn record(cx: &mut Ctx, undo: Undo) {
    cx.record_undo(undo);
}

/// `z`: the preview of undoing the last change, or why there is nothing to undo.
pub(crate) fn start(cx: &mut Ctx) -> Outcome {
    if cx.refused(Action::Undo) {
        return Outcome::Stay;
    }
    let left = cx.shared().undo().len().saturating_sub(1);
    match cx.shared().undo().last() {
        Some(u) => Outcome::Push(Pane::Editor(Box::new(u.preview(left)))),
        None => {
            cx.flash("nothing to undo: no metadata change saved in this session (deletes cannot be undone)");
            Outcome::Stay
        }
    }
}
