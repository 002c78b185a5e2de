//! The answers as the API gives them, typed: the shapes every answer shares here (`{id}`,
//! `{data, meta}` pages, references to other rows, metadata), the catalog's in [`catalog`],
//! the units' in [`units`], the cross-run
//! lists' in [`crossrun`]. A field that is absent on the wire unless asked for (a list row's
//! `metadata`) is skipped when `None`; every other `Option` is a null.

pub mod catalog;
pub mod crossrun;
pub mod units;

pub use catalog::*;
pub use crossrun::*;
pub use units::*;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::server::query::Page;

/// A row's metadata object, as stored (an unreadable one is empty).
pub type Metadata = Map<String, Value>;

pub fn metadata(stored: &str) -> Metadata {
    serde_json::from_str(stored).unwrap_or_default()
}

/// A list row's `metadata`: only when the query asked for it.
pub fn metadata_if(asked: bool, stored: &str) -> Option<Metadata> {
    asked.then(|| metadata(stored))
}

/// `{"id": …}`: what a create, update or delete answers.
#[derive(Debug, Clone, Serialize)]
pub struct Id<T = String> {
    pub id: T,
}

/// `{data, meta}`: a page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct Listed<T> {
    pub data: Vec<T>,
    pub meta: Meta,
}

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub has_more: bool,
    pub next_cursor: Option<i64>,
}

/// The page from `limit + 1` rows of a list whose cursor is a plain offset.
pub fn offset_page<T>(mut rows: Vec<T>, page: &Page) -> Listed<T> {
    let has_more = rows.len() as i64 > page.limit;
    rows.truncate(page.limit as usize);
    let next_cursor = has_more.then(|| page.cursor.saturating_add(page.limit));
    Listed { data: rows, meta: Meta { has_more, next_cursor } }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdName {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdNumber {
    pub id: String,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdNumberName {
    pub id: String,
    pub number: String,
    pub name: String,
}

/// `{id, serial_number}` of a unit named in another row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitRef {
    pub id: String,
    pub serial_number: String,
}

/// An attachment made: where to `PUT` its content.
#[derive(Debug, Clone, Serialize)]
pub struct Upload {
    pub id: String,
    pub upload_url: String,
}

/// `{"ids": […]}`: what a delete of several rows answers.
#[derive(Debug, Clone, Serialize)]
pub struct Ids {
    pub ids: Vec<String>,
}

/// `{"url": …}`: where a finalized upload is read.
#[derive(Debug, Clone, Serialize)]
pub struct Url {
    pub url: String,
}
