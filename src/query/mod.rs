//! The one-line filter language of the runs list. `parse` turns a line into a [`RunQuery`]
//! (or an error pointing at the offending word); `RunQuery` prints back to a canonical line,
//! splits into form fields, and becomes `GET /v2/runs` parameters once names are resolved.
//!
//! ```text
//! outcome:fail,error serial:SN-00* part:PCB-MAIN rev:A batch:B12 proc:"PCB Functional"
//! version:v2.1 station:"Line 3" operator:alice since:24h until:2026-11-01 duration>2m
//! meta.shift=A meta.temp>=20 meta.rework=true  free words go to search
//! ```
//!
//! Every filter is one row of the table in `filters` (names, printing, form field, API
//! parameter); `parse`, `print`, `params` and the form all read it. To add a filter, add its
//! field to [`RunQuery`] and its row to [`FIELDS`].

mod filters;
mod form_text;
mod lex;
mod params;
mod parse;
mod print;
pub mod time;

pub(crate) use filters::FIELDS;
pub use filters::{Field, Filter};
pub(crate) use form_text::item as form_item;
pub use lex::Op;
pub use params::{NameKind, Resolved, to_params};
pub use parse::{parse, widened};
pub use time::TimeSpec;

use crate::api::{RunOutcome, SampleFilter};

/// Where a query went wrong: a byte range of the line and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

impl QueryError {
    pub fn new(start: usize, end: usize, message: impl Into<String>) -> Self {
        QueryError { start, end: end.max(start), message: message.into() }
    }
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

/// A lower and an upper bound, both inclusive as the API treats them.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds<T> {
    pub min: Option<T>,
    pub max: Option<T>,
}

impl<T> Default for Bounds<T> {
    fn default() -> Self {
        Bounds { min: None, max: None }
    }
}

impl<T> Bounds<T> {
    pub fn is_empty(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }
}

/// One condition on a metadata key.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaCond {
    /// The value is one of these strings.
    In(Vec<String>),
    Contains(String),
    /// `gt`, `gte`, `lt`, `lte` or `eq` against a number.
    Num(Op, f64),
    Bool(bool),
}

/// A parsed filter. Lists are ORed within; the fields are ANDed, as the API does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunQuery {
    /// Free words, joined by spaces into `search_query`.
    pub search: Vec<String>,
    pub outcomes: Vec<RunOutcome>,
    pub serials: Vec<String>,
    /// `serial:SN-00*`: the API has no prefix filter, so this becomes a search plus a check of
    /// each returned row.
    pub serial_prefix: Option<String>,
    pub parts: Vec<String>,
    pub revisions: Vec<String>,
    pub batches: Vec<String>,
    /// Procedure names (or ids), resolved to ids before a request.
    pub procedures: Vec<String>,
    pub versions: Vec<String>,
    /// Station names (or ids), resolved to `created_by_station_ids`.
    pub stations: Vec<String>,
    /// Operator names or emails, resolved to `operated_by_ids` (else sent as names).
    pub operators: Vec<String>,
    /// Users who created the run, resolved to `created_by_user_ids`.
    pub users: Vec<String>,
    pub samples: Vec<SampleFilter>,
    pub ids: Vec<String>,
    pub environments: Vec<String>,
    pub deployments: Vec<String>,
    pub executions: Vec<String>,
    pub slot_keys: Vec<String>,
    pub slot_names: Vec<String>,
    pub started: Bounds<TimeSpec>,
    pub ended: Bounds<TimeSpec>,
    pub created: Bounds<TimeSpec>,
    /// Milliseconds.
    pub duration: Bounds<i64>,
    /// Per key, in the order typed.
    pub meta: Vec<(String, Vec<MetaCond>)>,
}

impl RunQuery {
    pub fn is_empty(&self) -> bool {
        *self == RunQuery::default()
    }

    /// The canonical line: parses back to the same query.
    pub fn to_line(&self) -> String {
        FIELDS
            .iter()
            .map(|f| f.clause(self))
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether a row returned for this query really matches the parts the API cannot express.
    pub fn keeps_serial(&self, serial: &str) -> bool {
        match &self.serial_prefix {
            Some(p) => serial.to_lowercase().starts_with(&p.to_lowercase()),
            None => true,
        }
    }
}

/// Quotes a value when it would not read back as itself (`force`: it must stay a string).
pub(crate) fn quote_value(s: &str, force: bool) -> String {
    let plain = !s.is_empty()
        && !force
        && !s.chars().any(|c| c.is_whitespace() || matches!(c, '"' | ',' | '\\'));
    if plain { s.to_string() } else { quoted(s) }
}

/// Quotes a free word when it would otherwise read as a filter.
pub(crate) fn quote_word(s: &str) -> String {
    let plain = !s.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\\' | ':' | '=' | '<' | '>' | '~'));
    if plain { s.to_string() } else { quoted(s) }
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
