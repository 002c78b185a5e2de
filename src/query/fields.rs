//! The query's fields: how each prints in the line and what the form shows for it. The form
//! and the line stay in sync because both are made of these clauses.

use super::{Bounds, MetaCond, Op, RunQuery, TimeSpec, quote_value, quote_word, time::format_span};
use crate::api::WireEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Outcome,
    Serial,
    Part,
    Revision,
    Batch,
    Procedure,
    Version,
    Station,
    Operator,
    User,
    Sample,
    StartedAfter,
    StartedBefore,
    EndedAfter,
    EndedBefore,
    CreatedAfter,
    CreatedBefore,
    DurationMin,
    DurationMax,
    Meta,
    Id,
    Environment,
    Deployment,
    Execution,
    SlotKey,
    SlotName,
    Search,
}

/// Every field, in the order of the canonical line and of the form.
pub const FIELDS: &[Field] = &[
    Field::Outcome,
    Field::Serial,
    Field::Part,
    Field::Revision,
    Field::Batch,
    Field::Procedure,
    Field::Version,
    Field::Station,
    Field::Operator,
    Field::User,
    Field::Sample,
    Field::StartedAfter,
    Field::StartedBefore,
    Field::EndedAfter,
    Field::EndedBefore,
    Field::CreatedAfter,
    Field::CreatedBefore,
    Field::DurationMin,
    Field::DurationMax,
    Field::Meta,
    Field::Id,
    Field::Environment,
    Field::Deployment,
    Field::Execution,
    Field::SlotKey,
    Field::SlotName,
    Field::Search,
];

fn list(v: &[String]) -> String {
    v.iter().map(|s| quote_value(s, false)).collect::<Vec<_>>().join(",")
}

fn enums<T: WireEnum>(v: &[T]) -> String {
    v.iter().map(|s| s.as_str().to_string()).collect::<Vec<_>>().join(",")
}

fn time(t: &Option<TimeSpec>) -> String {
    t.as_ref().map(|t| t.to_string()).unwrap_or_default()
}

fn reads_as_typed(s: &str) -> bool {
    s.parse::<f64>().is_ok() || s == "true" || s == "false"
}

fn num(n: f64) -> String {
    format!("{n}")
}

/// `meta.key…` clauses for one key.
fn meta_clauses(key: &str, conds: &[MetaCond]) -> Vec<String> {
    conds
        .iter()
        .map(|c| match c {
            MetaCond::In(vals) => {
                let force = vals.len() == 1 && reads_as_typed(&vals[0]);
                let op = if vals.len() == 1 { "=" } else { ":" };
                format!(
                    "meta.{key}{op}{}",
                    vals.iter().map(|v| quote_value(v, force)).collect::<Vec<_>>().join(",")
                )
            }
            MetaCond::Contains(s) => format!("meta.{key}~{}", quote_value(s, false)),
            MetaCond::Num(op, n) => {
                format!("meta.{key}{}{}", if *op == Op::Colon { "=" } else { op.as_str() }, num(*n))
            }
            MetaCond::Bool(b) => format!("meta.{key}={b}"),
        })
        .collect()
}

