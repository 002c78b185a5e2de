//! The yield pane (issue 15): the worker loads every run of the view's filter from the real
//! server page by page; the pane, driven headless with those runs, shows the numbers an
//! independent count of the same runs gives; its screens at 80×24 and 160×48.

use crate::common;

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use crate::common::render::text;
use common::render::assert_no_colour;
use common::rows::{NOW, app};
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;
use tofui::api::RunSummary;
use tofui::app::{App, Effect, Msg};
use tofui::query::RunQuery;
use tofui::worker::{Fetch, ListRequest, Slot, WorkerEvent, WorkerRequest, WorkerResponse};

async fn server() -> TestServer {
    TestServer::seeded(600, 11).await
}

fn request(query: RunQuery) -> ListRequest {
    common::insight::request(query, NOW)
}

/// Every batch the worker sends for the filter, until the last.
async fn load(s: &TestServer, query: RunQuery) -> Vec<Vec<std::sync::Arc<RunSummary>>> {
    let (tx, mut rx) = s.worker();
    let fetch = Fetch::Population { req: Box::new(request(query)), failures: false };
    tx.send(WorkerRequest::Fetch { id: 7, slot: Slot::Population, fetch }).expect("worker");
    let mut batches = Vec::new();
    loop {
        let r = common::next_answer(&mut rx).await;
        assert_eq!(r.id, 7);
        match r.event {
            WorkerEvent::PopulationRuns { rows, unreadable, done, capped } => {
                assert_eq!((unreadable, capped), (0, false));
                batches.push(rows.expect("runs"));
                if done {
                    return batches;
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// The runs the API lists for `filter` (a query string), read page by page as JSON.
async fn raw_runs(s: &TestServer, filter: &str) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        let path = format!("/runs?limit=100&cursor={}{filter}", out.len());
        let (st, page) = s.get(&path).await;
        assert_eq!(st, 200, "{page}");
        out.extend(page["data"].as_array().expect("data").iter().cloned());
        if !page["meta"]["has_more"].as_bool().unwrap_or(false) {
            return out;
        }
    }
}

/// Yield counts by hand from the JSON, with the README's rules: ABORTED and runs without an
/// outcome are not counted, nor runs of golden/failing/ignored units; a unit's attempts are
/// counted per procedure, in start order; a pair belongs to its first counted run's station.
/// (units, runs, first passes, final passes) in total and per station name.
type Count = (u32, u32, u32, u32);
fn by_hand(runs: &[Value]) -> (Count, BTreeMap<String, Count>) {
    // (serial, procedure id) -> [(started_at, id, outcome, station)]
    type Attempt = (String, String, String, String);
    let mut pairs: HashMap<(String, String), Vec<Attempt>> = HashMap::new();
    for r in runs {
        let outcome = r["outcome"].as_str().unwrap_or("");
        if !matches!(outcome, "PASS" | "FAIL" | "ERROR" | "TIMEOUT")
            || !r["unit"]["sample"].is_null()
        {
            continue;
        }
        let key = (
            r["unit"]["serial_number"].as_str().unwrap().to_string(),
            r["procedure"]["id"].as_str().unwrap().to_string(),
        );
        let station = r["created_by_station"]["name"].as_str().unwrap_or("user").to_string();
        let started = r["started_at"].as_str().unwrap_or("").to_string();
        let id = r["id"].as_str().unwrap().to_string();
        pairs.entry(key).or_default().push((started, id, outcome.to_string(), station));
    }
    let mut total = (0, 0, 0, 0);
    let mut stations: BTreeMap<String, Count> = BTreeMap::new();
    for runs in pairs.values_mut() {
        runs.sort();
        let first = runs.first().unwrap();
        let last = runs.last().unwrap();
        let add = |c: &mut Count| {
            c.0 += 1;
            c.1 += runs.len() as u32;
            c.2 += u32::from(first.2 == "PASS");
            c.3 += u32::from(last.2 == "PASS");
        };
        add(&mut total);
        add(stations.entry(first.3.clone()).or_default());
    }
    (total, stations)
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn esc() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))
}

fn analysis_request(fx: &[Effect]) -> Option<(u64, ListRequest)> {
    fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch {
            id,
            slot: Slot::Population,
            fetch: Fetch::Population { req: r, .. },
        }) => Some((*id, (**r).clone())),
        _ => None,
    })
}

/// The yield pane opened with `%` from the list and fed `batches`.
fn opened(w: u16, h: u16, batches: &[Vec<std::sync::Arc<RunSummary>>]) -> App {
    let mut a = app(w, h);
    a.start();
    let (id, _) = analysis_request(&a.update(key('%'), NOW)).expect("the pane asks for runs");
    for (i, rows) in batches.iter().enumerate() {
        let event = WorkerEvent::PopulationRuns {
            rows: Ok(rows.clone()),
            unreadable: 0,
            done: i + 1 == batches.len(),
            capped: false,
        };
        a.update(Msg::Worker(WorkerResponse { id, event }), NOW);
    }
    a
}

fn pct(a: u32, b: u32) -> String {
    format!("{:.1}%", f64::from(a) * 100.0 / f64::from(b))
}

