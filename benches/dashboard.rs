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

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{FixedOffset, Utc};
use common::{KEY, ms};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tofui::app::{App, Effect, Msg, Session};
use tofui::worker::{self, ApiClient, ClientConfig, Fetch, WorkerRequest};

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

struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Pty {
    /// `cache`: its folder (`None`: `--no-cache`); `network`: asks for compression as over a
    /// real network (the link simulator is a loopback proxy).
    fn spawn(
        url: &str,
        log: &std::path::Path,
        cache: Option<&std::path::Path>,
        network: bool,
    ) -> Pty {
        let nz = |n| std::num::NonZeroU16::new(n).expect("size");
        let pty = native_pty_system()
            .openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 })
            .expect("pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_tofui"));
        cmd.env("TOFUPILOT_URL", url);
        cmd.env("TOFUPILOT_API_KEY", KEY);
        cmd.env("TOFUI_LOG_FILE", log);
        cmd.env("TERM", "xterm-256color");
        match cache {
            Some(dir) => cmd.env("TOFUI_CACHE_DIR", dir),
            None => cmd.arg("--no-cache"),
        }
        if network {
            cmd.env("TOFUI_COMPRESS", "always");
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(40), nz(120), 0)));
        let p = parser.clone();
        std::thread::spawn(move || {
            let _master = pty.master;
            let mut buf = [0u8; 16384];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().expect("parser").process(&buf[..n]);
            }
        });
        Pty { parser, writer, child }
    }

    fn screen(&self) -> String {
        self.parser.lock().expect("parser").screen().contents()
    }

    fn quit(mut self) {
        let _ = self.writer.write_all(b"q");
        let _ = self.writer.flush();
        let t0 = Instant::now();
        while self.child.try_wait().ok().flatten().is_none()
            && t0.elapsed() < Duration::from_secs(5)
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
    }
}

fn first_frame(
    url: &str,
    log: &std::path::Path,
    cache: Option<&std::path::Path>,
    network: bool,
) -> Duration {
    let t0 = Instant::now();
    let p = Pty::spawn(url, log, cache, network);
    loop {
        if p.screen().contains("SN-") || p.screen().contains("PSU-") || p.screen().contains("RF-") {
            let d = t0.elapsed();
            p.quit();
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
    let client = ApiClient::new(&ClientConfig {
        url: url.into(),
        api_key: KEY.into(),
        ca_cert: None,
        timeout: Duration::from_secs(30),
    })
    .expect("client");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = worker::spawn(client, tx);
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
    let (dir, server) = common::seeded_server(runs).await;
    let url = server.url.clone();
    let log = dir.path().join("tofui.log");

    // 1. Launch to first frame with runs (release binary, pseudo-terminal 120×40), on loopback
    // and through the link simulator, without a cache and with one that holds the view.
    println!("first frame with runs (median of 20 launches; min–max):");
    println!("{:<28} {:>22} {:>22}", "", "no cache", "cache holds the view");
    for link in [netsim::Link::LOOPBACK, netsim::Link::field()] {
        let sim = netsim::LinkSim::start(&url, link).await;
        let (u, l) = (sim.url(), log.clone());
        let cache = tempfile::tempdir().expect("cache dir");
        let c = cache.path().to_path_buf();
        let n = link.bits_per_second.is_some() || !link.delay.is_zero();
        let (cold, warm) = tokio::task::spawn_blocking(move || {
            first_frame(&u, &l, None, n); // warm the page cache
            let cold: Vec<Duration> = (0..20).map(|_| first_frame(&u, &l, None, n)).collect();
            first_frame(&u, &l, Some(&c), n); // fills the cache
            let warm: Vec<Duration> = (0..20).map(|_| first_frame(&u, &l, Some(&c), n)).collect();
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
    let (u, l) = (url.clone(), log.clone());
    let total = runs;
    let (rss, hwm, took) = tokio::task::spawn_blocking(move || {
        let mut p = Pty::spawn(&u, &l, None, false);
        let pid = p.child.process_id().expect("pid");
        let want = format!("/{}", tofui::ui::format::count(total));
        let t0 = Instant::now();
        loop {
            let s = p.screen();
            if s.contains(&want) && s.contains(" all") {
                break;
            }
            assert!(t0.elapsed() < Duration::from_secs(300), "not all loaded:\n{s}");
            p.writer.write_all(b"G").expect("G");
            p.writer.flush().expect("flush");
            std::thread::sleep(Duration::from_millis(10));
        }
        let took = t0.elapsed();
        std::thread::sleep(Duration::from_millis(300));
        let r = (rss_kb(pid, "VmRSS:"), rss_kb(pid, "VmHWM:"), took);
        p.quit();
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
