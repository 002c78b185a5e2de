//! The run view's budgets (issue 5) on the huge run (2,000 phases, 50,000 measurements,
//! 200,000 log lines) served by the embedded server over HTTP:
//! - open to first frame ≤ 300 ms: cold (fetched on `enter`) and warm (prefetched);
//! - scrolling ≤ 5 ms per frame (update + render), in the tree and in the logs.
//!
//! `cargo bench --bench detail`

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{FixedOffset, Utc};
use common::{KEY, Sink, api_client, ms, pct, terminal};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tofui::app::cache::CachedRun;
use tofui::app::{App, Msg, Session};
use tofui::server::seed::{SeedOptions, seed, seed_huge};
use tofui::server::store::Store;
use tofui::worker::client::silent;

fn key(app: &mut App, c: KeyCode) {
    let now = app.shared().now_ms();
    app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)), now);
}

/// The keys the tree's scroll presses in turn.
const TREE_KEYS: [KeyCode; 8] = [
    KeyCode::Char('j'),
    KeyCode::Char('j'),
    KeyCode::PageDown,
    KeyCode::Char('n'),
    KeyCode::Char('k'),
    KeyCode::PageUp,
    KeyCode::Char('G'),
    KeyCode::Char('g'),
];

/// The keys the logs' scroll presses in turn.
const LOG_KEYS: [KeyCode; 6] = [
    KeyCode::Char('j'),
    KeyCode::PageDown,
    KeyCode::Char('k'),
    KeyCode::PageUp,
    KeyCode::Char('G'),
    KeyCode::Char('g'),
];

/// Times `n` keypresses (update + render) and prints p50, p99 and max per frame for `what`.
fn scroll(
    app: &mut App,
    term: &mut Terminal<CrosstermBackend<Sink>>,
    keys: &[KeyCode],
    n: usize,
    what: &str,
) {
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let t0 = Instant::now();
        key(app, keys[i % keys.len()]);
        term.draw(|f| tofui::ui::render(app, f)).expect("draw");
        times.push(t0.elapsed());
    }
    let max = ms(*times.iter().max().expect("times"));
    let (p50, p99) = (ms(pct(&mut times, 0.5)), ms(pct(&mut times, 0.99)));
    println!("{what}: p50 {p50:.3} ms, p99 {p99:.3} ms, max {max:.3} ms per frame");
}

