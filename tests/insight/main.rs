//! The insight panes driven headless against the real server: yield, Pareto, explain,
//! two-way table, trend, drill-down and the failure column.
//!
//! One test binary per workflow (tests/README.md says how to add a test to a group).

#[path = "../common/mod.rs"]
mod common;

mod drill_down;
mod explain_pane;
mod failure_column;
mod insight_fallback;
mod insight_population;
mod late_phases;
mod pareto_pane;
mod pareto_retries;
mod reached;
mod trend_count;
mod trend_pane;
mod two_way;
mod yield_pane;
