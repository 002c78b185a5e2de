//! What the insight panes keep (issue 26, incremental insight): run summaries by id, and for
//! each population (a filter without its time window) which runs it holds over which span of
//! start times, so a pane reopened, or opened with a wider window, fetches only what it lacks.
//! Failing phase and measurement rows are kept by run, with a mark on each run whose rows
//! are known.

use rusqlite::{OptionalExtension, params};

use super::{Cache, now_ms};

/// The span of start times (ms, both ends inclusive) over which a population's runs are all
/// in the cache, as of `synced_ms` (the client's clock when the server last answered).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Covered {
    pub from_ms: i64,
    pub to_ms: i64,
    pub synced_ms: i64,
    /// The latest creation time of its runs, by the server's clock (`i64::MIN`: none known):
    /// the runs created since are what a sync asks for.
    pub created_ms: i64,
}

/// A run summary as kept: the server's JSON of the row (with metadata), its start, and
/// whether its failing rows are known.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptSummary {
    pub id: String,
    pub started_ms: i64,
    pub procedure_id: String,
    pub body: String,
    pub failures_known: bool,
}

/// Failing rows as kept: 0 a phase, 1 a measurement, with the server's JSON of the row.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptFailure {
    pub run_id: String,
    pub measurement: bool,
    pub body: String,
}

/// A body as kept: zstd at a fast level (JSON rows shrink to about a third).
fn pack(body: &str) -> Vec<u8> {
    zstd::bulk::compress(body.as_bytes(), 3).unwrap_or_else(|_| body.as_bytes().to_vec())
}

