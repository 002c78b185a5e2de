//! The runs an insight pane computes from: every run the view's filter matches, newest first,
//! with its metadata, page after page (several pages at once: the cursor is an offset), each
//! batch sent as it arrives so the pane fills while it loads. Capped at [`ANALYSIS_CAP`] runs.

use serde_json::value::RawValue;

use super::client::ClientError;
use super::{ANALYSIS_CAP, ListRequest, Task, WorkerEvent};
use crate::api::{ListMeta, RunSummary};

/// Runs per page (the API's largest page).
const PAGE: usize = 100;
/// Pages asked for at once.
const AHEAD: usize = 4;

#[derive(serde::Deserialize)]
struct RawPage {
    #[serde(default)]
    data: Vec<Box<RawValue>>,
    #[serde(default)]
    meta: ListMeta,
}

/// A page's rows, each read on its own (a row that cannot be read is counted, not fatal),
/// how many could not be read, and whether more pages follow.
fn decode(body: &[u8]) -> Result<(Vec<RunSummary>, usize, bool), ClientError> {
    let page: RawPage =
        serde_json::from_slice(body).map_err(|e| ClientError::Decode(e.to_string()))?;
    let rows: Vec<RunSummary> =
        page.data.iter().filter_map(|r| serde_json::from_str(r.get()).ok()).collect();
    Ok({
        let bad = page.data.len() - rows.len();
        (rows, bad, page.meta.has_more)
    })
}

impl Task {
    pub(super) async fn analysis(&self, req: &ListRequest) {
        let mut params = match self.filter_params(req).await {
            Ok(p) => p,
            Err(e) => {
                return self.send(WorkerEvent::AnalysisRuns {
                    rows: Err(e),
                    unreadable: 0,
                    done: true,
                    capped: false,
                });
            }
        };
        params.push(("sort_by", "started_at".into()));
        params.push(("sort_order", "desc".into()));
        params.push(("include_metadata", "true".into()));
        params.push(("limit", PAGE.to_string()));
        let mut offset = 0usize;
        loop {
            let asks = (0..AHEAD).map(|k| {
                let mut p = params.clone();
                let at = offset + k * PAGE;
                if at > 0 {
                    p.push(("cursor", at.to_string()));
                }
                self.retrying(move |c, report| {
                    let p = p.clone();
                    async move { c.list_runs_raw(&p, &report).await }
                })
            });
            let bodies = futures::future::join_all(asks).await;
            let mut rows = Vec::new();
            let mut unreadable = 0;
            let mut more = true;
            for body in bodies {
                let page = body.and_then(|b| decode(&b));
                match page {
                    Ok((r, bad, has_more)) => {
                        rows.extend(
                            r.into_iter().filter(|r| req.query.keeps_serial(&r.unit.serial_number)),
                        );
                        unreadable += bad;
                        offset += PAGE;
                        if !has_more {
                            more = false;
                            break;
                        }
                    }
                    Err(e) => {
                        if !rows.is_empty() {
                            let (done, capped) = (false, false);
                            self.send(WorkerEvent::AnalysisRuns {
                                rows: Ok(rows),
                                unreadable,
                                done,
                                capped,
                            });
                        }
                        let (done, capped) = (true, false);
                        return self.send(WorkerEvent::AnalysisRuns {
                            rows: Err(e),
                            unreadable: 0,
                            done,
                            capped,
                        });
                    }
                }
            }
            // At the cap the pane is told more exist; nothing more is fetched.
            let capped = more && offset >= ANALYSIS_CAP;
            let done = !more || capped;
            self.send(WorkerEvent::AnalysisRuns { rows: Ok(rows), unreadable, done, capped });
            if done {
                return;
            }
        }
    }
}
