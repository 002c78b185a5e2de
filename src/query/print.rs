//! Printing a query: each filter's value as the form shows it, its clause in the canonical
//! line, and the list of filter names an error offers. All from the table in `filters`.

use super::filters::{FIELDS, Filter, Kind, Side};
use super::{MetaCond, Op, RunQuery, quote_value, quote_word, time::format_span};

/// The filters' names as an error lists them: `outcome serial … meta.KEY id …`.
pub(crate) fn key_list() -> String {
    let mut out: Vec<String> = Vec::new();
    let compare = |f: &Filter| match f.kind {
        Kind::Time { compare, .. } | Kind::Duration { compare, .. } => compare.first().copied(),
        _ => None,
    };
    for (i, f) in FIELDS.iter().enumerate() {
        if let Some(n) = f.names.first() {
            out.push(n.to_string());
        }
        if matches!(f.kind, Kind::Meta) {
            out.push("meta.KEY".into());
        }
        // A comparison word after the last of the rows it names (`since until started`).
        let next = FIELDS.get(i + 1).and_then(compare);
        if let Some(c) = compare(f).filter(|c| next != Some(c) && !out.iter().any(|o| o == c)) {
            out.push(c.to_string());
        }
    }
    out.join(" ")
}

fn list(v: &[String]) -> String {
    v.iter().map(|s| quote_value(s, false)).collect::<Vec<_>>().join(",")
}

fn reads_as_typed(s: &str) -> bool {
    s.parse::<f64>().is_ok() || s == "true" || s == "false"
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
                format!("meta.{key}{}{n}", if *op == Op::Colon { "=" } else { op.as_str() })
            }
            MetaCond::Bool(b) => format!("meta.{key}={b}"),
        })
        .collect()
}

impl Filter {
    /// The label in the form.
    pub fn label(&self) -> &'static str {
        self.label
    }

    /// An example of what the form field takes.
    pub(crate) fn hint(&self) -> &'static str {
        self.hint
    }

    /// The field's value as the form shows it (without the prefix).
    pub fn value(&self, q: &RunQuery) -> String {
        match &self.kind {
            Kind::Strings { get, .. } | Kind::Names { get, .. } => list(get(q)),
            Kind::Enum { values, .. } => values(q).join(","),
            Kind::Time { get, side, .. } => {
                let b = get(q);
                let t = if *side == Side::Min { &b.min } else { &b.max };
                t.as_ref().map(|t| t.to_string()).unwrap_or_default()
            }
            Kind::Duration { side, .. } => {
                let d = if *side == Side::Min { q.duration.min } else { q.duration.max };
                d.map(format_span).unwrap_or_default()
            }
            Kind::Serial => {
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
            Kind::Meta => {
                q.meta.iter().flat_map(|(k, c)| meta_clauses(k, c)).collect::<Vec<_>>().join(" ")
            }
            Kind::Search => q.search.iter().map(|w| quote_word(w)).collect::<Vec<_>>().join(" "),
        }
    }

    /// The field's part of the canonical line, or "" when unset.
    pub(crate) fn clause(&self, q: &RunQuery) -> String {
        let v = self.value(q);
        if v.is_empty() { v } else { format!("{}{v}", self.prefix) }
    }

    /// The line a form field's text stands for.
    pub(crate) fn clause_from_text(&self, text: &str) -> String {
        let t = text.trim();
        if t.is_empty() || self.prefix.is_empty() {
            t.to_string()
        } else {
            format!("{}{t}", self.prefix)
        }
    }
}
