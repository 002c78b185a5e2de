//! The runs list's failure column (issue 17): on wide screens each failing run on screen shows
//! its first failing phase › measurement, fetched in the background for those rows only;
//! narrow screens neither show nor fetch it. Checked against the real demo data read by hand.

use crate::common;

use crate::common::render::text;
use common::rows::{NOW, app, first_failures_asked, list_request, page, row};
use common::*;
use serde_json::Value;
use tofui::app::{App, Effect, Msg};
use tofui::model::FirstFailure;
use tofui::worker::{self, Fetch, WorkerEvent, WorkerRequest, WorkerResponse};

/// The first failure read by hand from a run's JSON: the first FAIL/ERROR phase among the last
/// attempts (by start, retry, name), its first FAIL measurement in the run's order.
fn by_hand(run: &Value) -> Option<String> {
    let all: Vec<&Value> = run["phases"].as_array().into_iter().flatten().collect();
    let retry = |p: &Value| p["retry_count"].as_i64().unwrap_or(0);
    let last = |name: &Value| all.iter().filter(|p| p["name"] == *name).map(|p| retry(p)).max();
    let p = all
        .iter()
        .filter(|p| matches!(p["outcome"].as_str(), Some("FAIL" | "ERROR")))
        .filter(|p| last(&p["name"]) == Some(retry(p)))
        .min_by_key(|p| {
            let at = p["started_at"]
                .as_str()
                .map(|s| chrono::DateTime::parse_from_rfc3339(s).expect("time").timestamp_millis());
            (at.is_none(), at, retry(p), p["name"].as_str().unwrap_or("").to_string())
        })?;
    let name = p["name"].as_str().expect("name");
    let m = p["measurements"].as_array().into_iter().flatten().find(|m| m["outcome"] == "FAIL");
    Some(match m {
        Some(m) => format!("{name} › {}", m["name"].as_str().expect("name")),
        None => name.to_string(),
    })
}

/// Sends `fetch` to the real worker and waits for its `n` answers.
async fn ask(
    tx: &tokio::sync::mpsc::UnboundedSender<WorkerRequest>,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<WorkerResponse>,
    id: u64,
    fetch: Fetch,
    n: usize,
) -> Vec<WorkerResponse> {
    tx.send(WorkerRequest::Fetch { id, slot: worker::Slot::Prefetch, fetch }).expect("sent");
    let mut got = Vec::new();
    while got.len() < n {
        let r = common::next_answer(rx).await;
        assert_eq!(r.id, id);
        got.push(r);
    }
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_column_shows_each_failing_runs_first_failure_fetched_for_the_rows_on_screen() {
    let s = TestServer::seeded(300, 7).await;
    let (tx, mut rx) = s.worker();

    let mut a = app(160, 48);
    let (id, req) = list_request(&a.start()).expect("list");
    let mut fx = Vec::new();
    for r in ask(&tx, &mut rx, id, Fetch::Runs(Box::new(req)), 1).await {
        fx.extend(a.update(Msg::Worker(r), NOW));
    }
    let l = a.list();
    let on_screen: Vec<_> = l.rows[l.offset..(l.offset + l.viewport).min(l.rows.len())].to_vec();
    assert!(l.rows.len() > on_screen.len(), "more rows loaded than shown");
    let failing: Vec<String> = on_screen
        .iter()
        .filter(|r| r.outcome.as_ref().is_some_and(|o| o.failing_or_aborted()))
        .map(|r| r.id.to_string())
        .collect();
    assert!(failing.len() >= 3, "{failing:?}");
    let (fid, ids) =
        first_failures_asked(&fx, None).expect("the failing rows on screen are asked for");
    assert_eq!(ids, failing, "exactly the failing runs on screen, in order");
    // While they load: a placeholder.
    let screen = text(&a);
    assert!(screen.contains("First failure"), "{screen}");
    let placeholders =
        screen.lines().filter(|l| l.trim_end_matches('"').trim_end().ends_with('…')).count();
    assert_eq!(placeholders, failing.len(), "{screen}");
    let n = ids.len();
    for r in ask(&tx, &mut rx, fid, Fetch::FirstFailures { run_ids: ids.clone() }, n).await {
        let fx = a.update(Msg::Worker(r), NOW);
        assert!(first_failures_asked(&fx, None).is_none(), "nothing asked twice");
    }
    let screen = text(&a);
    for (i, run_id) in ids.iter().enumerate() {
        let (_, run) = s.get(&format!("/runs/{run_id}")).await;
        let want = by_hand(&run).unwrap_or_else(|| "no failing step".into());
        let r = on_screen.iter().find(|r| &*r.id == run_id).expect("row");
        // Rows are told apart by serial and procedure on screen; the i-th failing line.
        let lines: Vec<&str> = screen
            .lines()
            .filter(|l| l.contains(&*r.serial) && l.contains(r.procedure.as_deref().unwrap()))
            .collect();
        assert!(
            lines.iter().any(|l| l.contains(&format!("  {want}"))),
            "run {i} {run_id}: {want}\n{screen}"
        );
    }
    // Scrolling down a page asks for the newly shown failing rows only.
    let mut fx = a.update(Msg::Key(key_pgdn()), NOW);
    fx.extend(a.update(Msg::Key(key_pgdn()), NOW));
    assert!(a.list().offset > 0, "scrolled");
    let (_, next) = first_failures_asked(&fx, None).expect("the next screen's failures");
    assert!(!next.is_empty() && next.iter().all(|id| !ids.contains(id)), "cached: not again");
}

fn key_pgdn() -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::PageDown,
        crossterm::event::KeyModifiers::NONE,
    )
}

