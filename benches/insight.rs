//! Issue 15's budgets for the insight panes at 200,000 seeded runs, over HTTP on loopback,
//! through the real worker and the real app, as the dashboard runs them:
//! - a 30-day window of one procedure: the first partial Pareto and yield on screen ≤ 300 ms
//!   after the key, complete ≤ 3 s; the trend of one measurement over it complete ≤ 2 s;
//! - while loading, update + render per keypress p99 ≤ 2 ms;
//! - the analysis's memory ≤ 64 MB above the dashboard's own.
//!
//! - issue 26: All runs (the newest 50,000) complete, yield ≤ 1.5 s on loopback and ≤ 5 s at
//!   100 ms RTT + 20 Mbit/s (the link simulator), Pareto ≤ 8 s there; printed side by side.
//!
//! - issue 26: reopened with a warm cache, in the same session and in a new one after a few new
//!   runs: yield ≤ 500 ms and Pareto ≤ 700 ms on the slow link; and the cache's size.
//!
//! `cargo bench --bench insight` (env `TOFUI_BENCH_RUNS` to change the run count).

mod common;
#[path = "common/drive.rs"]
mod drive;
#[path = "../tests/common/netsim.rs"]
mod netsim;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::{KEY, ms, pct, terminal};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use drive::{Answers, Worker, press, send, session_with, settle};
use tofui::app::{App, Msg};

const FILTER: &str = "proc:\"PCB Functional Test\" since:30d";

struct Timing {
    first: Duration,
    complete: Duration,
    runs: usize,
    keys: Vec<Duration>,
    heap: usize,
}

/// Opens a pane with `key` over the filtered list; times the first frame with numbers and
/// the complete one; presses `j`/`k` between answers, timing update + render.
async fn time_pane(app: &mut App, worker: &Worker, rx: &mut Answers, key: char) -> Timing {
    let mut term = terminal(160, 48);
    let t0 = Instant::now();
    let fx = press(app, KeyCode::Char(key));
    send(worker, fx);
    term.draw(|f| tofui::ui::render(app, f)).expect("draw");
    let (mut first, mut keys) = (None, Vec::new());
    let mut busy = t0.elapsed();
    let loaded = |a: &App| match key {
        'P' => a.pareto().map(|p| (p.loading(), p.report.counted_runs > 0, p.load.loaded)),
        _ => a.yields().map(|y| (y.loading(), y.report.total.count.runs > 0, y.load.loaded)),
    };
    loop {
        let r = rx.recv().await.expect("answer");
        let t = Instant::now();
        let fx = app.update(Msg::Worker(r), Utc::now().timestamp_millis());
        send(worker, fx);
        term.draw(|f| tofui::ui::render(app, f)).expect("draw");
        busy += t.elapsed();
        let (loading, numbers, _) = loaded(app).expect("pane open");
        if numbers && first.is_none() {
            first = Some(t0.elapsed());
        }
        if !loading {
            break;
        }
        for code in [KeyCode::Char('j'), KeyCode::Char('k')] {
            let t = Instant::now();
            let fx = press(app, code);
            let pressed = t.elapsed();
            term.draw(|f| tofui::ui::render(app, f)).expect("draw");
            keys.push(t.elapsed());
            if std::env::var_os("TOFUI_BENCH_BUSY").is_some() {
                eprintln!("key {key}: update {pressed:?}, update + render {:?}", t.elapsed());
            }
            send(worker, fx);
        }
    }
    let complete = t0.elapsed();
    let (_, _, runs) = loaded(app).expect("pane open");
    let heap = match key {
        'P' => app.pareto().map_or(0, |p| p.load.facts.heap_bytes()),
        _ => app.yields().map_or(0, |y| y.load.facts.heap_bytes()),
    };
    if std::env::var_os("TOFUI_BENCH_BUSY").is_some() {
        eprintln!("pane {key}: complete {complete:?}, the app's thread busy {busy:?}");
    }
    Timing { first: first.unwrap_or(complete), complete, runs, keys, heap }
}

