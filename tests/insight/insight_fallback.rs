//! Issue 15: against a TofuPilot server without `/v2/phases` and `/v2/measurements` (both
//! answer 404), the failure Pareto reads each failing run whole instead, says so on screen,
//! and counts exactly what it counts from the cross-run lists.

use crate::common;
use crate::common::insight::pareto_over;

use std::collections::BTreeMap;

use crate::common::render::text;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use common::insight::{load, load_with};
use common::rows::NOW;
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tofui::app::{App, Msg};
use tofui::worker::{Fetch, TrendTarget, WorkerEvent};

/// A server in front of `upstream` that has no cross-run phase or measurement list: GETs of
/// those paths answer 404, every other GET is passed on as it is.
async fn without_cross_run_lists(upstream: String) -> String {
    async fn pass(State(up): State<(reqwest::Client, String)>, req: Request) -> Response {
        let path = req.uri().path().to_string();
        if path.starts_with("/api/v2/phases") || path.starts_with("/api/v2/measurements") {
            return (StatusCode::NOT_FOUND, r#"{"message":"Not found"}"#).into_response();
        }
        let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
        let mut ask = up.0.get(format!("{}{path}{query}", up.1));
        if let Some(auth) = req.headers().get("authorization") {
            ask = ask.header("authorization", auth.as_bytes());
        }
        let answer = ask.send().await.expect("upstream");
        let status = StatusCode::from_u16(answer.status().as_u16()).expect("status");
        let body = answer.bytes().await.expect("body");
        (status, [("content-type", "application/json")], body).into_response()
    }
    let router = axum::Router::new().fallback(pass).with_state((reqwest::Client::new(), upstream));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// The Pareto opened with `P` and given `events` as the worker's answers.
fn opened(events: &[WorkerEvent]) -> App {
    pareto_over(160, 48, events)
}

fn bars(a: &App) -> BTreeMap<String, u32> {
    let p = a.pareto().expect("pane");
    let mut bars: BTreeMap<String, u32> =
        p.report.bars.iter().map(|b| (b.label.clone(), b.count)).collect();
    if let Some(other) = &p.report.other {
        bars.insert(format!("{} others", other.groups), other.count);
    }
    bars
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_cross_run_lists_failures_are_read_run_by_run_and_counted_the_same() {
    let s = TestServer::seeded(300, 5).await;
    let direct = load(&s.running.url).await;
    let proxy = without_cross_run_lists(s.running.url.clone()).await;
    let fallback = load(&proxy).await;

    // Every failing run was read, and the reads were reported as they came.
    let failing =
        s.get("/runs?limit=100&outcomes=FAIL&outcomes=ERROR&outcomes=TIMEOUT").await.1["data"]
            .as_array()
            .map_or(0, Vec::len);
    let steps: Vec<(usize, usize, usize)> = fallback
        .iter()
        .filter_map(|e| match e {
            WorkerEvent::PopulationFailures { rows: Ok(r), .. } => {
                r.per_run.as_ref().map(|p| (p.read, p.of, r.runs.len()))
            }
            _ => None,
        })
        .collect();
    let (read, of, _) = *steps.last().expect("failures read run by run");
    assert!(failing > 20 && failing < 100, "{failing} failing runs in one page");
    assert_eq!((read, of), (failing, failing), "{steps:?}");
    assert_eq!(steps.iter().map(|s| s.2).sum::<usize>(), failing, "each run sent once");
    assert!(steps.len() > 1, "sent in batches as they arrive: {steps:?}");
    for e in &direct {
        if let WorkerEvent::PopulationFailures { rows: Ok(r), .. } = e {
            assert!(r.per_run.is_none() && r.runs.is_empty(), "the lists were used");
        }
    }

    // The same bars either way, by failure mode and by station.
    let (mut a, mut b) = (opened(&direct), opened(&fallback));
    assert!(bars(&a).len() > 5, "{:?}", bars(&a));
    assert_eq!(bars(&b), bars(&a), "by failure mode");
    a.update(key('s'), NOW);
    b.update(key('s'), NOW);
    a.update(key('s'), NOW);
    b.update(key('s'), NOW);
    assert_eq!(bars(&b), bars(&a), "by station");

    // The screen says why, and how far the reading is while it goes on.
    let screen = text(&b);
    assert!(
        screen.contains("GET /v2/phases answered 404") && screen.contains("one by one"),
        "{screen}"
    );
    assert!(!text(&a).contains("one by one"));
    let halfway = fallback.iter().position(
        |e| matches!(e, WorkerEvent::PopulationFailures { rows: Ok(r), .. } if r.per_run.is_some()),
    );
    let loading = opened(&fallback[..=halfway.expect("a first batch")]);
    let screen = text(&loading);
    let first = steps[0];
    assert!(
        screen.contains(&format!("reading failing runs one by one: {} of {}", first.0, first.1)),
        "{screen}"
    );
}

/// The trend of `rail_3v3` without the measurements list: every run read whole gives exactly
/// the values (each attempt, final or not, with its outcome) the list gives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_measurements_list_a_trend_reads_every_run_and_gets_the_same_values() {
    let s = TestServer::seeded(300, 5).await;
    let (_, procs) = s.get("/procedures").await;
    let procedure_id = procs["data"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["name"] == "PCB Functional Test"))
        .and_then(|p| p["id"].as_str())
        .expect("the functional test")
        .to_string();
    let target =
        TrendTarget { procedure_id, phase: "Power-on".into(), measurement: "rail_3v3".into() };
    let trend = |req| Fetch::Trend { req, target: Box::new(target.clone()) };
    let values = |events: &[WorkerEvent]| {
        let mut v: Vec<(String, String, bool, String)> = events
            .iter()
            .filter_map(|e| match e {
                WorkerEvent::TrendValues { rows: Ok(r), .. } => Some(r.clone()),
                _ => None,
            })
            .flatten()
            .map(|r| {
                let value = format!("{:?} {:?}", r.value, r.measurement_outcome);
                (r.run_id, r.id, r.is_final_attempt, value)
            })
            .collect();
        v.sort();
        v
    };
    let direct = values(&load_with(&s.running.url, trend).await);
    let proxy = without_cross_run_lists(s.running.url.clone()).await;
    let events = load_with(&proxy, trend).await;
    let fallback = values(&events);
    assert!(direct.len() > 50, "{} values", direct.len());
    assert_eq!(fallback, direct);
    // How far the reading is went out as it went, with why.
    let last = events.iter().rev().find_map(|e| match e {
        WorkerEvent::PopulationFailures { rows: Ok(r), .. } => r.per_run.clone(),
        _ => None,
    });
    let last = last.expect("progress of the reading");
    assert_eq!(last.read, last.of);
    assert!(last.why.contains("GET /v2/measurements answered 404"), "{}", last.why);
}
