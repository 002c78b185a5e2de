//! Answers from the local cache first (issue 26: stale while revalidate): a view's first page
//! as last seen, at once, then the server's, which replaces it and is kept for next time.

use super::client::{blocking, decode_page};
use super::{ListRequest, Task, WorkerEvent};
use crate::api::WireEnum;

/// The cache's key of a list: what the user asked for (filter as typed, sort), not the
/// resolved parameters, so it is found without the network.
pub(super) fn list_key(req: &ListRequest) -> String {
    format!("runs?{}&{}&{}", req.query.to_line(), req.sort_by.as_str(), req.sort_order.as_str())
}

impl Task {
    /// A list request: for a first page, the cached one first (`CachedRuns`); then the
    /// server's answer (`Runs`), kept in the cache.
    pub(super) async fn runs_cached(&self, req: &ListRequest) {
        let first = req.cursor.is_none() && req.created_after_ms.is_none();
        let cache = self.shared.cache.clone().filter(|_| first);
        if let Some(cache) = cache.clone() {
            let key = list_key(req);
            let shared = self.shared.clone();
            let kept = blocking(move || {
                let Some(kept) = cache.list(&key) else { return Ok(None) };
                let mut interner = shared.interner.lock().unwrap_or_else(|p| p.into_inner());
                Ok(decode_page(&kept.body, &mut interner).ok().map(|p| (p, kept.fetched_ms)))
            })
            .await;
            if let Ok(Some((mut page, fetched_ms))) = kept {
                page.rows.retain(|r| req.query.keeps_serial(&r.serial));
                self.send(WorkerEvent::CachedRuns { page, fetched_ms });
            }
        }
        let r = self.runs(req).await;
        if let (Some(cache), Ok((_, body))) = (cache, &r) {
            let (key, body) = (list_key(req), body.clone());
            let now = chrono::Utc::now().timestamp_millis();
            tokio::task::spawn_blocking(move || cache.put_list(&key, &body, now));
        }
        self.send(WorkerEvent::Runs(r.map(|(p, _)| p)));
    }
}
