//! Dates in the local zone's rules per instant: with TZ=Europe/Berlin a winter date is shown
//! and typed at +01:00 and a summer one at +02:00, whatever the season of the day tofui runs.

use crate::common;

use common::render::text;
use common::rows::*;
use tofui::app::{App, Msg, Session};
use tofui::model::Zone;
use tofui::query::{Resolved, parse, to_params};
use tofui::worker::{WorkerEvent, WorkerResponse};

/// 2026-01-15T12:00:00Z and 2026-07-15T12:00:00Z.
const WINTER: i64 = 1_768_478_400_000;
const SUMMER: i64 = 1_784_116_800_000;

/// Runs this test again in a process with `TZ=Europe/Berlin` (the zone is read per process).
fn in_berlin(name: &str) -> bool {
    if std::env::var("TZ").as_deref() == Ok("Europe/Berlin") {
        return true;
    }
    let exe = std::env::current_exe().expect("test binary");
    // The test's name in its binary: its module path without the crate's name.
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    let out = std::process::Command::new(exe)
        .args(["--exact", &format!("{module}::{name}"), "--nocapture"])
        .env("TZ", "Europe/Berlin")
        .output()
        .expect("run in Berlin");
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "in Berlin: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    false
}

#[test]
fn winter_and_summer_dates_are_shown_with_their_own_offset() {
    if !in_berlin("winter_and_summer_dates_are_shown_with_their_own_offset") {
        return;
    }
    // NOW is in November (winter time): the summer run must not be shown an hour early.
    let session = Session { url: "http://127.0.0.1:3000".into(), demo: true, blocked: None };
    let mut app = App::new(session, NOW, Zone::Local, (100, 12));
    app.settings_mut().absolute_dates = true;
    let (id, _) = list_request(&app.start()).expect("list");
    let mut p = page(0..2, false);
    p.rows[0].started_ms = Some(SUMMER);
    p.rows[1].started_ms = Some(WINTER);
    app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(p)) }), NOW);
    let screen = text(&app);
    assert!(screen.contains("07-15 14:00:00"), "summer: +02:00\n{screen}");
    assert!(screen.contains("01-15 13:00:00"), "winter: +01:00\n{screen}");
}

#[test]
fn winter_and_summer_dates_are_typed_with_their_own_offset() {
    if !in_berlin("winter_and_summer_dates_are_typed_with_their_own_offset") {
        return;
    }
    let q = parse("since:2026-07-15T14:00 until:2026-01-15T13:00").expect("query");
    let p = to_params(&q, &Resolved::default(), NOW, Zone::Local);
    let get = |k: &str| p.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone());
    let after = get("started_after").expect("since");
    let before = get("started_before").expect("until");
    assert!(after.starts_with("2026-07-15T12:00:00"), "{after}");
    assert!(before.starts_with("2026-01-15T12:00:00"), "{before}");
    // A day: from its local midnight.
    let q = parse("since:2026-07-01").expect("query");
    let p = to_params(&q, &Resolved::default(), NOW, Zone::Local);
    let after = p.iter().find(|(k, _)| *k == "started_after").map(|(_, v)| v.clone());
    assert!(after.is_some_and(|a| a.starts_with("2026-06-30T22:00:00")), "{p:?}");
}
