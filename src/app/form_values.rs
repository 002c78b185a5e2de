//! The filter form's completions: for the procedure, station, operator, part, batch (and
//! revision, version, created-by) fields, the values of the loaded rows and those the server
//! lists; for the metadata field, `meta.KEY` for every key of the loaded rows. `tab` puts the
//! first value that contains what was typed (ignoring case; those that start with it first)
//! in place of the item being typed, `tab` again the next, round; where nothing matches,
//! `tab` goes to the next field.

use std::collections::BTreeSet;

use crate::model::RunRow;
use crate::query::Field;
use crate::worker::FieldValues;

/// Each completing field's values, by the field's label.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    by_label: Vec<(&'static str, BTreeSet<String>)>,
}

impl Choices {
    /// What the loaded rows hold.
    pub fn of_rows(rows: &[RunRow]) -> Choices {
        let mut c = Choices::default();
        for r in rows.iter().filter(|r| r.problem.is_none()) {
            let mut add = |label, v: &Option<std::sync::Arc<str>>| {
                if let Some(v) = v {
                    c.add(label, [v.to_string()]);
                }
            };
            add("Procedure", &r.procedure);
            add("Station", &r.station);
            add("Operator", &r.operator);
            add("Part", &r.part);
            add("Revision", &r.revision);
            add("Batch", &r.batch);
            add("Proc. version", &r.version);
            c.add("Metadata", r.metadata.iter().map(|(k, _)| format!("meta.{k}")));
        }
        c
    }

    /// What the server listed.
    pub fn learn(&mut self, v: FieldValues) {
        self.add("Procedure", v.procedures);
        self.add("Station", v.stations);
        self.add("Operator", v.operators.iter().cloned());
        self.add("Created by", v.operators);
        self.add("Part", v.parts);
        self.add("Batch", v.batches);
    }

    fn add(&mut self, label: &'static str, values: impl IntoIterator<Item = String>) {
        let at = match self.by_label.iter().position(|(l, _)| *l == label) {
            Some(at) => at,
            None => {
                self.by_label.push((label, BTreeSet::new()));
                self.by_label.len() - 1
            }
        };
        self.by_label[at].1.extend(values.into_iter().filter(|v| !v.trim().is_empty()));
    }

    /// The values of `field` that contain `typed` (ignoring case), those starting with it first.
    pub fn matching(&self, field: Field, typed: &str) -> Vec<&str> {
        let Some((_, all)) = self.by_label.iter().find(|(l, _)| *l == field.label) else {
            return Vec::new();
        };
        let t = typed.to_lowercase();
        let (mut first, mut rest) = (Vec::new(), Vec::new());
        for v in all {
            let l = v.to_lowercase();
            let l =
                l.strip_prefix("meta.").filter(|_| !t.starts_with("meta.")).unwrap_or(l.as_str());
            if l.starts_with(&t) {
                first.push(v.as_str());
            } else if l.contains(&t) {
                rest.push(v.as_str());
            }
        }
        first.extend(rest);
        first
    }
}

/// A field's text split where the item being typed starts: the text before it, and the item
/// (after the last comma of a list field; after the last space of the metadata field).
pub fn split_item(field: Field, text: &str) -> (&str, &str) {
    let at = if field.label == "Metadata" { text.rfind(' ') } else { text.rfind(',') };
    match at {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    }
}

/// The field's text with `value` in place of the item being typed.
pub fn with_item(field: Field, head: &str, value: &str) -> String {
    if field.label == "Metadata" {
        return format!("{head}{value}");
    }
    format!("{head}{}", crate::query::form_item(value, false))
}

/// The completion under way: the field, the item as typed, and the value shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    pub field: usize,
    pub typed: String,
    pub at: usize,
}
