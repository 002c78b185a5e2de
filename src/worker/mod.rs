//! The fetch worker: a tokio task that owns the HTTP client and all network I/O. The UI sends
//! [`WorkerRequest`]s and receives [`WorkerResponse`]s; a newer request in a slot aborts the
//! older one, so late answers to superseded requests never arrive. The tasks are kept in a
//! `JoinMap` by slot, which also drops each one as it finishes.

mod analysis;
mod by_time;
mod cached;
pub mod catalog;
pub mod client;
mod decode;
pub mod download;
mod error;
mod export;
mod failure_list;
mod failures;
mod failures_kept;
mod field_values;
mod gate;
mod http;
mod incremental;
mod kept_rows;
pub mod messages;
mod mutate;
mod outbox;
mod per_run;
mod population;
mod reached;
mod resolve;
mod sliced;
mod trend;
mod trend_kept;
mod unit;
pub mod upload;
mod window;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio_util::task::JoinMap;

pub use client::{ApiClient, ClientConfig, ClientError, Report};
pub use messages::*;
use resolve::Names;

use crate::api::time::{from_ms, query_timestamp};
use crate::api::{RunDetail, WireEnum};
use crate::cache::Cache;
use crate::model::{NamePool, RunsPage};
use crate::query::to_params;

/// Longest wait between attempts while the server cannot be reached.
const MAX_OFFLINE_DELAY: Duration = Duration::from_secs(15);
/// Run ids per request: a hundred keep a URL near 4 KiB (the proxies in front of a hosted
/// instance refuse 8 to 16 KiB).
const IDS_PER_REQUEST: usize = 100;

/// State the worker's tasks share: the rows' name pool, names already resolved, the local cache.
#[derive(Default)]
struct Shared {
    name_pool: Mutex<NamePool>,
    names: Mutex<Names>,
    cache: Option<Arc<Cache>>,
    /// The insight population last synced (see [`window::HeldPopulation`]).
    session: Mutex<Option<window::HeldPopulation>>,
    /// A population read from the file before its first open (see [`window::ReadAhead`]).
    read_ahead: Mutex<Option<window::ReadAhead>>,
    /// Counts the metadata changes saved: a population synced across one is not held.
    saves: std::sync::atomic::AtomicU64,
}

