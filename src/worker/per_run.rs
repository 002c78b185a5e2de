//! The failures of an insight load from a server without `/v2/phases` or `/v2/measurements`:
//! each failing run read whole (without its logs), a few at a time, sent in batches with how
//! many are in, so the pane fills and says why it is slower.

use futures::StreamExt;

use super::{AnalysisFailureRows, PerRun, Task, WorkerEvent};

/// Runs read at once.
const AT_ONCE: usize = 8;
/// Runs per batch sent to the pane.
const BATCH: usize = 16;

impl Task {
    pub(super) async fn failures_run_by_run(&self, failing: &[String], why: String) {
        let of = failing.len();
        let mut reads = futures::stream::iter(failing.iter().cloned())
            .map(|id| {
                self.retrying(move |c, report| {
                    let id = id.clone();
                    async move { super::run_head(&c, &id, &report).await }
                })
            })
            .buffered(AT_ONCE);
        let mut batch = Vec::new();
        let mut read = 0;
        loop {
            let next = reads.next().await;
            let last = next.is_none();
            match next {
                Some(Ok(run)) => {
                    read += 1;
                    batch.push(run);
                }
                // A run deleted since the list was read has no failure to count.
                Some(Err(super::ClientError::NotFound(_))) => read += 1,
                Some(Err(e)) => {
                    return self.send(WorkerEvent::AnalysisFailures { rows: Err(e), done: true });
                }
                None => {}
            }
            if last || batch.len() == BATCH {
                let per_run = Some(PerRun { why: why.clone(), read, of });
                let runs = std::mem::take(&mut batch);
                let rows = AnalysisFailureRows { runs, per_run, ..AnalysisFailureRows::default() };
                self.send(WorkerEvent::AnalysisFailures { rows: Ok(rows), done: last });
            }
            if last {
                return;
            }
        }
    }
}
