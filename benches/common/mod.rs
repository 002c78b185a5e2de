//! What the benchmarks share: timing arithmetic, a terminal that draws into nothing, and a
//! seeded embedded server.
#![allow(dead_code)]

#[path = "../../tests/common/worker_client.rs"]
mod worker_client;

use std::io::Write;
use std::time::{Duration, Instant};

use chrono::Utc;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use tofui::server::seed::{SeedOptions, seed};
use tofui::server::store::Store;
// Not every test binary (bench) that declares this module calls both.
#[allow(unused_imports)]
pub use worker_client::{api_client, spawn_worker};

pub const KEY: &str = "bench-key";

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `p` quantile (0–1) of `v`, which it sorts.
pub fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// A terminal's output, thrown away.
pub struct Sink;

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A `w`×`h` terminal drawing into [`Sink`].
pub fn terminal(w: u16, h: u16) -> Terminal<CrosstermBackend<Sink>> {
    Terminal::with_options(
        CrosstermBackend::new(Sink),
        TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, w, h)) },
    )
    .expect("terminal")
}

/// A temporary database with `runs` demo runs (the seeding timed and printed), served on
/// loopback with the user key [`KEY`]; the folder lives as long as the first value.
pub async fn seeded_server(runs: usize) -> (tempfile::TempDir, tofui::server::Running) {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bench.sqlite3");
    let store = Store::open(&db).expect("store");
    let t = Instant::now();
    seed(&store, &SeedOptions { runs, seed: 42, anchor: Utc::now() }).expect("seed");
    println!("seeded {runs} runs in {:.1} s", t.elapsed().as_secs_f64());
    drop(store);
    let server =
        tofui::server::start_at(&db, "127.0.0.1:0", Some(KEY), None).await.expect("server");
    (dir, server)
}
