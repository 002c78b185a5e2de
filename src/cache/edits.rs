//! Changes made through this client, applied to what the cache keeps (issue 26): a metadata
//! change or a disposition saved is in the kept summary of its run, so that a population
//! read from the cache sees it without reading the run again.

use rusqlite::{OptionalExtension, params};

use super::Cache;
use super::population::{Packer, Unpacker};

impl Cache {
    /// A run's metadata changed through this client: its kept summary changes too, so that a
    /// population read from the cache (a triage check, a split by a key) sees it. (Changes
    /// made elsewhere are seen when the run is read again.)
    pub fn change_metadata(&self, id: &str, changes: &serde_json::Map<String, serde_json::Value>) {
        self.with(|c| {
            let body: Option<Vec<u8>> = c
                .query_row("SELECT body FROM summaries WHERE id = ?1", [id], |r| r.get(0))
                .optional()?;
            let Some(body) = body else { return Ok(()) };
            let Ok(mut run) =
                serde_json::from_str::<serde_json::Value>(&Unpacker::new().unpack(&body))
            else {
                return Ok(());
            };
            let Some(o) = run.as_object_mut() else { return Ok(()) };
            let meta = o.entry("metadata").or_insert_with(|| serde_json::json!({}));
            if let Some(m) = meta.as_object_mut() {
                for (k, v) in changes {
                    match v {
                        serde_json::Value::Null => m.remove(k),
                        v => m.insert(k.clone(), v.clone()),
                    };
                }
            }
            let packed = Packer::new().pack(&run.to_string());
            c.execute("UPDATE summaries SET body = ?2 WHERE id = ?1", params![id, packed])?;
            Ok(())
        });
    }
}
