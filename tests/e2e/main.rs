//! The real binary in a pseudo-terminal against the embedded server (one harness:
//! `common::pty`). `TOFUI_E2E_BIN` points it at another binary (dist/build-portable).
//!
//! One test binary per workflow (tests/README.md says how to add a test to a group).

#[path = "../common/mod.rs"]
mod common;

mod create_run;
mod dashboard;
mod insight;
mod runs_cli;
mod triage;
