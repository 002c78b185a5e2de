//! The editor's edits: typed values from text, the rows with their original and new values,
//! the change set, and what each editing key does to them.

use serde_json::{Map, Value};
use tui_input::Input;

use super::EditorPane;

/// Longest key and string value the editor accepts.
pub(crate) const MAX_KEY: usize = 100;
pub(crate) const MAX_VALUE: usize = 10_000;

/// A typed value from text: `23.4` is a number, `true`/`false` a boolean, anything else a
/// string; quotes force a string (`"23.4"`).
pub(crate) fn parse_value(text: &str) -> Result<Value, String> {
    let t = text.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        return Ok(Value::String(t[1..t.len() - 1].to_string()));
    }
    if t.is_empty() {
        return Err("type a value (\"\" for an empty string)".into());
    }
    if t.chars().count() > MAX_VALUE {
        return Err(format!("at most {MAX_VALUE} characters"));
    }
    match t {
        "true" => return Ok(Value::Bool(true)),
        "false" => return Ok(Value::Bool(false)),
        _ => {}
    }
    if let Ok(n) = t.parse::<f64>() {
        if !n.is_finite() {
            return Err(format!("`{t}` is not a finite number; quote it to keep it as text"));
        }
        if let Some(num) = serde_json::Number::from_f64(n) {
            // Keep integers as integers.
            if n.fract() == 0.0 && n.abs() < 9e15 && !t.contains(['.', 'e', 'E']) {
                return Ok(Value::from(n as i64));
            }
            return Ok(Value::Number(num));
        }
    }
    Ok(Value::String(t.to_string()))
}

/// How a value reads in the editor's text field (so it parses back to itself).
pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) if parse_value(s).ok().as_ref() != Some(v) => format!("\"{s}\""),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn check_key(key: &str, existing: &[MetaRow]) -> Result<String, String> {
    let k = key.trim();
    if k.is_empty() {
        return Err("type a key".into());
    }
    if k.chars().count() > MAX_KEY {
        return Err(format!("at most {MAX_KEY} characters"));
    }
    if k.chars().any(char::is_control) {
        return Err("no control characters".into());
    }
    if existing.iter().any(|r| r.key == k) {
        return Err(format!("`{k}` exists: select it and press enter to change it"));
    }
    Ok(k.to_string())
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetaRow {
    pub key: String,
    /// The value on the server (None: a key added here).
    pub original: Option<Value>,
    /// What it becomes: `None` unchanged, `Some(None)` deleted, `Some(Some(v))` set.
    pub edit: Option<Option<Value>>,
    /// A bulk edit's key: how many of the marked runs hold it (`original` is then one of
    /// their values, theirs all when `values` is 1).
    pub held: Option<Held>,
}

/// How a key is spread over the marked runs of a bulk edit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Held {
    /// Runs that have the key.
    pub on: usize,
    /// Runs marked.
    pub of: usize,
    /// Distinct values among them.
    pub values: usize,
}

impl MetaRow {
    pub(crate) fn new(key: String, original: Option<Value>, edit: Option<Option<Value>>) -> Self {
        MetaRow { key, original, edit, held: None }
    }

    /// Every run edited has this key with the value `original`.
    fn uniform(&self) -> bool {
        self.held.is_none_or(|h| h.on == h.of && h.values == 1)
    }

