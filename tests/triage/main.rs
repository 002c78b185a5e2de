//! Triage and undo, headless: the queue, its writes, undo, and the queue on screen.
//!
//! One test binary per workflow (tests/README.md says how to add a test to a group).

#[path = "../common/mod.rs"]
mod common;

mod queue;
mod screens;
