//! The embedded server's SQLite store: one writer connection (writes are serialised, so
//! concurrent creates never lose each other) and a few reader connections (WAL lets them read
//! while a write is under way). Every call is blocking; routes run them on tokio's blocking pool.

pub mod attachments;
pub mod batches;
pub mod catalog;
pub mod create;
pub mod crossrun;
pub mod detail;
pub mod genealogy;
pub mod ids;
pub mod list;
pub mod logs;
pub mod measurements;
pub mod mutate;
pub mod parts;
pub mod people;
pub mod phases;
pub mod procedures;
pub mod render;
pub mod replay;
pub mod rows;
pub mod run_unit;
pub mod sql;
pub mod stations;
pub mod units;
pub mod units_list;
pub mod validators;
pub mod wire;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;

const SCHEMA: &str = include_str!("schema.sql");
/// Bump when `schema.sql` changes something an existing database must be rebuilt for;
/// `upgrade` then rebuilds the derived parts (indexes, search) from the runs.
const SCHEMA_VERSION: i64 = 3;
/// What `run_search` indexes for a run: its id and serial, one per line.
pub const SEARCH_TEXT: &str = "id || char(10) || serial_number";
const READERS: usize = 4;
/// How much of the database file a reader maps into memory (SQLite caps it at 2 GiB): read
/// through the map, a huge run's 66 MiB body comes off its pages in ~10 ms instead of ~90 ms
/// of `pread` calls, one per 4 KiB page. Readers only: writes go through the writer's file
/// calls either way. On 32-bit builds the address space is too small to spare.
const READER_MMAP: i64 = if cfg!(target_pointer_width = "64") { 1 << 31 } else { 0 };

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot create the folder {0}: {1}")]
    Folder(PathBuf, std::io::Error),
    #[error("cannot open the database {0}: {1}")]
    Sqlite(PathBuf, rusqlite::Error),
}

pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

pub type SharedStore = Arc<Store>;

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    // A run create uses a few dozen distinct statements; with rusqlite's default of 16 the
    // cache would evict and re-parse them on every run.
    conn.set_prepared_statement_cache_capacity(256);
    // WAL: readers never block the writer. NORMAL sync is durable against a killed process
    // (the WAL is in the OS cache); only a power cut can lose the last transactions.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    conn.pragma_update(None, "cache_size", -32_000)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SharedStore, OpenError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| OpenError::Folder(dir.to_path_buf(), e))?;
        }
        let err = |e| OpenError::Sqlite(path.to_path_buf(), e);
        let writer = Connection::open(path).map_err(err)?;
        configure(&writer).map_err(err)?;
        // Before the schema: its indexes may name columns an older database lacks.
        add_missing_columns(&writer).map_err(err)?;
        writer.execute_batch(SCHEMA).map_err(err)?;
        upgrade(&writer).map_err(err)?;
        // Cheap when statistics are fresh; keeps the planner's picture of the data current.
        writer.execute_batch("PRAGMA analysis_limit = 1000; PRAGMA optimize;").map_err(err)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let c = Connection::open(path).map_err(err)?;
            configure(&c).map_err(err)?;
            c.pragma_update(None, "mmap_size", READER_MMAP).map_err(err)?;
            readers.push(Mutex::new(c));
        }
        Ok(Arc::new(Store {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
        }))
    }

    pub fn schema_sql() -> &'static str {
        SCHEMA
    }

    /// `DROP INDEX` for every index on `runs` and the cross-run tables (the schema recreates
    /// them): a bulk load fills the tables first and builds each index once.
    pub fn drop_run_indexes_sql() -> String {
        SCHEMA
            .lines()
            .filter_map(|l| l.strip_prefix("CREATE INDEX IF NOT EXISTS "))
            .filter(|l| {
                [" ON runs ", " ON phases ", " ON measurements ", " ON logs "]
                    .iter()
                    .any(|t| l.contains(t))
            })
            .filter_map(|l| l.split_whitespace().next())
            .map(|name| format!("DROP INDEX IF EXISTS {name};"))
            .collect()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A reader connection: the first free one, else round robin.
    pub fn reader(&self) -> MutexGuard<'_, Connection> {
        for r in &self.readers {
            if let Ok(g) = r.try_lock() {
                return g;
            }
        }
        let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        lock(&self.readers[i])
    }

    pub fn writer(&self) -> MutexGuard<'_, Connection> {
        lock(&self.writer)
    }

    pub fn run_count(&self) -> rusqlite::Result<i64> {
        self.reader().query_row("SELECT COUNT(*) FROM runs", [], |r| r.get(0))
    }
}

/// Brings a database written by an older tofui up to `SCHEMA_VERSION`: `CREATE … IF NOT
/// EXISTS` adds what is new but keeps old index definitions and leaves new tables empty.
fn upgrade(conn: &Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version >= SCHEMA_VERSION {
        return Ok(());
    }
    conn.execute_batch("BEGIN")?;
    let steps = (|| {
        conn.execute_batch(&format!(
            "{drop}
             {SCHEMA}
             INSERT INTO run_search (rowid, text) SELECT seq, {SEARCH_TEXT} FROM runs WHERE seq NOT IN (SELECT rowid FROM run_search);",
            drop = Store::drop_run_indexes_sql(),
        ))?;
        // Runs stored before the cross-run tables existed get their rows (version 3).
        rows::backfill(conn)?;
        hash_stored_keys(conn)?;
        conn.execute_batch(
            "UPDATE units SET
                run_count = (SELECT COUNT(*) FROM runs r WHERE r.unit_id = units.id),
                last_run_seq = (SELECT seq FROM runs r WHERE r.unit_id = units.id ORDER BY r.started_at DESC, r.seq DESC LIMIT 1),
                last_run_at = (SELECT MAX(started_at) FROM runs r WHERE r.unit_id = units.id)
             WHERE last_run_seq IS NULL;
             UPDATE units SET last_outcome = (SELECT outcome FROM runs r WHERE r.seq = units.last_run_seq)
             WHERE last_outcome IS NULL;
             INSERT INTO unit_search (rowid, text) SELECT rowid, serial_number FROM units
             WHERE NOT EXISTS (SELECT 1 FROM unit_search LIMIT 1);
             UPDATE attachments SET download_token = lower(hex(randomblob(16)))
             WHERE download_token IS NULL;",
        )?;
        conn.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"))
    })();
    if steps.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    steps
}

