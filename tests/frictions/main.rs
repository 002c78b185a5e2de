//! Issue 24's frictions, each driven headless as a user meets it: the keys that go back, what a
//! refused change says, the logs search status, the unit view's tree and sections, the filter
//! language's bounds, the delete and undo previews, the list's columns and the exports.

#[path = "../common/mod.rs"]
mod common;

mod back;
mod bounds;
mod delete;
mod disposition;
mod editor_sends;
mod form_complete;
mod list_columns;
mod logs_search;
mod refused;
mod retest;
mod support;
mod undo_stack;
mod unit_view;
mod wrapped_log;
