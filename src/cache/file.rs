//! Where the cache file is, and opening it safely: private permissions, this version's schema,
//! anything else set aside.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::{VERSION, schema};

/// The folder of the cache files: `TOFUI_CACHE_DIR`, else the user's cache folder
/// (`$XDG_CACHE_HOME/tofui`, `~/.cache/tofui`; on Windows `%LOCALAPPDATA%\tofui\cache`).
pub fn default_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("TOFUI_CACHE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    let base = dirs::cache_dir().unwrap_or_else(std::env::temp_dir);
    if cfg!(windows) { base.join("tofui").join("cache") } else { base.join("tofui") }
}

/// The cache file of an instance and a key: named by a hash of both, so each key has its own
/// and the name tells neither.
pub fn file_for(dir: &Path, url: &str, key: &str) -> PathBuf {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(b"tofui cache v1\0");
    ctx.update(url.trim_end_matches('/').as_bytes());
    ctx.update(b"\0");
    ctx.update(key.as_bytes());
    let hex: String = ctx.finish().as_ref()[..12].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{hex}.sqlite3"))
}

/// Opens `path` as this version's cache, making it when it does not exist. `Err` says why the
/// file there is not one (another version, not SQLite, unreadable).
pub(super) fn open_checked(path: &Path) -> Result<Connection, String> {
    create_private(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let conn = Connection::open(path).map_err(|e| e.to_string())?;
    let setup = || -> rusqlite::Result<Result<(), String>> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let version: i32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if version == 0 && tables == 0 {
            // New: space freed by eviction goes back to the file system.
            conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL")?;
            conn.execute_batch(&schema())?;
            conn.execute_batch(&format!("PRAGMA user_version = {VERSION}"))?;
        } else if version != VERSION {
            return Ok(Err(format!("version {version}, this tofui uses {VERSION}")));
        }
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")?;
        Ok(Ok(()))
    };
    match setup() {
        Ok(Ok(())) => Ok(conn),
        Ok(Err(why)) => Err(why),
        Err(e) => Err(e.to_string()),
    }
}

/// The file, made readable by its owner only (and its folder), when it does not exist.
fn create_private(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(dir)?;
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)?;
    // A file made by something else with wider permissions is narrowed.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// Moves a file that is not a usable cache out of the way (with its WAL files).
pub(super) fn move_aside(path: &Path, aside: &Path) -> Result<(), String> {
    std::fs::rename(path, aside)
        .map_err(|e| format!("cannot move {} aside: {e}", path.display()))?;
    for ext in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(ext);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    Ok(())
}

/// The file's size in bytes, as SQLite counts it.
pub(super) fn size(c: &Connection) -> rusqlite::Result<u64> {
    let pages: i64 = c.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let size: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    Ok((pages * size).max(0) as u64)
}

/// Returns the pages freed by deletes to the file system (each step of the pragma frees one).
pub(super) fn give_back(c: &Connection) -> rusqlite::Result<()> {
    let mut st = c.prepare("PRAGMA incremental_vacuum")?;
    let mut rows = st.query([])?;
    while rows.next()?.is_some() {}
    Ok(())
}