#[tokio::main]
async fn main() {
    tofui::init_tls();
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bench.sqlite3");
    let store = Store::open(&db).expect("store");
    seed(&store, &SeedOptions { runs: 50, seed: 42, anchor: Utc::now() }).expect("seed");
    let huge = seed_huge(&store, 42, Utc::now()).expect("huge");
    drop(store);
    let server =
        tofui::server::start_at(&db, "127.0.0.1:0", Some(KEY), None).await.expect("server");
    let client = api_client(&server.url, KEY, Duration::from_secs(60));
    let tz: tofui::model::Zone = FixedOffset::east_opt(0).expect("utc").into();

    // Cold: enter without a prefetch, as the worker does it — HTTP, the run decoded without
    // its logs, tree, first frame; the logs decoded next.
    let mut cold = Vec::new();
    let (mut fetch, mut build, mut frame, mut logs_t) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut run = None;
    for _ in 0..8 {
        let t0 = Instant::now();
        let body = client.get_run_body(&huge, &silent()).await.expect("huge run");
        let (detail, raw_logs) = tofui::worker::client::decode_run_head(&body).expect("head");
        let t1 = Instant::now();
        let mut app = App::new(
            Session { url: server.url.clone(), demo: true, blocked: None },
            Utc::now().timestamp_millis(),
            tz,
            (120, 40),
        );
        // The logs follow in the worker's next answer; the tree does not wait for them (a
        // run marked as waiting for logs nobody asked for would be fetched again).
        let cached = CachedRun { run: Arc::new(detail), logs: None, logs_pending: false };
        // The tree and the tabs' state are built as the run view opens.
        let fx = app.open_run_for_bench(huge.clone(), Some(cached));
        assert!(
            !fx.iter().any(|e| matches!(
                e,
                tofui::app::Effect::Send(tofui::worker::WorkerRequest::Fetch {
                    fetch: tofui::worker::Fetch::Run { .. },
                    ..
                })
            )),
            "opened from what was fetched: {fx:?}"
        );
        let t2 = Instant::now();
        let mut term = terminal(120, 40);
        term.draw(|f| tofui::ui::render(&app, f)).expect("draw");
        let t3 = Instant::now();
        let logs =
            tofui::worker::client::decode_logs(&body[raw_logs.expect("logs")]).expect("logs");
        let t4 = Instant::now();
        cold.push(t3 - t0);
        fetch.push(t1 - t0);
        build.push(t2 - t1);
        frame.push(t3 - t2);
        logs_t.push(t4 - t3);
        let mut r = app.run().and_then(|d| d.loaded().map(|l| (*l.run).clone())).expect("run");
        r.logs = Some(logs);
        run = Some(Arc::new(r));
    }
    let run = run.expect("run");
    println!(
        "huge run: {} phases, {} measurements, {} log lines",
        run.phases.as_ref().map_or(0, Vec::len),
        run.phases
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|p| p.measurements.len())
            .sum::<usize>(),
        run.logs.as_ref().map_or(0, Vec::len)
    );
    println!(
        "open cold (enter, fetched over HTTP) to first frame: median {:.0} ms (HTTP + decode without logs {:.0} ms, tree {:.0} ms, first frame {:.1} ms); logs decoded {:.0} ms later",
        ms(pct(&mut cold, 0.5)),
        ms(pct(&mut fetch, 0.5)),
        ms(pct(&mut build, 0.5)),
        ms(pct(&mut frame, 0.5)),
        ms(pct(&mut logs_t, 0.5))
    );

    // Where the cold time goes: the server's answer alone, then decoding it.
    let (mut http, mut decode, mut head) = (Vec::new(), Vec::new(), Vec::new());
    let mut size = 0;
    for _ in 0..5 {
        let t0 = Instant::now();
        let body = client
            .call(reqwest::Method::GET, &["runs", &huge], &[], &silent())
            .await
            .expect("body");
        let t1 = Instant::now();
        let parsed: tofui::api::RunDetail = serde_json::from_slice(&body).expect("decode");
        http.push(t1 - t0);
        decode.push(t1.elapsed());
        let t2 = Instant::now();
        let _ = tofui::worker::client::decode_run_head(&body).expect("head");
        head.push(t2.elapsed());
        size = body.len();
        drop(parsed);
    }
    // The server's own share: reading the stored run and building the body.
    let mut server_side = Vec::new();
    for _ in 0..5 {
        let t0 = Instant::now();
        let conn = server.store.reader();
        let caller = tofui::server::auth::Caller::User { user_id: String::new() };
        let body =
            tofui::server::store::render::run_detail(&conn, &huge, &caller, "http://127.0.0.1")
                .expect("body")
                .into_vec()
                .expect("read");
        server_side.push(t0.elapsed());
        drop(body);
    }
    println!("  the server builds the body in a median {:.0} ms", ms(pct(&mut server_side, 0.5)));
    println!(
        "  of which: HTTP answer ({:.1} MiB) median {:.0} ms, decoding all median {:.0} ms, without the logs (as the first frame does) {:.0} ms",
        size as f64 / 1048576.0,
        ms(pct(&mut http, 0.5)),
        ms(pct(&mut decode, 0.5)),
        ms(pct(&mut head, 0.5))
    );

    // Warm: the run was prefetched into the cache; `enter` builds the view and draws.
    let mut warm = Vec::new();
    let mut app = App::new(
        Session { url: server.url.clone(), demo: true, blocked: None },
        Utc::now().timestamp_millis(),
        tz,
        (120, 40),
    );
    for _ in 0..10 {
        let cached = CachedRun { run: run.clone(), logs: None, logs_pending: false };
        let mut term = terminal(120, 40);
        let t0 = Instant::now();
        let fx = app.open_run_for_bench(huge.clone(), Some(cached));
        term.draw(|f| tofui::ui::render(&app, f)).expect("draw");
        warm.push(t0.elapsed());
        assert!(
            !fx.iter().any(|e| matches!(
                e,
                tofui::app::Effect::Send(tofui::worker::WorkerRequest::Fetch {
                    fetch: tofui::worker::Fetch::Run { .. },
                    ..
                })
            )),
            "served from the cache: {fx:?}"
        );
    }
    println!(
        "open warm (prefetched): median {:.0} ms, max {:.0} ms",
        ms(pct(&mut warm, 0.5)),
        ms(*warm.iter().max().expect("warm"))
    );

    // Scrolling, with everything open in the tree.
    let mut term = terminal(120, 40);
    key(&mut app, KeyCode::Char('+'));
    term.draw(|f| tofui::ui::render(&app, f)).expect("draw");
    let visible = app.run().and_then(|d| d.loaded()).map_or(0, |l| l.tree.visible.len());
    let what = format!("tree scroll ({visible} rows open, 120×40)");
    scroll(&mut app, &mut term, &TREE_KEYS, 4000, &what);
    let t0 = Instant::now();
    key(&mut app, KeyCode::Char('-'));
    key(&mut app, KeyCode::Char('+'));
    println!("close all + open all: {:.1} ms", ms(t0.elapsed()));
    key(&mut app, KeyCode::Char('2'));
    scroll(&mut app, &mut term, &LOG_KEYS, 4000, "logs scroll (200,000 lines, 120×40)");
    let t0 = Instant::now();
    key(&mut app, KeyCode::Char('d'));
    println!("hide DEBUG over 200,000 lines: {:.1} ms", ms(t0.elapsed()));
    key(&mut app, KeyCode::Char('/'));
    for c in "sample 42 ".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let t0 = Instant::now();
    key(&mut app, KeyCode::Enter);
    let matches = app.run().and_then(|d| d.loaded()).map_or(0, |l| l.logs.matches.len());
    println!(
        "search \"sample 42 \" over the visible lines: {:.1} ms, {matches} matches",
        ms(t0.elapsed())
    );
    let keys = [KeyCode::Char('n'), KeyCode::Char('n'), KeyCode::Char('N')];
    scroll(&mut app, &mut term, &keys, 2000, "n/N between matches");
    server.stop().await;
}
