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
            self.read_ahead(&req.query);
        }
        let r = self.runs(req).await;
        if let (Some(cache), Ok((_, body))) = (cache, &r) {
            let (key, body) = (list_key(req), body.clone());
            let now = chrono::Utc::now().timestamp_millis();
            cache.write_behind(move |c| c.put_list(&key, &body, now));
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
        let from_cache = kept.as_ref().map(|k| k.fetched_ms);
        if let Some(kept) = kept {
            self.send_run(bytes::Bytes::from(kept.body)).await;
        }
        let kept_mark = |problem| WorkerEvent::RunKept {
            run_id: run_id.to_string(),
            fetched_ms: from_cache.unwrap_or_default(),
            problem,
        };
        let fetch = |c: super::ApiClient, report| {
            let run_id = run_id.to_string();
            async move { c.get_run_body(&run_id, &report).await }
        };
        // A run not shown yet is asked for until the server answers; a run on screen from
        // the cache too, marked meanwhile with why it is not refreshed (offline).
        let body = if from_cache.is_some() {
            self.send(kept_mark(None));
            let mut n = 0;
            loop {
                match fetch(self.client.clone(), client::silent()).await {
                    Err(e) if e.is_transient() => {
                        self.send(kept_mark(Some(e)));
                        n += 1;
                        tokio::time::sleep(client::backoff(n)).await;
                    }
                    other => break other,
                }
            }
        } else {
            self.retrying(fetch).await
        };
        let from_cache = from_cache.is_some();
        if let (Some(cache), Ok(body)) = (cache, &body)
            && body.len() <= MAX_KEPT_RUN
        {
            let (id, body) = (run_id.to_string(), body.clone());
            let now = chrono::Utc::now().timestamp_millis();
            cache.write_behind(move |c| c.put_run(&id, &body, now));
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
                    c.write_behind(move |c| c.forget_runs(&ids));
                }
                self.send(WorkerEvent::Run { run: Err(e), logs_follow: false });
            }
            // The cached run is on screen: marked as not refreshed, and why.
            Err(e) if from_cache => self.send(kept_mark(Some(e))),
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
