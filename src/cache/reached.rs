//! Which failing phases each kept run ran (issue 25: the population of a phase's failures is
//! the runs that ran it). A run's phases never change, so what was asked of a run stays true:
//! per run, the phase names asked about and those it ran. A reopened pane asks the server only
//! for the runs, and the phases, not asked about yet.

use std::collections::{BTreeSet, HashMap};

use rusqlite::params;

use super::Cache;

pub(super) const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS reached (
        run_id TEXT PRIMARY KEY, asked TEXT NOT NULL, ran TEXT NOT NULL) WITHOUT ROWID;
";

/// Between names in a kept list (a phase name holds no control characters).
const SEP: char = '\u{1f}';

/// What is known of one run: the phases asked about, and those of them it ran.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeptReached {
    pub asked: BTreeSet<String>,
    pub ran: BTreeSet<String>,
}

fn split(s: &str) -> BTreeSet<String> {
    s.split(SEP).filter(|n| !n.is_empty()).map(str::to_string).collect()
}

fn join(names: &BTreeSet<String>) -> String {
    names.iter().map(String::as_str).collect::<Vec<_>>().join(&SEP.to_string())
}

impl Cache {
    /// What is kept of the runs of population `key`.
    pub fn reached_of(&self, key: &str) -> HashMap<String, KeptReached> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT r.run_id, r.asked, r.ran FROM members m
                 JOIN reached r ON r.run_id = m.id WHERE m.key = ?1",
            )?;
            let rows = st.query_map([key], |r| {
                let (asked, ran): (String, String) = (r.get(1)?, r.get(2)?);
                Ok((r.get::<_, String>(0)?, KeptReached { asked: split(&asked), ran: split(&ran) }))
            })?;
            rows.collect::<rusqlite::Result<HashMap<_, _>>>()
        })
        .unwrap_or_default()
    }

    /// Keeps what is now known of these runs (each replaces what was kept for it).
    pub fn put_reached(&self, runs: &[(String, KeptReached)]) {
        self.with(|c| {
            let tx = c.unchecked_transaction()?;
            {
                let mut put = tx.prepare_cached(
                    "INSERT OR REPLACE INTO reached (run_id, asked, ran) VALUES (?1, ?2, ?3)",
                )?;
                for (id, k) in runs {
                    put.execute(params![id, join(&k.asked), join(&k.ran)])?;
                }
            }
            tx.commit()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_kept() {
        let names: BTreeSet<String> = ["Power", "Thermal load", ""].map(String::from).into();
        let back = split(&join(&names));
        assert_eq!(back.len(), 2, "an empty name is none");
        assert!(back.contains("Thermal load") && back.contains("Power"));
    }
}
