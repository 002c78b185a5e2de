//! What a save sends: per target, only the keys that change it (a key deleted from the marked
//! runs that have it, a value set where it differs); a target nothing changes gets no request.
//! The preview counts from the same list, so it says what will be sent.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::super::pane::Outcome;
use super::{EditorPane, Target};
use crate::app::pane::{Ctx, News};

impl EditorPane {
    /// Editing a unit's metadata (not runs').
    pub fn is_unit(&self) -> bool {
        self.targets.first().is_some_and(|t| t.unit)
    }

    pub(super) fn noun(&self) -> &'static str {
        if self.is_unit() { "unit" } else { "run" }
    }

    /// Each target a save writes to, with its changes.
    pub fn sends(&self) -> Vec<(&Target, Map<String, Value>)> {
        let changes = self.changes();
        self.targets
            .iter()
            .filter_map(|t| {
                let c = match (&self.undo, self.current.known(&t.run_id)) {
                    (Some(u), _) => u.changes_for(&t.run_id).unwrap_or_else(|| changes.clone()),
                    (None, Some(meta)) if self.bulk() && !t.unit => changes
                        .iter()
                        .filter(|(k, v)| {
                            let had = meta.and_then(|m| m.get(*k));
                            if v.is_null() { had.is_some() } else { had != Some(*v) }
                        })
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    _ => changes.clone(),
                };
                (!c.is_empty()).then_some((t, c))
            })
            .collect()
    }

    /// The preview's last line: how many requests, to what.
    pub fn sends_text(&self) -> String {
        let (sent, of) = (self.sends().len(), self.targets.len());
        let s = |n: usize| if n == 1 { "" } else { "s" };
        match self.targets.first() {
            Some(t) if t.unit => format!("One PATCH, to unit {}.", t.serial),
            _ if of == 1 => "One PATCH, to this run.".into(),
            _ if sent == of => format!("One PATCH per run: {of} runs."),
            _ => format!(
                "{sent} PATCH{}: the {sent} run{} it changes of the {of} marked (the others already match).",
                if sent == 1 { "" } else { "es" },
                s(sent)
            ),
        }
    }

    /// What was saved changed on the server: whoever shows it reads it again (`sent`: the
    /// changes sent, by run id or serial).
    pub(super) fn announce_saved(
        &self,
        saved: &HashSet<String>,
        sent: Vec<(String, Map<String, Value>)>,
        cx: &mut Ctx,
    ) {
        for (key, changes) in sent.into_iter().filter(|(k, _)| saved.contains(k)) {
            if self.is_unit() {
                cx.announce(News::UnitChanged(key));
            } else {
                cx.metadata_set(&key, changes);
            }
        }
    }
}

impl EditorPane {
    /// The server could not be reached for `key`'s save: its changes go to the outbox.
    pub(super) fn queue(&mut self, key: &str, cx: &mut Ctx) {
        let sends: Vec<(Target, Map<String, Value>)> =
            self.sends().into_iter().map(|(t, c)| (t.clone(), c)).collect();
        if let Some((t, c)) = sends.into_iter().find(|(t, _)| t.key() == key) {
            cx.keep_in_outbox(t, c);
            self.queued += 1;
            self.saved.push(key.to_string());
        }
    }

    /// Every answer is in, some changes kept in the outbox: says so, and closes.
    pub(super) fn queued_all(&mut self, cx: &mut Ctx) -> Outcome {
        let q = std::mem::take(&mut self.queued);
        cx.flash(format!(
            "offline: {q} {} change{} kept in the outbox (:outbox)",
            self.noun(),
            if q == 1 { "" } else { "s" }
        ));
        Outcome::Pop
    }
}
