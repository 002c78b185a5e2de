//! Issue budgets at 200,000 runs: a filtered runs page and a runs search p99 ≤ 20 ms; a page of
//! one measurement over 30 days and a page of failing phases p99 ≤ 20 ms; a logs search p99 ≤
//! 50 ms; a units page and a unit p99 ≤ 10 ms; 200,000 runs seed in under a minute; a serial
//! entered → the unit view on screen p95 ≤ 100 ms. Seeds a fresh database (timed), serves it on
//! loopback and times pages over real HTTP, as the dashboard will see them.
//!
//! `cargo bench --bench list_latency` (env `TOFUI_BENCH_RUNS` to change the run count).

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use tofui::server::seed::{SeedOptions, seed, seed_huge};
use tofui::server::store::Store;

const SAMPLES: usize = 200;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    tofui::init_tls();
    let runs: usize =
        std::env::var("TOFUI_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("bench.sqlite3");
    let store = Store::open(&db).expect("open");
    let t = Instant::now();
    seed(&store, &SeedOptions { runs, seed: 42, anchor: Utc::now() }).expect("seed");
    let seeding = t.elapsed();
    let t = Instant::now();
    let huge = seed_huge(&store, 42, Utc::now()).expect("huge");
    let huge_seed = t.elapsed();
    drop(store);
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(db.with_extension("sqlite3-wal")).map(|m| m.len()).unwrap_or(0);
    println!(
        "seeded {runs} runs in {:.1} s ({:.0} runs/s), database {} MiB; huge run in {:.1} s",
        seeding.as_secs_f64(),
        runs as f64 / seeding.as_secs_f64(),
        size >> 20,
        huge_seed.as_secs_f64()
    );

    let server =
        tofui::server::start_at(&db, "127.0.0.1:0", Some("bench"), None).await.expect("server");
    let http = reqwest::Client::new();
    let api = format!("{}/api/v2", server.url);
    let get = |q: String| {
        let (http, api) = (http.clone(), api.clone());
        async move {
            let r = http.get(format!("{api}{q}")).bearer_auth("bench").send().await.expect("sent");
            assert!(r.status().is_success(), "{q}: {}", r.status());
            r.json::<serde_json::Value>().await.expect("json")
        }
    };
    let procs = get("/procedures".into()).await;
    let functional = procs["data"]
        .as_array()
        .expect("procedures")
        .iter()
        .find(|p| p["name"] == "PCB Functional Test")
        .expect("procedure")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let day_ago = tofui::api::time::query_timestamp(&(Utc::now() - chrono::Duration::hours(24)));
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let queries: Vec<(&str, String)> = vec![
        ("newest 50", "/runs?limit=50".into()),
        ("failures", "/runs?outcomes=FAIL&outcomes=ERROR&outcomes=TIMEOUT".into()),
        ("one procedure", format!("/runs?procedure_ids={functional}")),
        ("procedure + failures", format!("/runs?procedure_ids={functional}&outcomes=FAIL")),
        ("part + revision", "/runs?part_numbers=PCB-MAIN&revision_numbers=B".into()),
        ("one serial", "/runs?serial_numbers=SN-01234".into()),
        ("last 24 h", format!("/runs?started_after={}", enc(&day_ago))),
        ("metadata shift=A", format!("/runs?metadata={}", enc(r#"{"shift":{"in":["A"]}}"#))),
        (
            "metadata temp>=26 + fail",
            format!("/runs?outcomes=FAIL&metadata={}", enc(r#"{"temperature":{"gte":26}}"#)),
        ),
        ("search serial", "/runs?search_query=SN-0123".into()),
        ("longest first", "/runs?sort_by=duration&sort_order=desc".into()),
        ("failures by serial", "/runs?outcomes=FAIL&sort_by=serial_number&sort_order=asc".into()),
        ("page 20 (offset 1000)", "/runs?limit=50&cursor=1000".into()),
        ("with metadata", "/runs?include_metadata=true&outcomes=FAIL".into()),
        ("duration 1-5 min", "/runs?duration_min=PT1M&duration_max=PT5M".into()),
        ("batch B12", "/runs?batch_numbers=B12".into()),
    ];
    // Catalog ids the other queries need.
    let first = |v: &serde_json::Value, key: &str| {
        v["data"][0][key].as_str().unwrap_or_default().to_string()
    };
    let run_id = first(&get("/runs?limit=1".into()).await, "id");
    let month_ago = tofui::api::time::query_timestamp(&(Utc::now() - chrono::Duration::days(30)));
    let units = get("/units?limit=100&sort_by=last_run_at".into()).await;
    let serial = units["data"]
        .as_array()
        .and_then(|a| {
            a.iter().find(|u| u["serial_number"].as_str().is_some_and(|s| s.starts_with("SN-")))
        })
        .and_then(|u| u["serial_number"].as_str())
        .unwrap_or("SN-00001")
        .to_string();
    // (group, budget in ms, [(query name, path)])
    type Group<'a> = (&'a str, f64, Vec<(&'a str, String)>);
    let groups: Vec<Group> = vec![
        ("runs lists", 20.0, queries),
        (
            "runs search_query",
            20.0,
            vec![
                ("search serial", "/runs?search_query=SN-0123".into()),
                ("search serial, rare", "/runs?search_query=SN-01234".into()),
                ("search id fragment", format!("/runs?search_query={}", &run_id[..8])),
                ("search + failures", "/runs?search_query=SN-00&outcomes=FAIL".into()),
            ],
        ),
        (
            "measurements",
            20.0,
            vec![
                (
                    "rail_3v3, 30 days",
                    format!(
                        "/measurements?procedure_id={functional}&measurement_name=rail_3v3&started_after={}&limit=100",
                        enc(&month_ago)
                    ),
                ),
                (
                    "rail_3v3, page 50",
                    format!(
                        "/measurements?procedure_id={functional}&measurement_name=rail_3v3&started_after={}&limit=100&cursor=5000",
                        enc(&month_ago)
                    ),
                ),
                (
                    "failing, any",
                    format!(
                        "/measurements?procedure_id={functional}&measurement_outcomes=FAIL&limit=100"
                    ),
                ),
            ],
        ),
        (
            "phases",
            20.0,
            vec![
                (
                    "failures",
                    format!(
                        "/phases?procedure_id={functional}&outcomes=FAIL&outcomes=ERROR&limit=100"
                    ),
                ),
                (
                    "failures, 30 days",
                    format!(
                        "/phases?procedure_id={functional}&outcomes=FAIL&started_after={}&limit=100",
                        enc(&month_ago)
                    ),
                ),
                (
                    "one phase",
                    format!("/phases?procedure_id={functional}&names=Power-on&limit=100"),
                ),
            ],
        ),
        (
            "logs search",
            50.0,
            vec![
                ("common word", "/logs?search_query=outside&limit=50".into()),
                ("rarer phrase", "/logs?search_query=timed%20out&limit=50".into()),
                (
                    "rare, one procedure",
                    format!(
                        "/logs?search_query=CRC%20mismatch&procedure_ids={functional}&limit=50"
                    ),
                ),
                ("errors only", "/logs?levels=ERROR&levels=CRITICAL&limit=50".into()),
            ],
        ),
        (
            "units",
            10.0,
            vec![
                ("list, newest", "/units?limit=50".into()),
                ("list, by last run", "/units?limit=50&sort_by=last_run_at".into()),
                ("list, search", "/units?search_query=SN-012&limit=50".into()),
                ("list, failing now", "/units?outcomes=FAIL&latest_only=true&limit=50".into()),
                ("get", format!("/units/{serial}")),
            ],
        ),
    ];
    println!("{:<28} {:>6} {:>9} {:>9} {:>9}", "query", "rows", "p50 ms", "p99 ms", "max ms");
    for (group, budget, queries) in groups {
        let mut all = Vec::new();
        for (name, q) in &queries {
            let first = get(q.clone()).await;
            let rows = first["data"].as_array().map(Vec::len).unwrap_or(1);
            let mut times = Vec::with_capacity(SAMPLES);
            for _ in 0..SAMPLES {
                let t = Instant::now();
                get(q.clone()).await;
                times.push(t.elapsed());
            }
            times.sort();
            println!(
                "  {name:<26} {rows:>6} {:>9.2} {:>9.2} {:>9.2}",
                ms(percentile(&times, 0.5)),
                ms(percentile(&times, 0.99)),
                ms(*times.last().expect("samples"))
            );
            all.extend(times);
        }
        all.sort();
        let p99 = ms(percentile(&all, 0.99));
        println!(
            "{group}: p50 {:.2} ms, p99 {p99:.2} ms (budget {budget} ms){}",
            ms(percentile(&all, 0.5)),
            if p99 > budget { "  OVER BUDGET" } else { "" }
        );
    }

    let mut times = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let r = http
            .get(format!("{api}/runs/{huge}"))
            .bearer_auth("bench")
            .send()
            .await
            .expect("sent")
            .bytes()
            .await
            .expect("body");
        times.push((t.elapsed(), r.len()));
    }
    times.sort();
    println!("GET huge run ({} MiB): median {:.0} ms", times[0].1 >> 20, ms(times[5].0));
    unit_view(&http, &api, &server.url, &procs).await;
    server.stop().await;
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Issue 16's budget: a serial entered → the unit view with its runs on screen ≤ 100 ms p95,
/// for a unit with 50 runs across 4 procedures inside 3 levels of genealogy. Timed as the
/// dashboard does it: the app takes the serial, the fetch worker asks the server over HTTP
/// (the unit, its runs, the first failing phase of its failing runs, its tree), the answer is
/// applied and the screen drawn.
async fn unit_view(http: &reqwest::Client, api: &str, url: &str, procs: &serde_json::Value) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use serde_json::json;
    use tofui::app::{App, Effect, Msg, Session};
    use tofui::worker::{WorkerEvent, WorkerRequest};

    let post = |path: &str, body: serde_json::Value| {
        let (http, url) = (http.clone(), format!("{api}{path}"));
        async move {
            let r = http.post(url).bearer_auth("bench").json(&body).send().await.expect("sent");
            assert!(r.status().is_success(), "{}", r.text().await.unwrap_or_default());
        }
    };
    let ids: Vec<String> = procs["data"]
        .as_array()
        .expect("procedures")
        .iter()
        .take(4)
        .map(|p| p["id"].as_str().expect("id").to_string())
        .collect();
    let now = Utc::now();
    for i in 0..50i64 {
        let start = now - chrono::Duration::hours(50 - i);
        let end = start + chrono::Duration::minutes(3);
        let fail = i % 5 == 0;
        let phase = json!({"name": if fail { "Power-on" } else { "Boot" },
            "outcome": if fail { "FAIL" } else { "PASS" },
            "started_at": start.to_rfc3339(), "ended_at": end.to_rfc3339()});
        post(
            "/runs",
            json!({"outcome": if fail { "FAIL" } else { "PASS" },
            "procedure_id": ids[i as usize % ids.len()], "serial_number": "BENCH-SN-1",
            "part_number": "PCB-MAIN", "revision_number": "C",
            "started_at": start.to_rfc3339(), "ended_at": end.to_rfc3339(), "phases": [phase]}),
        )
        .await;
    }
    for (serial, part) in [("BENCH-SYS-1", "GW-100"), ("BENCH-RF-1", "RF-FE")] {
        post(
            "/units",
            json!({"serial_number": serial, "part_number": part, "revision_number": "A"}),
        )
        .await;
    }
    for (parent, child) in [("BENCH-SYS-1", "BENCH-SN-1"), ("BENCH-SN-1", "BENCH-RF-1")] {
        let r = http
            .put(format!("{api}/units/{parent}/children"))
            .bearer_auth("bench")
            .json(&json!({"child_serial_number": child}))
            .send()
            .await
            .expect("sent");
        assert!(r.status().is_success());
    }

    let (tx, mut rx) = common::spawn_worker(url, "bench", Duration::from_secs(20));
    let session = Session { url: url.to_string(), ..Session::default() };
    let mut times = Vec::new();
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
    for _ in 0..SAMPLES {
        let mut app =
            App::new(session.clone(), 0, chrono::FixedOffset::east_opt(0).unwrap(), (80, 24));
        let key = |c| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
        app.update(key(KeyCode::Char('U')), 0);
        for c in "bench-sn-1".chars() {
            app.update(key(KeyCode::Char(c)), 0);
        }
        let t = Instant::now();
        for fx in app.update(key(KeyCode::Enter), 0) {
            if let Effect::Send(req @ WorkerRequest::Fetch { .. }) = fx {
                tx.send(req).expect("worker");
            }
        }
        loop {
            let r = rx.recv().await.expect("answer");
            let done = matches!(r.event, WorkerEvent::Unit(_));
            app.update(Msg::Worker(r), 0);
            if done {
                break;
            }
        }
        term.draw(|f| tofui::ui::render(&app, f)).expect("draw");
        times.push(t.elapsed());
        let d = app.unit().and_then(|u| u.data()).expect("the unit view with its data");
        assert_eq!((d.runs.len(), d.tree.len()), (50, 3));
    }
    times.sort();
    println!(
        "serial -> unit view on screen (50 runs, 4 procedures, 3 levels): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (budget 100 ms p95)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(times[times.len() - 1])
    );
}
