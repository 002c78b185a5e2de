//! Sending the outbox (issue 26): each change in order; a run that already holds a change is
//! not sent it again (its first answer was lost), so nothing is applied twice. The server out
//! of reach stops the walk (the rest wait); a change refused (run deleted, 403) is reported and
//! the later changes to the same run or unit wait behind it, in order.

use std::collections::HashSet;

use super::{ClientError, OutboxChange, Task, WorkerEvent};

impl Task {
    pub(super) async fn send_outbox(&self, changes: &[OutboxChange]) {
        let mut blocked: HashSet<String> = HashSet::new();
        for c in changes {
            let target = c.unit_serial.clone().unwrap_or_else(|| c.run_id.clone());
            if blocked.contains(&target) {
                continue;
            }
            let result = self.send_change(c).await;
            match &result {
                Err(e) if e.is_offline() => break,
                Err(_) => {
                    blocked.insert(target);
                }
                Ok(_) => {}
            }
            self.send(WorkerEvent::OutboxSent { seq: c.seq, result });
        }
        self.send(WorkerEvent::OutboxDone);
    }

    /// `Ok(true)`: the run already had the change.
    async fn send_change(&self, c: &OutboxChange) -> Result<bool, ClientError> {
        if let Some(serial) = &c.unit_serial {
            // Setting a unit's keys again sets them to the same values.
            let body = serde_json::Map::from_iter([(
                "metadata".to_string(),
                serde_json::Value::Object(c.changes.clone()),
            )]);
            return self.client.update_unit(serial, &body).await.map(|_| false);
        }
        let params = [("ids", c.run_id.clone()), ("include_metadata", "true".into())];
        let body = self.client.list_runs_raw(&params, &super::client::silent()).await?;
        let page: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| ClientError::Decode(e.to_string()))?;
        let Some(run) = page["data"].as_array().and_then(|rows| rows.first()) else {
            return Err(ClientError::NotFound(format!("run {}", c.run_id)));
        };
        let has = |k: &String, v: &serde_json::Value| {
            let now = run["metadata"].get(k);
            if v.is_null() { now.is_none_or(|n| n.is_null()) } else { now == Some(v) }
        };
        if c.changes.iter().all(|(k, v)| has(k, v)) {
            self.metadata_changed(&c.run_id, c.changes.clone());
            return Ok(true);
        }
        self.client.update_metadata(&c.run_id, &c.changes).await?;
        self.metadata_changed(&c.run_id, c.changes.clone());
        Ok(false)
    }

    /// A run's metadata changed on the server through this client: the local cache's copy
    /// of its summary changes too.
    pub(super) fn metadata_changed(
        &self,
        run_id: &str,
        changes: serde_json::Map<String, serde_json::Value>,
    ) {
        // The population held for a reopening, or read ahead, has the run as it was: read
        // again from the file.
        self.shared.saves.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        *self.shared.session() = None;
        if let Some(a) = self.shared.read_ahead().as_mut() {
            a.rows = None;
        }
        if let Some(cache) = self.shared.cache.clone() {
            let id = run_id.to_string();
            cache.write_behind(move |c| c.change_metadata(&id, &changes));
        }
    }
}
