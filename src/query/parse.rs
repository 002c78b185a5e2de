//! Line → [`RunQuery`]. Every error names the word it is about and what would work.

use super::filters::{FIELDS, Kind, Side};
use super::lex::{self, Clause, Op, Term, Value};
use super::time::parse_span;
use super::{Bounds, MetaCond, QueryError, RunQuery, TimeSpec};
use crate::api::WireEnum;

pub(crate) const MAX_META_KEYS: usize = 5;

fn err(span: (usize, usize), msg: impl Into<String>) -> QueryError {
    QueryError::new(span.0, span.1, msg)
}

pub(crate) fn strings(values: &[Value], out: &mut Vec<String>) -> Result<(), QueryError> {
    for v in values {
        if v.text.is_empty() {
            return Err(err(v.span, "empty value; type one after the colon"));
        }
        if !out.iter().any(|o| o == &v.text) {
            out.push(v.text.clone());
        }
    }
    Ok(())
}

pub(crate) fn enum_values<T: WireEnum + PartialEq>(
    what: &str,
    values: &[Value],
    out: &mut Vec<T>,
) -> Result<(), QueryError> {
    for v in values {
        if v.text.is_empty() {
            return Err(err(v.span, "empty value; type one after the colon"));
        }
        let parsed = T::parse_known(&v.text).ok_or_else(|| {
            err(v.span, format!("`{}` is not a {what}; use one of {}", v.text, T::expected()))
        })?;
        if !out.contains(&parsed) {
            out.push(parsed);
        }
    }
    Ok(())
}

fn single<'a>(
    key: &str,
    values: &'a [Value],
    span: (usize, usize),
) -> Result<&'a Value, QueryError> {
    match values {
        [v] if !v.text.is_empty() => Ok(v),
        [v] => Err(err(v.span, format!("`{key}` needs a value"))),
        _ => Err(err(span, format!("`{key}` takes one value, not a list"))),
    }
}

fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    key: &str,
    span: (usize, usize),
) -> Result<(), QueryError> {
    if slot.is_some() {
        return Err(err(span, format!("`{key}` bound given twice; keep one")));
    }
    *slot = Some(value);
    Ok(())
}

fn bound<T>(
    b: &mut Bounds<T>,
    op: Op,
    value: T,
    key: &str,
    span: (usize, usize),
) -> Result<(), QueryError> {
    match op {
        Op::Gt | Op::Ge => set_once(&mut b.min, value, key, span),
        Op::Lt | Op::Le => set_once(&mut b.max, value, key, span),
        _ => Err(err(span, format!("use `{key}>` or `{key}<` (e.g. {key}>24h, {key}<2026-11-01)"))),
    }
}

fn time_value(v: &Value) -> Result<TimeSpec, QueryError> {
    TimeSpec::parse(&v.text).map_err(|m| err(v.span, m))
}

fn meta(q: &mut RunQuery, c: &Clause) -> Result<(), QueryError> {
    let (key, key_span, op, values, span) =
        (c.key.as_str(), c.key_span, c.op, &c.values[..], c.span);
    let name = &key["meta.".len()..];
    if name.is_empty() {
        return Err(err(key_span, "name the metadata key: meta.KEY=value"));
    }
    let cond = match op {
        Op::Colon | Op::Eq => {
            if let [v] = values {
                if v.text.is_empty() {
                    return Err(err(v.span, format!("`meta.{name}` needs a value")));
                }
                match (v.quoted, v.text.as_str()) {
                    (false, "true") => MetaCond::Bool(true),
                    (false, "false") => MetaCond::Bool(false),
                    (false, t) if t.parse::<f64>().is_ok_and(f64::is_finite) => {
                        MetaCond::Num(Op::Eq, t.parse().unwrap_or_default())
                    }
                    _ => MetaCond::In(vec![v.text.clone()]),
                }
            } else {
                let mut vals = Vec::new();
                strings(values, &mut vals)?;
                MetaCond::In(vals)
            }
        }
        Op::Tilde => MetaCond::Contains(single(key, values, span)?.text.clone()),
        Op::Gt | Op::Ge | Op::Lt | Op::Le => {
            let v = single(key, values, span)?;
            let n: f64 = v.text.parse().ok().filter(|n: &f64| n.is_finite()).ok_or_else(|| {
                err(
                    v.span,
                    format!("`{}` is not a number; `{}` compares numbers", v.text, op.as_str()),
                )
            })?;
            MetaCond::Num(op, n)
        }
    };
    if let Some((_, conds)) = q.meta.iter_mut().find(|(k, _)| k == name) {
        let existing_in = conds.iter().position(|c| matches!(c, MetaCond::In(_)));
        match (existing_in, cond) {
            (Some(i), MetaCond::In(new)) => {
                if let MetaCond::In(old) = &mut conds[i] {
                    for n in new {
                        if !old.contains(&n) {
                            old.push(n);
                        }
                    }
                }
            }
            (_, cond) if conds.iter().any(|c| same_op(c, &cond)) => {
                return Err(err(
                    span,
                    format!("`meta.{name}` already has this condition; keep one"),
                ));
            }
            (_, cond) => conds.push(cond),
        }
    } else {
        if q.meta.len() == MAX_META_KEYS {
            return Err(err(
                span,
                format!("the API filters on at most {MAX_META_KEYS} metadata keys"),
            ));
        }
        q.meta.push((name.to_string(), vec![cond]));
    }
    Ok(())
}