/// Keys stored in the clear by an older tofui are hashed in place.
fn hash_stored_keys(conn: &Connection) -> rusqlite::Result<()> {
    use crate::server::auth;
    let plain: Vec<String> = conn
        .prepare("SELECT key FROM api_keys WHERE key NOT LIKE 'sha256:%'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for key in plain {
        conn.execute(
            "UPDATE api_keys SET key = ?2, prefix = ?3 WHERE key = ?1",
            [&key, &auth::hash(&key), &auth::fingerprint(&auth::hash(&key))],
        )?;
    }
    Ok(())
}

/// Columns that `CREATE TABLE IF NOT EXISTS` cannot add to a table an older tofui made.
fn add_missing_columns(conn: &Connection) -> rusqlite::Result<()> {
    const ADDED: &[(&str, &str, &str)] = &[
        ("runs", "client_run_digest", "TEXT"),
        ("api_keys", "prefix", "TEXT NOT NULL DEFAULT ''"),
        ("units", "created_at", "INTEGER NOT NULL DEFAULT 0"),
        ("units", "created_by_user_id", "TEXT"),
        ("units", "created_by_station_id", "TEXT"),
        ("units", "created_run_seq", "INTEGER"),
        ("units", "parent_id", "TEXT"),
        ("units", "last_run_seq", "INTEGER"),
        ("units", "last_run_at", "INTEGER"),
        ("units", "run_count", "INTEGER NOT NULL DEFAULT 0"),
        ("units", "last_outcome", "TEXT"),
        ("stations", "created_at", "INTEGER NOT NULL DEFAULT 0"),
        ("stations", "metadata", "TEXT NOT NULL DEFAULT '{}'"),
        ("stations", "archived", "INTEGER NOT NULL DEFAULT 0"),
        ("procedure_versions", "created_at", "INTEGER NOT NULL DEFAULT 0"),
        ("procedure_versions", "created_by_user_id", "TEXT"),
        ("procedure_versions", "created_by_station_id", "TEXT"),
        ("parts", "created_at", "INTEGER NOT NULL DEFAULT 0"),
        ("parts", "created_by_user_id", "TEXT"),
        ("parts", "created_by_station_id", "TEXT"),
        ("revisions", "metadata", "TEXT NOT NULL DEFAULT '{}'"),
        ("revisions", "created_at", "INTEGER NOT NULL DEFAULT 0"),
        ("revisions", "created_by_user_id", "TEXT"),
        ("revisions", "created_by_station_id", "TEXT"),
        ("batches", "created_at", "INTEGER NOT NULL DEFAULT 0"),
        ("batches", "created_by_user_id", "TEXT"),
        ("batches", "created_by_station_id", "TEXT"),
        ("attachments", "unit_id", "TEXT"),
        ("attachments", "download_token", "TEXT"),
        ("attachments", "created_by_user_id", "TEXT"),
        ("attachments", "created_by_station_id", "TEXT"),
    ];
    for (table, column, decl) in ADDED {
        let table_exists: bool = conn
            .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1")?
            .exists([table])?;
        let exists: bool = !table_exists
            || conn
                .prepare(&format!("SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?1"))?
                .exists([column])?;
        if !exists {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {decl}"))?;
        }
    }
    Ok(())
}

/// A poisoned lock only means another request panicked mid-way; SQLite rolled its
/// transaction back, so the connection is still good.
fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::auth::Caller;
    use crate::server::query::{ListQuery, Params};

    #[test]
    fn a_database_from_before_the_search_index_is_upgraded_on_open() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("old.sqlite3");
        let store = Store::open(&db).expect("open");
        let opts =
            crate::server::seed::SeedOptions { runs: 30, seed: 3, anchor: chrono::Utc::now() };
        crate::server::seed::seed(&store, &opts).expect("seed");
        // What the first tofui left behind: no search rows, the old revision index, version 0.
        store
            .writer()
            .execute_batch(
                "DELETE FROM run_search; DROP INDEX runs_revision;
                 CREATE INDEX runs_revision ON runs (revision_id, started_at); PRAGMA user_version = 0;",
            )
            .expect("downgrade");
        drop(store);

        let store = Store::open(&db).expect("reopen");
        let conn = store.reader();
        let serial: String = conn
            .query_row("SELECT serial_number FROM runs ORDER BY seq LIMIT 1", [], |r| r.get(0))
            .expect("serial");
        let q = ListQuery::from_query(&format!("search_query={serial}")).expect("query");
        let page =
            list::list_runs(&conn, &q, &Caller::User { user_id: String::new() }).expect("list");
        assert!(
            page.data.iter().any(|r| r.unit.serial_number == serial),
            "search finds runs stored before the index existed"
        );
        let index: String = conn
            .query_row("SELECT sql FROM sqlite_master WHERE name = 'runs_revision'", [], |r| {
                r.get(0)
            })
            .expect("index");
        assert!(index.contains("revision_number"), "{index}");
    }
}
