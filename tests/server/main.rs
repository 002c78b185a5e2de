//! The embedded server over HTTP: the official SDK's suites and wire shapes, scope, keys,
//! integrity, bad input, durability and the demo seed.
//!
//! One test binary per workflow (tests/README.md says how to add a test to a group).

#![recursion_limit = "256"]

#[path = "../common/mod.rs"]
mod common;

mod bad_input;
mod durability;
mod safety_server;
mod sdk_catalog;
mod sdk_crossrun;
mod sdk_wire;
mod seed;
mod server_bad_input;
mod server_integrity;
mod server_keys;
mod server_scope;