fn same_op(a: &MetaCond, b: &MetaCond) -> bool {
    match (a, b) {
        (MetaCond::Num(x, _), MetaCond::Num(y, _)) => x == y,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

pub(crate) fn serial(q: &mut RunQuery, values: &[Value]) -> Result<(), QueryError> {
    for v in values {
        match v.text.strip_suffix('*') {
            Some(p) if !v.quoted => {
                if p.is_empty() || p.contains('*') {
                    return Err(err(
                        v.span,
                        "a serial pattern is a prefix then one `*`, e.g. SN-00*",
                    ));
                }
                if q.serial_prefix.is_some() {
                    return Err(err(v.span, "only one serial pattern at a time"));
                }
                q.serial_prefix = Some(p.to_string());
            }
            _ => strings(std::slice::from_ref(v), &mut q.serials)?,
        }
    }
    Ok(())
}

fn filter(q: &mut RunQuery, c: &Clause) -> Result<(), QueryError> {
    let lower = c.key.to_ascii_lowercase();
    if lower.starts_with("meta.") {
        return meta(q, c);
    }
    let (key, key_span, op, values, span) =
        (c.key.as_str(), c.key_span, c.op, &c.values[..], c.span);
    if let Some(f) = FIELDS.iter().find(|f| f.names.contains(&lower.as_str())) {
        if !matches!(op, Op::Colon | Op::Eq) {
            return Err(err(span, format!("`{key}` takes `{key}:value`, not `{}`", op.as_str())));
        }
        return match &f.kind {
            Kind::Strings { get_mut, .. } | Kind::Names { get_mut, .. } => {
                strings(values, get_mut(q))
            }
            Kind::Enum { parse, .. } => parse(q, values),
            Kind::Serial => serial(q, values),
            Kind::Time { get_mut, side, .. } => {
                let v = time_value(single(key, values, span)?)?;
                let b = get_mut(q);
                set_once(if *side == Side::Min { &mut b.min } else { &mut b.max }, v, key, span)
            }
            Kind::Duration { .. } | Kind::Meta | Kind::Search => Ok(()),
        };
    }
    // A comparison: `started>24h`, `duration<=2m`; the operator picks the end of the range.
    let compared = FIELDS.iter().find_map(|f| match &f.kind {
        Kind::Time { compare, .. } | Kind::Duration { compare, .. }
            if compare.contains(&lower.as_str()) =>
        {
            Some(&f.kind)
        }
        _ => None,
    });
    match compared {
        Some(Kind::Time { get_mut, .. }) => {
            let v = time_value(single(key, values, span)?)?;
            bound(get_mut(q), op, v, key, span)
        }
        Some(Kind::Duration { .. }) => {
            let v = single(key, values, span)?;
            let ms = parse_span(&v.text).map_err(|m| err(v.span, m))?;
            bound(&mut q.duration, op, ms, key, span)
        }
        _ => Err(err(
            key_span,
            format!("unknown filter `{key}`; filters are: {}", super::print::key_list()),
        )),
    }
}

/// The API's time and duration bounds (`duration_min`, `started_after`…) include their ends,
/// so a `>` or `<` typed on them is applied as `>=` or `<=`: what each such clause of `line`
/// becomes (`duration>2m` → `duration>=2m`), for the screen to say so.
pub fn widened(line: &str) -> Vec<(String, String)> {
    let Ok(terms) = lex::terms(line) else { return Vec::new() };
    let compared = |key: &str| {
        FIELDS.iter().any(|f| match &f.kind {
            Kind::Time { compare, .. } | Kind::Duration { compare, .. } => compare.contains(&key),
            _ => false,
        })
    };
    let mut out = Vec::new();
    for t in terms {
        if let Term::Filter(c) = t
            && matches!(c.op, Op::Gt | Op::Lt)
            && compared(&c.key.to_lowercase())
        {
            let mut q = RunQuery::default();
            if filter(&mut q, &c).is_ok() {
                out.push((line[c.span.0..c.span.1].to_string(), q.to_line()));
            }
        }
    }
    out
}

/// Parses a query line. An empty line is the empty query (every run).
pub fn parse(line: &str) -> Result<RunQuery, QueryError> {
    let mut q = RunQuery::default();
    for term in lex::terms(line)? {
        match term {
            Term::Word(v) => q.search.push(v.text),
            Term::Filter(c) => filter(&mut q, &c)?,
        }
    }
    if q.serial_prefix.is_some() && !q.search.is_empty() {
        let at = line.find('*').unwrap_or(0);
        return Err(QueryError::new(
            at,
            at + 1,
            "a serial pattern uses the API's one search field; drop the free words or the `*`",
        ));
    }
    q.search.retain(|w| !w.is_empty());
    Ok(q)
}
