//! A measurement's values by run, for the trend (issue 26): a run's values never change, so
//! what was read of a run stays true, and a reopened trend asks the server only about the runs
//! it has not read. A run read with no value of the measurement is kept too (an empty list),
//! so that it is not asked about again. Runs no population holds any more go with their rows.

use std::collections::HashMap;

use rusqlite::params;

use super::Cache;
use super::population::{Packer, Unpacker};

pub(super) const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS run_values (
        target TEXT NOT NULL, run_id TEXT NOT NULL, body BLOB NOT NULL,
        PRIMARY KEY (target, run_id)) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS run_values_run ON run_values (run_id);
";

/// A measurement as the cache names it: its procedure, phase and name.
pub fn values_target(procedure_id: &str, phase: &str, measurement: &str) -> String {
    format!("{procedure_id}\u{1f}{phase}\u{1f}{measurement}")
}

impl Cache {
    /// The kept values of `target` of those of `runs` that were read: per run, its values as
    /// a JSON array (`[]`: read, none).
    pub fn values_of(&self, target: &str, runs: &[String]) -> HashMap<String, String> {
        self.with(|c| {
            let mut st =
                c.prepare_cached("SELECT body FROM run_values WHERE target = ?1 AND run_id = ?2")?;
            let mut u = Unpacker::new();
            let mut out = HashMap::new();
            for id in runs {
                let mut rows = st.query(params![target, id])?;
                if let Some(r) = rows.next()? {
                    out.insert(id.clone(), u.unpack(r.get_ref(0)?.as_blob()?));
                }
            }
            Ok(out)
        })
        .unwrap_or_default()
    }

    /// Keeps the values of `target` read for these runs (each a JSON array).
    pub fn put_values(&self, target: &str, runs: &[(String, String)]) {
        self.with(|c| {
            let tx = c.unchecked_transaction()?;
            {
                let mut put = tx.prepare_cached(
                    "INSERT OR REPLACE INTO run_values (target, run_id, body) VALUES (?1, ?2, ?3)",
                )?;
                let mut p = Packer::new();
                for (id, body) in runs {
                    put.execute(params![target, id, p.pack(body)])?;
                }
            }
            tx.commit()
        });
    }
}

impl Cache {
    /// Whether any run's values of `target` are kept.
    pub fn holds_values(&self, target: &str) -> bool {
        self.with(|c| {
            let mut st = c.prepare_cached("SELECT 1 FROM run_values WHERE target = ?1 LIMIT 1")?;
            st.exists([target])
        })
        .unwrap_or(false)
    }
}
