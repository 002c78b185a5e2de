//! Which runs the triage queue visits: the view's failing runs (FAIL, ERROR, TIMEOUT) that
//! have no disposition yet, the list's loaded rows first in list order, then the rest of the
//! filter's runs newest first. Whether a run has a disposition is read from the server (every
//! failing run the filter matches, with its metadata), so the count is right from the start.

use std::collections::HashSet;

use serde_json::Value;

use super::{Stage, TriagePane};
use crate::api::{RunOutcome, RunSummary};
use crate::app::ListState;
use crate::app::pane::{Ctx, Outcome};
use crate::worker::{ClientError, Fetch, RequestId, Slot, WorkerEvent};

/// The presets when the config names none.
pub const DEFAULT_PRESETS: [&str; 4] = ["fixture", "retest", "real failure", "software"];
/// The metadata key when the config names none.
pub const DEFAULT_KEY: &str = "triage";

/// `[triage]` in the config: the key dispositions go under and the presets `1`–`9` record.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageSettings {
    pub key: String,
    pub presets: Vec<String>,
}

impl Default for TriageSettings {
    fn default() -> Self {
        TriageSettings {
            key: DEFAULT_KEY.into(),
            presets: DEFAULT_PRESETS.iter().map(|p| p.to_string()).collect(),
        }
    }
}

/// A disposition as it reads in messages.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One run of the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub run_id: String,
    pub serial: String,
    /// What was recorded for it in this queue.
    pub recorded: Option<Value>,
}

/// Reading which failing runs have a disposition already.
#[derive(Debug, Clone)]
pub struct Check {
    pub pending: RequestId,
    /// The list's failing rows, in list order.
    loaded: Vec<(String, String)>,
    /// The filter's runs are not all loaded in the list: the others follow.
    more: bool,
    disposed: HashSet<String>,
    /// Failing runs not in the loaded rows, newest first.
    others: Vec<(String, String)>,
    pub read: usize,
}

impl Check {
    /// Asks for every run `list`'s filter matches, with metadata.
    pub(crate) fn start(list: &ListState, cx: &mut Ctx) -> Check {
        let loaded = list
            .rows
            .iter()
            .filter(|r| {
                !r.id.is_empty()
                    && r.problem.is_none()
                    && r.outcome.as_ref().is_some_and(RunOutcome::ended_failing)
            })
            .map(|r| (r.id.to_string(), r.serial.to_string()))
            .collect();
        // Only the failing runs are read: the filter's outcomes that fail, or all three.
        let mut query = list.query.clone();
        let fails = RunOutcome::ENDED_FAILING;
        query.outcomes.retain(|o| fails.contains(o));
        // A filter of passing runs only: nothing to add to its (failing) loaded rows.
        let more = list.has_more && (list.query.outcomes.is_empty() || !query.outcomes.is_empty());
        if query.outcomes.is_empty() {
            query.outcomes = fails.to_vec();
        }
        let req = list.first_page(query, 100, cx.now(), cx.shared().tz());
        let pending =
            cx.fetch(Slot::Population, Fetch::Population { req: Box::new(req), failures: false });
        Check { pending, loaded, more, disposed: HashSet::new(), others: Vec::new(), read: 0 }
    }

    /// A page of the filter's runs.
    pub(crate) fn page<R: std::borrow::Borrow<RunSummary>>(&mut self, rows: &[R], key: &str) {
        self.read += rows.len();
        for r in rows.iter().map(R::borrow) {
            if r.metadata.as_ref().is_some_and(|m| m.contains_key(key)) {
                self.disposed.insert(r.id.clone());
            } else if self.more && r.outcome.as_ref().is_some_and(RunOutcome::ended_failing) {
                self.others.push((r.id.clone(), r.unit.serial_number.clone()));
            }
        }
    }

    /// The queue, once every page is in.
    pub(crate) fn queue(self) -> Vec<Item> {
        let in_list: HashSet<&str> = self.loaded.iter().map(|(id, _)| id.as_str()).collect();
        let others = self.others.iter().filter(|(id, _)| !in_list.contains(id.as_str()));
        self.loaded
            .iter()
            .chain(others)
            .filter(|(id, _)| !self.disposed.contains(id))
            .map(|(id, serial)| Item { run_id: id.clone(), serial: serial.clone(), recorded: None })
            .collect()
    }
}

impl TriagePane {
    /// A page of the check: once the last is in, the queue, and its first run.
    pub(super) fn checked(&mut self, event: WorkerEvent, cx: &mut Ctx) -> Outcome {
        let Stage::Checking(check) = &mut self.stage else { return Outcome::Stay };
        match event {
            WorkerEvent::PopulationRuns { rows: Ok(rows), done, .. } => {
                check.page(&rows, &self.settings.key);
                if done {
                    let Stage::Checking(check) = std::mem::replace(&mut self.stage, Stage::Ready)
                    else {
                        return Outcome::Stay;
                    };
                    self.items = check.queue();
                    if self.items.is_empty() {
                        cx.flash("nothing to triage: every failing run here has a disposition");
                        return Outcome::Pop;
                    }
                    return self.show(cx);
                }
            }
            WorkerEvent::PopulationReset => {
                (check.read, check.disposed, check.others) = (0, HashSet::new(), Vec::new());
            }
            WorkerEvent::PopulationRuns { rows: Err(e), .. } => {
                if let ClientError::Unauthorized(m) = &e {
                    cx.block(m.clone());
                }
                self.stage = Stage::Failed(format!(
                    "could not read which runs have a disposition: {e} — esc, then T tries again"
                ));
            }
            _ => {}
        }
        Outcome::Stay
    }
}
