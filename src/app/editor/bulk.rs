//! A bulk edit's view of the marked runs: each run's metadata is read (from the cache, else
//! the server), then every key is listed with how many of the runs hold it and whether they
//! agree on its value.

use std::collections::BTreeMap;

use serde_json::Value;

use super::EditorPane;
use super::edits::{Held, MetaRow};
use crate::app::Effect;
use crate::app::pane::Ctx;
use crate::worker::{Fetch, RequestId, Slot, WorkerEvent, WorkerRequest};

impl EditorPane {
    /// Reads the metadata of every marked run: cached ones now, the others from the server.
    pub(crate) fn read_runs(&mut self, cx: &mut Ctx) {
        for t in &self.targets {
            match cx.shared.runs.peek(&t.run_id) {
                Some(c) => self.read.push(c.run.summary.metadata.clone().unwrap_or_default()),
                None => {
                    let id = cx.id();
                    cx.effect(Effect::Send(WorkerRequest::Fetch {
                        id,
                        slot: Slot::EditorRun(id),
                        fetch: Fetch::Run { run_id: t.run_id.clone() },
                    }));
                    self.reading.push((id, t.serial.clone()));
                }
            }
        }
        if self.reading.is_empty() {
            self.spread();
        }
    }

    /// One marked run's metadata, when `id` is one this editor waits for (else handed back);
    /// the keys are counted when the last is in.
    pub(crate) fn read_one(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
    ) -> Result<(), WorkerEvent> {
        let Some(k) = self.reading.iter().position(|(p, _)| *p == id) else { return Err(event) };
        let (_, serial) = self.reading.remove(k);
        match event {
            WorkerEvent::Run { run: Ok(r), .. } => {
                self.read.push(r.summary.metadata.unwrap_or_default());
            }
            WorkerEvent::Run { run: Err(e), .. } => {
                let line =
                    format!("could not read {serial}'s metadata ({e}): its keys are not counted");
                self.error = Some(match self.error.take() {
                    Some(prev) => format!("{prev}; {line}"),
                    None => line,
                });
            }
            _ => {}
        }
        if self.reading.is_empty() {
            self.spread();
        }
        Ok(())
    }

    /// The rows: every key any marked run has, with its spread; edits made meanwhile kept.
    fn spread(&mut self) {
        let of = self.targets.len();
        let mut keys: BTreeMap<&String, Vec<&Value>> = BTreeMap::new();
        for m in &self.read {
            for (k, v) in m {
                keys.entry(k).or_default().push(v);
            }
        }
        let rows: Vec<MetaRow> = keys
            .into_iter()
            .map(|(k, vs)| {
                let mut distinct: Vec<&Value> = Vec::new();
                for v in &vs {
                    if !distinct.contains(v) {
                        distinct.push(v);
                    }
                }
                let held = Held { on: vs.len(), of, values: distinct.len() };
                let mut row = MetaRow::new(k.clone(), Some(vs[0].clone()), None);
                row.held = Some(held);
                row
            })
            .collect();
        let edits: Vec<MetaRow> = self.rows.drain(..).filter(|r| r.edit.is_some()).collect();
        self.rows = rows;
        self.keep(edits);
    }
}
