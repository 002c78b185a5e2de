//! The runs that reached each failing phase: the population explain and the two-way table test
//! a phase's failures against (a run that stopped before the phase could not fail in it). Read
//! after the failing rows, whose phase names say which phases to ask for: per procedure, one
//! list for all its failing phases (each run's last attempt of each, one row per run and
//! phase), over the span's slices at once. Through the cache, only the runs and phases not
//! asked about yet are asked for (a run's phases never change).

use std::collections::{BTreeSet, HashMap};

use futures::StreamExt;

use super::analysis::{Kept, RunsLoaded, SLICES, in_flight};
use super::by_time::slices;
use super::client::blocking;
use super::failure_list::List;
use super::window::Through;
use super::{PopulationFailureRows, Task, WorkerEvent};
use crate::api::PhaseOutcome;
use crate::api::crossrun::{PhaseRow, RunScope};
use crate::cache::KeptReached;

/// A slice of a span (ms, from inclusive, to exclusive; `None`: the whole span).
type Slice = Option<(i64, i64)>;

/// Phase names per request (a URL stays well under the proxies' limits).
const NAMES_PER_REQUEST: usize = 40;
/// Up to this many runs lacking phases, the lists are asked for their units only.
const BY_SERIAL: usize = 50;
/// Rows per answer sent from the cache.
const SEND_BATCH: usize = 5_000;

/// One procedure's phases to ask for, over the runs started in `span` (of these units, when
/// `serials` is not empty), whose phases started before `before`.
struct Plan {
    procedure: String,
    names: Vec<String>,
    span: Option<(i64, i64)>,
    before: Option<i64>,
    serials: Vec<String>,
}

impl Plan {
    fn new(procedure: String, names: Vec<String>, over: &RunsLoaded) -> Plan {
        let (span, before) = (over.span, over.phases_before());
        Plan { procedure, names, span, before, serials: over.serials.clone() }
    }
}

impl Task {
    /// Failing phase names by procedure, as noted so far.
    fn failing_names(&self) -> HashMap<String, Vec<String>> {
        let f = self.failing.lock().unwrap_or_else(|p| p.into_inner());
        f.iter()
            .filter(|(_, names)| !names.is_empty())
            .map(|(p, names)| (p.clone(), names.iter().cloned().collect()))
            .collect()
    }

    /// The runs `loaded` covers that ran each failing phase noted so far, then the load's last
    /// answer, saying whether every list was read (a list the server refuses leaves the
    /// phases' populations to the runs of their procedures).
    pub(super) async fn reached_rows(&self, loaded: &RunsLoaded) {
        self.failures_done();
        let plans: Vec<Plan> = self
            .failing_names()
            .into_iter()
            .map(|(procedure, names)| Plan::new(procedure, names, loaded))
            .collect();
        let complete = self.read_reached(&plans, None).await;
        self.reached_done(complete);
    }

    /// The failing rows are all sent: the pane is loaded, and which runs ran each failing
    /// phase follows.
    pub(super) fn failures_done(&self) {
        let rows =
            PopulationFailureRows { reached_follow: true, ..PopulationFailureRows::default() };
        self.send(WorkerEvent::PopulationFailures { rows: Ok(rows), done: true });
    }

    fn reached_done(&self, complete: bool) {
        self.send(WorkerEvent::PopulationReached { rows: Vec::new(), done: true, complete });
    }

    /// Every plan's lists, slices at once; `true` when all were read.
    async fn read_reached(&self, plans: &[Plan], keep: Option<&Kept>) -> bool {
        let scopes: Vec<(RunScope, Vec<Slice>)> = plans
            .iter()
            .map(|p| {
                let scope = RunScope {
                    // A second either side: the bounds are not inclusive on every server.
                    started_after: p.span.map(|(lo, _)| crate::api::time::from_ms(lo - 1_000)),
                    started_before: p.before.map(crate::api::time::from_ms),
                    serial_numbers: p.serials.clone(),
                    ..RunScope::default()
                };
                (scope, slices(p.span, SLICES))
            })
            .collect();
        let lists: Vec<_> = plans
            .iter()
            .zip(&scopes)
            .flat_map(|(p, (scope, slices))| {
                p.names.chunks(NAMES_PER_REQUEST).flat_map(move |names| {
                    slices.iter().map(move |s| (&p.procedure, scope, names, *s))
                })
            })
            .map(|(p, scope, names, slice)| async move {
                self.list_slice(p, scope, slice, List::Reached(names), keep).await
            })
            .collect();
        let listed: Vec<_> = futures::stream::iter(lists)
            .buffered(in_flight(self.client.round_trip_ms()))
            .collect()
            .await;
        if let Some(Err(e)) = listed.iter().find(|r| r.is_err()) {
            tracing::debug!(error = %e, "insight: the runs that ran the failing phases not read");
            return false;
        }
        true
    }

