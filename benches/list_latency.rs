//! Issue budget: a filtered list page answers in under 20 ms p99 at 200,000 runs; 200,000 runs
//! seed in under a minute. Seeds a fresh database (timed), serves it on loopback and times
//! list pages over real HTTP, as the dashboard will see them.
//!
//! `cargo bench --bench list_latency` (env `TOFUI_BENCH_RUNS` to change the run count).

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
    let mut all = Vec::new();
    println!("{:<28} {:>6} {:>9} {:>9} {:>9}", "list query", "rows", "p50 ms", "p99 ms", "max ms");
    for (name, q) in &queries {
        let rows = get(q.clone()).await["data"].as_array().map(Vec::len).unwrap_or(0);
        let mut times = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let t = Instant::now();
            get(q.clone()).await;
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "{name:<28} {rows:>6} {:>9.2} {:>9.2} {:>9.2}",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            ms(*times.last().expect("samples"))
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "all list queries: p50 {:.2} ms, p99 {:.2} ms (budget 20 ms)",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99))
    );

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
    server.stop().await;
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
