//! Deterministic list rows and app states for headless and snapshot tests.

use std::sync::Arc;

use chrono::FixedOffset;
use tofui::api::{RunDetail, RunOutcome};
use tofui::app::{App, Effect, Msg, Session};
use tofui::model::{RunRow, RunsPage};
use tofui::worker::{Fetch, Slot, WorkerEvent, WorkerRequest, WorkerResponse};

/// 2026-11-26T12:00:00Z.
pub const NOW: i64 = 1_795_694_400_000;

pub fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).expect("utc")
}

const OUTCOMES: [RunOutcome; 5] =
    [RunOutcome::Pass, RunOutcome::Fail, RunOutcome::Pass, RunOutcome::Error, RunOutcome::Timeout];
const PROCS: [(&str, &str, &str, &str); 3] = [
    ("PCB Functional Test", "v2.1.1", "PCB-MAIN", "Line 2 FCT"),
    ("In-Circuit Test", "v1.5", "PCB-MAIN", "Line 1 ICT"),
    ("PSU Burn-in", "v3.0", "PSU-12V", "Burn-in Rack"),
];

/// Row `i` of a made-up list: newest first, a failure mix, three procedures.
pub fn row(i: usize) -> RunRow {
    let (proc_, ver, part, station) = PROCS[i % 3];
    let mut r = RunRow::blank(&format!("run-{i:06}"));
    r.outcome = Some(OUTCOMES[i % 5].clone());
    r.started_ms = Some(NOW - 90_000 - i as i64 * 1_800_000);
    r.created_ms = Some(NOW - 60_000 - i as i64 * 1_800_000);
    r.duration_ms = Some(if i % 3 == 2 { 7_200_000 } else { 4_000 + (i as i64 % 7) * 61_000 });
    r.serial = format!("SN-{:05}", 1200 - i).into();
    r.part = Some(Arc::from(part));
    r.revision = Some(Arc::from(if part == "PSU-12V" { "2" } else { "C" }));
    r.procedure = Some(Arc::from(proc_));
    r.version = Some(Arc::from(ver));
    r.station = Some(Arc::from(station));
    r.batch = Some(Arc::from(format!("B{:02}", 20 - i / 50)));
    r
}

pub fn page(range: std::ops::Range<usize>, has_more: bool) -> RunsPage {
    RunsPage {
        next_cursor: has_more.then_some(range.end as i64),
        rows: range.map(row).collect(),
        has_more,
    }
}

pub fn session() -> Session {
    Session { url: "http://127.0.0.1:3000".into(), demo: true, blocked: None }
}

pub fn app(w: u16, h: u16) -> App {
    App::new(session(), NOW, utc(), (w, h))
}

/// The id of the list request among `fx`.
pub fn list_request(fx: &[Effect]) -> Option<(u64, tofui::worker::ListRequest)> {
    fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch { id, fetch: Fetch::Runs(r), slot: Slot::List(_) }) => {
            Some((*id, (**r).clone()))
        }
        _ => None,
    })
}

/// The id of the live poll among `fx` (any view's).
pub fn live_request(fx: &[Effect]) -> Option<(u64, tofui::worker::ListRequest)> {
    fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch { id, fetch: Fetch::Runs(r), slot: Slot::Live(_) }) => {
            Some((*id, (**r).clone()))
        }
        _ => None,
    })
}

/// The id and serial of the unit request among `fx`.
pub fn unit_request(fx: &[Effect]) -> Option<(u64, String)> {
    fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch { id, fetch: Fetch::Unit { serial }, .. }) => {
            Some((*id, serial.clone()))
        }
        _ => None,
    })
}

/// The first request among `fx` for runs' first failures (in `slot`, when one is given): its id
/// and the run ids.
pub fn first_failures_asked(fx: &[Effect], slot: Option<Slot>) -> Option<(u64, Vec<String>)> {
    fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch {
            id,
            slot: s,
            fetch: Fetch::FirstFailures { run_ids },
        }) if slot.is_none_or(|want| *s == want) => Some((*id, run_ids.clone())),
        _ => None,
    })
}

/// A `w`×`h` app listing three made-up runs, the first opened with `enter` and answered with
/// `run`.
pub fn opened_with(w: u16, h: u16, run: RunDetail) -> App {
    let mut app = app(w, h);
    let (id, _) = list_request(&app.start()).expect("list");
    let runs = WorkerEvent::Runs(Ok(page(0..3, false)));
    app.update(Msg::Worker(WorkerResponse { id, event: runs }), NOW);
    let fx = super::keys::press(&mut app, "\n");
    let Some(Effect::Send(WorkerRequest::Fetch { id, .. })) = fx.into_iter().next() else {
        panic!("fetch")
    };
    let run = WorkerEvent::Run { run: Ok(Box::new(run)), logs_follow: false };
    app.update(Msg::Worker(WorkerResponse { id, event: run }), NOW);
    app
}

/// `m` on the selected run, and its metadata answered as `meta`: the editor open over it.
pub fn editor_with(app: &mut App, meta: serde_json::Value) {
    let fx = super::keys::press(app, "m");
    let Some(Effect::Send(WorkerRequest::Fetch { id, slot: Slot::Editor, .. })) =
        fx.into_iter().next()
    else {
        panic!("metadata fetch")
    };
    let mut run = super::run_fixture::run();
    run.summary.metadata = meta.as_object().cloned();
    let run = WorkerEvent::Run { run: Ok(Box::new(run)), logs_follow: false };
    app.update(Msg::Worker(WorkerResponse { id, event: run }), NOW);
    assert!(app.editor().is_some(), "the editor is open");
}
