//! `tofui serve` (and the server behind `tofui --demo`): open the database, seed it if asked,
//! print where the API is and its keys, and serve until Ctrl-C, SIGTERM or SIGHUP.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Instant;

use chrono::{DurationRound, TimeDelta, Utc};
use color_eyre::eyre::{Result, WrapErr, bail, eyre};

use crate::cli::ServeArgs;
use crate::server::seed::{self, SeedOptions, SeedOutcome};
use crate::server::store::Store;
use crate::server::{Running, prepare_keys, start};

/// Runs the demo data is seeded with.
pub const DEMO_RUNS: usize = 2_000;

pub fn check_addr(addr: &str, public: bool) -> Result<SocketAddr> {
    let resolved: SocketAddr = addr
        .to_socket_addrs()
        .wrap_err_with(|| format!("`{addr}` is not a HOST:PORT address"))?
        .next()
        .ok_or_else(|| eyre!("`{addr}` resolves to no address"))?;
    if !resolved.ip().is_loopback() && !public {
        bail!(
            "refusing to listen on {resolved}: it is reachable from other machines. Use a loopback address (127.0.0.1) or add --public"
        );
    }
    Ok(resolved)
}

/// Bumped when the demo data changes (new stories, new tables): an older demo database is
/// replaced rather than shown without them.
pub const DEMO_DATA_VERSION: u32 = 3;

/// Where `--demo` keeps its database, so a second start is instant.
pub fn demo_db_path() -> PathBuf {
    demo_dir().join(format!("demo-{DEMO_DATA_VERSION}.sqlite3"))
}

fn demo_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("tofui")
}

/// Removes demo databases of older demo data (and their WAL files): they only cache
/// generated data.
fn remove_old_demo_databases() {
    let current = demo_db_path();
    let current_name =
        current.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let Ok(entries) = std::fs::read_dir(demo_dir()) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("demo") && name.contains(".sqlite3") && !name.starts_with(&current_name)
        {
            tracing::info!(file = %name, "removing an older demo database");
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The `--demo` server: its database in the user's data folder, seeded on first start.
pub async fn start_demo(say: &mut dyn FnMut(String)) -> Result<Running> {
    remove_old_demo_databases();
    start_server(&demo_args(), say).await
}

/// Opens the database, seeds it if asked and starts serving; `say` receives what a person
/// should read (the seeding summary).
pub async fn start_server(args: &ServeArgs, say: &mut dyn FnMut(String)) -> Result<Running> {
    let addr = check_addr(&args.addr, args.public)?;
    let store = Store::open(&args.db)?;
    let anchor = Utc::now().duration_trunc(TimeDelta::hours(1)).unwrap_or_else(|_| Utc::now());
    if let Some(n) = args.seed_runs {
        let started = Instant::now();
        match seed::seed(&store, &SeedOptions { runs: n, seed: args.seed, anchor })? {
            SeedOutcome::Seeded { runs } => say(format!(
                "Seeded {runs} demo runs (seed {}) in {:.1} s",
                args.seed,
                started.elapsed().as_secs_f64()
            )),
            SeedOutcome::AlreadyHasRuns(n) => {
                say(format!("The database already holds {n} runs; no demo runs were added"))
            }
        }
    }
    if args.seed_huge {
        let started = Instant::now();
        let id = seed::seed_huge(&store, args.seed, anchor)?;
        say(format!("Added the huge run {id} in {:.1} s", started.elapsed().as_secs_f64()));
    }
    let user_key = key_from(args.user_key.as_deref(), args.user_key_file.as_deref())?;
    let station_key = key_from(args.station_key.as_deref(), args.station_key_file.as_deref())?;
    let (keys, table) = prepare_keys(&store, user_key.as_deref(), station_key.as_deref())?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .wrap_err_with(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr()?;
    let root = crate::server::link_root(bound, args.public_url.as_deref()).map_err(|e| eyre!(e))?;
    let options = crate::server::Options { base_url: Some(root), ..Default::default() };
    Ok(start(store, listener, keys, table, options).await?)
}

pub async fn serve(args: ServeArgs) -> Result<()> {
    let running = start_server(&args, &mut |m| println!("{m}")).await?;
    println!(
        "TofuPilot API v2 on {} (database {}, {} runs)",
        running.url,
        args.db.display(),
        running.store.run_count()?
    );
    for (label, k) in
        [("user key:   ", &running.keys.user), ("station key:", &running.keys.station)]
    {
        match (&k.key, k.generated) {
            (Some(key), true) => println!("  {label} {key}  (new: shown once, stored hashed)"),
            _ => println!(
                "  {label} {}  (as given or first printed; set a new one with --{}-key-file)",
                k.prefix,
                if label.starts_with("user") { "user" } else { "station" }
            ),
        }
    }
    println!("Point a client at it: TOFUPILOT_URL={} TOFUPILOT_API_KEY=<user key>", running.url);
    println!("Press Ctrl-C to stop.");
    shutdown_signal().await;
    running.stop().await;
    Ok(())
}

/// The `--demo` server: the demo database in the user's data folder. Seeding is always asked
/// for; it only fills a database without runs, so later starts keep what is there.
pub fn demo_args() -> ServeArgs {
    ServeArgs {
        addr: "127.0.0.1:0".into(),
        db: demo_db_path(),
        // A key of its own each start: stored keys are hashed, so a stored one could not be
        // handed to the dashboard.
        user_key: Some(format!("tp_demo_{}", uuid::Uuid::new_v4().simple())),
        user_key_file: None,
        station_key: None,
        station_key_file: None,
        public_url: None,
        seed_runs: Some(DEMO_RUNS),
        seed: 42,
        seed_huge: false,
        public: false,
    }
}

/// A key from the flag (or its environment variable) or the first line of a file.
fn key_from(flag: Option<&str>, file: Option<&std::path::Path>) -> Result<Option<String>> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .wrap_err_with(|| format!("cannot read the key file {}", path.display()))?;
        let key = text.lines().next().unwrap_or_default().trim().to_string();
        if key.is_empty() {
            bail!("the key file {} is empty", path.display());
        }
        return Ok(Some(key));
    }
    Ok(flag.map(str::trim).filter(|k| !k.is_empty()).map(str::to_string))
}

pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).ok();
        let mut hup = signal(SignalKind::hangup()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { match term.as_mut() { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {}
            _ = async { match hup.as_mut() { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
