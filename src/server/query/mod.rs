//! List queries as typed structs. A query string is read the same way for every list: repeated
//! keys for lists (`ids=a&ids=b`; `ids[]=a` as some clients write it), one value for the rest
//! (the last when repeated), an empty value as not given (the official Python SDK sends every
//! parameter it knows, `metadata=` included), unknown keys ignored, as the service does. A bad
//! value is a 400 naming its parameter, with the message the field's reader in [`de`] gives.
//!
//! The structs are what the store reads: [`Page`] for every list, [`RunFilter`] for the runs
//! and the cross-run lists, and one struct per list for the rest. They sit beside `routes/`
//! and `store/`, not in either: a route reads them from the request (its `Query` extractor,
//! through [`Params::from_query`]),
//! the store takes them as arguments, and neither imports the other for them.

pub mod catalog;
pub mod crossrun;
pub mod de;
pub mod runs;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::api::SortOrder;
use crate::path;
use crate::server::error::ApiError;

pub use runs::{ListQuery, MetaCond, RunFilter};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 100;

/// A query string's struct, with what serde cannot say.
pub trait Params: DeserializeOwned {
    /// Keys whose empty value means something (`batch_numbers=`: units without a batch).
    const KEEP_EMPTY: &'static [&'static str] = &[];

    /// The struct of a raw query string (what the routes' `Query` extractor calls): [`parse`],
    /// unless the struct is read in parts.
    fn from_query(raw: &str) -> Result<Self, ApiError> {
        parse(raw)
    }

    /// Checks and derives what the field readers cannot (the `metadata` filter's JSON).
    fn validate(&mut self) -> Result<(), ApiError> {
        Ok(())
    }
}

/// `limit`, `cursor` and `sort_order`: the paging every list shares.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct Page {
    #[serde(deserialize_with = "de::limit")]
    pub limit: i64,
    #[serde(deserialize_with = "de::cursor")]
    pub cursor: i64,
    #[serde(rename = "sort_order", deserialize_with = "de::known_one")]
    pub order: SortOrder,
}

impl Default for Page {
    fn default() -> Self {
        Page { limit: DEFAULT_LIMIT, cursor: 0, order: SortOrder::Desc }
    }
}

impl Params for Page {}

/// Parses a raw query string into `T`.
pub fn parse<T: Params>(raw: &str) -> Result<T, ApiError> {
    parse_renamed(raw, |k| Some(k.to_string()))
}

/// Parses the pairs whose key `rename` keeps, under the name it gives them; an error names
/// the parameter as it was sent.
pub fn parse_renamed<T: Params>(
    raw: &str,
    rename: impl Fn(&str) -> Option<String>,
) -> Result<T, ApiError> {
    let mut sent_as = Vec::new();
    let mut kept = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
        let k = k.strip_suffix("[]").unwrap_or(&k);
        if v.trim().is_empty() && !T::KEEP_EMPTY.contains(&k) {
            continue;
        }
        if let Some(name) = rename(k) {
            kept.append_pair(&name, &v);
            sent_as.push((name, k.to_string()));
        }
    }
    let kept = kept.finish();
    let de = serde_html_form::Deserializer::new(form_urlencoded::parse(kept.as_bytes()));
    let mut q: T = serde_path_to_error::deserialize(de).map_err(|e| {
        let message = e.inner().to_string();
        match e.path().iter().next() {
            Some(serde_path_to_error::Segment::Map { key }) => {
                let sent = sent_as.iter().find(|(name, _)| name == key).map_or(key, |(_, s)| s);
                ApiError::field(&path![sent.as_str()], message)
            }
            _ => ApiError::bad_request(message),
        }
    })?;
    q.validate()?;
    Ok(q)
}

/// The 400 for a bad value of `param`.
pub fn bad(param: &str, msg: impl Into<String>) -> ApiError {
    ApiError::field(&path![param], msg)
}