fn thousands(n: u32) -> String {
    tofui::ui::format::count(n as usize)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_numbers_on_screen_are_an_independent_count_of_the_seeded_runs() {
    let s = server().await;
    let batches = load(&s, RunQuery::default()).await;
    let loaded: usize = batches.iter().map(Vec::len).sum();
    assert_eq!(loaded as i64, s.run_count().await, "every run, once");
    assert!(batches.len() > 1, "the pane fills batch by batch");

    let (total, stations) = by_hand(&raw_runs(&s, "").await);
    let a = opened(160, 48, &batches);
    let screen = text(&a);
    let want = format!(
        "{} units · {} runs · first-pass {} · final {}",
        thousands(total.0),
        thousands(total.1),
        pct(total.2, total.0),
        pct(total.3, total.0)
    );
    assert!(screen.contains(&want), "want {want}\n{screen}");
    assert!(screen.contains(&format!("{} runs ", thousands(loaded as u32))), "{screen}");
    // One row per station, with its own counts.
    assert!(stations.len() > 2, "the demo has several stations");
    for (name, c) in &stations {
        let row = screen
            .lines()
            .map(|l| l.trim_matches('"').trim_start())
            .find(|l| l.starts_with(name.as_str()))
            .unwrap_or_else(|| panic!("no row for {name}\n{screen}"));
        let cells: Vec<&str> = row[name.len()..].split_whitespace().collect();
        assert_eq!(
            &cells[..4],
            &[thousands(c.0), thousands(c.1), pct(c.2, c.0), pct(c.3, c.0)],
            "{name}: {row}"
        );
    }
    // Costliest first: the first row has the most failed first passes.
    let worst = stations.values().map(|c| c.0 - c.2).max().unwrap();
    let y = a.yields().expect("the pane");
    assert_eq!(y.report.rows[0].count.units - y.report.rows[0].count.first_pass, worst);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filtered_view_counts_only_its_runs() {
    let s = server().await;
    let query = tofui::query::parse("station:\"Line 2 FCT\"").expect("query");
    let batches = load(&s, query.clone()).await;
    let (_, page) = s.get("/stations?limit=100").await;
    let id = page["data"]
        .as_array()
        .expect("stations")
        .iter()
        .find(|st| st["name"] == "Line 2 FCT")
        .and_then(|st| st["id"].as_str())
        .expect("Line 2 FCT")
        .to_string();
    let (total, stations) = by_hand(&raw_runs(&s, &format!("&created_by_station_ids={id}")).await);
    assert_eq!(stations.keys().collect::<Vec<_>>(), vec!["Line 2 FCT"]);
    let mut a = app(80, 24);
    a.start();
    a.runs.list.query = query;
    let (id, req) = analysis_request(&a.update(key('%'), NOW)).expect("asked");
    assert_eq!(req.query.to_line(), "station:\"Line 2 FCT\"");
    for (i, rows) in batches.iter().enumerate() {
        let done = i + 1 == batches.len();
        let event = WorkerEvent::PopulationRuns {
            rows: Ok(rows.clone()),
            unreadable: 0,
            done,
            capped: false,
        };
        a.update(Msg::Worker(WorkerResponse { id, event }), NOW);
    }
    let y = a.yields().expect("pane");
    let c = y.report.total.count;
    assert_eq!((c.units, c.runs, c.first_pass, c.final_pass), total);
}

#[test]
fn esc_while_loading_cancels_and_s_cycles_the_split() {
    let mut a = app(80, 24);
    a.start();
    let (id, _) = analysis_request(&a.update(key('%'), NOW)).expect("asked");
    assert!(a.yields().is_some_and(|y| y.loading()));
    let screen = text(&a);
    assert!(screen.contains("0 runs loaded…"), "{screen}");
    // ? lists the pane's keys.
    a.update(key('?'), NOW);
    let help = text(&a);
    assert!(help.contains("Keys: yield") && help.contains("split by"), "{help}");
    a.update(esc(), NOW);
    let before = a.yields().unwrap().split_name();
    a.update(key('s'), NOW);
    assert_ne!(a.yields().unwrap().split_name(), before, "s splits by something else");
    let fx = a.update(esc(), NOW);
    assert!(fx.contains(&Effect::Send(WorkerRequest::Cancel { slot: Slot::Population })), "{fx:?}");
    assert!(a.yields().is_none(), "back to the list");
    // A late answer to the cancelled load is dropped.
    let event =
        WorkerEvent::PopulationRuns { rows: Ok(vec![]), unreadable: 0, done: true, capped: false };
    a.update(Msg::Worker(WorkerResponse { id, event }), NOW);
    assert!(a.yields().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yield_screens() {
    let s = server().await;
    let t0 = Instant::now();
    let batches = load(&s, RunQuery::default()).await;
    let fetched = t0.elapsed();
    let t1 = Instant::now();
    let a = opened(80, 24, &batches);
    eprintln!("600 seeded runs: loaded in {fetched:?}, pane computed in {:?}", t1.elapsed());
    insta::assert_snapshot!("yield_80x24", text(&a));
    let mut big = opened(160, 48, &batches);
    insta::assert_snapshot!("yield_160x48", text(&big));
    assert_no_colour(&mut big);
    // Capped: said on screen.
    let mut a = app(80, 24);
    a.start();
    let (id, _) = analysis_request(&a.update(key('%'), NOW)).expect("asked");
    let event = WorkerEvent::PopulationRuns {
        rows: Ok(batches[0].clone()),
        unreadable: 3,
        done: true,
        capped: true,
    };
    a.update(Msg::Worker(WorkerResponse { id, event }), NOW);
    let screen = text(&a);
    assert!(
        screen.contains(&format!("the newest {} runs (more match)", batches[0].len())),
        "{screen}"
    );
    assert!(screen.contains("3 unreadable runs left out"), "{screen}");
}
