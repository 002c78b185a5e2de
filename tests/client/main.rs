//! The client side without a screen: the fetch worker against the real server (and faulty
//! ones), field conditions, exports, the filter language, the config file, the command line
//! and the time zone.
//!
//! One test binary per workflow (tests/README.md says how to add a test to a group).

#[path = "../common/mod.rs"]
mod common;

mod big_run;
mod cli;
mod config;
mod export;
mod export_all;
mod export_failures;
mod field;
mod incremental;
mod query;
mod time_zone;
mod trend_cache;
mod worker;
mod worker_mutations;
