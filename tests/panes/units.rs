//! The unit view (issue 16): what the worker fetches for a serial from the real server (runs
//! newest first across procedures, the first failing phase of each failing run, the assembly
//! tree from the top, close matches for an unknown serial), the pane driven headless, and its
//! screens at 80×24 and 160×48, with and without colour.

use crate::common;

use std::time::Duration;

use crate::common::render::{draw, text};
use common::rows::{NOW, app, unit_request};
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use serde_json::json;
use tofui::analysis::retest::{Diagnosis, compare, diagnose};
use tofui::api::{RunDetail, RunOutcome};
use tofui::app::unit::UnitFocus;
use tofui::app::{App, Effect, Msg};
use tofui::model::{UnitAnswer, UnitData};
use tofui::worker::{Fetch, Slot, WorkerEvent, WorkerRequest, WorkerResponse};

async fn server() -> TestServer {
    TestServer::seeded(400, 11).await
}

/// What the worker answers to `fetch`.
async fn ask(s: &TestServer, fetch: Fetch, slot: Slot) -> WorkerEvent {
    let (tx, mut rx) = s.worker();
    tx.send(WorkerRequest::Fetch { id: 1, slot, fetch }).expect("worker");
    loop {
        let event = common::next_answer(&mut rx).await.event;
        // Progress is on the way to the answer.
        if !matches!(event, WorkerEvent::Progress { .. }) {
            return event;
        }
    }
}

/// What the worker answers for `serial`.
async fn fetch_unit(s: &TestServer, serial: &str) -> UnitAnswer {
    match ask(s, Fetch::Unit { serial: serial.into() }, Slot::Unit).await {
        WorkerEvent::Unit(a) => a.expect("unit answer"),
        other => panic!("unexpected {other:?} (the server is local: no retries)"),
    }
}

fn found(a: UnitAnswer) -> Box<UnitData> {
    match a {
        UnitAnswer::Found(d) => d,
        UnitAnswer::Missing { close } => panic!("not found; close: {close:?}"),
    }
}

