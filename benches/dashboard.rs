//! The dashboard's budgets (issue 4), measured against the embedded server over HTTP:
//! - launch to first frame showing runs: ≤ 50 ms median (the real binary in a pseudo-terminal);
//!   issue 26: ≤ 25 ms on either link when the cache holds the view; without a cache ≤ 25 ms on
//!   loopback and two round trips + 25 ms at 100 ms RTT + 20 Mbit/s (printed side by side);
//! - update + render after a keypress with 100,000 runs loaded: ≤ 2 ms p99;
//! - bytes written for a one-row move at 120×40: ≤ 600;
//! - resident memory with 100,000 runs loaded: ≤ 64 MB (the real binary, /proc VmRSS).
//!
//! `cargo bench --bench dashboard` (env `TOFUI_BENCH_RUNS` to change the 100,000).

mod common;
#[path = "../tests/common/netsim.rs"]
mod netsim;
#[path = "../tests/common/pty.rs"]
mod pty;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{FixedOffset, Utc};
use common::{KEY, ms, spawn_worker};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pty::Tui;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tofui::app::{App, Effect, Msg, Session};
use tofui::worker::{Fetch, WorkerRequest};

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Counts the bytes a terminal backend writes.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len(), Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The release binary in a 120×40 pseudo-terminal. `cache`: its folder (`None`:
/// `--no-cache`); `network`: asks for compression as over a real network (the link simulator
/// is a loopback proxy). Logs at the binary's default level (the harness's is `debug`).
fn launch(url: &str, cache: Option<&Path>, network: bool) -> Tui {
    let cache = cache.map(Path::to_string_lossy);
    let (mut args, mut env) = (vec![], vec![("TOFUI_LOG", "info")]);
    match &cache {
        Some(dir) => env.push(("TOFUI_CACHE_DIR", dir)),
        None => args.push("--no-cache"),
    }
    if network {
        env.push(("TOFUI_COMPRESS", "always"));
    }
    let program = Path::new(env!("CARGO_BIN_EXE_tofui"));
    Tui::start_sized(program, url, KEY, &args, &env, (120, 40))
}

/// Asks `p` to quit and waits up to 5 s, then kills it.
fn stop(mut p: Tui) {
    p.write("q");
    let t0 = Instant::now();
    while p.child.try_wait().ok().flatten().is_none() && t0.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = p.child.kill();
}

fn first_frame(url: &str, cache: Option<&Path>, network: bool) -> Duration {
    let t0 = Instant::now();
    let p = launch(url, cache, network);
    loop {
        if p.screen().contains("SN-") || p.screen().contains("PSU-") || p.screen().contains("RF-") {
            let d = t0.elapsed();
            stop(p);
            return d;
        }
        assert!(t0.elapsed() < Duration::from_secs(10), "no rows:\n{}", p.screen());
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn rss_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Loads every run into an app through the real worker, as the dashboard does.
async fn load_all(url: &str, app: &mut App) -> Duration {
    let (worker, mut rx) = spawn_worker(url, KEY, Duration::from_secs(30));
    let t0 = Instant::now();
    let mut fx = app.start();
    loop {
        for e in fx.drain(..) {
            if let Effect::Send(req) = e {
                worker.send(req).expect("worker");
            }
        }
        if app.list().loaded && !app.list().has_more && !app.list().is_loading() {
            return t0.elapsed();
        }
        let resp = rx.recv().await.expect("answer");
        let now = Utc::now().timestamp_millis();
        fx = app.update(Msg::Worker(resp), now);
        // Keep the selection at the end so every page is prefetched.
        fx.extend(app.update(Msg::Key(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::NONE)), now));
    }
}

#[tokio::main]
async fn main() {
    tofui::init_tls();
    let runs: usize =
        std::env::var("TOFUI_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let (_dir, server) = common::seeded_server(runs).await;
    let url = server.url.clone();

    // 1. Launch to first frame with runs (release binary, pseudo-terminal 120×40), on loopback
    // and through the link simulator, without a cache and with one that holds the view.
    println!("first frame with runs (median of 20 launches; min–max):");
    println!("{:<28} {:>22} {:>22}", "", "no cache", "cache holds the view");
    for link in [netsim::Link::LOOPBACK, netsim::Link::field()] {
        let sim = netsim::LinkSim::start(&url, link).await;
        let u = sim.url();
        let cache = tempfile::tempdir().expect("cache dir");
        let c = cache.path().to_path_buf();
        let n = link.bits_per_second.is_some() || !link.delay.is_zero();
        let (cold, warm) = tokio::task::spawn_blocking(move || {
            first_frame(&u, None, n); // warm the page cache
            let cold: Vec<Duration> = (0..20).map(|_| first_frame(&u, None, n)).collect();
            first_frame(&u, Some(&c), n); // fills the cache
            let warm: Vec<Duration> = (0..20).map(|_| first_frame(&u, Some(&c), n)).collect();
            (cold, warm)
        })
        .await
        .expect("first frames");
        let show = |mut v: Vec<Duration>| {
            v.sort();
            format!("{:.1} ms ({:.0}–{:.0})", ms(pct(&v, 0.5)), ms(v[0]), ms(v[v.len() - 1]))
        };
        println!("{:<28} {:>22} {:>22}", link.describe(), show(cold), show(warm));
    }

    // 2. Update + render with every run loaded, through a real terminal backend.
    let tz: tofui::model::Zone = FixedOffset::east_opt(0).expect("utc").into();
    let mut app = App::new(
        Session { url: url.clone(), demo: true, blocked: None },
        Utc::now().timestamp_millis(),
        tz,
        (120, 40),
    );
    let load = load_all(&url, &mut app).await;
    println!(
        "loaded {} runs through the worker in {:.2} s",
        app.list().rows.len(),
        load.as_secs_f64()
    );
    let counter = Counter::default();
    // A fixed 120×40 viewport: the bench's own terminal (if any) must not decide the size.
    let options = ratatui::TerminalOptions {
        viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 120, 40)),
    };
    let mut term =
        Terminal::with_options(CrosstermBackend::new(counter.clone()), options).expect("terminal");
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char('g'), KeyModifiers::NONE)),
        app.shared().now_ms(),
    );
    term.draw(|f| tofui::ui::render(&app, f)).expect("draw");
    let keys = [
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::PageDown,
        KeyCode::Char('k'),
        KeyCode::Char('G'),
        KeyCode::PageUp,
        KeyCode::Char('g'),
        KeyCode::Down,
        KeyCode::Up,
    ];
    let mut times = Vec::new();
    let (mut upd, mut drw) = (Vec::new(), Vec::new());
    for i in 0..5_000 {
        let k = keys[i % keys.len()];
        let now = app.shared().now_ms();
        let t0 = Instant::now();
        let fx = app.update(Msg::Key(KeyEvent::new(k, KeyModifiers::NONE)), now);
        let t1 = Instant::now();
        term.draw(|f| tofui::ui::render(&app, f)).expect("draw");
        times.push(t0.elapsed());
        upd.push(t1 - t0);
        drw.push(t1.elapsed());
        assert!(
            fx.iter().all(|e| !matches!(
                e,
                Effect::Send(WorkerRequest::Fetch { fetch: Fetch::Runs(_), .. })
            )),
            "nothing left to load"
        );
    }
    times.sort();
    upd.sort();
    drw.sort();
    println!(
        "  of which update p99 {:.3} ms, render p99 {:.3} ms",
        ms(pct(&upd, 0.99)),
        ms(pct(&drw, 0.99))
    );
    println!(
        "update + render, {} rows loaded, 120×40: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({} keypresses)",
        app.list().rows.len(),
        ms(pct(&times, 0.5)),
        ms(pct(&times, 0.99)),
        ms(times[times.len() - 1]),
        times.len()
    );

    // 3. Bytes for a one-row move at 120×40: within the screen (the selection moves), and at
    // the screen's edge (every row scrolls by one).
    let key = |app: &mut App, c: char| {
        app.update(
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            app.shared().now_ms(),
        );
    };
    key(&mut app, 'g');
    for _ in 0..10 {
        key(&mut app, 'j');
    }
    term.draw(|f| tofui::ui::render(&app, f)).expect("draw");
    let mut measure = |app: &mut App, c: char| {
        counter.0.store(0, Ordering::Relaxed);
        key(app, c);
        term.draw(|f| tofui::ui::render(app, f)).expect("draw");
        counter.0.load(Ordering::Relaxed)
    };
    let mut inside: Vec<usize> =
        (0..200).map(|i| measure(&mut app, if (i / 10) % 2 == 0 { 'j' } else { 'k' })).collect();
    inside.sort();
    // To the bottom row of the screen, then further: each move scrolls.
    for _ in 0..40 {
        measure(&mut app, 'j');
    }
    let mut scrolling: Vec<usize> = (0..50).map(|_| measure(&mut app, 'j')).collect();
    scrolling.sort();
    println!(
        "bytes per one-row move at 120×40: within the screen median {}, max {}; scrolling the screen median {}, max {}",
        inside[inside.len() / 2],
        inside[inside.len() - 1],
        scrolling[scrolling.len() / 2],
        scrolling[scrolling.len() - 1]
    );
    drop(app);

    // 4. Resident memory of the real binary with every run loaded.
    let u = url.clone();
    let total = runs;
    let (rss, hwm, took) = tokio::task::spawn_blocking(move || {
        let mut p = launch(&u, None, false);
        let pid = p.child.process_id().expect("pid");
        let want = format!("/{}", tofui::ui::format::count(total));
        let t0 = Instant::now();
        loop {
            let s = p.screen();
            if s.contains(&want) && s.contains(" all") {
                break;
            }
            assert!(t0.elapsed() < Duration::from_secs(300), "not all loaded:\n{s}");
            p.write("G");
            std::thread::sleep(Duration::from_millis(10));
        }
        let took = t0.elapsed();
        std::thread::sleep(Duration::from_millis(300));
        let r = (rss_kb(pid, "VmRSS:"), rss_kb(pid, "VmHWM:"), took);
        stop(p);
        r
    })
    .await
    .expect("rss");
    println!(
        "resident memory with {runs} runs loaded (real binary): VmRSS {:.1} MB, peak {:.1} MB; all pages loaded in {:.1} s",
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0,
        took.as_secs_f64()
    );
    server.stop().await;
}
