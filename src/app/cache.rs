//! Recently fetched runs, so going back into a run (or into the one prefetched under the
//! selection) is instant. Least recently used goes first.

use std::sync::Arc;

use crate::api::RunDetail;

#[derive(Debug, Default)]
pub struct RunCache {
    /// Most recent last.
    entries: Vec<(String, Arc<RunDetail>)>,
}

/// Runs kept. A huge run (200,000 log lines) is a few hundred MB parsed, so the cache is small.
pub const CACHE_RUNS: usize = 8;

impl RunCache {
    pub fn get(&mut self, id: &str) -> Option<Arc<RunDetail>> {
        let i = self.entries.iter().position(|(k, _)| k == id)?;
        let e = self.entries.remove(i);
        let run = Arc::clone(&e.1);
        self.entries.push(e);
        Some(run)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == id)
    }

    pub fn put(&mut self, id: String, run: Arc<RunDetail>) {
        self.entries.retain(|(k, _)| *k != id);
        self.entries.push((id, run));
        if self.entries.len() > CACHE_RUNS {
            self.entries.remove(0);
        }
    }
}
