//! tofui: a keyboard-driven terminal dashboard for TofuPilot test runs, and the embedded
//! TofuPilot API v2 server it is tried and tested against.

// Items are `pub` only when they are reachable from outside (the binary, the tests, the
// benches use the library); the compiler then finds what nothing uses.
#![warn(unreachable_pub)]

pub mod analysis;
pub mod api;
pub mod app;
pub mod cache;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod logfile;
pub mod model;
pub mod query;
pub mod scripts;
pub mod serve;
pub mod server;
pub mod terminal;
pub mod ui;
pub mod worker;

/// Installs the process-wide TLS crypto provider (ring, as the official SDK uses) once;
/// reqwest needs one before it builds a client.
pub fn init_tls() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
