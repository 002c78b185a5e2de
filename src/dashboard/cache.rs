//! The local cache for a session (issue 26), and `tofui cache path|stats|clear`.

use std::sync::Arc;

use color_eyre::eyre::{Result, eyre};

use super::connect::{Connection, connect};
use crate::cache::{self, Cache};
use crate::cli::{CacheCommand, Cli};
use crate::config::{self, FileSettings};

/// The cache of this session, unless it is off (`--no-cache`, config `cache = false`, the demo
/// whose data is new at each start) or cannot be opened (said in the log; tofui goes on).
pub fn open(cli: &Cli, settings: &FileSettings, conn: &Connection) -> Option<Arc<Cache>> {
    if cli.no_cache || settings.cache == Some(false) || conn.session.demo {
        return None;
    }
    let c = conn.config.as_ref()?;
    let path = cache::file_for(&cache::default_dir(), &c.url, &c.api_key);
    match Cache::open(&path, max_bytes(settings)) {
        Ok(cache) => Some(Arc::new(cache)),
        Err(e) => {
            tracing::warn!("no local cache this session: {e}");
            None
        }
    }
}

fn max_bytes(settings: &FileSettings) -> u64 {
    settings.cache_max_mb.map_or(cache::DEFAULT_MAX_BYTES, |mb| mb * 1024 * 1024)
}

/// `tofui cache …`: for the instance and key the dashboard would use.
pub async fn command(cli: &Cli, action: &CacheCommand) -> Result<()> {
    let dir = cache::default_dir();
    if let CacheCommand::Clear { all: true } = action {
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            // Only tofui's own files (24 hex digits, then .sqlite3…), whatever else the folder
            // holds (TOFUI_CACHE_DIR may point anywhere).
            let ours = name.split_once(".sqlite3").is_some_and(|(stem, _)| {
                stem.len() == 24 && stem.bytes().all(|b| b.is_ascii_hexdigit())
            });
            if ours {
                std::fs::remove_file(entry.path())?;
                n += 1;
            }
        }
        println!("removed {n} files from {}", dir.display());
        return Ok(());
    }
    let config = config::load(&config::path(cli.config.as_deref()));
    let profile = config.profile(cli.profile.as_deref()).map_err(|e| eyre!(e))?.cloned();
    let conn = connect(cli, profile.as_ref()).await?;
    let c = conn.config.as_ref().ok_or_else(|| {
        eyre!("no API key: the cache is per instance and key (TOFUPILOT_API_KEY or --api-key-file)")
    })?;
    let path = cache::file_for(&dir, &c.url, &c.api_key);
    match action {
        CacheCommand::Path => println!("{}", path.display()),
        CacheCommand::Stats => {
            if !path.exists() {
                println!("{}: no cache yet for {}", path.display(), c.url);
                return Ok(());
            }
            let cache = Cache::open(&path, max_bytes(&config.settings)).map_err(|e| eyre!(e))?;
            let s = cache.stats();
            println!("{}", path.display());
            println!("instance   {}", c.url);
            if let Some(who) = cache.identity() {
                println!("key of     {who}");
            }
            println!("views      {}", s.lists);
            println!("runs       {}", s.runs);
            println!(
                "insight    {} run summaries ({:.1} MB), {} failing rows ({:.1} MB)",
                s.summaries,
                mb(s.summary_bytes),
                s.failure_rows,
                mb(s.failure_bytes)
            );
            println!("size       {:.1} MB of {:.0} MB", mb(s.bytes), mb(s.max_bytes));
        }
        CacheCommand::Clear { .. } => {
            let mut n = 0;
            for ext in ["", "-wal", "-shm", ".old"] {
                let mut p = path.as_os_str().to_owned();
                p.push(ext);
                if std::fs::remove_file(std::path::PathBuf::from(p)).is_ok() {
                    n += 1;
                }
            }
            println!("{} ({n} files removed)", path.display());
        }
    }
    Ok(())
}

fn mb(b: u64) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}
