//! Runs already fetched, so going back into a run (or into the one prefetched under the
//! selection) is instant; the prefetch itself; and the logs still on their way after their
//! run. Least recently used goes first.

use std::sync::Arc;

use crate::api::{LogLine, RunDetail};
use crate::worker::{ClientError, RequestId, Slot};

/// How long the selection rests on a row before its run is fetched ahead.
pub(crate) const PREFETCH_DELAY_MS: i64 = 250;

/// A run, and its logs once they are decoded (they arrive after the run; see the worker).
#[derive(Debug, Clone)]
pub struct CachedRun {
    pub run: Arc<RunDetail>,
    pub logs: Option<Arc<Vec<LogLine>>>,
    /// The logs are still on their way.
    pub logs_pending: bool,
}

#[derive(Debug, Default)]
struct RunCache {
    /// Most recent last.
    entries: Vec<(String, CachedRun)>,
}

/// Runs kept. A huge run (200,000 log lines) is a few hundred MB parsed, so the cache is small.
pub(crate) const CACHE_RUNS: usize = 8;

impl RunCache {
    fn get(&mut self, id: &str) -> Option<CachedRun> {
        let i = self.entries.iter().position(|(k, _)| k == id)?;
        let e = self.entries.remove(i);
        let run = e.1.clone();
        self.entries.push(e);
        Some(run)
    }

    fn peek(&self, id: &str) -> Option<&CachedRun> {
        self.entries.iter().find(|(k, _)| k == id).map(|(_, c)| c)
    }

    fn put(&mut self, id: String, run: CachedRun) {
        self.entries.retain(|(k, _)| *k != id);
        self.entries.push((id, run));
        if self.entries.len() > CACHE_RUNS {
            self.entries.remove(0);
        }
    }
}

/// The cache with what is on its way into it.
#[derive(Debug, Default)]
pub struct RunStore {
    cache: RunCache,
    /// The run to fetch ahead, and when (the selection rested there long enough).
    prefetch_due: Option<(String, i64)>,
    prefetch_pending: Option<(RequestId, String)>,
    /// Runs whose logs come after them: (request, run id, slot).
    logs_due: Vec<(RequestId, String, Slot)>,
    /// Runs shown from the local cache and not refreshed from the server yet.
    kept: Vec<(String, KeptMark)>,
}

/// A run shown as the local cache kept it: when it was fetched, and why it could not be
/// refreshed (`None`: the server's copy is on its way).
#[derive(Debug, Clone, PartialEq)]
pub struct KeptMark {
    pub fetched_ms: i64,
    pub problem: Option<ClientError>,
}

impl RunStore {
    /// A cached run is usable when whole, or when its logs are still on their way.
    pub(crate) fn usable(&self, run_id: &str) -> bool {
        match self.cache.peek(run_id) {
            Some(c) => !c.logs_pending || self.logs_due.iter().any(|(_, r, _)| r == run_id),
            None => false,
        }
    }

    /// The cached run, made the most recent, when usable.
    pub fn get(&mut self, run_id: &str) -> Option<CachedRun> {
        if self.usable(run_id) { self.cache.get(run_id) } else { None }
    }

    /// The cached run, as it is.
    pub(crate) fn peek(&self, run_id: &str) -> Option<&CachedRun> {
        self.cache.peek(run_id)
    }

    pub fn put(&mut self, run_id: String, run: CachedRun) {
        self.cache.put(run_id, run);
    }

    /// The run changed on the server: the copy here is stale.
    pub(crate) fn forget(&mut self, run_id: &str) {
        self.cache.entries.retain(|(k, _)| k != run_id);
    }

    /// The prefetch of this run, when it is on its way.
    pub(crate) fn in_flight(&self, run_id: &str) -> Option<RequestId> {
        self.prefetch_pending.as_ref().filter(|(_, r)| r == run_id).map(|(id, _)| *id)
    }

    /// Logs still to come for a request in `slot`.
    pub(crate) fn logs_due_in(&self, slot: Slot) -> bool {
        self.logs_due.iter().any(|(_, _, s)| *s == slot)
    }

    /// A new request in `slot` aborts the old one: logs it would have sent will not come.
    pub fn superseded(&mut self, slot: Slot) {
        self.logs_due.retain(|(_, _, s)| *s != slot);
    }