/// A unit of the demo data inside an assembly and with a sub-unit of its own: a main board
/// fitted in a gateway, with its RF module.
async fn middle_unit(s: &TestServer) -> String {
    let (_, page) = s.get("/units?search_query=SYS-&limit=100").await;
    for sys in page["data"].as_array().expect("units") {
        let (_, top) = s.get(&format!("/units/{}", sys["serial_number"].as_str().unwrap())).await;
        for child in top["children"].as_array().into_iter().flatten() {
            let serial = child["serial_number"].as_str().unwrap();
            let (_, c) = s.get(&format!("/units/{serial}")).await;
            if !c["children"].as_array().is_none_or(Vec::is_empty) {
                return serial.to_string();
            }
        }
    }
    panic!("the demo data has no three-level assembly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serial_in_any_case_gives_its_runs_newest_first_its_failures_and_its_tree() {
    let s = server().await;
    let serial = middle_unit(&s).await;
    let d = found(fetch_unit(&s, &serial.to_lowercase()).await);
    assert_eq!(d.unit.serial_number, serial, "the unit's own spelling");

    // Every run of the unit, as the API lists them, newest first.
    let (_, runs) = s.get(&format!("/runs?serial_numbers={serial}&limit=100")).await;
    let mut want: Vec<(String, String)> = runs["data"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| (r["started_at"].as_str().unwrap().into(), r["id"].as_str().unwrap().into()))
        .collect();
    want.sort_by(|a, b| b.cmp(a));
    let got: Vec<&str> = d.runs.iter().map(|r| &*r.id).collect();
    assert_eq!(got, want.iter().map(|(_, id)| id.as_str()).collect::<Vec<_>>());
    assert!(d.runs.windows(2).all(|w| w[0].started_ms >= w[1].started_ms), "newest first");

    // The first failing phase of each failing run, read from the run itself (this unit of
    // the demo data failed twice before it passed).
    assert!(!d.first_failure.is_empty(), "the unit has failing runs to check");
    for r in &d.runs {
        let (_, run) = s.get(&format!("/runs/{}", r.id)).await;
        let first = run["phases"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| matches!(p["outcome"].as_str(), Some("FAIL" | "ERROR")))
            .min_by_key(|p| p["started_at"].as_str().unwrap_or("").to_string())
            .map(|p| p["name"].as_str().unwrap().to_string());
        let failing = matches!(run["outcome"].as_str(), Some("FAIL" | "ERROR"));
        assert_eq!(
            d.first_failure.get(&*r.id).cloned(),
            if failing { first } else { None },
            "run {}",
            r.id
        );
    }

    // The tree: from the gateway down, this unit marked, each unit under its parent.
    let (_, me) = s.get(&format!("/units/{serial}")).await;
    let top = me["parent"]["serial_number"].as_str().expect("a parent").to_string();
    assert_eq!(d.tree[0].serial, top);
    assert_eq!(d.tree[0].depth, 0);
    let here: Vec<_> = d.tree.iter().filter(|t| t.here).collect();
    assert_eq!(here.len(), 1);
    assert_eq!(here[0].serial, serial);
    for (i, t) in d.tree.iter().enumerate().skip(1) {
        let parent = d.tree[..i].iter().rev().find(|p| p.depth + 1 == t.depth).expect("parent");
        let (_, p) = s.get(&format!("/units/{}", parent.serial)).await;
        let kids: Vec<&str> = p["children"]
            .as_array()
            .expect("children")
            .iter()
            .map(|k| k["serial_number"].as_str().unwrap())
            .collect();
        assert!(kids.contains(&t.serial.as_str()), "{} under {}", t.serial, parent.serial);
    }
    assert!(!d.tree_cut);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_serial_offers_the_serials_like_it() {
    let s = server().await;
    match fetch_unit(&s, "sn-0001").await {
        UnitAnswer::Missing { close } => {
            assert!(!close.is_empty(), "close matches");
            assert!(close.iter().all(|c| c.to_uppercase().starts_with("SN-0001")), "{close:?}");
        }
        UnitAnswer::Found(d) => panic!("found {}", d.unit.serial_number),
    }
    match fetch_unit(&s, "QQQ-NOTHING").await {
        UnitAnswer::Missing { close } => assert!(close.is_empty(), "{close:?}"),
        UnitAnswer::Found(_) => panic!("found a unit that does not exist"),
    }
}

async fn create_unit(s: &TestServer, serial: &str) {
    let body = json!({"serial_number": serial, "part_number": "TREE-P", "revision_number": "A"});
    let (st, v) = s.call(reqwest::Method::POST, "/units", Some(&body.to_string())).await;
    assert_eq!(st, 200, "{v}");
}

async fn attach(s: &TestServer, parent: &str, child: &str) {
    let body = json!({"child_serial_number": child}).to_string();
    let (st, v) =
        s.call(reqwest::Method::PUT, &format!("/units/{parent}/children"), Some(&body)).await;
    assert_eq!(st, 200, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deep_tree_and_a_unit_with_many_children() {
    let s = TestServer::start().await;
    // A chain of 7 levels; the fourth also holds 40 boards.
    let chain: Vec<String> = (0..7).map(|i| format!("LVL-{i}")).collect();
    for c in &chain {
        create_unit(&s, c).await;
    }
    for w in chain.windows(2) {
        attach(&s, &w[0], &w[1]).await;
    }
    for i in (0..40).rev() {
        let b = format!("BRD-{i:02}");
        create_unit(&s, &b).await;
        attach(&s, "LVL-3", &b).await;
    }
    let d = found(fetch_unit(&s, "lvl-6").await);
    assert_eq!(d.tree.len(), 47);
    assert_eq!(d.tree[0].serial, "LVL-0");
    // Depth first, children in serial order: LVL-3's boards come before LVL-4 (B < L).
    let order: Vec<&str> = d.tree.iter().map(|t| t.serial.as_str()).collect();
    let mut want = vec!["LVL-0", "LVL-1", "LVL-2", "LVL-3"];
    let boards: Vec<String> = (0..40).map(|i| format!("BRD-{i:02}")).collect();
    want.extend(boards.iter().map(String::as_str));
    want.extend(["LVL-4", "LVL-5", "LVL-6"]);
    assert_eq!(order, want);
    assert!(d.tree.iter().filter(|t| t.serial.starts_with("BRD")).all(|t| t.depth == 4));
    assert_eq!(d.tree.last().map(|t| (t.depth, t.here)), Some((6, true)));
    assert!(d.runs.is_empty());
}

// ---- The pane, headless ----

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn answer(app: &mut App, id: u64, a: UnitAnswer) -> Vec<Effect> {
    app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Unit(Ok(a)) }), NOW)
}

/// A unit view opened the way a user does: `U`, the serial, enter; answered with `data`.
fn opened(w: u16, h: u16, serial: &str, data: &UnitData) -> App {
    let mut a = app(w, h);
    a.start();
    a.update(key(KeyCode::Char('U')), NOW);
    for c in serial.chars() {
        a.update(key(KeyCode::Char(c)), NOW);
    }
    let (id, asked) = unit_request(&a.update(key(KeyCode::Enter), NOW)).expect("asked");
    assert_eq!(asked, serial);
    answer(&mut a, id, UnitAnswer::Found(Box::new(data.clone())));
    a
}

async fn demo_unit() -> (TestServer, Box<UnitData>) {
    let s = server().await;
    let serial = middle_unit(&s).await;
    let d = found(fetch_unit(&s, &serial).await);
    (s, d)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walk_the_tree_open_a_run_and_come_back() {
    let (_s, d) = demo_unit().await;
    let mut a = opened(80, 24, &d.unit.serial_number, &d);
    let u = a.unit().expect("unit view");
    assert_eq!(u.serial, d.unit.serial_number);
    assert_eq!(u.focus, UnitFocus::Runs);
    // enter on the first run opens it.
    let fx = a.update(key(KeyCode::Enter), NOW);
    let run = fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch { fetch: Fetch::Run { run_id }, .. }) => Some(run_id),
        _ => None,
    });
    assert_eq!(run.map(String::as_str), Some(&*d.runs[0].id));
    assert!(a.run().is_some());
    a.update(key(KeyCode::Esc), NOW);
    assert!(a.run().is_none() && a.unit().is_some(), "esc comes back to the unit");
    // tab: the tree, its cursor on this unit; up to the parent, enter moves there.
    a.update(key(KeyCode::Tab), NOW);
    let here = d.tree.iter().position(|t| t.here).expect("here");
    assert_eq!(a.unit().map(|u| (u.focus, u.tree.cursor)), Some((UnitFocus::Tree, here)));
    a.update(key(KeyCode::Char('g')), NOW);
    let (id, serial) = unit_request(&a.update(key(KeyCode::Enter), NOW)).expect("parent asked");
    assert_eq!(serial, d.tree[0].serial);
    assert_eq!(a.unit().map(|u| u.serial.as_str()), Some(d.tree[0].serial.as_str()));
    let mut parent = (*d).clone();
    parent.unit.serial_number = d.tree[0].serial.clone();
    answer(&mut a, id, UnitAnswer::Found(Box::new(parent)));
    // enter on the unit the view is about does nothing; esc goes back to where we were.
    a.update(key(KeyCode::Esc), NOW);
    let u = a.unit().expect("the first unit view");
    assert_eq!(
        (u.serial.as_str(), u.focus, u.tree.cursor),
        (&*d.unit.serial_number, UnitFocus::Tree, 0)
    );
    a.update(key(KeyCode::Esc), NOW);
    assert!(a.unit().is_none(), "and then the list");
}