/// An app at `w`×`h` with 60 made-up rows, and the effects of their arrival.
fn listed(w: u16, h: u16) -> (App, Vec<Effect>) {
    let mut a = app(w, h);
    let (id, _) = list_request(&a.start()).expect("list");
    let fx = a.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page(0..60, true))) }),
        NOW,
    );
    (a, fx)
}

#[test]
fn narrow_screens_neither_fetch_nor_show_the_column() {
    let (mut a, fx) = listed(120, 40);
    assert!(first_failures_asked(&fx, None).is_none(), "no fetch at 120 columns");
    assert!(!text(&a).contains("First failure"));
    // Widened: the column and its fetch appear.
    let fx = a.update(Msg::Resize(160, 48), NOW);
    let (_, ids) = first_failures_asked(&fx, None).expect("fetched once wide");
    let shown = a.list().viewport;
    assert_eq!(shown, 43, "48 rows less the bars");
    let want: Vec<String> = (0..shown)
        .map(row)
        .filter(|r| r.outcome.as_ref().is_some_and(|o| o.failing_or_aborted()))
        .map(|r| r.id.to_string())
        .collect();
    assert_eq!(ids, want, "the failing rows on screen only");
}

/// Made-up first failures for the failing rows of `listed`, one of them too long to fit.
fn answered(w: u16, h: u16) -> App {
    let (mut a, fx) = listed(w, h);
    if let Some((id, ids)) = first_failures_asked(&fx, None) {
        for (k, run_id) in ids.into_iter().enumerate() {
            let failure = match k % 4 {
                0 => Some(FirstFailure {
                    phase: "Power-on".into(),
                    measurement: Some("rail_3v3".into()),
                    against: Some("3.12 < 3.14".into()),
                }),
                1 => Some(FirstFailure {
                    phase: "Communication".into(),
                    measurement: Some("link_timeout".into()),
                    against: None,
                }),
                2 => Some(FirstFailure {
                    phase: "A very long phase name that no column can hold whole".into(),
                    measurement: Some("output_voltage_under_full_load".into()),
                    against: Some("12.313 > 12.3".into()),
                }),
                _ if k == 3 => None,
                _ => continue, // still loading
            };
            let event = WorkerEvent::FirstFailure { run_id, failure: Ok(failure) };
            a.update(Msg::Worker(WorkerResponse { id, event }), NOW);
        }
    }
    a
}

#[test]
fn failure_column_80x24() {
    insta::assert_snapshot!(text(&answered(80, 24)));
}

#[test]
fn failure_column_160x48() {
    let screen = text(&answered(160, 48));
    assert!(screen.contains("Power-on › rail_3v3  3.12 < 3.14"), "{screen}");
    let cut = screen.lines().find(|l| l.contains("A very long phase")).expect("long one");
    assert!(cut.trim_end_matches('"').trim_end().ends_with('…'), "{cut}");
    insta::assert_snapshot!(screen);
}