/// A body as kept, read back (empty: not one this cache wrote).
fn unpack(bytes: &[u8]) -> String {
    zstd::stream::decode_all(bytes)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

pub(super) const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS summaries (
        id TEXT PRIMARY KEY, started_ms INTEGER NOT NULL, procedure_id TEXT NOT NULL,
        body BLOB NOT NULL, failures_known INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS populations (
        key TEXT PRIMARY KEY, from_ms INTEGER NOT NULL, to_ms INTEGER NOT NULL,
        synced_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL, used_ms INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS members (
        key TEXT NOT NULL, id TEXT NOT NULL, started_ms INTEGER NOT NULL,
        PRIMARY KEY (key, id)) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS members_started ON members (key, started_ms);
    CREATE INDEX IF NOT EXISTS members_id ON members (id);
    CREATE TABLE IF NOT EXISTS failure_rows (
        run_id TEXT NOT NULL, measurement INTEGER NOT NULL, body BLOB NOT NULL);
    CREATE INDEX IF NOT EXISTS failure_rows_run ON failure_rows (run_id);
";

/// A change to a population after a sync with the server.
#[derive(Debug, Default)]
pub struct PopulationChange {
    /// Runs new to it (or read again).
    pub upserts: Vec<KeptSummary>,
    /// Runs it no longer holds (deleted on the server, or past the cap).
    pub removes: Vec<String>,
    pub covered: Option<Covered>,
}

impl Cache {
    /// What the cache holds of a population: its span, and its runs started in `lo..=hi`,
    /// newest first.
    pub fn population(&self, key: &str, lo: i64, hi: i64) -> Option<(Covered, Vec<KeptSummary>)> {
        self.with(|c| {
            let covered = c
                .query_row(
                    "SELECT from_ms, to_ms, synced_ms, created_ms FROM populations WHERE key = ?1",
                    [key],
                    |r| {
                        Ok(Covered {
                            from_ms: r.get(0)?,
                            to_ms: r.get(1)?,
                            synced_ms: r.get(2)?,
                            created_ms: r.get(3)?,
                        })
                    },
                )
                .optional()?;
            let Some(covered) = covered else { return Ok(None) };
            c.execute(
                "UPDATE populations SET used_ms = ?2 WHERE key = ?1",
                params![key, now_ms()],
            )?;
            let mut st = c.prepare_cached(
                "SELECT s.id, s.started_ms, s.procedure_id, s.body, s.failures_known
                 FROM members m JOIN summaries s ON s.id = m.id
                 WHERE m.key = ?1 AND m.started_ms BETWEEN ?2 AND ?3
                 ORDER BY m.started_ms DESC, m.id DESC",
            )?;
            let rows = st
                .query_map(params![key, lo, hi], |r| {
                    Ok(KeptSummary {
                        id: r.get(0)?,
                        started_ms: r.get(1)?,
                        procedure_id: r.get(2)?,
                        body: unpack(&r.get::<_, Vec<u8>>(3)?),
                        failures_known: r.get::<_, i64>(4)? != 0,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Some((covered, rows)))
        })
        .flatten()
    }

    /// Applies a sync's change to a population, in one transaction.
    pub fn change_population(&self, key: &str, change: &PopulationChange) {
        let evict = self.with(|c| {
            let tx = c.unchecked_transaction()?;
            {
                let mut put = tx.prepare_cached(
                    "INSERT INTO summaries (id, started_ms, procedure_id, body) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (id) DO UPDATE SET started_ms = ?2, procedure_id = ?3, body = ?4
                     WHERE body != ?4",
                )?;
                let mut member = tx.prepare_cached(
                    "INSERT OR REPLACE INTO members (key, id, started_ms) VALUES (?1, ?2, ?3)",
                )?;
                for s in &change.upserts {
                    put.execute(params![s.id, s.started_ms, s.procedure_id, pack(&s.body)])?;
                    member.execute(params![key, s.id, s.started_ms])?;
                }
                let mut out = tx.prepare_cached("DELETE FROM members WHERE key = ?1 AND id = ?2")?;
                for id in &change.removes {
                    out.execute(params![key, id])?;
                }
            }
            if let Some(cv) = change.covered {
                tx.execute(
                    "INSERT INTO populations (key, from_ms, to_ms, synced_ms, created_ms, used_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (key) DO UPDATE
                     SET from_ms = ?2, to_ms = ?3, synced_ms = ?4, created_ms = ?5, used_ms = ?6",
                    params![key, cv.from_ms, cv.to_ms, cv.synced_ms, cv.created_ms, now_ms()],
                )?;
            }
            drop_orphans(&tx, &change.removes)?;
            tx.commit()?;
            Ok(super::file::size(c)? > self.max_bytes)
        });
        if evict == Some(true) {
            self.evict();
        }
    }

    /// The failing rows kept for these runs.
    pub fn failures_of(&self, run_ids: &[&str]) -> Vec<KeptFailure> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT measurement, body FROM failure_rows WHERE run_id = ?1 ORDER BY rowid",
            )?;
            let mut out = Vec::new();
            for id in run_ids {
                let rows = st.query_map([id], |r| {
                    Ok(KeptFailure {
                        run_id: id.to_string(),
                        measurement: r.get::<_, i64>(0)? != 0,
                        body: unpack(&r.get::<_, Vec<u8>>(1)?),
                    })
                })?;
                for r in rows {
                    out.push(r?);
                }
            }
            Ok(out)
        })
        .unwrap_or_default()
    }

    /// Keeps the failing rows of runs whose rows are now all known (`known`: their ids; the
    /// rows of each replace what was kept for it), and marks them known.
    pub fn put_failures(&self, known: &[String], rows: &[KeptFailure]) {
        self.with(|c| {
            let tx = c.unchecked_transaction()?;
            {
                let mut clear = tx.prepare_cached("DELETE FROM failure_rows WHERE run_id = ?1")?;
                let mut mark =
                    tx.prepare_cached("UPDATE summaries SET failures_known = 1 WHERE id = ?1")?;
                for id in known {
                    clear.execute([id])?;
                    mark.execute([id])?;
                }
                let mut put = tx.prepare_cached(
                    "INSERT INTO failure_rows (run_id, measurement, body) VALUES (?1, ?2, ?3)",
                )?;
                for r in rows {
                    put.execute(params![r.run_id, r.measurement as i64, pack(&r.body)])?;
                }
            }
            tx.commit()
        });
    }

    /// Drops the least recently used population and what only it held.
    pub(super) fn evict_population(c: &rusqlite::Connection) -> rusqlite::Result<usize> {
        let key: Option<String> = c
            .query_row("SELECT key FROM populations ORDER BY used_ms LIMIT 1", [], |r| r.get(0))
            .optional()?;
        let Some(key) = key else { return Ok(0) };
        c.execute("DELETE FROM populations WHERE key = ?1", [&key])?;
        c.execute("DELETE FROM members WHERE key = ?1", [&key])?;
        c.execute(
            "DELETE FROM failure_rows WHERE run_id IN (SELECT id FROM summaries
             WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.id = summaries.id))",
            [],
        )?;
        c.execute(
            "DELETE FROM summaries
             WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.id = summaries.id)",
            [],
        )?;
        Ok(1)
    }

    /// How many summaries and failing rows are kept, and their bytes (for `tofui cache stats`).
    pub(super) fn population_counts(c: &rusqlite::Connection) -> rusqlite::Result<[u64; 4]> {
        let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).map(|n| n.max(0) as u64);
        Ok([
            n("SELECT count(*) FROM summaries")?,
            n("SELECT coalesce(sum(length(body)), 0) FROM summaries")?,
            n("SELECT count(*) FROM failure_rows")?,
            n("SELECT coalesce(sum(length(body)), 0) FROM failure_rows")?,
        ])
    }
}

/// Of these runs, those no population holds any more go, with their failing rows.
fn drop_orphans(c: &rusqlite::Connection, ids: &[String]) -> rusqlite::Result<()> {
    let mut held = c.prepare_cached("SELECT 1 FROM members WHERE id = ?1 LIMIT 1")?;
    let mut rows = c.prepare_cached("DELETE FROM failure_rows WHERE run_id = ?1")?;
    let mut summary = c.prepare_cached("DELETE FROM summaries WHERE id = ?1")?;
    for id in ids {
        if !held.exists([id])? {
            rows.execute([id])?;
            summary.execute([id])?;
        }
    }
    Ok(())
}
