//! A bulk edit's view of the marked runs: their metadata, read in one request when the editor
//! opens (the same read keeps the values an undo puts back), then every key listed with how
//! many of the runs hold it and whether they agree on its value.

use std::collections::BTreeMap;

use serde_json::Value;

use super::EditorPane;
use super::edits::{Held, MetaRow};

impl EditorPane {
    /// The rows: every key any marked run has, with its spread; edits made meanwhile kept.
    pub(super) fn spread(&mut self) {
        if let Some(e) = &self.current.failed {
            self.error = Some(format!(
                "could not read the marked runs' metadata ({e}): their keys are not listed"
            ));
        }
        let of = self.targets.len();
        let mut keys: BTreeMap<&String, Vec<&Value>> = BTreeMap::new();
        for m in self.current.metadata() {
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
