//! The runs list's failure column: each failing run on screen read once (without its logs),
//! a few at a time, and boiled down to its first failure before it leaves the worker.

use futures::StreamExt;

use super::{Task, WorkerEvent, client, run_head};
use crate::model::FirstFailure;

/// Runs read at once.
const AT_ONCE: usize = 4;

impl Task {
    pub(super) async fn first_failures(&self, run_ids: Vec<String>) {
        let report = client::silent();
        let mut answers = futures::stream::iter(run_ids)
            .map(|run_id| {
                let (c, report) = (self.client.clone(), report.clone());
                async move {
                    let run = run_head(&c, &run_id, &report).await;
                    (run_id, run.map(|r| FirstFailure::of(&r)))
                }
            })
            .buffer_unordered(AT_ONCE);
        while let Some((run_id, failure)) = answers.next().await {
            self.send(WorkerEvent::FirstFailure { run_id, failure });
        }
    }
}
