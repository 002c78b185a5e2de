//! [`RunQuery`] → `GET /v2/runs` parameters, once the worker has turned names into ids.

use std::collections::HashMap;

use chrono::FixedOffset;
use serde_json::{Map, Value, json};

use super::{Bounds, MetaCond, Op, RunQuery, TimeSpec};
use crate::api::WireEnum;
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

fn push_all(
    out: &mut Vec<(&'static str, String)>,
    key: &'static str,
    vals: impl IntoIterator<Item = String>,
) {
    out.extend(vals.into_iter().map(|v| (key, v)));
}

fn times(
    out: &mut Vec<(&'static str, String)>,
    b: &Bounds<TimeSpec>,
    keys: (&'static str, &'static str),
    now_ms: i64,
    tz: FixedOffset,
) {
    if let Some(t) = &b.min {
        out.push((keys.0, query_timestamp(&from_ms(t.resolve(now_ms, tz)))));
    }
    if let Some(t) = &b.max {
        out.push((keys.1, query_timestamp(&from_ms(t.resolve(now_ms, tz)))));
    }
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

/// The filter parameters (no paging or sorting). Names without a resolution are left out;
/// the worker resolves every name first and reports the ones that matched nothing.
pub fn to_params(
    q: &RunQuery,
    r: &Resolved,
    now_ms: i64,
    tz: FixedOffset,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut search = q.search.join(" ");
    if let Some(p) = &q.serial_prefix {
        search = p.clone();
    }
    if !search.is_empty() {
        out.push(("search_query", search));
    }
    push_all(&mut out, "ids", q.ids.iter().cloned());
    push_all(&mut out, "outcomes", q.outcomes.iter().map(|o| o.as_str().to_string()));
    push_all(&mut out, "procedure_ids", r.ids(NameKind::Procedure, &q.procedures));
    push_all(&mut out, "procedure_versions", q.versions.iter().cloned());
    push_all(&mut out, "deployment_ids", q.deployments.iter().cloned());
    push_all(&mut out, "execution_ids", q.executions.iter().cloned());
    push_all(&mut out, "slot_keys", q.slot_keys.iter().cloned());
    push_all(&mut out, "slot_names", q.slot_names.iter().cloned());
    push_all(&mut out, "environments", q.environments.iter().cloned());
    push_all(&mut out, "serial_numbers", q.serials.iter().cloned());
    push_all(&mut out, "samples", q.samples.iter().map(|s| s.as_str().to_string()));
    push_all(&mut out, "part_numbers", q.parts.iter().cloned());
    push_all(&mut out, "revision_numbers", q.revisions.iter().cloned());
    push_all(&mut out, "batch_numbers", q.batches.iter().cloned());
    if let Some(d) = q.duration.min {
        out.push(("duration_min", format_duration_ms(d)));
    }
    if let Some(d) = q.duration.max {
        out.push(("duration_max", format_duration_ms(d)));
    }
    times(&mut out, &q.started, ("started_after", "started_before"), now_ms, tz);
    times(&mut out, &q.ended, ("ended_after", "ended_before"), now_ms, tz);
    times(&mut out, &q.created, ("created_after", "created_before"), now_ms, tz);
    push_all(&mut out, "created_by_user_ids", r.ids(NameKind::User, &q.users));
    push_all(&mut out, "created_by_station_ids", r.ids(NameKind::Station, &q.stations));
    push_all(&mut out, "operated_by_ids", r.ids(NameKind::Operator, &q.operators));
    let unmatched_operators = q
        .operators
        .iter()
        .filter(|n| r.ids.get(&(NameKind::Operator, (*n).clone())).is_none_or(Vec::is_empty))
        .cloned();
    push_all(&mut out, "operated_by_names", unmatched_operators);
    if !q.meta.is_empty() {
        out.push(("metadata", meta_json(&q.meta)));
    }
    out
}

impl RunQuery {
    /// Every (kind, name) that needs resolving before a request.
    pub fn names(&self) -> Vec<(NameKind, String)> {
        let kinds = [
            (NameKind::Procedure, &self.procedures),
            (NameKind::Station, &self.stations),
            (NameKind::Operator, &self.operators),
            (NameKind::User, &self.users),
        ];
        kinds.into_iter().flat_map(|(k, v)| v.iter().map(move |n| (k, n.clone()))).collect()
    }
}
