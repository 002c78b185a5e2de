//! `:export FILE` (issue 17): the runs list as filtered and sorted, and the open run, to CSV or
//! JSON; an existing file is written over only after a yes.

use crate::common;

use common::keys::press;
use common::rows::*;
use common::run_fixture;
use tofui::app::export::Written;
use tofui::app::{App, Done, Effect, Msg};
use tofui::worker::{Slot, WorkerEvent, WorkerResponse};

fn export_of(fx: &[Effect]) -> Option<(String, String, bool)> {
    fx.iter().find_map(|e| match e {
        Effect::Export { path, content, overwrite } => {
            Some((path.clone(), content.clone(), *overwrite))
        }
        _ => None,
    })
}

fn listed() -> App {
    let mut app = app(120, 40);
    let (id, _) = list_request(&app.start()).expect("list");
    let mut p = page(0..30, false);
    p.rows[3].serial = "SN,\"odd\"".into();
    app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(p)) }), NOW);
    app
}

#[test]
fn the_list_exports_as_shown_and_asks_before_writing_over_a_file() {
    let mut app = listed();
    // The failing runs' first failures are read first (here: none failed in a phase).
    let fx = press(&mut app, ":export /tmp/x/runs.csv\n");
    let (id, ids) =
        first_failures_asked(&fx, Some(Slot::Export)).expect("the first failures asked for");
    let failing = app
        .list()
        .rows
        .iter()
        .filter(|r| r.outcome.as_ref().is_some_and(|o| o.failing_or_aborted()));
    assert_eq!(ids.len(), failing.count(), "each failing run's");
    let fx: Vec<Effect> = ids
        .into_iter()
        .flat_map(|run_id| {
            let event = WorkerEvent::FirstFailure { run_id, failure: Ok(None) };
            app.update(Msg::Worker(WorkerResponse { id, event }), NOW)
        })
        .collect();
    let (path, csv, overwrite) = export_of(&fx).expect("export asked");
    assert_eq!((path.as_str(), overwrite), ("/tmp/x/runs.csv", false));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 31, "a header and the 30 rows");
    assert!(lines[0].starts_with("id,outcome,started_at,duration_s,serial_number"));
    let ids: Vec<&str> = lines[1..].iter().map(|l| l.split(',').next().unwrap()).collect();
    let want: Vec<String> = app.list().rows.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(ids, want, "in the list's order");
    assert!(lines[4].contains("\"SN,\"\"odd\"\"\""), "quoted: {}", lines[4]);
    // The file is taken: asked, and `n` leaves it.
    app.update(Msg::Done(Done::Exported { path: path.clone(), written: Written::Exists }), NOW);
    assert_eq!(app.mode(), tofui::app::Mode::Ask);
    assert!(export_of(&press(&mut app, "n")).is_none());
    // Again, and `y` writes over it.
    press(&mut app, ":export /tmp/x/runs.csv\n");
    app.update(Msg::Done(Done::Exported { path: path.clone(), written: Written::Exists }), NOW);
    let (_, again, overwrite) = export_of(&press(&mut app, "y")).expect("written over");
    assert!(overwrite && again == csv);
    app.update(Msg::Done(Done::Exported { path, written: Written::Done }), NOW);
    assert_eq!(app.flash(), Some("exported 30 runs to /tmp/x/runs.csv"));
    // A name without .csv or .json is refused on the line.
    assert!(export_of(&press(&mut app, ":export runs.txt\n")).is_none());
    assert!(app.command().and_then(|c| c.error.clone()).is_some_and(|e| e.contains(".csv")));
}

#[test]
fn the_open_run_exports_its_measurements_or_itself() {
    let run = run_fixture::run();
    let measurements: usize = run.phases.iter().flatten().map(|p| p.measurements.len()).sum();
    let mut app = opened_with(120, 40, run.clone());
    let (_, csv, _) = export_of(&press(&mut app, ":export m.csv\n")).expect("csv");
    assert_eq!(csv.lines().count(), measurements + 1, "one line per measurement");
    assert!(csv.lines().next().unwrap().contains("measurement,outcome,value,units"));
    let (_, json, _) = export_of(&press(&mut app, ":export run.json\n")).expect("json");
    let back: tofui::api::RunDetail = serde_json::from_str(&json).expect("the run as JSON");
    assert_eq!(back.summary.id, run.summary.id);
    assert_eq!(back.phases, run.phases);
}