impl Field {
    /// The label in the form.
    pub fn label(self) -> &'static str {
        match self {
            Field::Outcome => "Outcome",
            Field::Serial => "Serial",
            Field::Part => "Part",
            Field::Revision => "Revision",
            Field::Batch => "Batch",
            Field::Procedure => "Procedure",
            Field::Version => "Proc. version",
            Field::Station => "Station",
            Field::Operator => "Operator",
            Field::User => "Created by",
            Field::Sample => "Sample",
            Field::StartedAfter => "Started after",
            Field::StartedBefore => "Started before",
            Field::EndedAfter => "Ended after",
            Field::EndedBefore => "Ended before",
            Field::CreatedAfter => "Created after",
            Field::CreatedBefore => "Created before",
            Field::DurationMin => "Duration ≥",
            Field::DurationMax => "Duration ≤",
            Field::Meta => "Metadata",
            Field::Id => "Run ids",
            Field::Environment => "Environment",
            Field::Deployment => "Deployment",
            Field::Execution => "Execution",
            Field::SlotKey => "Slot key",
            Field::SlotName => "Slot name",
            Field::Search => "Search",
        }
    }

    /// An example of what the form field takes.
    pub fn hint(self) -> &'static str {
        match self {
            Field::Outcome => "fail,error (PASS FAIL ERROR TIMEOUT ABORTED)",
            Field::Serial => "SN-00012 or SN-00*",
            Field::Part => "PCB-MAIN",
            Field::Revision => "A",
            Field::Batch => "B12",
            Field::Procedure => "\"PCB Functional\" (name or id)",
            Field::Version => "v2.1",
            Field::Station => "\"Line 1 FCT\" (name or id)",
            Field::Operator => "alice (name or email)",
            Field::User => "alice (name or email)",
            Field::Sample => "production,golden,failing,ignored",
            Field::StartedAfter | Field::EndedAfter | Field::CreatedAfter => "24h, 7d, 2026-11-01",
            Field::StartedBefore | Field::EndedBefore | Field::CreatedBefore => "2026-11-01T08:00",
            Field::DurationMin | Field::DurationMax => "90s, 2m, 1h30m",
            Field::Meta => "meta.shift=A meta.temp>=20",
            Field::Id => "run ids, comma separated",
            Field::Environment => "production,preview,development",
            Field::Deployment | Field::Execution | Field::SlotKey | Field::SlotName => {
                "ids, comma separated"
            }
            Field::Search => "free text: run id or serial",
        }
    }

    /// What precedes the value in the line; empty where the form field holds whole clauses.
    pub fn prefix(self) -> &'static str {
        match self {
            Field::Outcome => "outcome:",
            Field::Serial => "serial:",
            Field::Part => "part:",
            Field::Revision => "rev:",
            Field::Batch => "batch:",
            Field::Procedure => "proc:",
            Field::Version => "version:",
            Field::Station => "station:",
            Field::Operator => "operator:",
            Field::User => "user:",
            Field::Sample => "sample:",
            Field::StartedAfter => "since:",
            Field::StartedBefore => "until:",
            Field::EndedAfter => "ended>=",
            Field::EndedBefore => "ended<=",
            Field::CreatedAfter => "created>=",
            Field::CreatedBefore => "created<=",
            Field::DurationMin => "duration>=",
            Field::DurationMax => "duration<=",
            Field::Id => "id:",
            Field::Environment => "env:",
            Field::Deployment => "deployment:",
            Field::Execution => "execution:",
            Field::SlotKey => "slot:",
            Field::SlotName => "slot_name:",
            Field::Meta | Field::Search => "",
        }
    }

    /// The field's value as the form shows it (without the prefix).
    pub fn value(self, q: &RunQuery) -> String {
        let b = |b: &Bounds<TimeSpec>, min: bool| time(if min { &b.min } else { &b.max });
        match self {
            Field::Outcome => enums(&q.outcomes),
            Field::Serial => {
                let mut v = list(&q.serials);
                if let Some(p) = &q.serial_prefix {
                    if !v.is_empty() {
                        v.push(',');
                    }
                    v.push_str(&quote_value(p, false));
                    v.push('*');
                }
                v
            }
            Field::Part => list(&q.parts),
            Field::Revision => list(&q.revisions),
            Field::Batch => list(&q.batches),
            Field::Procedure => list(&q.procedures),
            Field::Version => list(&q.versions),
            Field::Station => list(&q.stations),
            Field::Operator => list(&q.operators),
            Field::User => list(&q.users),
            Field::Sample => enums(&q.samples),
            Field::StartedAfter => b(&q.started, true),
            Field::StartedBefore => b(&q.started, false),
            Field::EndedAfter => b(&q.ended, true),
            Field::EndedBefore => b(&q.ended, false),
            Field::CreatedAfter => b(&q.created, true),
            Field::CreatedBefore => b(&q.created, false),
            Field::DurationMin => q.duration.min.map(format_span).unwrap_or_default(),
            Field::DurationMax => q.duration.max.map(format_span).unwrap_or_default(),
            Field::Meta => {
                q.meta.iter().flat_map(|(k, c)| meta_clauses(k, c)).collect::<Vec<_>>().join(" ")
            }
            Field::Id => list(&q.ids),
            Field::Environment => list(&q.environments),
            Field::Deployment => list(&q.deployments),
            Field::Execution => list(&q.executions),
            Field::SlotKey => list(&q.slot_keys),
            Field::SlotName => list(&q.slot_names),
            Field::Search => q.search.iter().map(|w| quote_word(w)).collect::<Vec<_>>().join(" "),
        }
    }

    /// The field's part of the canonical line, or "" when unset.
    pub fn clause(self, q: &RunQuery) -> String {
        let v = self.value(q);
        if v.is_empty() { v } else { format!("{}{v}", self.prefix()) }
    }

    /// The line a form field's text stands for.
    pub fn clause_from_text(self, text: &str) -> String {
        let t = text.trim();
        if t.is_empty() || self.prefix().is_empty() {
            t.to_string()
        } else {
            format!("{}{t}", self.prefix())
        }
    }
}
