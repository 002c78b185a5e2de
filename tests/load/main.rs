//! The server under load (issue 28): the denial-of-service cases and the budget. They hold
//! hundreds of connections each and the budget reads the process's memory, so these tests
//! run one at a time ([`one_at_a_time`]).
//!
//! One test binary per workflow (tests/README.md says how to add a test to a group).

#[path = "../common/mod.rs"]
mod common;

mod server_budget;
mod server_dos;

/// Held for the whole of each test here: the budget's memory and connection counts are the
/// process's, so no other test may run beside it.
pub async fn one_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static ONE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    ONE.lock().await
}