    /// As [`Self::reached_rows`] over the runs `through` sent: what the cache knows is sent
    /// from it; only the runs lacking a failing phase of their procedure are asked about it
    /// (offline: nothing is; the populations are complete only if nothing lacks).
    pub(super) async fn reached_through_cache(&self, through: &Through) {
        let Some(cache) = self.shared.cache.clone() else {
            return self.reached_rows(&through.loaded).await;
        };
        self.failures_done();
        let (c, key) = (cache.clone(), through.key.clone());
        let mut kept = blocking(move || Ok(c.reached_of(&key))).await.unwrap_or_default();
        let failing = self.failing_names();
        let mut known: Vec<PhaseRow> = Vec::new();
        // Per procedure: the runs lacking some of its failing phases, and those phases.
        let mut lacking: HashMap<&str, (Vec<&super::population::Row>, BTreeSet<String>)> =
            HashMap::new();
        for r in through.rows() {
            let Some(names) = failing.get(&r.kept.procedure_id) else { continue };
            let k = kept.get(&r.kept.id);
            let mut lacks = false;
            for n in names {
                match k {
                    Some(k) if k.asked.contains(n) => {
                        if k.ran.contains(n) {
                            known.push(PhaseRow {
                                run_id: r.kept.id.clone(),
                                name: n.clone(),
                                outcome: Some(PhaseOutcome::Pass),
                                ..PhaseRow::default()
                            });
                        }
                    }
                    _ => {
                        lacks = true;
                        lacking.entry(&r.kept.procedure_id).or_default().1.insert(n.clone());
                    }
                }
            }
            if lacks {
                lacking.entry(&r.kept.procedure_id).or_default().0.push(r);
            }
        }
        for batch in known.chunks(SEND_BATCH) {
            let rows = batch.to_vec();
            self.send(WorkerEvent::PopulationReached { rows, done: false, complete: false });
        }
        if through.offline || lacking.is_empty() {
            return self.reached_done(lacking.is_empty());
        }
        let plans: Vec<Plan> = lacking
            .iter()
            .map(|(procedure, (runs, names))| {
                let mut over = RunsLoaded::default();
                for r in runs {
                    let t = r.kept.started_ms;
                    let (lo, hi) = over.span.unwrap_or((t, t));
                    over.span = Some((lo.min(t), hi.max(t)));
                    over.learn_end(&r.summary);
                }
                if runs.len() <= BY_SERIAL {
                    let serials: BTreeSet<&str> =
                        runs.iter().map(|r| r.summary.unit.serial_number.as_str()).collect();
                    over.serials = serials.into_iter().map(str::to_string).collect();
                }
                let names = names.iter().cloned().collect();
                Plan::new(procedure.to_string(), names, &over)
            })
            .collect();
        let keep = Kept::default();
        let complete = self.read_reached(&plans, Some(&keep)).await;
        if complete {
            let got = keep.into_inner().unwrap_or_else(|p| p.into_inner());
            let mut ran: HashMap<&str, Vec<&str>> = HashMap::new();
            for row in &got.reached {
                ran.entry(row.run_id.as_str()).or_default().push(row.name.as_str());
            }
            let mut put: Vec<(String, KeptReached)> = Vec::new();
            for (runs, names) in lacking.values() {
                for r in runs {
                    let mut k = kept.remove(&r.kept.id).unwrap_or_default();
                    k.asked.extend(names.iter().cloned());
                    let of_run = ran.get(r.kept.id.as_str()).into_iter().flatten();
                    k.ran.extend(of_run.map(|n| n.to_string()));
                    put.push((r.kept.id.clone(), k));
                }
            }
            cache.write_behind(move |c| c.put_reached(&put));
        }
        self.reached_done(complete);
    }
}
