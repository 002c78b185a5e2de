//! The analysis core (`tofui::analysis`) on small hand-built datasets where every number is
//! known: facts, yield, Pareto, two-way table, explain, measurement statistics, ticks.

mod bins;
mod drift;
mod explain;
mod facts;
mod measure;
mod pareto;
mod support;
mod ticks;
mod yields;
