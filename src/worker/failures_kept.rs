//! The Pareto's failing rows through the cache (issue 26): the rows of runs whose rows are
//! known come from the cache; the lists are read again only over the span and procedures of
//! the runs whose rows are not (new runs), and what they bring is kept.

use std::collections::{HashMap, HashSet};

use super::analysis::{Kept, RunsLoaded, ended_failing};
use super::client::blocking;
use super::window::Through;
use super::{PopulationFailureRows, Task, WorkerEvent};
use crate::api::crossrun::{MeasurementRow, PhaseRow};
use crate::cache::KeptFailure;

/// Rows per batch sent to the pane from the cache.
const SEND_BATCH: usize = 5_000;
/// Up to this many runs whose rows are not known, the lists are asked for their units only
/// (so a run uploaded late, with an old start, does not cost its whole span's rows).
const BY_SERIAL: usize = 50;

impl Task {
    pub(super) async fn failures_through_cache(&self, through: Through) {
        let Some(cache) = self.shared.cache.clone() else { return };
        let t0 = std::time::Instant::now();
        let rows = through.rows();
        let unknown: Vec<_> = rows.iter().copied().filter(|r| !r.kept.failures_known).collect();
        // The span and procedures read again (empty offline, or when every run is known).
        let span = (!through.offline)
            .then(|| {
                let lo = unknown.iter().map(|r| r.kept.started_ms).min()?;
                let hi = unknown.iter().map(|r| r.kept.started_ms).max()?;
                Some((lo, hi))
            })
            .flatten();
        let procs: HashSet<&str> = unknown.iter().map(|r| r.kept.procedure_id.as_str()).collect();
        let by_serial = unknown.len() <= BY_SERIAL;
        let again = |r: &&super::population::Row| {
            if by_serial {
                return span.is_some() && !r.kept.failures_known;
            }
            span.is_some_and(|(lo, hi)| (lo..=hi).contains(&r.kept.started_ms))
                && procs.contains(r.kept.procedure_id.as_str())
        };
        let from_cache: HashSet<String> =
            rows.iter().copied().filter(|r| !again(r)).map(|r| r.kept.id.clone()).collect();
        let (c, key) = (cache.clone(), through.key.clone());
        let kept = blocking(move || Ok(c.failures_of(&key, |id| from_cache.contains(id))))
            .await
            .unwrap_or_default();
        // Each kept row's phase is a failing phase of its run's procedure.
        let procedure_of: HashMap<&str, &str> =
            rows.iter().map(|r| (r.kept.id.as_str(), r.kept.procedure_id.as_str())).collect();
        for batch in kept.chunks(SEND_BATCH) {
            let mut out = PopulationFailureRows::default();
            for k in batch {
                if k.measurement {
                    out.measurements.extend(serde_json::from_str::<MeasurementRow>(&k.body).ok());
                } else {
                    out.phases.extend(serde_json::from_str::<PhaseRow>(&k.body).ok());
                }
            }
            let phases = out.phases.iter().map(|p| (&p.run_id, &p.name));
            let names = phases.chain(out.measurements.iter().map(|m| (&m.run_id, &m.phase_name)));
            for (run, name) in names {
                if let Some(p) = procedure_of.get(run.as_str()) {
                    self.note_failing(p, std::iter::once(name));
                }
            }
            self.send(WorkerEvent::PopulationFailures { rows: Ok(out), done: false });
        }
        tracing::debug!(
            ms = t0.elapsed().as_millis() as u64,
            unknown = unknown.len(),
            "insight: failing rows from the cache sent"
        );
        let Some(span) = span else {
            return self.reached_through_cache(&through).await;
        };
        let read: Vec<_> = rows.iter().copied().filter(again).collect();
        let mut sub = RunsLoaded {
            procedures: procs.iter().map(|p| p.to_string()).collect(),
            span: Some(span),
            ..RunsLoaded::default()
        };
        if by_serial {
            let serials: HashSet<&str> =
                read.iter().map(|r| r.summary.unit.serial_number.as_str()).collect();
            sub.serials = serials.into_iter().map(str::to_string).collect();
        }
        sub.failing =
            read.iter().filter(|r| ended_failing(&r.summary)).map(|r| r.kept.id.clone()).collect();
        for r in &read {
            sub.learn_end(&r.summary);
        }
        let keep = Kept::default();
        if !self.failure_rows(&sub, Some(&keep)).await {
            return;
        }
        let known: Vec<String> = read.iter().map(|r| r.kept.id.clone()).collect();
        let ids: HashSet<&str> = known.iter().map(String::as_str).collect();
        let got = keep.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut out: Vec<KeptFailure> = Vec::new();
        for p in got.phases.iter().filter(|p| ids.contains(p.run_id.as_str())) {
            let body = serde_json::to_string(p).unwrap_or_default();
            out.push(KeptFailure { run_id: p.run_id.clone(), measurement: false, body });
        }
        for m in got.measurements.iter().filter(|m| ids.contains(m.run_id.as_str())) {
            let body = serde_json::to_string(m).unwrap_or_default();
            out.push(KeptFailure { run_id: m.run_id.clone(), measurement: true, body });
        }
        // The population held for a reopening knows them too (else they are read again).
        if let Some(s) = self.shared.session().as_mut().filter(|s| s.key == through.key) {
            s.failures_known.extend(known.iter().cloned());
        }
        cache.write_behind(move |c| c.put_failures(&known, &out));
        self.reached_through_cache(&through).await;
    }
}
