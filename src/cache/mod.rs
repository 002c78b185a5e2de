//! The persistent local cache (issue 26): what the server answered, kept between sessions so
//! a view shows its last rows at once and tofui is readable offline.
//!
//! - One SQLite file per instance URL and API key, named by a hash of both: a station key never
//!   reads what a user key cached, and the file is found without the network. The key itself is
//!   never stored (nor is anything from which it could be read back).
//! - Mode 0600 in a 0700 folder (the user's cache folder, `tofui cache path`).
//! - Bounded (default 500 MB): past the bound the least recently used entries go.
//! - Versioned: a file of another version, or one SQLite cannot read, is moved aside and a new
//!   one started. A cache that fails while in use is switched off for the session, with a line
//!   in the log: it never stops the dashboard.
//!
//! What it keeps: each view's first page (the API's JSON, by the view's filter and sort) and
//! run bodies by id (phases, measurements and logs do not change once a run exists; what can,
//! metadata and attachments, is fetched again whenever a run is shown).

mod edits;
mod file;
mod population;
mod reached;
mod values;
mod writes;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

pub use file::{default_dir, file_for};
pub use population::{Covered, KeptFailure, KeptSummary, PopulationChange};
pub use reached::KeptReached;
pub use values::values_target;

/// The schema's version: a file of another one is set aside.
pub const VERSION: i32 = 4;
/// The default bound on the file's size.
pub const DEFAULT_MAX_BYTES: u64 = 500 * 1024 * 1024;

/// An answer as it was kept, and when it came from the server.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    pub body: Vec<u8>,
    pub fetched_ms: i64,
}

/// What `tofui cache stats` prints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub lists: u64,
    pub runs: u64,
    /// Run summaries and failing rows kept for the insight panes.
    pub summaries: u64,
    pub summary_bytes: u64,
    pub failure_rows: u64,
    pub failure_bytes: u64,
    pub bytes: u64,
    pub max_bytes: u64,
}

