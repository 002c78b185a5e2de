//! Answers from the local cache first (issue 26: stale while revalidate): a view's first page
//! as last seen, at once, then the server's, which replaces it and is kept for next time.

use super::client::{self, blocking, decode_page};
use super::{ClientError, ListRequest, Task, WorkerEvent};
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
                let mut name_pool = shared.name_pool.lock().unwrap_or_else(|p| p.into_inner());
                Ok(decode_page(&kept.body, &mut name_pool).ok().map(|p| (p, kept.fetched_ms)))
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

/// Runs bigger than this are not kept: one huge run (66 MB) would push out dozens of others.
const MAX_KEPT_RUN: usize = 32 << 20;

impl Task {
    /// A run: from the cache at once when it is there (its phases, measurements and logs do
    /// not change), then from the server, whose metadata and attachments come as `RunFresh`;
    /// else from the server. What the server gives is kept.
    pub(super) async fn run_cached(&self, run_id: &str) {
        let cache = self.shared.cache.clone();
        let kept = match cache.clone() {
            Some(c) => {
                let id = run_id.to_string();
                blocking(move || Ok(c.run(&id))).await.ok().flatten()
            }
            None => None,
        };
        let from_cache = kept.is_some();
        if let Some(kept) = kept {
            self.send_run(bytes::Bytes::from(kept.body)).await;
        }
        let body = self
            .retrying(|c, report| {
                let run_id = run_id.to_string();
                async move { c.get_run_body(&run_id, &report).await }
            })
            .await;
        if let (Some(cache), Ok(body)) = (cache, &body)
            && body.len() <= MAX_KEPT_RUN
        {
            let (id, body) = (run_id.to_string(), body.clone());
            let now = chrono::Utc::now().timestamp_millis();
            tokio::task::spawn_blocking(move || cache.put_run(&id, &body, now));
        }
        match body {
            Ok(body) if from_cache => {
                let head =
                    blocking(move || client::decode_run_head(&body).map(|(run, _)| run)).await;
                if let Ok(run) = head {
                    self.send(WorkerEvent::RunFresh(Box::new(run)));
                }
            }
            Ok(body) => self.send_run(body).await,
            // Deleted on the server since: forgotten here, and said as for any run.
            Err(e @ ClientError::NotFound(_)) => {
                if let Some(c) = self.shared.cache.clone() {
                    let ids = vec![run_id.to_string()];
                    tokio::task::spawn_blocking(move || c.forget_runs(&ids));
                }
                self.send(WorkerEvent::Run { run: Err(e), logs_follow: false });
            }
            // The cached run is on screen; the server's error is for a run not shown yet.
            Err(_) if from_cache => {}
            Err(e) => self.send(WorkerEvent::Run { run: Err(e), logs_follow: false }),
        }
    }

    /// A run's body decoded: its head (`Run`), then its logs (`RunLogs`) when they were left
    /// out to show the run sooner.
    async fn send_run(&self, body: bytes::Bytes) {
        let head = blocking(move || {
            client::decode_run_head(&body).map(|(run, logs)| (run, logs.map(|r| body.slice(r))))
        })
        .await;
        match head {
            Ok((run, raw_logs)) => {
                self.send(WorkerEvent::Run {
                    run: Ok(Box::new(run)),
                    logs_follow: raw_logs.is_some(),
                });
                if let Some(raw) = raw_logs {
                    let logs = blocking(move || client::decode_logs(&raw)).await;
                    self.send(WorkerEvent::RunLogs(logs));
                }
            }
            Err(e) => self.send(WorkerEvent::Run { run: Err(e), logs_follow: false }),
        }
    }
}
