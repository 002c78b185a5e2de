//! [`RunQuery`] → `GET /v2/runs` parameters, once the worker has turned names into ids.

use std::collections::HashMap;

use chrono::FixedOffset;
use serde_json::{Map, Value, json};

use super::filters::{FIELDS, Kind, Side};
use super::{MetaCond, Op, RunQuery, TimeSpec};
use crate::api::time::{format_duration_ms, from_ms, query_timestamp};

/// What a name in the query stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    Procedure,
    Station,
    Operator,
    User,
}

/// Names resolved by the worker: each typed name → the ids it matched. An operator that
/// matched no member is sent by name (the API keeps free-text operators).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    pub ids: HashMap<(NameKind, String), Vec<String>>,
}

impl Resolved {
    fn ids(&self, kind: NameKind, names: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for n in names {
            for id in self.ids.get(&(kind, n.clone())).map(Vec::as_slice).unwrap_or_default() {
                if !out.contains(id) {
                    out.push(id.clone());
                }
            }
        }
        out
    }
}

fn time(t: &Option<TimeSpec>, now_ms: i64, tz: FixedOffset) -> Option<String> {
    t.as_ref().map(|t| query_timestamp(&from_ms(t.resolve(now_ms, tz))))
}

fn meta_json(meta: &[(String, Vec<MetaCond>)]) -> String {
    let mut obj = Map::new();
    for (key, conds) in meta {
        let mut ops = Map::new();
        for c in conds {
            let (op, v) = match c {
                MetaCond::In(vals) => ("in", json!(vals)),
                MetaCond::Contains(s) => ("contains", json!(s)),
                MetaCond::Bool(b) => ("eq", json!(b)),
                MetaCond::Num(op, n) => (
                    match op {
                        Op::Gt => "gt",
                        Op::Ge => "gte",
                        Op::Lt => "lt",
                        Op::Le => "lte",
                        _ => "eq",
                    },
                    json!(n),
                ),
            };
            ops.insert(op.to_string(), v);
        }
        obj.insert(key.clone(), Value::Object(ops));
    }
    Value::Object(obj).to_string()
}

/// The filter parameters (no paging or sorting), in the table's order. Names without a
/// resolution are left out; the worker resolves every name first and reports the ones that
/// matched nothing.
pub fn to_params(
    q: &RunQuery,
    r: &Resolved,
    now_ms: i64,
    tz: FixedOffset,
) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for f in FIELDS {
        match &f.kind {
            Kind::Strings { get, param, .. } => {
                out.extend(get(q).iter().map(|v| (*param, v.clone())))
            }
            Kind::Names { get, kind, param, unmatched, .. } => {
                out.extend(r.ids(*kind, get(q)).into_iter().map(|id| (*param, id)));
                if let Some(unmatched) = unmatched {
                    let none =
                        |n: &&String| r.ids.get(&(*kind, (*n).clone())).is_none_or(Vec::is_empty);
                    out.extend(get(q).iter().filter(none).map(|n| (*unmatched, n.clone())));
                }
            }
            Kind::Enum { values, param, .. } => {
                out.extend(values(q).into_iter().map(|v| (*param, v)))
            }
            Kind::Time { get, side, param, .. } => {
                let b = get(q);
                let t = if *side == Side::Min { &b.min } else { &b.max };
                out.extend(time(t, now_ms, tz).map(|t| (*param, t)));
            }
            Kind::Duration { side, param, .. } => {
                let d = if *side == Side::Min { q.duration.min } else { q.duration.max };
                out.extend(d.map(|d| (*param, format_duration_ms(d))));
            }
            Kind::Serial => out.extend(q.serials.iter().map(|s| ("serial_numbers", s.clone()))),
            Kind::Meta if !q.meta.is_empty() => out.push(("metadata", meta_json(&q.meta))),
            Kind::Meta => {}
            // A serial pattern uses the API's one search field (the parser refuses both).
            Kind::Search => {
                let search = q.serial_prefix.clone().unwrap_or_else(|| q.search.join(" "));
                if !search.is_empty() {
                    out.push(("search_query", search));
                }
            }
        }
    }
    out
}

impl RunQuery {
    /// Every (kind, name) that needs resolving before a request.
    pub fn names(&self) -> Vec<(NameKind, String)> {
        FIELDS
            .iter()
            .filter_map(|f| match &f.kind {
                Kind::Names { get, kind, .. } => Some((*kind, get(self))),
                _ => None,
            })
            .flat_map(|(k, v)| v.iter().map(move |n| (k, n.clone())))
            .collect()
    }
}