impl Shared {
    fn session(&self) -> std::sync::MutexGuard<'_, Option<window::HeldPopulation>> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn read_ahead(&self) -> std::sync::MutexGuard<'_, Option<window::ReadAhead>> {
        self.read_ahead.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Starts the worker; drop the returned sender to stop it.
pub fn spawn(
    client: ApiClient,
    out: UnboundedSender<WorkerResponse>,
) -> UnboundedSender<WorkerRequest> {
    spawn_with_cache(client, None, out)
}

/// Starts the worker with a local cache: a view's first page is answered from it at once
/// (then from the server), and what the server answers is kept in it.
pub fn spawn_with_cache(
    client: ApiClient,
    cache: Option<Arc<Cache>>,
    out: UnboundedSender<WorkerResponse>,
) -> UnboundedSender<WorkerRequest> {
    let (tx, rx) = unbounded_channel();
    let shared = Arc::new(Shared { cache, ..Shared::default() });
    tokio::spawn(run(client, shared, rx, out));
    tx
}

async fn run(
    client: ApiClient,
    shared: Arc<Shared>,
    rx: UnboundedReceiver<WorkerRequest>,
    out: UnboundedSender<WorkerResponse>,
) {
    let mut slots: JoinMap<Slot, ()> = JoinMap::new();
    serve(client, shared, rx, out, &mut slots).await;
    slots.abort_all();
}

/// Runs each request in its slot until the requests end; the tasks still running are left in
/// `slots`.
async fn serve(
    client: ApiClient,
    shared: Arc<Shared>,
    mut rx: UnboundedReceiver<WorkerRequest>,
    out: UnboundedSender<WorkerResponse>,
    slots: &mut JoinMap<Slot, ()>,
) {
    loop {
        tokio::select! {
            biased;
            // Finished (or panicked) tasks leave the map, before anything new comes in.
            Some(_) = slots.join_next(), if !slots.is_empty() => {}
            req = rx.recv() => match req {
                Some(WorkerRequest::Cancel { slot }) => {
                    slots.abort(&slot);
                }
                // A task already in the slot is aborted and replaced.
                Some(WorkerRequest::Fetch { id, slot, fetch }) => {
                    let (client, out, shared) = (client.clone(), out.clone(), shared.clone());
                    let failing = Default::default();
                    slots.spawn(slot, Task { id, client, out, shared, failing }.run(fetch));
                }
                None => break,
            },
        }
    }
}

struct Task {
    id: RequestId,
    client: ApiClient,
    out: UnboundedSender<WorkerResponse>,
    shared: Arc<Shared>,
    /// An insight load's failing phases by procedure, for the runs that reached them.
    failing: failure_list::FailingNames,
}

impl Task {
    fn send(&self, event: WorkerEvent) {
        let _ = self.out.send(WorkerResponse { id: self.id, event });
    }

    async fn run(self, fetch: Fetch) {
        match fetch {
            Fetch::Runs(req) => self.runs_cached(&req).await,
            Fetch::Run { run_id } => self.run_cached(&run_id).await,
            Fetch::Unit { serial } => {
                let r = self
                    .retrying(|c, report| {
                        let (serial, shared) = (serial.clone(), self.shared.clone());
                        async move { unit::fetch(&c, &serial, &report, &shared.name_pool).await }
                    })
                    .await;
                self.send(WorkerEvent::Unit(r));
            }
            Fetch::RunPair { before, after } => {
                let r = self
                    .retrying(|c, report| {
                        let (before, after) = (before.clone(), after.clone());
                        async move {
                            let (a, b) = tokio::join!(
                                run_head(&c, &before, &report),
                                run_head(&c, &after, &report)
                            );
                            Ok(Box::new((a?, b?)))
                        }
                    })
                    .await;
                self.send(WorkerEvent::RunPair(r));
            }
            Fetch::Population { req, failures } => self.analysis(&req, failures).await,
            Fetch::FirstFailures { run_ids } => self.first_failures(run_ids).await,
            Fetch::ExportRows(req) => self.export_rows(*req).await,
            Fetch::FieldValues => self.field_values().await,
            Fetch::Trend { req, target } => self.trend(&req, &target).await,
            Fetch::Download { url, dir, name } => {
                let r = download::save(&self.client, &url, &dir, &name, self.progress()).await;
                self.send(WorkerEvent::Saved(r));
            }
            Fetch::UpdateMetadata { run_id, changes } => {
                let r = self.client.update_metadata(&run_id, &changes).await;
                if r.is_ok() {
                    self.metadata_changed(&run_id, changes);
                }
                let r = r.map(|_| vec![run_id]);
                self.send(WorkerEvent::Done(r));
            }
            Fetch::UpdateUnitMetadata { serial, changes } => {
                let body = serde_json::Map::from_iter([(
                    "metadata".to_string(),
                    serde_json::Value::Object(changes),
                )]);
                let r = self.client.update_unit(&serial, &body).await.map(|_| vec![serial]);
                self.send(WorkerEvent::Done(r));
            }
            Fetch::SendOutbox(changes) => self.send_outbox(&changes).await,
            Fetch::Procedures => {
                let r = self.retrying(|c, report| async move { c.procedures("", &report).await });
                self.send(WorkerEvent::Procedures(r.await));
            }
            Fetch::CreateRun { body } => {
                let r = self.client.create_run(&body).await.map(|id| vec![id]);
                self.send(WorkerEvent::Done(r));
            }
            Fetch::DeleteRuns { ids } => {
                let r = self.client.delete_runs(&ids).await;
                self.send(WorkerEvent::Done(r));
            }
            Fetch::Upload { run_id, path } => {
                self.upload(upload::Owner::Run(&run_id), &path).await;
            }
            Fetch::UploadToUnit { serial, path } => {
                self.upload(upload::Owner::Unit(&serial), &path).await;
            }
        }
    }

    /// The one progress throttle of a transfer (download, upload): the first update goes out
    /// at once (the bar appears when the transfer starts), then at most ~20 a second, and
    /// always the last one.
    fn progress(&self) -> impl Fn(u64, Option<u64>) + Send + Sync + 'static {
        let (out, id) = (self.out.clone(), self.id);
        let last = std::sync::Mutex::new(None::<std::time::Instant>);
        move |received, total| {
            let mut l = last.lock().unwrap_or_else(|p| p.into_inner());
            if l.is_none_or(|t| t.elapsed() > Duration::from_millis(50)) || Some(received) == total
            {
                *l = Some(std::time::Instant::now());
                let _ = out
                    .send(WorkerResponse { id, event: WorkerEvent::Progress { received, total } });
            }
        }
    }

    /// Uploads `path` to a run or a unit, reporting progress and the outcome.
    async fn upload(&self, owner: upload::Owner<'_>, path: &std::path::Path) {
        match upload::upload(&self.client, owner, path, self.progress()).await {
            Ok(att) => self.send(WorkerEvent::Done(Ok(vec![att]))),
            Err((step, error)) => self.send(WorkerEvent::UploadFailed { step, error }),
        }
    }

    /// Runs `f` until it succeeds or fails for a reason other than the connection: while the
    /// server cannot be reached it keeps trying (reporting each attempt), as long as the
    /// request is wanted (a newer one aborts this task).
    async fn retrying<T, F, Fut>(&self, f: F) -> Result<T, ClientError>
    where
        F: Fn(ApiClient, Report) -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        let attempts = Arc::new(AtomicU32::new(0));
        let (out, id, n) = (self.out.clone(), self.id, attempts.clone());
        // Reports the 429/5xx retries the client makes on its own.
        let report: Report = Arc::new(move |e: &ClientError, delay| {
            let attempt = n.fetch_add(1, Ordering::Relaxed) + 1;
            let _ = out.send(WorkerResponse {
                id,
                event: WorkerEvent::Retrying { attempt, delay, error: e.clone() },
            });
        });
        loop {
            match f(self.client.clone(), report.clone()).await {
                Err(e) if e.is_offline() => {
                    let attempt = attempts.fetch_add(1, Ordering::Relaxed) + 1;
                    let delay = client::backoff(attempt).min(MAX_OFFLINE_DELAY);
                    self.send(WorkerEvent::Retrying { attempt, delay, error: e });
                    tokio::time::sleep(delay).await;
                }
                other => return other,
            }
        }
    }

