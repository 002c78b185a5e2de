//! tofui: a keyboard-driven terminal dashboard for TofuPilot test runs, and the embedded
//! TofuPilot API v2 server it is tried and tested against.

pub mod api;
pub mod cli;
pub mod serve;
pub mod server;
