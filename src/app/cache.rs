//! Recently fetched runs, so going back into a run (or into the one prefetched under the
//! selection) is instant. Least recently used goes first.

use std::sync::Arc;

use crate::api::{LogLine, RunDetail};

/// A run, and its logs once they are decoded (they arrive after the run; see the worker).
#[derive(Debug, Clone)]
pub struct CachedRun {
    pub run: Arc<RunDetail>,
    pub logs: Option<Arc<Vec<LogLine>>>,
    /// The logs are still on their way.
    pub logs_pending: bool,
}

#[derive(Debug, Default)]
pub struct RunCache {
    /// Most recent last.
    entries: Vec<(String, CachedRun)>,
}

/// Runs kept. A huge run (200,000 log lines) is a few hundred MB parsed, so the cache is small.
pub const CACHE_RUNS: usize = 8;

impl RunCache {
    pub fn get(&mut self, id: &str) -> Option<CachedRun> {
        let i = self.entries.iter().position(|(k, _)| k == id)?;
        let e = self.entries.remove(i);
        let run = e.1.clone();
        self.entries.push(e);
        Some(run)
    }

    pub fn remove(&mut self, id: &str) {
        self.entries.retain(|(k, _)| k != id);
    }

    /// The logs of a cached run have arrived.
    pub fn set_logs(&mut self, id: &str, logs: Option<Arc<Vec<LogLine>>>) {
        if let Some((_, e)) = self.entries.iter_mut().find(|(k, _)| k == id) {
            e.logs = logs;
            e.logs_pending = false;
        }
    }

    /// The entry, without making it the most recent.
    pub fn peek(&self, id: &str) -> Option<&CachedRun> {
        self.entries.iter().find(|(k, _)| k == id).map(|(_, c)| c)
    }

    pub fn put(&mut self, id: String, run: CachedRun) {
        self.entries.retain(|(k, _)| *k != id);
        self.entries.push((id, run));
        if self.entries.len() > CACHE_RUNS {
            self.entries.remove(0);
        }
    }
}
