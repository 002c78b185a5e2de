//! Item 16: the runs list shows each run's disposition (the `[triage] key`) from 120 columns,
//! and follows a disposition as it is saved; `:export` writes the first failure, the
//! disposition and every metadata key of the rows (CSV columns, JSON fields), so a triage
//! session's outcome can be handed on as a file.

use std::sync::Arc;

use serde_json::{Value, json};
use tofui::api::RunOutcome;
use tofui::app::{App, Done, Effect, Msg};
use tofui::model::{FirstFailure, RunsPage};
use tofui::worker::{ClientError, Fetch, Slot, WorkerEvent, WorkerRequest, WorkerResponse};

use crate::common::rows::*;
use crate::support::*;

/// Ten made-up rows; row 1 (failing) disposed `fixture`, row 0 with other metadata.
fn disposed(w: u16, h: u16) -> (App, Vec<Effect>) {
    let mut a = app(w, h);
    let (id, _) = list_request(&a.start()).expect("list");
    let mut p: RunsPage = page(0..10, false);
    p.rows[0].outcome = Some(RunOutcome::Pass);
    p.rows[0].metadata = vec![(Arc::from("shift"), json!("A"))].into();
    p.rows[1].outcome = Some(RunOutcome::Fail);
    p.rows[1].metadata =
        vec![(Arc::from("triage"), json!("fixture")), (Arc::from("temperature"), json!(24.5))]
            .into();
    p.rows[2].outcome = Some(RunOutcome::Error);
    let fx = answer(&mut a, id, WorkerEvent::Runs(Ok(p)));
    (a, fx)
}

fn line_of<'a>(s: &'a str, serial: &str) -> &'a str {
    s.lines().find(|l| l.contains(serial)).unwrap_or_else(|| panic!("{serial} on screen:\n{s}"))
}

#[test]
fn from_120_columns_the_list_shows_each_runs_disposition() {
    let (a, _) = disposed(120, 40);
    let s = screen(&a);
    let head = s.lines().nth(2).expect("header");
    assert!(head.contains("Triage"), "the column is named by the key: {head}");
    assert!(line_of(&s, "SN-01199").contains("fixture"), "{s}");
    assert!(line_of(&s, "SN-01198").contains('—'), "a failing run still to triage: {s}");
    // Every column is still whole beside it.
    assert!(line_of(&s, "SN-01199").contains("Line 1 ICT"), "{s}");
    let (narrow, _) = disposed(100, 30);
    let s = screen(&narrow);
    assert!(!s.contains("Triage") && !s.contains("fixture"), "not below 120 columns: {s}");
}

#[test]
fn a_disposition_saved_shows_in_the_list_at_once() {
    let (mut a, _) = disposed(120, 40);
    press(&mut a, "jj"); // SN-01198, ERROR, no disposition
    editor_with(&mut a, json!({}));
    let fx = press(&mut a, "atriage\treal failure\n\x13\n");
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch {
                id, fetch: Fetch::UpdateMetadata { .. }, ..
            }) => Some(*id),
            _ => None,
        })
        .expect("saved");
    assert!(!line_of(&screen(&a), "SN-01198").contains("real failure"), "not before the answer");
    answer(&mut a, id, WorkerEvent::Done(Ok(vec![])));
    let s = screen(&a);
    assert!(line_of(&s, "SN-01198").contains("real fail"), "{s}");
    let row = &a.list().rows[2];
    assert_eq!(row.meta("triage"), Some(&json!("real failure")), "the row holds it");
}

/// `:export PATH`'s text, once the first failures it reads first are answered by `read`.
fn exported(
    a: &mut App,
    path: &str,
    read: &dyn Fn(&str) -> Result<Option<FirstFailure>, ClientError>,
) -> String {
    let mut fx = press(a, &format!(":export {path}\n"));
    loop {
        if let Some(content) = fx.iter().find_map(|e| match e {
            Effect::Export { content, .. } => Some(content.clone()),
            _ => None,
        }) {
            return content;
        }
        let (id, ids) = first_failures_asked(&fx, Some(Slot::Export))
            .expect("export asked, or the first failures it lacks");
        fx = ids
            .iter()
            .flat_map(|r| {
                let event = WorkerEvent::FirstFailure { run_id: r.clone(), failure: read(r) };
                answer(a, id, event)
            })
            .collect();
    }
}

/// A run that cannot be read.
fn gone(_: &str) -> Result<Option<FirstFailure>, ClientError> {
    Err(ClientError::Status { status: 404, message: "not found".into() })
}

