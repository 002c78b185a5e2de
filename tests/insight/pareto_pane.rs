//! The failure Pareto pane (issue 15): the worker loads the filter's runs, then the failing
//! phases and measurements, from the real server; the pane, driven headless with exactly those
//! answers, shows the counts an independent reading of every failing run gives; its screens at
//! 80×24 and 160×48.

use crate::common;
use crate::common::insight::pareto_over;

use std::collections::BTreeMap;
use std::time::Instant;

use crate::common::render::text;
use common::render::assert_no_colour;
use common::rows::{NOW, app};
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;
use tofui::app::{App, Effect, Msg};
use tofui::worker::{Slot, WorkerEvent, WorkerRequest};

async fn server(runs: usize) -> TestServer {
    TestServer::seeded(runs, 11).await
}

/// Every answer the worker gives to a Pareto load of all runs, up to the last.
async fn load(s: &TestServer) -> Vec<WorkerEvent> {
    common::insight::load(&s.running.url).await
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// The Pareto opened with `P` from the list and given `events` as the worker's answers.
fn opened(w: u16, h: u16, events: &[WorkerEvent]) -> App {
    let a = pareto_over(w, h, events);
    assert!(a.pareto().is_some_and(|p| !p.loading()), "loaded");
    a
}

/// Failures by hand from each run's own JSON: counted runs (not ABORTED, no sample unit) that
/// did not pass, attributed to the first failing phase among the final attempts (by start,
/// then retry, then name) and inside it the failing measurement first by name; a failing run
/// with no failing phase counts by its outcome. Returns (by phase, by phase › measurement,
/// by (phase › measurement, station)).
type Counts = BTreeMap<String, u32>;
async fn by_hand(s: &TestServer) -> (Counts, Counts, BTreeMap<(String, String), u32>) {
    let mut ids = Vec::new();
    loop {
        let (_, page) = s.get(&format!("/runs?limit=100&cursor={}", ids.len())).await;
        ids.extend(page["data"].as_array().expect("data").iter().map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["outcome"].as_str().unwrap_or("").to_string(),
                r["unit"]["sample"].is_null(),
            )
        }));
        if !page["meta"]["has_more"].as_bool().unwrap_or(false) {
            break;
        }
    }
    let (mut phases, mut modes, mut cells) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    for (id, outcome, production) in ids {
        if !production || !matches!(outcome.as_str(), "FAIL" | "ERROR" | "TIMEOUT") {
            continue;
        }
        let (_, run) = s.get(&format!("/runs/{id}")).await;
        let all: Vec<&Value> = run["phases"].as_array().into_iter().flatten().collect();
        let last_retry = |name: &str| {
            all.iter()
                .filter(|p| p["name"] == name)
                .map(|p| p["retry_count"].as_i64().unwrap_or(0))
                .max()
        };
        let first = all
            .iter()
            .filter(|p| matches!(p["outcome"].as_str(), Some("FAIL" | "ERROR")))
            .filter(|p| {
                last_retry(p["name"].as_str().unwrap())
                    == Some(p["retry_count"].as_i64().unwrap_or(0))
            })
            .min_by_key(|p| {
                (
                    p["started_at"].as_str().unwrap_or("~").to_string(),
                    p["retry_count"].as_i64().unwrap_or(0),
                    p["name"].as_str().unwrap().to_string(),
                )
            });
        let (phase, mode) = match first {
            Some(p) => {
                let name = p["name"].as_str().unwrap().to_string();
                let failing = p["measurements"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|m| m["outcome"] == "FAIL")
                    .filter_map(|m| m["name"].as_str())
                    .min();
                let mode = match failing {
                    Some(m) => format!("{name} › {m}"),
                    None if p["outcome"] == "ERROR" => format!("{name} (ERROR)"),
                    None => name.clone(),
                };
                (name, mode)
            }
            None => (outcome.clone(), format!("no failing step ({outcome})")),
        };
        let station = run["created_by_station"]["name"].as_str().unwrap_or("user").to_string();
        *phases.entry(phase).or_default() += 1;
        *cells.entry((mode.clone(), station)).or_default() += 1;
        *modes.entry(mode).or_default() += 1;
    }
    (phases, modes, cells)
}

