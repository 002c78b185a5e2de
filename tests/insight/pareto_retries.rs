//! The Pareto's counting toggles (issue 15): final attempts only by default; `a` counts the
//! failed attempts a retry passed ("recovered" runs), `A` counts ABORTED runs — each checked
//! against an independent reading of every run from the real server.

use crate::common;

use common::drive::Driven;
use common::*;
use serde_json::Value;

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
    let s = TestServer::seeded(600, 11).await;
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
    // Counted on both sides: ABORTED runs are failures and runs.
    assert_eq!(r.counted_runs, base.counted_runs + aborted);
    let screen = d.screen();
    assert!(screen.contains(&format!("{aborted} ABORTED included")), "{screen}");
    let counted = tofui::ui::format::count(r.counted_runs as usize);
    assert!(screen.contains(&format!("failures in {counted} counted runs")), "{screen}");

    // Both off again: the numbers as they were.
    d.keys("aA");
    assert_eq!(d.app.pareto().map(|p| p.report.clone()), Some(base));
}

/// `a` and `A` keep the cursor on its item (a bar, a row of `w`), wherever the new counting
/// puts it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn toggling_a_and_capital_a_keeps_the_cursor_on_its_item() {
    let s = TestServer::seeded(600, 11).await;
    let mut d = Driven::start(&s, 120, 40);
    d.until("the list", |a| a.list().loaded).await;
    d.keys("P");
    d.until("the Pareto", |a| a.pareto().is_some_and(|p| !p.loading())).await;
    let labels = |d: &Driven| -> Vec<String> {
        d.app.pareto().expect("pane").report.bars.iter().map(|b| b.label.clone()).collect()
    };
    let selected = |d: &Driven| {
        let p = d.app.pareto().expect("pane");
        p.report.bars[p.rows.cursor].label.clone()
    };
    let before = labels(&d);
    d.keys("aA");
    let after = labels(&d);
    d.keys("aA");
    // An item that moves with the counting: the cursor follows it, both ways.
    let i = (0..before.len())
        .find(|&i| after.iter().position(|l| *l == before[i]).is_some_and(|j| j != i))
        .expect("an item that moves");
    for _ in 0..i {
        d.keys("j");
    }
    let item = selected(&d);
    d.keys("a");
    assert_eq!(selected(&d), item, "a");
    d.keys("A");
    assert_eq!(selected(&d), item, "A");
    assert_ne!(d.app.pareto().expect("pane").rows.cursor, i, "it moved");
    d.keys("aA");
    assert_eq!(d.app.pareto().expect("pane").rows.cursor, i);
    // The two-way table's rows too.
    d.keys("w");
    for _ in 0..3 {
        d.keys("j");
    }
    let row = |d: &Driven| {
        let p = d.app.pareto().expect("pane");
        p.two_way.as_ref().expect("table").rows[p.rows.cursor].label.clone()
    };
    let item = row(&d);
    d.keys("A");
    assert_eq!(row(&d), item);
}