#[test]
fn an_empty_serial_is_refused_and_an_unknown_one_offers_close_matches() {
    let mut a = app(80, 24);
    a.start();
    a.update(key(KeyCode::Char('U')), NOW);
    a.update(key(KeyCode::Char(' ')), NOW);
    assert!(unit_request(&a.update(key(KeyCode::Enter), NOW)).is_none());
    let screen = text(&a);
    assert!(screen.contains("type or scan a serial number"), "{screen}");
    a.update(key(KeyCode::Char('x')), NOW);
    let (id, _) = unit_request(&a.update(key(KeyCode::Enter), NOW)).expect("asked");
    let close = vec!["X-001".to_string(), "X-002".to_string()];
    answer(&mut a, id, UnitAnswer::Missing { close });
    let screen = text(&a);
    assert!(screen.contains("No unit x") && screen.contains("X-002"), "{screen}");
    a.update(key(KeyCode::Char('j')), NOW);
    let (_, serial) = unit_request(&a.update(key(KeyCode::Enter), NOW)).expect("asked");
    assert_eq!(serial, "X-002");
}

// ---- Screens ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unit_view_screens() {
    let (_s, d) = demo_unit().await;
    let serial = d.unit.serial_number.clone();
    let a = opened(80, 24, &serial, &d);
    let small = text(&a);
    assert!(small.contains(&serial), "the serial is never cut");
    insta::assert_snapshot!("unit_80x24", small);
    let mut big = opened(160, 48, &serial, &d);
    insta::assert_snapshot!("unit_160x48", text(&big));
    big.settings_mut().no_color = true;
    let t = draw(&big);
    let buf = t.backend().buffer();
    for y in 0..48 {
        for x in 0..160 {
            let c = &buf[(x, y)];
            assert!(
                matches!(c.fg, Color::Reset) && matches!(c.bg, Color::Reset),
                "colour at {x},{y}"
            );
        }
    }
    // A unit with no runs and no family still says what it is.
    let mut lone = (*d).clone();
    lone.runs.clear();
    lone.first_failure.clear();
    lone.tree.retain(|t| t.here);
    lone.tree[0].depth = 0;
    lone.unit.parent = None;
    lone.unit.children.clear();
    insta::assert_snapshot!("unit_alone_80x24", text(&opened(80, 24, &serial, &lone)));
}

