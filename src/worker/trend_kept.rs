//! The trend through the cache (issue 26): a run's values never change, so once a measurement's
//! values were read, a reopened trend sends the kept values of its runs at once and asks the
//! server only about the runs not read yet (new runs): by their units when they are few, else
//! over their span. Offline, the kept values are the trend. What is read is kept per run, a run
//! without a value as an empty list.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use super::client::blocking;
use super::trend::{Kept, SLACK_MS, Walk};
use super::{ListRequest, Task, TrendTarget, WorkerEvent};
use crate::api::crossrun::MeasurementRow;
use crate::cache::values_target;

/// Values per batch sent from the cache.
const SEND_BATCH: usize = 5_000;
/// Up to this many runs not read yet, the values are asked for their units only.
const BY_SERIAL: usize = 50;

fn target_key(t: &TrendTarget) -> String {
    values_target(&t.procedure_id, &t.phase, &t.measurement)
}

impl Task {
    /// The trend of `target` over `req`'s runs when the cache holds values of it. `false`:
    /// nothing kept of the target (or no cache): the caller walks every value, and keeps them.
    pub(super) async fn trend_through_cache(
        &self,
        req: &ListRequest,
        target: &TrendTarget,
    ) -> bool {
        let Some(cache) = self.shared.cache.clone() else { return false };
        let key = target_key(target);
        let (c, k) = (cache.clone(), key.clone());
        if !blocking(move || Ok(c.holds_values(&k))).await.unwrap_or(false) {
            return false;
        }
        let Some(through) = self.analysis_through_cache(req, true).await else { return false };
        // The runs' failure was sent, and ends the load.
        let Some(through) = through else { return true };
        let t0 = std::time::Instant::now();
        let rows = through.rows();
        let ids: Vec<String> = rows.iter().map(|r| r.kept.id.clone()).collect();
        let (c, k) = (cache.clone(), key.clone());
        let kept = blocking(move || Ok(c.values_of(&k, &ids))).await.unwrap_or_default();
        let mut values: Vec<MeasurementRow> = Vec::new();
        for body in kept.values() {
            values.extend(serde_json::from_str::<Vec<MeasurementRow>>(body).unwrap_or_default());
            if values.len() >= SEND_BATCH {
                let rows = std::mem::take(&mut values);
                self.send(WorkerEvent::TrendValues { rows: Ok(rows), done: false });
            }
        }
        self.send(WorkerEvent::TrendValues { rows: Ok(values), done: false });
        let lacking: Vec<_> = rows.iter().filter(|r| !kept.contains_key(&r.kept.id)).collect();
        tracing::debug!(
            ms = t0.elapsed().as_millis() as u64,
            kept = kept.len(),
            lacking = lacking.len(),
            "trend: values from the cache sent"
        );
        if lacking.is_empty() || through.offline {
            self.send(WorkerEvent::TrendValues { rows: Ok(Vec::new()), done: true });
            return true;
        }
        // Only the runs not read yet: their span, of their units when they are few.
        let lo = lacking.iter().map(|r| r.kept.started_ms).min().unwrap_or_default();
        let mut over = super::analysis::RunsLoaded::default();
        for r in &lacking {
            over.learn_end(&r.summary);
        }
        let hi = over.last_end.unwrap_or(lo) + SLACK_MS;
        let serials: Vec<String> = if lacking.len() <= BY_SERIAL {
            let s: HashSet<&str> =
                lacking.iter().map(|r| r.summary.unit.serial_number.as_str()).collect();
            s.into_iter().map(str::to_string).collect()
        } else {
            Vec::new()
        };
        let want: HashSet<&str> = lacking.iter().map(|r| r.kept.id.as_str()).collect();
        let keep: Kept = Mutex::new(Some(Vec::new()));
        let wanted = |id: &str| want.contains(id);
        let walk = Walk { hi, serials, wanted: &wanted, keep: &keep };
        match self.values_walk(target, &walk, || Some(Some((lo, hi)))).await {
            Ok(()) => {
                self.send(WorkerEvent::TrendValues { rows: Ok(Vec::new()), done: true });
                let got = keep.into_inner().unwrap_or_else(|p| p.into_inner()).unwrap_or_default();
                self.keep_values(target, want.iter().copied(), got);
            }
            Err(e) => self.send(WorkerEvent::TrendValues { rows: Err(e), done: true }),
        }
        true
    }

    /// Keeps the values read of `runs` (each its own, or none), written behind.
    pub(super) fn keep_values<'a>(
        &self,
        target: &TrendTarget,
        runs: impl Iterator<Item = &'a str>,
        rows: Vec<MeasurementRow>,
    ) {
        let Some(cache) = self.shared.cache.clone() else { return };
        let mut by_run: HashMap<&str, Vec<&MeasurementRow>> =
            runs.map(|id| (id, Vec::new())).collect();
        for r in &rows {
            if let Some(v) = by_run.get_mut(r.run_id.as_str()) {
                v.push(r);
            }
        }
        let put: Vec<(String, String)> = by_run
            .into_iter()
            .map(|(id, v)| (id.to_string(), serde_json::to_string(&v).unwrap_or_default()))
            .collect();
        let key = target_key(target);
        cache.write_behind(move |c| c.put_values(&key, &put));
    }
}
