//! Edits a signal must not lose: when SIGHUP or SIGTERM ends the dashboard with metadata edits
//! unsaved or unacknowledged (in the editor, or a triage disposition typed or on its way), the
//! event loop writes them down ([`App::recovery`]); the next
//! start against the same instance offers them back ([`App::offer_recovery`]). What is
//! written holds the instance, the runs and the changes, never the API key.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::ask::{Ask, AskPane};
use super::editor::Target;
use super::triage::TriagePane;
use super::{App, Pane};

/// The unsaved metadata edits of one editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recovery {
    /// The server they were meant for: its URL (`demo` for the demo).
    pub instance: String,
    pub targets: Vec<Target>,
    /// Keys set, and `null` for keys deleted.
    pub changes: Map<String, Value>,
    /// Or a create-run form not sent (or not acknowledged): its fields as typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_run: Option<Vec<String>>,
}

impl Recovery {
    /// `3 changes to SN-00042` / `1 change to 4 runs`.
    pub fn describe(&self) -> String {
        if let Some(fields) = &self.new_run {
            let serial = fields.get(1).map(|s| s.trim()).filter(|s| !s.is_empty());
            return format!(
                "a new run's form{}",
                serial.map(|s| format!(" for {s}")).unwrap_or_default()
            );
        }
        let n = self.changes.len();
        let to = match self.targets.as_slice() {
            [one] => one.serial.clone(),
            many => format!("{} runs", many.len()),
        };
        format!("{n} change{} to {to}", if n == 1 { "" } else { "s" })
    }
}

impl App {
    /// The open editor's unsaved or unacknowledged edits, the line being typed included; else
    /// the triage queue's disposition being typed or sent (restored into the editor, for
    /// the run it was meant for). One set: the topmost pane's (an editor opened over a queue
    /// whose write is still in flight wins; that write most likely landed).
    pub fn recovery(&self, instance: &str) -> Option<Recovery> {
        let (targets, changes, new_run) = self.stack.iter().rev().find_map(|p| match p {
            Pane::Editor(ed) => {
                Some((ed.targets.clone(), ed.unsaved(), None)).filter(|(_, c, _)| !c.is_empty())
            }
            Pane::Triage(t) => t.unsaved().map(|(target, changes)| (vec![target], changes, None)),
            Pane::Create(c) => c.unsent().map(|v| (vec![], Map::new(), Some(v))),
            _ => None,
        })?;
        Some(Recovery { instance: instance.to_string(), targets, changes, new_run })
    }

    /// Asks whether to restore `r` into the editor.
    pub fn offer_recovery(&mut self, r: Recovery) {
        let mut ask = AskPane::new(Ask::RestoreEdits);
        ask.recovery = Some(Box::new(r));
        self.stack.push(Pane::Ask(Box::new(ask)));
    }
}

impl TriagePane {
    /// The disposition typed or on its way to the server, as the change it makes to its run:
    /// what a signal must not lose (see `recovery`).
    pub fn unsaved(&self) -> Option<(Target, Map<String, Value>)> {
        let (target, value) = match (&self.saving, &self.typing) {
            (Some(s), _) => (s.target.clone(), s.value.clone()),
            (None, Some(i)) if !i.value().trim().is_empty() => {
                let item = self.current()?;
                let target = Target::run(item.run_id.clone(), item.serial.clone());
                (target, Value::String(i.value().trim().to_string()))
            }
            _ => return None,
        };
        Some((target, Map::from_iter([(self.settings.key.clone(), value)])))
    }
}
