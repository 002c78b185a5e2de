//! Issue 26's run budgets over both links (loopback, and the link simulator at 100 ms RTT +
//! 20 Mbit/s), on the embedded server's seeded runs, through the real worker and app:
//! - a run right after a move (`j` then `enter` at once: nothing fetched ahead yet), `enter`
//!   to the run on screen: ≤ one round trip + 30 ms;
//! - a run the local cache holds (opened in an earlier session), `enter` to the run on
//!   screen: ≤ 16 ms.
//!
//! `cargo bench --bench run_open` (env `TOFUI_BENCH_RUNS`, default 20,000).

mod common;
#[path = "common/drive.rs"]
mod drive;
#[path = "../tests/common/netsim.rs"]
mod netsim;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{ms, pct, terminal};
use crossterm::event::KeyCode;
use drive::{Answers, Worker, press, send, session_with, settle};
use tofui::app::App;

const OPENS: usize = 15;

/// `enter` on the list's selection until the run is on screen; then `esc` back.
async fn open(app: &mut App, worker: &Worker, rx: &mut Answers) -> Duration {
    let mut term = terminal(160, 48);
    let t0 = Instant::now();
    let fx = press(app, KeyCode::Enter);
    send(worker, fx);
    settle(app, worker, rx, |a| a.run().is_some_and(|r| r.loaded().is_some())).await;
    term.draw(|f| tofui::ui::render(app, f)).expect("draw");
    let took = t0.elapsed();
    let fx = press(app, KeyCode::Esc);
    send(worker, fx);
    took
}

#[tokio::main]
async fn main() {
    tofui::init_tls();
    let runs: usize =
        std::env::var("TOFUI_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let (_dir, server) = common::seeded_server(runs).await;
    println!("a run opened, `enter` to the run on screen (median and max of {OPENS}):");
    println!("{:<28} {:>22} {:>22}", "", "right after a move", "from the local cache");
    for link in [netsim::Link::LOOPBACK, netsim::Link::field()] {
        let sim = netsim::LinkSim::start(&server.url, link).await;
        let network = !link.delay.is_zero() || link.bits_per_second.is_some();
        let url = if network { sim.url() } else { server.url.clone() };
        let dir = tempfile::tempdir().expect("dir");
        let cache = Arc::new(
            tofui::cache::Cache::open(&dir.path().join("c.sqlite3"), 1 << 30).expect("cache"),
        );
        // Right after a move: each run opened for the first time (it fills the cache too).
        let (mut app, worker, mut rx) = session_with(&url, network, Some(cache.clone())).await;
        let mut moved = Vec::new();
        for _ in 0..OPENS {
            let fx = press(&mut app, KeyCode::Char('j'));
            send(&worker, fx);
            moved.push(open(&mut app, &worker, &mut rx).await);
        }
        drop((app, worker, rx));
        assert!(cache.flush(Duration::from_secs(10)));
        // A new session over the same cache: the same runs again.
        let (mut app, worker, mut rx) = session_with(&url, network, Some(cache.clone())).await;
        let mut kept = Vec::new();
        for _ in 0..OPENS {
            let fx = press(&mut app, KeyCode::Char('j'));
            send(&worker, fx);
            kept.push(open(&mut app, &worker, &mut rx).await);
        }
        let cell = |v: &mut Vec<Duration>| {
            let max = v.iter().max().copied().unwrap_or_default();
            format!("{:.0} / {:.0} ms", ms(pct(v, 0.5)), ms(max))
        };
        let rtt = link.delay.as_millis() * 2;
        println!(
            "{:<28} {:>22} {:>22}   (budgets {} ms, 16 ms)",
            link.describe(),
            cell(&mut moved),
            cell(&mut kept),
            rtt + 30
        );
    }
}