    /// The change this row makes, if any. In a bulk edit, a value is sent unless every
    /// marked run has it already.
    pub fn change(&self) -> Option<Value> {
        match &self.edit {
            Some(None) if self.original.is_some() => Some(Value::Null),
            Some(Some(v)) if self.original.as_ref() != Some(v) || !self.uniform() => {
                Some(v.clone())
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Step {
    Browse,
    /// Typing a new key.
    AddKey(Input),
    /// Typing the new key's value.
    AddValue {
        key: String,
        input: Input,
    },
    /// Changing the selected row's value.
    EditValue(Input),
    /// The change set, before it is sent.
    Review,
    /// Sent; waiting for the server.
    Saving,
}

impl EditorPane {
    pub fn bulk(&self) -> bool {
        self.targets.len() > 1
    }

    pub(crate) fn set_metadata(&mut self, meta: Option<&Map<String, Value>>) {
        self.loading = None;
        // Edits typed while the metadata was on its way are kept.
        let edits: Vec<MetaRow> = self.rows.drain(..).filter(|r| r.edit.is_some()).collect();
        self.rows = meta
            .map(|m| {
                m.iter().map(|(k, v)| MetaRow::new(k.clone(), Some(v.clone()), None)).collect()
            })
            .unwrap_or_default();
        self.keep(edits);
    }

    /// Puts edits made before the metadata arrived back over the rows.
    pub(crate) fn keep(&mut self, edits: Vec<MetaRow>) {
        for e in edits {
            match self.rows.iter_mut().find(|r| r.key == e.key) {
                Some(r) => r.edit = e.edit,
                None => self.rows.push(e),
            }
        }
    }

    /// Just the changes: set keys and `null` for deleted ones.
    pub fn changes(&self) -> Map<String, Value> {
        self.rows.iter().filter_map(|r| r.change().map(|v| (r.key.clone(), v))).collect()
    }

    /// The changes with the value being typed folded in (when it reads as a value): what a
    /// signal must not lose. A key typed without its value yet is not kept.
    pub fn unsaved(&self) -> Map<String, Value> {
        let mut changes = self.changes();
        match &self.step {
            Step::AddValue { key, input } => {
                if let Ok(v) = parse_value(input.value()) {
                    changes.insert(key.clone(), v);
                }
            }
            Step::EditValue(input) => {
                if let (Some(r), Ok(v)) = (self.rows.get(self.cursor), parse_value(input.value()))
                    && r.original.as_ref() != Some(&v)
                {
                    changes.insert(r.key.clone(), v);
                }
            }
            _ => {}
        }
        changes
    }

    pub(crate) fn dirty(&self) -> bool {
        !self.changes().is_empty()
    }

    /// Unsaved or unacknowledged edits exist.
    pub(crate) fn holds_edits(&self) -> bool {
        self.dirty() || !self.pending.is_empty()
    }

    /// (added, changed, removed) keys, for the review.
    pub fn change_set(&self) -> (Vec<&MetaRow>, Vec<&MetaRow>, Vec<&MetaRow>) {
        let mut out = (Vec::new(), Vec::new(), Vec::new());
        for r in &self.rows {
            match (r.change(), &r.original) {
                (Some(Value::Null), _) => out.2.push(r),
                (Some(_), None) => out.0.push(r),
                (Some(_), Some(_)) => out.1.push(r),
                _ => {}
            }
        }
        out
    }

    pub(crate) fn move_by(&mut self, delta: isize) {
        if !self.rows.is_empty() {
            self.cursor = self.cursor.saturating_add_signed(delta).min(self.rows.len() - 1);
        }
    }

    /// `x`: mark the selected key for deletion, or unmark it; a key added here is dropped.
    pub(crate) fn toggle_delete(&mut self) {
        let Some(r) = self.rows.get_mut(self.cursor) else { return };
        if r.original.is_none() {
            self.rows.remove(self.cursor);
            self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
            return;
        }
        r.edit = match r.edit {
            Some(None) => None,
            _ => Some(None),
        };
    }

    pub(crate) fn start_edit(&mut self) {
        if let Some(r) = self.rows.get(self.cursor) {
            let current = match &r.edit {
                Some(Some(v)) => Some(v),
                Some(None) => None,
                // The marked runs differ: nothing to start from.
                None if r.held.is_some_and(|h| h.values > 1) => None,
                None => r.original.as_ref(),
            };
            self.step = Step::EditValue(Input::new(current.map(value_text).unwrap_or_default()));
            self.invalid = None;
        }
    }

    /// `enter` while typing: moves on, or says why it cannot.
    pub(crate) fn submit_text(&mut self) {
        let step = std::mem::replace(&mut self.step, Step::Browse);
        self.step = match step {
            Step::AddKey(input) => match check_key(input.value(), &self.rows) {
                Ok(key) => {
                    self.invalid = None;
                    Step::AddValue { key, input: Input::default() }
                }
                Err(e) => {
                    self.invalid = Some(e);
                    Step::AddKey(input)
                }
            },
            Step::AddValue { key, input } => match parse_value(input.value()) {
                Ok(v) => {
                    self.invalid = None;
                    self.rows.push(MetaRow::new(key, None, Some(Some(v))));
                    self.cursor = self.rows.len() - 1;
                    Step::Browse
                }
                Err(e) => {
                    self.invalid = Some(e);
                    Step::AddValue { key, input }
                }
            },
            Step::EditValue(input) => match parse_value(input.value()) {
                Ok(v) => {
                    self.invalid = None;
                    if let Some(r) = self.rows.get_mut(self.cursor) {
                        r.edit = Some(Some(v));
                    }
                    Step::Browse
                }
                Err(e) => {
                    self.invalid = Some(e);
                    Step::EditValue(input)
                }
            },
            other => other,
        };
    }

    /// `tab` from the key to the value.
    pub fn tab(&mut self) {
        if matches!(self.step, Step::AddKey(_)) {
            self.submit_text();
        }
    }

    pub(crate) fn input_mut(&mut self) -> Option<&mut Input> {
        match &mut self.step {
            Step::AddKey(i) | Step::EditValue(i) => Some(i),
            Step::AddValue { input, .. } => Some(input),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_typed_and_quotes_force_strings() {
        assert_eq!(parse_value("23.4"), Ok(serde_json::json!(23.4)));
        assert_eq!(parse_value("20"), Ok(serde_json::json!(20)));
        assert_eq!(parse_value("true"), Ok(Value::Bool(true)));
        assert_eq!(parse_value("\"23.4\""), Ok(Value::String("23.4".into())));
        assert_eq!(parse_value("\"\""), Ok(Value::String(String::new())));
        assert_eq!(parse_value("night shift"), Ok(Value::String("night shift".into())));
        assert!(parse_value("").is_err());
        assert!(parse_value("inf").is_err());
        for v in [
            serde_json::json!("23.4"),
            serde_json::json!("true"),
            serde_json::json!(1.5),
            serde_json::json!("A"),
        ] {
            assert_eq!(parse_value(&value_text(&v)), Ok(v));
        }
    }
}