/// An app and a worker talking to `url`, with the first page loaded.
/// `network`: the client asks for compression as over a real network (the link simulator is
/// a loopback proxy).
async fn session(url: &str, network: bool) -> (App, Worker, Answers) {
    session_with(url, network, None).await
}

async fn filter(app: &mut App, worker: &Worker, rx: &mut Answers, line: &str) {
    let mut fx = press(app, KeyCode::Char('/'));
    for c in line.chars() {
        fx.extend(press(app, KeyCode::Char(c)));
    }
    fx.extend(press(app, KeyCode::Enter));
    send(worker, fx);
    settle(app, worker, rx, |a| a.list().loaded && !a.list().is_loading()).await;
}

#[tokio::main]
async fn main() {
    tofui::init_tls();
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let runs: usize =
        std::env::var("TOFUI_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let (_dir, server) = common::seeded_server(runs).await;
    // `TOFUI_BENCH_ONLY=warm`: only the runs with the local cache; `=trend`: only the trend;
    // `=filter`: only the panes over a filter (the keys' update + render while loading).
    let only = std::env::var("TOFUI_BENCH_ONLY").unwrap_or_default();
    match only.as_str() {
        "warm" => return warm(&server.url).await,
        "trend" => return trend_on_both_links(&server.url).await,
        "filter" => return over_a_filter(&server.url).await,
        _ => {}
    }

    // Issue 26: All runs (the newest 50,000, the cap) on loopback and through the link
    // simulator at 100 ms RTT + 20 Mbit/s, no cache.
    println!("All runs (newest 50,000), empty cache, complete (median of 3):");
    println!("{:<28} {:>12} {:>12}", "", "yield", "Pareto");
    for link in [netsim::Link::LOOPBACK, netsim::Link::field()] {
        let sim = netsim::LinkSim::start(&server.url, link).await;
        let network = !link.delay.is_zero() || link.bits_per_second.is_some();
        let (mut app, worker, mut rx) = session(&sim.url(), network).await;
        let mut cells = Vec::new();
        for key in ['%', 'P'] {
            let mut v = Vec::new();
            for _ in 0..3 {
                v.push(time_pane(&mut app, &worker, &mut rx, key).await.complete);
                let fx = press(&mut app, KeyCode::Esc);
                send(&worker, fx);
            }
            cells.push(format!("{:.2} s", pct(&mut v, 0.5).as_secs_f64()));
        }
        println!("{:<28} {:>12} {:>12}", link.describe(), cells[0], cells[1]);
    }

    warm(&server.url).await;
    over_a_filter(&server.url).await;
    trend_on_both_links(&server.url).await;
}

/// Pareto and yield over a filter of 50,000 runs on loopback, no cache: first numbers,
/// complete, and each key's update + render while they load.
async fn over_a_filter(url: &str) {
    let (mut app, worker, mut rx) = session(url, false).await;
    // `/` opens with the filter and a space; the line typed replaces it (ctrl-u is not sent
    // as a key here: the filter starts empty).
    filter(&mut app, &worker, &mut rx, FILTER).await;
    println!("filter: {FILTER}");

    for (key, name) in [('P', "Pareto"), ('%', "yield")] {
        for round in 0..3 {
            let mut t = time_pane(&mut app, &worker, &mut rx, key).await;
            let p99 = pct(&mut t.keys, 0.99);
            if round == 2 {
                println!(
                    "{name}: {} runs; first numbers on screen {:.0} ms after the key (budget 300), complete {:.2} s (budget 3); update + render per key while loading p99 {:.2} ms over {} keys (budget 2); analysis memory {:.1} MB (budget 64)",
                    t.runs,
                    ms(t.first),
                    t.complete.as_secs_f64(),
                    ms(p99),
                    t.keys.len(),
                    t.heap as f64 / 1e6
                );
            }
            let fx = press(&mut app, KeyCode::Esc);
            send(&worker, fx);
        }
    }
    drop((app, worker, rx));
}

/// The trend of one measurement over the filter's runs, on loopback and through the link
/// simulator (its values are walked by time; once the runs' span is known, in slices at once).
async fn trend_on_both_links(url: &str) {
    for link in [netsim::Link::LOOPBACK, netsim::Link::field()] {
        let sim = netsim::LinkSim::start(url, link).await;
        let network = !link.delay.is_zero() || link.bits_per_second.is_some();
        // On loopback straight to the server, as the budget was set.
        let to = if network { sim.url() } else { url.to_string() };
        let (mut app, worker, mut rx) = session(&to, network).await;
        filter(&mut app, &worker, &mut rx, FILTER).await;
        print!("{}: ", link.describe());
        time_trend(&mut app, &worker, &mut rx).await;
    }
}

async fn time_trend(app: &mut App, worker: &Worker, rx: &mut Answers) {
    let fx = press(app, KeyCode::Enter);
    send(worker, fx);
    settle(app, worker, rx, |a| a.run().is_some_and(|r| r.loaded().is_some())).await;
    let fx = press(app, KeyCode::Char('+'));
    send(worker, fx);
    let at = {
        let l = app.run().and_then(|r| r.loaded()).expect("run");
        let phases = l.run.phases.as_deref().expect("phases");
        l.tree
            .visible
            .iter()
            .position(|&i| match l.tree.nodes[i as usize].kind {
                tofui::app::run::tree::NodeKind::Measurement { phase, m } => {
                    phases[phase].measurements[m].name == "rail_3v3"
                }
                _ => false,
            })
            .expect("rail_3v3 in the newest run")
    };
    for _ in 0..at {
        let fx = press(app, KeyCode::Char('j'));
        send(worker, fx);
    }
    let mut term = terminal(160, 48);
    for round in 0..3 {
        let t0 = Instant::now();
        let fx = press(app, KeyCode::Char('t'));
        send(worker, fx);
        settle(app, worker, rx, |a| a.trend().is_some_and(|t| !t.loading())).await;
        term.draw(|f| tofui::ui::render(app, f)).expect("draw");
        let complete = t0.elapsed();
        if round == 2 {
            let t = app.trend().expect("trend");
            println!(
                "trend of rail_3v3: {} runs, {} values; complete on screen {:.2} s (budget 2 on loopback)",
                t.load.loaded,
                t.values,
                complete.as_secs_f64()
            );
        }
        let fx = press(app, KeyCode::Esc);
        send(worker, fx);
    }
}

/// Issue 26: All runs with a local cache, on both links: the first open fills it; then
/// reopened in the same session, and in a new session after 20 new runs (median of 3 each).
async fn warm(url: &str) {
    println!("All runs (newest 50,000), with the local cache (median of 3):");
    println!(
        "{:<28} {:>14} {:>14} {:>14} {:>14}",
        "", "yield cold", "yield warm", "yield new sess.", "Pareto warm"
    );
    let http = reqwest::Client::new();
    let procedure = {
        let page: serde_json::Value = http
            .get(format!("{url}/api/v2/runs?limit=1"))
            .bearer_auth(KEY)
            .send()
            .await
            .expect("page")
            .json()
            .await
            .expect("json");
        page["data"][0]["procedure"]["id"].as_str().expect("procedure").to_string()
    };
    for link in [netsim::Link::LOOPBACK, netsim::Link::field()] {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("c.sqlite3");
        let open =
            || std::sync::Arc::new(tofui::cache::Cache::open(&path, 1 << 30).expect("cache"));
        let sim = netsim::LinkSim::start(url, link).await;
        let network = !link.delay.is_zero() || link.bits_per_second.is_some();
        let (mut app, worker, mut rx) = session_with(&sim.url(), network, Some(open())).await;
        let once = async |app: &mut App, worker: &Worker, rx: &mut Answers, key: char| {
            let t = time_pane(app, worker, rx, key).await.complete;
            send(worker, press(app, KeyCode::Esc));
            t
        };
        let cold = once(&mut app, &worker, &mut rx, '%').await;
        once(&mut app, &worker, &mut rx, 'P').await;
        let (mut yw, mut pw) = (Vec::new(), Vec::new());
        for _ in 0..3 {
            yw.push(once(&mut app, &worker, &mut rx, '%').await);
            pw.push(once(&mut app, &worker, &mut rx, 'P').await);
        }
        drop((app, worker, rx));
        let mut fresh = Vec::new();
        for round in 0..3 {
            for k in 0..20 {
                let t = Utc::now().to_rfc3339();
                let body = serde_json::json!({"outcome": if k % 4 == 0 {"FAIL"} else {"PASS"},
                    "procedure_id": procedure, "started_at": t, "ended_at": t,
                    "serial_number": format!("WARM-{round}-{k}"), "part_number": "PCB-MAIN"});
                http.post(format!("{url}/api/v2/runs"))
                    .bearer_auth(KEY)
                    .json(&body)
                    .send()
                    .await
                    .expect("run");
            }
            let (mut app, worker, mut rx) = session_with(&sim.url(), network, Some(open())).await;
            fresh.push(once(&mut app, &worker, &mut rx, '%').await);
        }
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        let s = open().stats();
        println!(
            "  cache: {} run summaries {:.1} MB ({:.0} B each), {} failing rows {:.1} MB ({:.0} B each)",
            s.summaries,
            s.summary_bytes as f64 / 1e6,
            s.summary_bytes as f64 / s.summaries.max(1) as f64,
            s.failure_rows,
            s.failure_bytes as f64 / 1e6,
            s.failure_bytes as f64 / s.failure_rows.max(1) as f64
        );
        println!(
            "{:<28} {:>12.0}ms {:>12.0}ms {:>12.0}ms {:>12.0}ms   (cache file {:.0} MB)",
            link.describe(),
            ms(cold),
            ms(pct(&mut yw, 0.5)),
            ms(pct(&mut fresh, 0.5)),
            ms(pct(&mut pw, 0.5)),
            size as f64 / 1e6
        );
        if link.delay.is_zero() {
            every_run_kept(url, &sim.url(), open).await;
        }
    }
}

/// Issue 26: the cache's size with every run's summary (each procedure's yield opened: its
/// population, up to the cap, is every run of it) and the newest 50,000 runs' failing rows.
async fn every_run_kept(
    url: &str,
    via: &str,
    open: impl Fn() -> std::sync::Arc<tofui::cache::Cache>,
) {
    let procs: serde_json::Value = reqwest::Client::new()
        .get(format!("{url}/api/v2/procedures?limit=100"))
        .bearer_auth(KEY)
        .send()
        .await
        .expect("procedures")
        .json()
        .await
        .expect("json");
    let cache = open();
    let (mut app, worker, mut rx) = session_with(via, false, Some(cache.clone())).await;
    for p in procs["data"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap_or_default();
        let now = Utc::now().timestamp_millis();
        let mut fx = press(&mut app, KeyCode::Char('/'));
        fx.extend(
            app.update(Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)), now),
        );
        for c in format!("proc:\"{name}\"").chars() {
            fx.extend(press(&mut app, KeyCode::Char(c)));
        }
        fx.extend(press(&mut app, KeyCode::Enter));
        send(&worker, fx);
        settle(&mut app, &worker, &mut rx, |a| a.list().loaded && !a.list().is_loading()).await;
        time_pane(&mut app, &worker, &mut rx, '%').await;
        send(&worker, press(&mut app, KeyCode::Esc));
    }
    drop((app, worker, rx));
    // The last population is given to the cache just after the pane hears it is complete:
    // written once two reads a moment apart agree.
    let mut s = cache.stats();
    loop {
        assert!(cache.flush(Duration::from_secs(300)), "the cache's writes");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(cache.flush(Duration::from_secs(300)), "the cache's writes");
        let now = cache.stats();
        if now.summaries == s.summaries {
            break;
        }
        s = now;
    }
    let size = std::fs::metadata(cache.path()).map_or(0, |m| m.len());
    println!(
        "  cache with every procedure's runs: {} run summaries and {} failing rows, file {:.0} MB (budget 300 MB for 200,000 and 50,000 runs' rows)",
        s.summaries,
        s.failure_rows,
        size as f64 / 1e6
    );
}
