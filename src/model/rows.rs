//! The runs list's rows: only what the list shows, compact (names shared between rows
//! through a pool), so 100,000 loaded runs stay small.

use std::collections::HashSet;
use std::sync::Arc;

use crate::api::time::{parse_duration_ms, to_ms};
use crate::api::{RunOutcome, RunSummary, Sample};

/// Shares repeated strings (procedure, part, station, operator, batch names) between rows:
/// one `Arc<str>` per name (the analysis has its own `Interner`, which turns strings into codes).
#[derive(Debug, Default)]
pub struct NamePool {
    set: HashSet<Arc<str>>,
}

impl NamePool {
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.set.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        // Bound the table: serial-like values would otherwise grow it without end.
        if self.set.len() < 50_000 {
            self.set.insert(a.clone());
        }
        a
    }

    fn opt(&mut self, s: Option<&str>) -> Option<Arc<str>> {
        s.filter(|s| !s.is_empty()).map(|s| self.get(s))
    }
}

/// One run as the list shows it. `problem` is set when the row could not be read fully.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub id: Box<str>,
    pub outcome: Option<RunOutcome>,
    pub started_ms: Option<i64>,
    pub created_ms: Option<i64>,
    pub duration_ms: Option<i64>,
    pub serial: Box<str>,
    pub sample: Option<Sample>,
    pub part: Option<Arc<str>>,
    pub revision: Option<Arc<str>>,
    pub procedure: Option<Arc<str>>,
    pub version: Option<Arc<str>>,
    pub station: Option<Arc<str>>,
    pub operator: Option<Arc<str>>,
    pub batch: Option<Arc<str>>,
    /// The run's metadata, in the server's order (keys shared between rows); empty when the
    /// list was read without it.
    pub metadata: Box<[(Arc<str>, serde_json::Value)]>,
    pub problem: Option<Box<str>>,
}

impl RunRow {
    pub(crate) fn from_summary(r: &RunSummary, i: &mut NamePool) -> RunRow {
        let operator =
            r.operated_by.as_ref().and_then(|o| o.name.as_deref().or(o.email.as_deref()));
        let duration_ms =
            r.duration.as_deref().and_then(|d| parse_duration_ms(d).ok()).or_else(|| {
                match (r.started_at, r.ended_at) {
                    (Some(s), Some(e)) => Some(to_ms(&e) - to_ms(&s)),
                    _ => None,
                }
            });
        RunRow {
            id: r.id.as_str().into(),
            outcome: r.outcome.clone(),
            started_ms: r.started_at.as_ref().map(to_ms),
            created_ms: r.created_at.as_ref().map(to_ms),
            duration_ms,
            serial: r.unit.serial_number.as_str().into(),
            sample: r.unit.sample.clone(),
            part: i.opt(Some(&r.unit.part.number)),
            revision: i.opt(Some(&r.unit.part.revision.number)),
            procedure: i.opt(Some(&r.procedure.name)),
            version: i.opt(r.procedure.version.as_ref().map(|v| v.tag.as_str())),
            station: i.opt(r.created_by_station.as_ref().and_then(|s| s.name.as_deref())),
            operator: i.opt(operator),
            batch: i.opt(r.unit.batch.as_ref().map(|b| b.number.as_str())),
            metadata: r.metadata.iter().flatten().map(|(k, v)| (i.get(k), v.clone())).collect(),
            problem: None,
        }
    }

    /// Decodes one list row. A row of the wrong shape becomes a row that says what was wrong
    /// (and keeps its id when it has one), never a failed page.
    pub fn decode(json: &str, i: &mut NamePool) -> RunRow {
        match serde_json::from_str::<RunSummary>(json) {
            Ok(r) => {
                let mut row = RunRow::from_summary(&r, i);
                if r.id.is_empty() {
                    row.problem = Some("this run has no id".into());
                }
                row
            }
            Err(e) => {
                let id = serde_json::from_str::<serde_json::Value>(json)
                    .ok()
                    .and_then(|v| v.get("id").and_then(|v| v.as_str()).map(str::to_string))
                    .unwrap_or_default();
                RunRow {
                    problem: Some(format!("unreadable row: {e}").into()),
                    ..RunRow::blank(&id)
                }
            }
        }
    }

    /// The value of metadata key `key`.
    pub fn meta(&self, key: &str) -> Option<&serde_json::Value> {
        self.metadata.iter().find(|(k, _)| &**k == key).map(|(_, v)| v)
    }

    /// Applies a metadata change as saved on the server (`null` removes the key).
    pub fn set_meta(&mut self, changes: &serde_json::Map<String, serde_json::Value>) {
        let mut m: Vec<(Arc<str>, serde_json::Value)> = std::mem::take(&mut self.metadata).into();
        for (k, v) in changes {
            let at = m.iter().position(|(x, _)| &**x == k.as_str());
            match (at, v.is_null()) {
                (Some(at), true) => {
                    m.remove(at);
                }
                (Some(at), false) => m[at].1 = v.clone(),
                (None, false) => m.push((Arc::from(k.as_str()), v.clone())),
                (None, true) => {}
            }
        }
        self.metadata = m.into();
    }

    pub fn blank(id: &str) -> RunRow {
        RunRow {
            id: id.into(),
            outcome: None,
            started_ms: None,
            created_ms: None,
            duration_ms: None,
            serial: "".into(),
            sample: None,
            part: None,
            revision: None,
            procedure: None,
            version: None,
            station: None,
            operator: None,
            batch: None,
            metadata: Box::default(),
            problem: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_and_missing_fields_still_make_a_row() {
        let mut i = NamePool::default();
        let row = RunRow::decode(
            r#"{"id":"r1","outcome":"RUNNING","unit":{"serial_number":"SN-1"}}"#,
            &mut i,
        );
        assert_eq!(row.outcome, Some(RunOutcome::Unknown("RUNNING".into())));
        assert_eq!(&*row.serial, "SN-1");
        assert!(row.problem.is_none() && row.procedure.is_none());
        let bad = RunRow::decode(r#"{"id":"r2","outcome":7}"#, &mut i);
        assert_eq!(&*bad.id, "r2");
        assert!(bad.problem.unwrap().contains("unreadable"));
    }
}