pub struct Cache {
    conn: Mutex<Option<Connection>>,
    path: PathBuf,
    max_bytes: u64,
    writes: writes::Writes,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("path", &self.path).finish_non_exhaustive()
    }
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS lists (
        key TEXT PRIMARY KEY, body BLOB NOT NULL, fetched_ms INTEGER NOT NULL,
        used_ms INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS runs (
        id TEXT PRIMARY KEY, body BLOB NOT NULL, fetched_ms INTEGER NOT NULL,
        used_ms INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS lists_used ON lists (used_ms);
    CREATE INDEX IF NOT EXISTS runs_used ON runs (used_ms);
";

fn schema() -> String {
    format!("{SCHEMA}{}{}{}", population::SCHEMA, reached::SCHEMA, values::SCHEMA)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Cache {
    /// Opens (or makes) the cache file at `path`. A file that is not this version's cache is
    /// moved aside (`….old`) and a new one made; `Err` only when no file can be made at all.
    pub fn open(path: &Path, max_bytes: u64) -> Result<Cache, String> {
        let conn = match file::open_checked(path) {
            Ok(c) => c,
            Err(why) => {
                let aside = path.with_extension("sqlite3.old");
                tracing::warn!("cache {}: {why}; moved to {}", path.display(), aside.display());
                file::move_aside(path, &aside)?;
                file::open_checked(path).map_err(|e| format!("cache {}: {e}", path.display()))?
            }
        };
        Ok(Cache {
            conn: Mutex::new(Some(conn)),
            path: path.to_path_buf(),
            max_bytes,
            writes: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the connection; an error switches the cache off for the session.
    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Option<T> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let conn = guard.as_ref()?;
        match f(conn) {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::warn!(
                    "cache {} failed ({e}); not used until restart",
                    self.path.display()
                );
                *guard = None;
                None
            }
        }
    }

    /// A view's first page as last seen (`key`: its filter and sort).
    pub fn list(&self, key: &str) -> Option<Kept> {
        self.get("lists", "key", key)
    }

    pub fn put_list(&self, key: &str, body: &[u8], fetched_ms: i64) {
        self.put("lists", "key", key, body, fetched_ms);
    }

    /// A run's body as last seen.
    pub fn run(&self, id: &str) -> Option<Kept> {
        self.get("runs", "id", id)
    }

    pub fn put_run(&self, id: &str, body: &[u8], fetched_ms: i64) {
        self.put("runs", "id", id, body, fetched_ms);
    }

    /// Forgets runs (deleted on the server).
    pub fn forget_runs(&self, ids: &[String]) {
        self.with(|c| {
            let mut st = c.prepare_cached("DELETE FROM runs WHERE id = ?1")?;
            for id in ids {
                st.execute([id])?;
            }
            Ok(())
        });
    }

    fn get(&self, table: &str, col: &str, key: &str) -> Option<Kept> {
        self.with(|c| {
            let kept = c
                .query_row(
                    &format!("SELECT body, fetched_ms FROM {table} WHERE {col} = ?1"),
                    [key],
                    |r| Ok(Kept { body: r.get(0)?, fetched_ms: r.get(1)? }),
                )
                .optional()?;
            if kept.is_some() {
                c.execute(
                    &format!("UPDATE {table} SET used_ms = ?2 WHERE {col} = ?1"),
                    params![key, now_ms()],
                )?;
            }
            Ok(kept)
        })
        .flatten()
    }

    fn put(&self, table: &str, col: &str, key: &str, body: &[u8], fetched_ms: i64) {
        let evict = self.with(|c| {
            c.execute(
                &format!(
                    "INSERT INTO {table} ({col}, body, fetched_ms, used_ms) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT ({col}) DO UPDATE SET body = ?2, fetched_ms = ?3, used_ms = ?4"
                ),
                params![key, body, fetched_ms, now_ms()],
            )?;
            Ok(file::size(c)? > self.max_bytes)
        });
        if evict == Some(true) {
            self.evict();
        }
    }

    /// Drops the least recently used entries until the file is under 90 % of its bound, a
    /// tenth of them at a time.
    pub fn evict(&self) {
        let target = self.max_bytes / 10 * 9;
        self.with(|c| {
            while file::size(c)? > target {
                let mut gone = 0;
                for (table, col) in [("runs", "id"), ("lists", "key")] {
                    let n: i64 =
                        c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
                    gone += c.execute(
                        &format!(
                            "DELETE FROM {table} WHERE {col} IN
                             (SELECT {col} FROM {table} ORDER BY used_ms, rowid LIMIT ?1)"
                        ),
                        [(n / 10).max(1)],
                    )?;
                }
                file::give_back(c)?;
                // The least recently used population too, while another remains (the one in
                // use is kept to the last).
                let pops: i64 =
                    c.query_row("SELECT count(*) FROM populations", [], |r| r.get(0))?;
                if pops > 1 || gone == 0 {
                    gone += Cache::evict_population(c)?;
                }
                if gone == 0 {
                    break;
                }
            }
            Ok(())
        });
    }

    /// The server's name for who the key is (from `/whoami`), for `tofui cache stats`.
    pub fn set_identity(&self, who: &str) {
        self.with(|c| {
            c.execute("INSERT OR REPLACE INTO meta (k, v) VALUES ('identity', ?1)", [who])
        });
    }

    pub fn identity(&self) -> Option<String> {
        self.with(|c| {
            c.query_row("SELECT v FROM meta WHERE k = 'identity'", [], |r| r.get(0)).optional()
        })
        .flatten()
    }

    pub fn stats(&self) -> Stats {
        self.with(|c| {
            let count = |t: &str| -> rusqlite::Result<u64> {
                c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0))
                    .map(|n| n.max(0) as u64)
            };
            let [summaries, summary_bytes, failure_rows, failure_bytes] =
                Cache::population_counts(c)?;
            Ok(Stats {
                lists: count("lists")?,
                runs: count("runs")?,
                summaries,
                summary_bytes,
                failure_rows,
                failure_bytes,
                bytes: file::size(c)?,
                max_bytes: self.max_bytes,
            })
        })
        .unwrap_or_default()
    }
}
