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

/// Bodies as kept: zstd at a fast level (JSON rows shrink to about a third), one context
/// for many (a context per body cost more than the compression).
pub(super) struct Packer(Option<zstd::bulk::Compressor<'static>>);

impl Packer {
    pub(super) fn new() -> Packer {
        Packer(zstd::bulk::Compressor::new(3).ok())
    }

    pub(super) fn pack(&mut self, body: &str) -> Vec<u8> {
        self.0
            .as_mut()
            .and_then(|c| c.compress(body.as_bytes()).ok())
            .unwrap_or_else(|| body.as_bytes().to_vec())
    }
}

/// Bodies as kept, read back (empty: not one this cache wrote), one context for many.
fn covered(c: &rusqlite::Connection, key: &str) -> rusqlite::Result<Option<Covered>> {
    c.query_row(
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
    .optional()
}

/// A kept run as SQLite holds it (its body zstd-packed).
struct Packed {
    id: String,
    started_ms: i64,
    procedure_id: String,
    body: Vec<u8>,
    failures_known: bool,
}

pub(super) struct Unpacker(Option<zstd::bulk::Decompressor<'static>>);

impl Unpacker {
    pub(super) fn new() -> Unpacker {
        Unpacker(zstd::bulk::Decompressor::new().ok())
    }

    pub(super) fn unpack(&mut self, bytes: &[u8]) -> String {
        let size = zstd::zstd_safe::get_frame_content_size(bytes).ok().flatten();
        let (Some(d), Some(size)) = (self.0.as_mut(), size) else { return String::new() };
        d.decompress(bytes, size as usize)
            .map(|b| String::from_utf8(b).unwrap_or_default())
            .unwrap_or_default()
    }
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
        self.population_as(key, lo, hi, Some)
    }

    /// As [`Cache::population`], each run read with `read` (`None`: left out). The bodies are
    /// unpacked and read on every core (most of a warm insight pane's time is here), after the
    /// rows are out of SQLite, so the cache is not held meanwhile.
    pub fn population_as<T: Send>(
        &self,
        key: &str,
        lo: i64,
        hi: i64,
        read: impl Fn(KeptSummary) -> Option<T> + Sync,
    ) -> Option<(Covered, Vec<T>)> {
        let t0 = std::time::Instant::now();
        let (covered, packed) = self.population_packed(key, lo, hi)?;
        let sql_ms = t0.elapsed().as_millis() as u64;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        let chunk = packed.len().div_ceil(threads).max(1);
        let read = &read;
        let rows: Vec<T> = std::thread::scope(|s| {
            let parts: Vec<_> = packed
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || {
                        let mut u = Unpacker::new();
                        part.iter()
                            .filter_map(|p| {
                                read(KeptSummary {
                                    id: p.id.clone(),
                                    started_ms: p.started_ms,
                                    procedure_id: p.procedure_id.clone(),
                                    body: u.unpack(&p.body),
                                    failures_known: p.failures_known,
                                })
                            })
                            .collect::<Vec<T>>()
                    })
                })
                .collect();
            parts.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
        });
        tracing::debug!(
            sql_ms,
            ms = t0.elapsed().as_millis() as u64,
            n = rows.len(),
            threads,
            "cache: population read"
        );
        Some((covered, rows))
    }

    /// The span a population covers, when it is kept.
    pub fn covered(&self, key: &str) -> Option<Covered> {
        self.with(|c| covered(c, key)).flatten()
    }

    /// The population's span and its runs in `lo..=hi`, newest first, bodies still packed.
    fn population_packed(&self, key: &str, lo: i64, hi: i64) -> Option<(Covered, Vec<Packed>)> {
        self.with(|c| {
            let Some(covered) = covered(c, key)? else { return Ok(None) };
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
                    Ok(Packed {
                        id: r.get(0)?,
                        started_ms: r.get(1)?,
                        procedure_id: r.get(2)?,
                        body: r.get(3)?,
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
        let t0 = std::time::Instant::now();
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
                let mut p = Packer::new();
                for s in &change.upserts {
                    put.execute(params![s.id, s.started_ms, s.procedure_id, p.pack(&s.body)])?;
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
        tracing::debug!(
            ms = t0.elapsed().as_millis() as u64,
            n = change.upserts.len(),
            "cache: population kept"
        );
        if evict == Some(true) {
            self.evict();
        }
    }

    /// The failing rows kept for the runs of population `key` that `wanted` keeps.
    pub fn failures_of(&self, key: &str, wanted: impl Fn(&str) -> bool) -> Vec<KeptFailure> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT f.run_id, f.measurement, f.body FROM members m
                 JOIN failure_rows f ON f.run_id = m.id WHERE m.key = ?1 ORDER BY f.rowid",
            )?;
            let mut u = Unpacker::new();
            let mut out = Vec::new();
            let mut rows = st.query([key])?;
            while let Some(r) = rows.next()? {
                let run_id = r.get_ref(0)?.as_str()?;
                if !wanted(run_id) {
                    continue;
                }
                out.push(KeptFailure {
                    run_id: run_id.to_string(),
                    measurement: r.get::<_, i64>(1)? != 0,
                    body: u.unpack(r.get_ref(2)?.as_blob()?),
                });
            }
            Ok(out)
        })
        .unwrap_or_default()
    }

    /// Keeps the failing rows of runs whose rows are now all known (`known`: their ids; the
    /// rows of each replace what was kept for it), and marks them known.
    pub fn put_failures(&self, known: &[String], rows: &[KeptFailure]) {
        let t0 = std::time::Instant::now();
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
                let mut p = Packer::new();
                for r in rows {
                    put.execute(params![r.run_id, r.measurement as i64, p.pack(&r.body)])?;
                }
            }
            tx.commit()
        });
        tracing::debug!(
            ms = t0.elapsed().as_millis() as u64,
            n = known.len(),
            "cache: failing rows kept"
        );
    }

    /// Drops the least recently used population and what only it held.
    pub(super) fn evict_population(c: &rusqlite::Connection) -> rusqlite::Result<usize> {
        let key: Option<String> = c
            .query_row("SELECT key FROM populations ORDER BY used_ms LIMIT 1", [], |r| r.get(0))
            .optional()?;
        let Some(key) = key else { return Ok(0) };
        c.execute("DELETE FROM populations WHERE key = ?1", [&key])?;
        c.execute("DELETE FROM members WHERE key = ?1", [&key])?;
        for table in ["failure_rows", "reached", "run_values"] {
            c.execute(
                &format!(
                    "DELETE FROM {table} WHERE run_id IN (SELECT id FROM summaries
                     WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.id = summaries.id))"
                ),
                [],
            )?;
        }
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

/// Of these runs, those no population holds any more go, with their failing rows, phases and
/// values.
fn drop_orphans(c: &rusqlite::Connection, ids: &[String]) -> rusqlite::Result<()> {
    let mut held = c.prepare_cached("SELECT 1 FROM members WHERE id = ?1 LIMIT 1")?;
    let mut rows = c.prepare_cached("DELETE FROM failure_rows WHERE run_id = ?1")?;
    let mut reached = c.prepare_cached("DELETE FROM reached WHERE run_id = ?1")?;
    let mut values = c.prepare_cached("DELETE FROM run_values WHERE run_id = ?1")?;
    let mut summary = c.prepare_cached("DELETE FROM summaries WHERE id = ?1")?;
    for id in ids {
        if !held.exists([id])? {
            rows.execute([id])?;
            reached.execute([id])?;
            values.execute([id])?;
            summary.execute([id])?;
        }
    }
    Ok(())
}
