//! The Pareto's counting toggles (issue 15): final attempts only by default; `a` counts the
//! failed attempts a retry passed ("recovered" runs), `A` counts ABORTED runs — each checked
//! against an independent reading of every run from the real server.

mod common;

use chrono::{TimeZone, Utc};
use common::drive::Driven;
use common::rows::NOW;
use common::*;
use serde_json::Value;
use tofui::server::seed::{SeedOptions, seed};

/// (recovered, aborted) by hand: production runs that PASSed with a failed phase attempt, and
/// production runs that were ABORTED.
async fn by_hand(s: &TestServer) -> (u32, u32) {
    let mut rows: Vec<Value> = Vec::new();
    loop {
        let (_, page) = s.get(&format!("/runs?limit=100&cursor={}", rows.len())).await;
        rows.extend(page["data"].as_array().expect("data").iter().cloned());
        if !page["meta"]["has_more"].as_bool().unwrap_or(false) {
            break;
        }
    }
    let (mut recovered, mut aborted) = (0, 0);
    for r in rows.iter().filter(|r| r["unit"]["sample"].is_null()) {
        match r["outcome"].as_str() {
            Some("ABORTED") => aborted += 1,
            Some("PASS") => {
                let (_, run) = s.get(&format!("/runs/{}", r["id"].as_str().unwrap())).await;
                let failed_attempt = run["phases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| matches!(p["outcome"].as_str(), Some("FAIL" | "ERROR")));
                recovered += u32::from(failed_attempt);
            }
            _ => {}
        }
    }
    (recovered, aborted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_and_aborted_runs_count_when_asked() {
    let anchor = Utc.timestamp_millis_opt(NOW).single().expect("anchor");
    let s = TestServer::start_with(move |st| {
        seed(st, &SeedOptions { runs: 600, seed: 11, anchor }).expect("seed");
    })
    .await;
    let (recovered, aborted) = by_hand(&s).await;
    assert!(recovered > 0 && aborted > 0, "the demo retries and aborts: {recovered} {aborted}");
    let mut d = Driven::start(&s, 120, 40);
    d.until("the list", |a| a.list().loaded).await;
    d.keys("P");
    d.until("the Pareto", |a| a.pareto().is_some_and(|p| !p.loading())).await;
    let base = d.app.pareto().map(|p| p.report.clone()).expect("pane");
    assert_eq!((base.recovered_runs, base.aborted_runs), (0, 0));
    assert!(d.screen().contains("final attempts (a: retries)"));

    d.keys("a");
    let r = d.app.pareto().map(|p| p.report.clone()).expect("pane");
    assert_eq!(r.recovered_runs, recovered);
    assert_eq!(r.events, base.events + recovered);
    let screen = d.screen();
    assert!(screen.contains(&format!("retries included ({recovered} recovered")), "{screen}");

    d.keys("A");
    let r = d.app.pareto().map(|p| p.report.clone()).expect("pane");
    assert_eq!(r.aborted_runs, aborted);
    assert_eq!(r.events, base.events + recovered + aborted);
    let screen = d.screen();
    assert!(screen.contains(&format!("{aborted} ABORTED included")), "{screen}");

    // Both off again: the numbers as they were.
    d.keys("aA");
    assert_eq!(d.app.pareto().map(|p| p.report.clone()), Some(base));
}
