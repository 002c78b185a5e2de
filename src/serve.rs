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

/// Where `--demo` keeps its database, so a second start is instant.
pub fn demo_db_path() -> PathBuf {
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("tofui").join("demo.sqlite3")
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
    let (keys, table) =
        prepare_keys(&store, args.user_key.as_deref(), args.station_key.as_deref())?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .wrap_err_with(|| format!("cannot listen on {addr}"))?;
    Ok(start(store, listener, keys, table).await?)
}

pub async fn serve(args: ServeArgs) -> Result<()> {
    let running = start_server(&args, &mut |m| println!("{m}")).await?;
    println!(
        "TofuPilot API v2 on {} (database {}, {} runs)",
        running.url,
        args.db.display(),
        running.store.run_count()?
    );
    println!("  user key:    {}", running.keys.user_key);
    println!("  station key: {}", running.keys.station_key);
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
        user_key: None,
        station_key: None,
        seed_runs: Some(DEMO_RUNS),
        seed: 42,
        seed_huge: false,
        public: false,
    }
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
