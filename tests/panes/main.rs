//! The dashboard's panes driven headless (messages in, screen out): the runs list, the run
//! view, the unit view, keys, views, edits, and what each draws at 80x24 and 160x48.
//!
//! One test binary per workflow (tests/README.md says how to add a test to a group).

#[path = "../common/mod.rs"]
mod common;

mod app;
mod ascii;
mod bulk_edit;
mod chart_layout;
mod create_form;
mod detail;
mod detail_snapshots;
mod keys;
mod live_alert;
mod mutations;
mod runs_list;
mod terminal_content;
mod truncation_audit;
mod units;
mod views;