    /// Whether request `id` is the prefetch.
    pub(crate) fn is_prefetch(&self, id: RequestId) -> bool {
        self.prefetch_pending.as_ref().is_some_and(|(p, _)| *p == id)
    }

    /// The run for request `id` arrived (`wanted`: the run a pane asked for with it). It is
    /// cached, and its logs are expected when they follow.
    pub fn arrived(
        &mut self,
        id: RequestId,
        wanted: Option<&str>,
        run: Box<RunDetail>,
        logs_follow: bool,
    ) -> CachedRun {
        let prefetched = self.prefetch_pending.take_if(|(p, _)| *p == id).map(|(_, r)| r);
        let run = CachedRun { run: Arc::from(run), logs: None, logs_pending: logs_follow };
        let slot = if prefetched.is_some() { Slot::Prefetch } else { Slot::Run };
        if let Some(run_id) = prefetched.or(wanted.map(str::to_string)) {
            if logs_follow {
                self.logs_due.push((id, run_id.clone(), slot));
            }
            self.put(run_id, run.clone());
        }
        run
    }

    /// A kept run's head as the server has it now (its logs stay as they came).
    pub(crate) fn refresh(&mut self, run_id: &str, run: Arc<RunDetail>) {
        self.kept.retain(|(k, _)| k != run_id);
        if let Some((_, c)) = self.cache.entries.iter_mut().find(|(k, _)| k == run_id) {
            c.run = run;
        }
    }

    /// Run `run_id` was shown from the local cache (see [`KeptMark`]).
    pub(crate) fn mark_kept(&mut self, run_id: String, mark: KeptMark) {
        self.kept.retain(|(k, _)| *k != run_id);
        self.kept.push((run_id, mark));
        if self.kept.len() > CACHE_RUNS * 4 {
            self.kept.remove(0);
        }
    }

    /// How run `run_id` on screen is not the server's latest: shown from the local cache.
    pub fn kept_mark(&self, run_id: &str) -> Option<&KeptMark> {
        self.kept.iter().find(|(k, _)| k == run_id).map(|(_, m)| m)
    }

    /// Request `id` failed; a prefetch is forgotten.
    pub fn failed(&mut self, id: RequestId) {
        self.prefetch_pending.take_if(|(p, _)| *p == id);
    }

    /// The logs for request `id` arrived: the run they belong to, and the logs (`None`, and
    /// why, when they could not be read). `None` when they are not awaited any more.
    #[allow(clippy::type_complexity)]
    pub(crate) fn logs_arrived(
        &mut self,
        id: RequestId,
        result: Result<Vec<LogLine>, ClientError>,
    ) -> Option<(String, Option<Arc<Vec<LogLine>>>, Option<ClientError>)> {
        let k = self.logs_due.iter().position(|(r, _, _)| *r == id)?;
        let (_, run_id, _) = self.logs_due.remove(k);
        let (logs, error) = match result {
            Ok(l) => (Some(Arc::new(l)), None),
            Err(e) => (None, Some(e)),
        };
        if let Some((_, e)) = self.cache.entries.iter_mut().find(|(k, _)| *k == run_id) {
            e.logs = logs.clone();
            e.logs_pending = false;
        }
        Some((run_id, logs, error))
    }

    /// The selection rests on `run_id`: whether to fetch it ahead now. The first call for a
    /// run starts the wait; a later one after the wait says yes once.
    pub(crate) fn prefetch_now(&mut self, run_id: &str, now_ms: i64) -> bool {
        match &self.prefetch_due {
            Some((due_id, due)) if due_id == run_id => {
                now_ms >= *due && !self.usable(run_id) && self.in_flight(run_id).is_none()
            }
            _ => {
                self.prefetch_due = Some((run_id.to_string(), now_ms + PREFETCH_DELAY_MS));
                false
            }
        }
    }

    /// The prefetch of `run_id` went out as request `id`.
    pub(crate) fn prefetching(&mut self, id: RequestId, run_id: String) {
        self.prefetch_pending = Some((id, run_id));
    }

    /// A prefetch is about to be due: the clock should tick fast.
    pub(crate) fn prefetch_soon(&self, now_ms: i64) -> bool {
        self.prefetch_due
            .as_ref()
            .is_some_and(|(id, due)| *due > now_ms - 1_000 && !self.usable(id))
    }
}
