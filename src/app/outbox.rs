//! The outbox (issue 26, offline): metadata changes and triage dispositions saved while the
//! server could not be reached. Each is written down at once (`Effect::WriteOutbox`: a file
//! per instance, whole or not at all, readable only by the user, never the API key), and sent
//! in order when the server answers again (tried every [`RETRY_MS`]). Before a change is sent
//! again, the run is read: a change already applied (its answer was lost) is not applied a
//! second time. A change the server refuses (run deleted, 403) is kept, with why, for the user
//! to retry or drop (`:outbox`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::editor::Target;
use super::pane::Ctx;
use crate::worker::{ClientError, Fetch, OutboxChange, RequestId, Slot, WorkerEvent};

/// How often the outbox is tried while it holds changes.
pub const RETRY_MS: i64 = 5_000;

/// One change waiting to be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Unique in its outbox, in the order made.
    pub seq: u64,
    pub target: Target,
    /// Keys set, and `null` for keys deleted.
    pub changes: Map<String, Value>,
    pub made_ms: i64,
    /// Why the server refused it (kept until retried or dropped).
    #[serde(default)]
    pub problem: Option<String>,
}

/// The file's content: the instance the changes are for, and the changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutboxFile {
    pub instance: String,
    pub entries: Vec<OutboxEntry>,
}

#[derive(Debug, Default)]
pub struct Outbox {
    entries: Vec<OutboxEntry>,
    sending: Option<RequestId>,
    next_try_ms: i64,
}

impl Outbox {
    pub fn new(entries: Vec<OutboxEntry>) -> Outbox {
        Outbox { entries, sending: None, next_try_ms: 0 }
    }

    /// Every change kept, in the order made (the refused ones too).
    pub fn entries(&self) -> &[OutboxEntry] {
        &self.entries
    }

    /// Changes waiting to be sent (not refused).
    pub fn pending(&self) -> usize {
        self.entries.iter().filter(|e| e.problem.is_none()).count()
    }

    /// The pending changes to `run_id` (shown on the run).
    pub fn pending_for(&self, run_id: &str) -> Vec<&OutboxEntry> {
        self.entries.iter().filter(|e| !e.target.unit && e.target.run_id == run_id).collect()
    }
}

impl Ctx<'_> {
    /// Keeps a change the server could not be reached for; says so.
    pub(crate) fn keep_in_outbox(&mut self, target: Target, changes: Map<String, Value>) {
        let made_ms = self.now();
        let o = self.outbox();
        let seq = o.entries.iter().map(|e| e.seq + 1).max().unwrap_or(1);
        o.entries.push(OutboxEntry { seq, target, changes, made_ms, problem: None });
        o.next_try_ms = made_ms + RETRY_MS;
        self.write_outbox();
    }

    fn write_outbox(&mut self) {
        let entries = self.outbox().entries.clone();
        self.effect(super::Effect::WriteOutbox(entries));
    }

    /// Sends the pending changes when it is time (none on their way, the last try long enough
    /// ago).
    pub(crate) fn outbox_tick(&mut self) {
        let now = self.now();
        let o = self.shared().outbox();
        if o.sending.is_some()
            || now < o.next_try_ms
            || o.pending() == 0
            || self.shared().readonly()
        {
            return;
        }
        let entries: Vec<OutboxChange> = o
            .entries
            .iter()
            .filter(|e| e.problem.is_none())
            .map(|e| OutboxChange {
                seq: e.seq,
                run_id: e.target.run_id.clone(),
                unit_serial: e.target.unit.then(|| e.target.serial.clone()),
                changes: e.changes.clone(),
            })
            .collect();
        let id = self.fetch(Slot::Outbox, Fetch::SendOutbox(entries));
        let o = &mut self.outbox();
        o.sending = Some(id);
        o.next_try_ms = now + RETRY_MS;
    }

    /// A worker answer for the outbox: `Err` when it is not one.
    pub(crate) fn outbox_answer(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
    ) -> Result<(), WorkerEvent> {
        if self.outbox().sending != Some(id) {
            return Err(event);
        }
        match event {
            WorkerEvent::OutboxSent { seq, result } => {
                let o = &mut self.outbox();
                let Some(at) = o.entries.iter().position(|e| e.seq == seq) else { return Ok(()) };
                let serial = o.entries[at].target.serial.clone();
                match result {
                    Ok(already) => {
                        let sent = o.entries.remove(at);
                        let left = o.pending();
                        let how = if already { "was already applied" } else { "sent" };
                        self.flash(format!(
                            "outbox: the change to {serial} {how} · {left} pending"
                        ));
                        // Whoever shows the run (or its row) shows it changed.
                        if !sent.target.unit {
                            self.metadata_set(&sent.target.run_id, sent.changes);
                        }
                    }
                    Err(e) => {
                        let why = match &e {
                            ClientError::NotFound(_) => "the run no longer exists".to_string(),
                            other => other.to_string(),
                        };
                        o.entries[at].problem = Some(why.clone());
                        self.flash(format!(
                            "outbox: the change to {serial} was refused: {why} (:outbox)"
                        ));
                    }
                }
                self.write_outbox();
            }
            WorkerEvent::OutboxDone => self.outbox().sending = None,
            _ => {}
        }
        Ok(())
    }

    /// `:outbox` (what waits), `:outbox retry` (refused ones tried again), `:outbox drop N`.
    pub(crate) fn outbox_command(&mut self, args: &str) -> Result<(), String> {
        let o = &mut self.outbox();
        let mut words = args.split_whitespace();
        match (words.next(), words.next()) {
            (None, _) => {
                let text = if o.entries.is_empty() {
                    "outbox: empty (every change was sent)".to_string()
                } else {
                    let items: Vec<String> = o
                        .entries
                        .iter()
                        .enumerate()
                        .map(|(i, e)| {
                            let keys: Vec<&str> = e.changes.keys().map(String::as_str).collect();
                            let state = e
                                .problem
                                .as_deref()
                                .map_or("pending".to_string(), |p| format!("refused: {p}"));
                            format!("{}. {} {} ({state})", i + 1, e.target.serial, keys.join(","))
                        })
                        .collect();
                    format!("outbox: {} · :outbox retry · :outbox drop N", items.join(" · "))
                };
                self.flash(text);
                Ok(())
            }
            (Some("retry"), None) => {
                for e in &mut o.entries {
                    e.problem = None;
                }
                o.next_try_ms = 0;
                self.write_outbox();
                self.flash("outbox: trying again");
                Ok(())
            }
            (Some("drop"), Some(n)) => {
                let i = n.parse::<usize>().ok().filter(|i| (1..=o.entries.len()).contains(i));
                let Some(i) = i else {
                    return Err(format!("no change {n} in the outbox (1 to {})", o.entries.len()));
                };
                let e = o.entries.remove(i - 1);
                self.write_outbox();
                self.flash(format!("outbox: the change to {} dropped", e.target.serial));
                Ok(())
            }
            _ => Err("outbox: `:outbox`, `:outbox retry` or `:outbox drop N`".into()),
        }
    }
}
