//! Triage insight computed from runs, phases and measurements on the client (API v2 has no
//! analytics endpoints): yield, the failure Pareto and its two-way table, the explanation of a
//! failure mode, measurement statistics, and axis ticks for the charts. Pure functions over
//! [`Facts`]: no I/O, no terminal. The README's "How the numbers are counted" states the rules.
//!
//! Data arrives page by page: [`Facts::add_runs`], [`Facts::add_phases`],
//! [`Facts::add_measurements`] (or [`Facts::add_run_detail`] where the cross-run lists are
//! missing) cost O(page); every report is recomputed from the facts in O(runs), so a pane can
//! redraw after each page.

mod bins;
mod buckets;
mod crosstab;
mod dims;
mod drift;
mod explain;
mod facts;
mod failures;
mod histogram;
mod intern;
mod lift;
mod limits;
mod measure;
mod metadata;
mod outcome;
mod pareto;
pub mod retest;
mod series;
mod stats;
mod ticks;
mod yields;

pub use bins::{BIN_ABOVE, BINS, WHOLE_BIN_ABOVE, quantile_edges};
pub use buckets::{BucketSize, Buckets};
pub use crosstab::{CrossCol, CrossRow, CrossTab, CrossTabOptions, crosstab};
pub use dims::Dim;
pub use drift::{Drift, Reach};
pub use explain::{Caveat, DimExplain, Evidence, ExplainOptions, Explanation, ValueStat, explain};
pub use facts::{
    Facts, MAX_METADATA_KEYS, NO_DURATION, NO_TIME, RunFact, RunIdx, SampleClass, Verdict,
};
pub use failures::{FailureMode, FailureOptions};
pub use histogram::{Histogram, quantile};
pub use intern::Interner;
pub use limits::{Limits, ParsedLimits, limits_from_validators};
pub use measure::{
    Capability, MeasurementSeries, MeasurementStats, Point, TrendOptions, capability, mean_sd,
};
pub use pareto::{Drill, ModeFilter, OtherBar, Pareto, ParetoBar, ParetoBy, ParetoOptions, pareto};
pub use series::{PointGroup, RUN_NOT_LOADED, point_groups, slope};
pub use stats::{LnFactorials, wilson_interval};
pub use ticks::{Ticks, decimals, format_sig, format_tick, next_step, nice_step, time_ticks};
pub use yields::{NotCounted, YieldCount, YieldOptions, YieldReport, YieldRow, yield_report};