// ---- Retests ----

fn run_with(outcome: &str, values: &[(&str, f64, bool)]) -> RunDetail {
    let ms: Vec<_> = values
        .iter()
        .map(|(name, v, failed)| {
            json!({"id": name, "name": name, "units": "V", "measured_value": v,
                "outcome": if *failed { "FAIL" } else { "PASS" },
                "validators": [
                    {"operator": ">=", "expected_value": 3.2, "outcome": "PASS", "expression": "x >= 3.2",
                     "is_expression_only": false, "has_custom_expression": false},
                    {"operator": "<=", "expected_value": 3.4, "outcome": "PASS", "expression": "x <= 3.4",
                     "is_expression_only": false, "has_custom_expression": false}]})
        })
        .collect();
    serde_json::from_value(json!({"id": "r", "outcome": outcome,
        "phases": [{"id": "p", "name": "Power", "outcome": outcome, "measurements": ms}]}))
    .expect("run")
}

#[test]
fn a_retest_reads_as_false_failure_repair_or_still_failing() {
    // rail_3v3 in 3.2…3.4 V: 3.195 is 2.5 % of the window below, 3.30 half way.
    let before = run_with("FAIL", &[("rail_3v3", 3.195, true), ("rail_5v", 3.39, false)]);
    let after = run_with("PASS", &[("rail_3v3", 3.30, false), ("rail_5v", 3.31, false)]);
    let rows = compare(&before, &after);
    assert_eq!(rows[0].name, "rail_3v3", "the failing measurement first");
    let m = |v| rows[0].margin(v).map(|m: f64| (m * 1000.0).round() / 1000.0);
    assert_eq!((m(rows[0].before), m(rows[0].after)), (Some(-0.025), Some(0.5)));
    assert_eq!(rows[1].margin(rows[1].before).map(|m| (m * 100.0).round()), Some(5.0));
    assert_eq!(diagnose(&rows), Diagnosis::JustPast);
    // Far outside, then inside: repaired.
    let broken = run_with("FAIL", &[("rail_3v3", 2.0, true)]);
    assert_eq!(diagnose(&compare(&broken, &after)), Diagnosis::Repaired);
    // Failing again: still failing.
    assert_eq!(diagnose(&compare(&before, &before)), Diagnosis::StillFailing);
    assert_eq!(diagnose(&compare(&after, &after)), Diagnosis::Unknown);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_compares_a_failing_run_with_the_run_after_it() {
    let (s, d) = demo_unit().await;
    // The unit's runs, newest first: a pass after two failures of the same procedure.
    let fails: Vec<usize> = d
        .runs
        .iter()
        .enumerate()
        .filter(|(_, r)| r.outcome == Some(RunOutcome::Fail))
        .map(|(i, _)| i)
        .collect();
    let last_fail = *fails.first().expect("a failing run");
    let mut a = opened(160, 48, &d.unit.serial_number, &d);
    for _ in 0..last_fail {
        a.update(key(KeyCode::Char('j')), NOW);
    }
    let fx = a.update(key(KeyCode::Char('c')), NOW);
    let (id, before, after) = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch {
                id,
                fetch: Fetch::RunPair { before, after },
                ..
            }) => Some((*id, before.clone(), after.clone())),
            _ => None,
        })
        .expect("the two runs asked for");
    assert_eq!(before, &*d.runs[last_fail].id);
    let next = d.runs[..last_fail]
        .iter()
        .rev()
        .find(|r| r.procedure == d.runs[last_fail].procedure)
        .expect("a later run");
    assert_eq!(after, &*next.id);
    let event = ask(&s, Fetch::RunPair { before, after }, Slot::Retest).await;
    a.update(Msg::Worker(WorkerResponse { id, event }), NOW);
    let screen = text(&a);
    assert!(screen.contains("Retest of") && screen.contains("Measurement"), "{screen}");
    insta::assert_snapshot!("retest_160x48", screen);
    a.update(Msg::Resize(80, 24), NOW);
    insta::assert_snapshot!("retest_80x24", text(&a));
    // On a passing run with no failure before it of its procedure: said, nothing asked.
    let mut a = opened(80, 24, &d.unit.serial_number, &d);
    a.update(key(KeyCode::Char('G')), NOW);
    let fx = a.update(key(KeyCode::Char('c')), NOW);
    assert!(fx.iter().all(|e| !matches!(e, Effect::Send(_))));
    assert!(text(&a).contains("no retest here"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tab_shows_the_units_metadata_and_files_and_enter_downloads_a_file() {
    let (_s, mut d) = demo_unit().await;
    let meta = json!({"rework": true, "location": "repair bench 3", "notes": "reflowed U7"});
    d.unit.metadata = Some(meta.as_object().expect("object").clone());
    d.unit.attachments = vec![tofui::api::catalog::UnitAttachment {
        id: "att-1".into(),
        name: "xray-U7.png".into(),
        size: Some(48_128.0),
        content_type: Some("image/png".into()),
        download_url: Some("http://127.0.0.1:1/files/att-1?token=t".into()),
    }];
    let mut a = opened(80, 24, &d.unit.serial_number, &d);
    a.update(key(KeyCode::Tab), NOW);
    a.update(key(KeyCode::Tab), NOW);
    let screen = text(&a);
    assert!(screen.contains("location") && screen.contains("repair bench 3"), "{screen}");
    insta::assert_snapshot!("unit_metadata_80x24", screen);
    a.update(key(KeyCode::Tab), NOW);
    assert!(text(&a).contains("xray-U7.png") && text(&a).contains("47.0 KiB"));
    let fx = a.update(key(KeyCode::Enter), NOW);
    let url = fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch { fetch: Fetch::Download { url, name, .. }, .. }) => {
            Some((url.clone(), name.clone()))
        }
        _ => None,
    });
    assert_eq!(url, Some(("http://127.0.0.1:1/files/att-1?token=t".into(), "xray-U7.png".into())));
    // Back to the runs: tab once more.
    a.update(key(KeyCode::Tab), NOW);
    assert_eq!(a.unit().map(|u| u.focus), Some(UnitFocus::Runs));
}