    /// The query string of a list request's filter (names resolved to ids).
    async fn filter_params(
        &self,
        req: &ListRequest,
    ) -> Result<Vec<(&'static str, String)>, ClientError> {
        let names = req.query.names();
        let resolved = self
            .retrying(|c, report| {
                let (names, shared) = (names.clone(), self.shared.clone());
                async move { resolve::resolve(&c, &shared.names, &names, &report).await }
            })
            .await?;
        Ok(to_params(&req.query, &resolved, req.now_ms, req.tz))
    }

    async fn runs(&self, req: &ListRequest) -> Result<(RunsPage, bytes::Bytes), ClientError> {
        let mut params = self.filter_params(req).await?;
        params.push(("sort_by", req.sort_by.as_str().to_string()));
        params.push(("sort_order", req.sort_order.as_str().to_string()));
        params.push(("limit", req.limit.to_string()));
        // The list's disposition column and the exports' metadata columns.
        params.push(("include_metadata", "true".into()));
        if let Some(c) = req.cursor {
            params.push(("cursor", c.to_string()));
        }
        if let Some(t) = req.created_after_ms {
            params.retain(|(k, _)| *k != "created_after");
            params.push(("created_after", query_timestamp(&from_ms(t))));
        }
        let body = self
            .retrying(|c, report| {
                let params = params.clone();
                async move { c.list_runs_raw(&params, &report).await }
            })
            .await?;
        let mut page = {
            let mut name_pool = self.shared.name_pool.lock().unwrap_or_else(|p| p.into_inner());
            client::decode_page(&body, &mut name_pool)?
        };
        page.rows.retain(|r| req.query.keeps_serial(&r.serial));
        Ok((page, body))
    }
}

/// Names typed in a filter (procedure, station, operator, user) → the ids the API filters
/// on, for one command (`tofui runs ls`): nothing is kept between calls.
pub async fn resolve_names(
    client: &ApiClient,
    wanted: &[(crate::query::NameKind, String)],
    report: &Report,
) -> Result<crate::query::Resolved, ClientError> {
    resolve::resolve(client, &Mutex::new(Names::default()), wanted, report).await
}

/// A run without its logs.
pub(super) async fn run_head(
    c: &ApiClient,
    id: &str,
    report: &Report,
) -> Result<RunDetail, ClientError> {
    let body = c.get_run_body(id, report).await?;
    client::blocking(move || client::decode_run_head(&body).map(|(run, _)| run)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn finished_mutation_and_download_tasks_leave_the_task_map() {
        // Nothing listens on port 9: every request fails at once.
        let client = ApiClient::new(&ClientConfig {
            url: "http://127.0.0.1:9".into(),
            api_key: "k".into(),
            ca_cert: None,
            timeout: Duration::from_secs(5),
        })
        .expect("client");
        let (tx, rx) = unbounded_channel();
        let (out, mut answers) = unbounded_channel();
        let mut slots = JoinMap::new();
        let dir = std::env::temp_dir();
        let driver = async move {
            for id in 1..=20 {
                let fetch = if id % 2 == 0 {
                    Fetch::DeleteRuns { ids: vec![format!("run-{id}")] }
                } else {
                    let url = "http://127.0.0.1:9/files/x".to_string();
                    Fetch::Download { url, dir: dir.clone(), name: "x".into() }
                };
                tx.send(WorkerRequest::Fetch { id, slot: Slot::Mutation(id), fetch })
                    .expect("sent");
            }
            let mut done = 0;
            while done < 20 {
                match answers.recv().await.map(|r: WorkerResponse| r.event) {
                    Some(WorkerEvent::Done(_) | WorkerEvent::Saved(_)) => done += 1,
                    Some(_) => {}
                    None => panic!("the worker stopped"),
                }
            }
            // The requests end: the worker stops after reaping what finished.
        };
        tokio::join!(serve(client, Default::default(), rx, out, &mut slots), driver);
        assert_eq!(slots.len(), 0, "20 finished tasks are not kept");
    }
}