fn bars(a: &App) -> BTreeMap<String, u32> {
    let p = a.pareto().expect("pane");
    assert!(p.report.other.is_none(), "every group is a bar here");
    p.report.bars.iter().map(|b| (b.label.clone(), b.count)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bars_are_an_independent_count_of_every_failing_run() {
    let s = server(600).await;
    let events = load(&s).await;
    let (by_phase, by_mode, cells) = by_hand(&s).await;
    let tested = tested_by_station(&s).await;
    assert!(by_mode.len() > 5, "the demo fails in many ways: {by_mode:?}");
    let mut a = opened(160, 48, &events);
    assert_eq!(bars(&a), by_mode, "by failure mode");
    let total: u32 = by_mode.values().sum();
    let screen = text(&a);
    assert!(screen.contains(&format!("{total} failures in")), "{screen}");
    // The largest bar first on screen, with its count and share.
    let (top, n) = by_mode.iter().max_by_key(|(l, n)| (**n, std::cmp::Reverse(*l))).unwrap();
    let share = format!("{:.1}%", f64::from(*n) * 100.0 / f64::from(total));
    let row = screen.lines().nth(5).expect("first bar").trim_matches('"');
    let words: Vec<&str> = row.split_whitespace().collect();
    assert!(row.trim_start().starts_with(top.as_str()), "{row}");
    assert_eq!(&words[words.len() - 4..words.len() - 2], &[n.to_string(), share], "{row}");
    // w: failure × station, every cell as counted by hand.
    a.update(key('w'), NOW);
    let t = a.pareto().and_then(|p| p.two_way.clone()).expect("two-way table");
    let mut checked = 0;
    for r in &t.rows {
        assert_eq!(r.total, by_mode[&r.label], "{}", r.label);
        for (c, n) in t.cols.iter().zip(&r.cells) {
            let want = cells.get(&(r.label.clone(), c.label.clone())).copied().unwrap_or(0);
            assert_eq!(*n, want, "{} on {}", r.label, c.label);
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked} cells");
    let screen = text(&a);
    assert!(screen.contains("failures × station"), "{screen}");
    // w again: the bars; s: by first failing phase.
    a.update(key('w'), NOW);
    assert!(a.pareto().is_some_and(|p| p.two_way.is_none()));
    a.update(key('s'), NOW);
    assert_eq!(bars(&a), by_phase, "by phase");
    // s: by station, each with its failure rate over the counted runs it tested.
    a.update(key('s'), NOW);
    let mut per_station: BTreeMap<String, u32> = BTreeMap::new();
    for ((_, station), n) in &cells {
        *per_station.entry(station.clone()).or_default() += n;
    }
    assert_eq!(bars(&a), per_station, "by station");
    let screen = text(&a);
    for (station, tested) in &tested {
        let Some(n) = per_station.get(station) else { continue };
        let rate = format!("{:.1}% of {tested}", f64::from(*n) * 100.0 / f64::from(*tested));
        let row =
            screen.lines().find(|l| l.trim_matches('"').trim_start().starts_with(station.as_str()));
        assert!(row.is_some_and(|r| r.contains(&rate)), "{station}: {rate}\n{screen}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pareto_screens() {
    let s = server(600).await;
    let t0 = Instant::now();
    let events = load(&s).await;
    let fetched = t0.elapsed();
    let t1 = Instant::now();
    let a = opened(80, 24, &events);
    eprintln!("600 seeded runs: loaded in {fetched:?}, Pareto computed in {:?}", t1.elapsed());
    insta::assert_snapshot!("pareto_80x24", text(&a));
    insta::assert_snapshot!("pareto_160x48", text(&opened(160, 48, &events)));
    // By station: each bar with its failure rate.
    let mut a = opened(80, 24, &events);
    a.update(key('s'), NOW);
    a.update(key('s'), NOW);
    insta::assert_snapshot!("pareto_by_station_80x24", text(&a));
    for (w, h) in [(80, 24), (160, 48)] {
        let mut a = opened(w, h, &events);
        a.update(key('w'), NOW);
        insta::assert_snapshot!(format!("pareto_two_way_{w}x{h}"), text(&a));
        assert_no_colour(&mut a);
    }
}

#[test]
fn esc_while_loading_cancels() {
    let mut a = app(80, 24);
    a.start();
    a.update(key('P'), NOW);
    let screen = text(&a);
    assert!(screen.contains("Failure Pareto") && screen.contains("0 runs loaded…"), "{screen}");
    a.update(key('?'), NOW);
    assert!(text(&a).contains("Keys: failure Pareto"));
    a.update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)), NOW);
    let fx = a.update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)), NOW);
    assert!(fx.contains(&Effect::Send(WorkerRequest::Cancel { slot: Slot::Population })), "{fx:?}");
    assert!(a.pareto().is_none());
}

/// Counted runs (PASS, FAIL, ERROR, TIMEOUT of production units) per station name.
async fn tested_by_station(s: &TestServer) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    let mut seen = 0;
    loop {
        let (_, page) = s.get(&format!("/runs?limit=100&cursor={seen}")).await;
        let rows = page["data"].as_array().expect("data");
        seen += rows.len();
        for r in rows {
            let counted =
                matches!(r["outcome"].as_str(), Some("PASS" | "FAIL" | "ERROR" | "TIMEOUT"))
                    && r["unit"]["sample"].is_null();
            if counted {
                let st = r["created_by_station"]["name"].as_str().unwrap_or("user").to_string();
                *out.entry(st).or_default() += 1;
            }
        }
        if !page["meta"]["has_more"].as_bool().unwrap_or(false) {
            return out;
        }
    }
}