// ---- Changing a unit ----

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn typed(a: &mut App, s: &str) {
    for c in s.chars() {
        a.update(key(KeyCode::Char(c)), NOW);
    }
}

fn mutation(fx: &[Effect]) -> Option<(u64, Fetch)> {
    fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch { id, slot: Slot::Mutation(_), fetch }) => {
            Some((*id, fetch.clone()))
        }
        _ => None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unit_metadata_is_edited_like_a_runs_and_kept_when_the_save_fails() {
    let (s, d) = demo_unit().await;
    let serial = d.unit.serial_number.clone();
    let (_, before) = s.get(&format!("/units/{serial}")).await;
    let mut a = opened(80, 24, &serial, &d);
    a.update(key(KeyCode::Char('m')), NOW);
    assert!(text(&a).contains(&format!("Metadata of unit {serial}")), "{}", text(&a));
    a.update(key(KeyCode::Char('a')), NOW);
    typed(&mut a, "location");
    a.update(key(KeyCode::Tab), NOW);
    typed(&mut a, "repair bench 3");
    a.update(key(KeyCode::Enter), NOW);
    a.update(ctrl('s'), NOW);
    assert!(text(&a).contains("+ location = repair bench 3"), "the same change preview");
    let (id, fetch) = mutation(&a.update(key(KeyCode::Enter), NOW)).expect("saved");
    let Fetch::UpdateUnitMetadata { serial: to, changes } = &fetch else { panic!("{fetch:?}") };
    assert_eq!(
        (to.as_str(), changes.get("location")),
        (serial.as_str(), Some(&json!("repair bench 3")))
    );
    // The server fails: the edit stays, and ctrl-s sends it again.
    let failed = tofui::worker::ClientError::Status { status: 503, message: "busy".into() };
    a.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Done(Err(failed)) }), NOW);
    let screen = text(&a);
    assert!(screen.contains("not saved") && screen.contains("repair bench 3"), "{screen}");
    a.update(ctrl('s'), NOW);
    let (id, fetch) = mutation(&a.update(key(KeyCode::Enter), NOW)).expect("sent again");
    // This time through the worker to the server.
    let event = ask(&s, fetch, Slot::Mutation(9)).await;
    let fx = a.update(Msg::Worker(WorkerResponse { id, event }), NOW);
    assert_eq!(a.flash(), Some("saved 1 change to 1 unit"));
    assert_eq!(unit_request(&fx).map(|(_, s)| s), Some(serial.clone()), "the unit is read again");
    let (_, after) = s.get(&format!("/units/{serial}")).await;
    assert_eq!(after["metadata"]["location"], "repair bench 3");
    for (k, v) in before["metadata"].as_object().into_iter().flatten() {
        assert_eq!(&after["metadata"][k], v, "{k} kept (PATCH)");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_attached_to_a_unit_and_a_station_key_is_told_no() {
    let (s, d) = demo_unit().await;
    let serial = d.unit.serial_number.clone();
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("xray.bin");
    let bytes: Vec<u8> =
        (0..70_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    std::fs::write(&path, &bytes).expect("write");
    // The upload prompt from the unit view asks for the unit.
    let mut a = opened(80, 24, &serial, &d);
    a.update(key(KeyCode::Char('u')), NOW);
    assert!(text(&a).contains(&format!("Upload a file to unit {serial}")));
    a.update(ctrl('u'), NOW);
    typed(&mut a, &path.to_string_lossy());
    let (_, fetch) = mutation(&a.update(key(KeyCode::Enter), NOW)).expect("upload");
    assert_eq!(fetch, Fetch::UploadToUnit { serial: serial.clone(), path: path.clone() });
    match ask(&s, fetch, Slot::Mutation(1)).await {
        WorkerEvent::Done(Ok(_)) | WorkerEvent::Progress { .. } => {}
        other => panic!("{other:?}"),
    }
    // Wait for the server to have it, then download it back through its link.
    let mut link = None;
    for _ in 0..100 {
        let (_, u) = s.get(&format!("/units/{serial}")).await;
        link = u["attachments"].as_array().into_iter().flatten().find_map(|x| {
            (x["name"] == "xray.bin")
                .then(|| x["download_url"].as_str().map(str::to_string))
                .flatten()
        });
        if link.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let got =
        reqwest::get(link.expect("attached")).await.expect("get").bytes().await.expect("body");
    assert!(
        got[..] == bytes[..],
        "byte-identical: got {} bytes: {:?}",
        got.len(),
        String::from_utf8_lossy(&got[..got.len().min(200)])
    );
    // A station key may not change units: 403, said in the editor, and `m` is no longer
    // offered for units (runs keep theirs).
    let (tx, mut rx) =
        crate::common::spawn_worker(&s.running.url, STATION_KEY, Duration::from_secs(20));
    let mut a = opened(80, 24, &serial, &d);
    a.update(key(KeyCode::Char('m')), NOW);
    a.update(key(KeyCode::Char('a')), NOW);
    typed(&mut a, "k");
    a.update(key(KeyCode::Tab), NOW);
    typed(&mut a, "v");
    a.update(key(KeyCode::Enter), NOW);
    a.update(ctrl('s'), NOW);
    let (id, fetch) = mutation(&a.update(key(KeyCode::Enter), NOW)).expect("saved");
    tx.send(WorkerRequest::Fetch { id, slot: Slot::Mutation(id), fetch }).expect("worker");
    let r = common::next_answer(&mut rx).await;
    assert!(matches!(r.event, WorkerEvent::Done(Err(tofui::worker::ClientError::Forbidden(_)))));
    a.update(Msg::Worker(r), NOW);
    assert!(text(&a).contains("403"), "{}", text(&a));
    let unit_keys = a.shared().keymap().describe(tofui::app::Mode::Unit, false);
    assert!(unit_keys.iter().all(|(_, l)| *l != "metadata"), "{unit_keys:?}");
    let run_keys = a.shared().keymap().describe(tofui::app::Mode::Tree, false);
    assert!(run_keys.iter().any(|(_, l)| *l == "metadata"), "runs keep theirs");
}

#[test]
fn read_only_offers_no_unit_changes() {
    let mut a = app(80, 24);
    a.set_readonly();
    a.start();
    let d = UnitData { tree: vec![], ..Default::default() };
    a.update(key(KeyCode::Char('U')), NOW);
    typed(&mut a, "SN-1");
    let (id, _) = unit_request(&a.update(key(KeyCode::Enter), NOW)).expect("asked");
    answer(&mut a, id, UnitAnswer::Found(Box::new(d)));
    for k in ['m', 'u'] {
        assert!(mutation(&a.update(key(KeyCode::Char(k)), NOW)).is_none());
        assert!(a.editor().is_none(), "no editor");
        assert!(!text(&a).contains("Upload a file"), "no upload prompt");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unit_view_is_usable_at_40x10() {
    let (_s, d) = demo_unit().await;
    let serial = d.unit.serial_number.clone();
    let a = opened(40, 10, &serial, &d);
    let screen = text(&a);
    assert!(screen.contains(&serial) && screen.contains("PASS"), "{screen}");
    insta::assert_snapshot!("unit_40x10", screen);
}