/// The wide list with the first failure of SN-01199 read (the others still loading).
fn with_failure() -> App {
    let (mut a, fx) = disposed(160, 48);
    let (id, ids) =
        first_failures_asked(&fx, None).expect("first failures asked for at 160 columns");
    assert!(ids.contains(&"run-000001".to_string()));
    let failure = Some(FirstFailure {
        phase: "Power-on".into(),
        measurement: Some("rail_3v3".into()),
        against: Some("3.198 < 3.2".into()),
    });
    let event = WorkerEvent::FirstFailure { run_id: "run-000001".into(), failure: Ok(failure) };
    a.update(Msg::Worker(WorkerResponse { id, event }), NOW);
    a
}

#[test]
fn the_csv_export_has_first_failure_disposition_and_metadata_columns() {
    let mut a = with_failure();
    // The failing runs not read yet (SN-01198, ERROR) are read before the file is written: this
    // one cannot be, and says so.
    let csv = exported(&mut a, "/tmp/tofui-disposition.csv", &gone);
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap_or_else(|| panic!("{name}"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 10);
    let (fail, disp) = (col("first_failure"), col("disposition"));
    let (shift, temp, triage) =
        (col("metadata.shift"), col("metadata.temperature"), col("metadata.triage"));
    assert_eq!(rows[1][fail], "Power-on › rail_3v3 (3.198 < 3.2)");
    assert_eq!(rows[1][disp], "fixture");
    assert_eq!((rows[1][temp], rows[1][triage], rows[1][shift]), ("24.5", "fixture", ""));
    assert_eq!((rows[0][fail], rows[0][disp], rows[0][shift]), ("", "", "A"), "a pass");
    assert_eq!((rows[2][fail], rows[2][disp]), ("(not read)", ""), "unreadable, not disposed");
    let unread = rows.iter().filter(|r| r[fail] == "(not read)").count();
    assert!(unread > 1, "the made-up rows' other failing runs: {unread}");
    let written = tofui::app::export::Written::Done;
    a.update(Msg::Done(Done::Exported { path: "/tmp/tofui-disposition.csv".into(), written }), NOW);
    assert_eq!(
        a.flash(),
        Some(
            format!(
                "exported 10 runs to /tmp/tofui-disposition.csv · {unread} failing runs not \
                 read: first_failure (not read)"
            )
            .as_str()
        ),
        "the footer says how many were not read"
    );
}

#[test]
fn the_json_export_has_them_as_fields_with_their_types() {
    let mut a = with_failure();
    let text = exported(&mut a, "/tmp/tofui-disposition.json", &gone);
    let list: Vec<Value> = serde_json::from_str(&text).expect("JSON");
    assert_eq!(list[1]["first_failure"], json!("Power-on › rail_3v3 (3.198 < 3.2)"));
    assert_eq!(list[1]["disposition"], json!("fixture"));
    assert_eq!(list[1]["metadata"], json!({"triage": "fixture", "temperature": 24.5}));
    assert_eq!(list[0]["metadata"], json!({"shift": "A"}));
    assert_eq!((&list[0]["disposition"], &list[0]["first_failure"]), (&Value::Null, &Value::Null));
    assert_eq!(list[2]["first_failure"], json!("(not read)"));
}

/// A triage session handed on as a file: each run triaged (`T`, a preset) is exported with its
/// disposition and its first failure as the queue read it (the run read whole), though the list
/// never showed the First failure column (120 columns).
#[test]
fn a_triaged_runs_disposition_and_first_failure_are_exported() {
    use crate::common::meta_server::{press as serve_keys, setup};
    let (mut a, mut server) = setup(120, 40);
    serve_keys(&mut a, &mut server, "T1\x1b");
    assert!(a.triage().is_none(), "left the queue");
    // The runs the queue did not read are read for the file: here none failed in a phase.
    let csv = exported(&mut a, "/tmp/tofui-triaged.csv", &|_| Ok(None));
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap_or_else(|| panic!("{name}"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // Row 1 is the first failing run: the queue's first.
    let f = FirstFailure::of(&crate::common::run_fixture::run()).expect("the fixture fails");
    let mut want = f.phase.clone();
    if let Some(m) = &f.measurement {
        want = format!("{want} › {m}");
    }
    if let Some(v) = &f.against {
        want = format!("{want} ({v})");
    }
    assert_eq!(rows[1][col("first_failure")], want);
    assert_eq!(rows[1][col("disposition")], "fixture");
    assert_eq!(rows[3][col("first_failure")], "no failing step", "not triaged, read for the file");
}
