//! Item 17: the filter form completes values: procedures, stations, operators, part numbers and
//! batches from the server (and the loaded rows), `meta.KEY` from the loaded rows' metadata;
//! `tab` puts the first match in place of the item typed and cycles on; where nothing matches
//! it goes to the next field. The worker reads the values from the real server.

use std::sync::Arc;

use serde_json::json;
use tofui::app::{App, Effect};
use tofui::worker::{Fetch, FieldValues, Slot, WorkerEvent, WorkerRequest};

use crate::common::TestServer;
use crate::common::rows::*;
use crate::support::*;

/// The form over ten made-up rows (stations Line 2 FCT, Line 1 ICT, Burn-in Rack; metadata
/// `shift` and `fixture`), the server's values answered.
fn form() -> App {
    let mut a = app(120, 40);
    let (id, _) = list_request(&a.start()).expect("list");
    let mut p = page(0..10, false);
    p.rows[0].metadata = vec![(Arc::from("shift"), json!("A"))].into();
    p.rows[3].metadata = vec![(Arc::from("fixture"), json!("FX-12"))].into();
    answer(&mut a, id, WorkerEvent::Runs(Ok(p)));
    let fx = press(&mut a, "F");
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch {
                id,
                slot: Slot::FieldValues,
                fetch: Fetch::FieldValues,
            }) => Some(*id),
            _ => None,
        })
        .expect("the form asks the server for its values");
    let values = FieldValues {
        procedures: vec!["PCB Functional Test".into(), "RF Calibration".into()],
        stations: vec!["Line 3 EOL".into()],
        operators: vec!["alice".into(), "bob".into()],
        parts: vec!["PCB-MAIN".into(), "RF-FE".into()],
        batches: vec!["B07".into()],
    };
    answer(&mut a, id, WorkerEvent::FieldValues(Box::new(values)));
    a
}

/// Focus on the field labelled `label`.
fn focus(a: &mut App, label: &str) {
    for _ in 0..30 {
        let f = a.form().expect("form open");
        if f.fields[f.focus].0.label() == label {
            return;
        }
        code(a, crossterm::event::KeyCode::Down);
    }
    panic!("no field {label}");
}

fn value(a: &App) -> String {
    let f = a.form().expect("form open");
    f.fields[f.focus].1.value().to_string()
}

fn label(a: &App) -> &'static str {
    let f = a.form().expect("form open");
    f.fields[f.focus].0.label()
}

#[test]
fn tab_cycles_the_stations_of_the_rows_and_the_server() {
    let mut a = form();
    focus(&mut a, "Station");
    press(&mut a, "line");
    let s = screen(&a);
    assert!(s.contains("tab: Line 1 ICT · Line 2 FCT · Line 3 EOL (3)"), "{s}");
    press(&mut a, "\t");
    assert_eq!(value(&a), "Line 1 ICT");
    assert!(screen(&a).contains("(1 of 3)"), "{}", screen(&a));
    press(&mut a, "\t");
    assert_eq!(value(&a), "Line 2 FCT");
    press(&mut a, "\t");
    assert_eq!(value(&a), "Line 3 EOL", "the server's station, on no loaded row");
    press(&mut a, "\t");
    assert_eq!(value(&a), "Line 1 ICT", "round");
    assert_eq!(label(&a), "Station", "tab stayed on the field while it completes");
    press(&mut a, "\n");
    assert!(a.form().is_none());
    assert_eq!(a.list().query.stations, ["Line 1 ICT"], "applied as completed");
}

#[test]
fn each_field_completes_from_its_own_values() {
    let mut a = form();
    focus(&mut a, "Part");
    press(&mut a, "fe\t");
    assert_eq!(value(&a), "RF-FE", "a match inside the value");
    focus(&mut a, "Batch");
    press(&mut a, "b0\t");
    assert_eq!(value(&a), "B07");
    focus(&mut a, "Procedure");
    // The item after the last comma is completed; the ones before stay.
    press(&mut a, "RF Calibration,pcb\t");
    assert_eq!(value(&a), "RF Calibration,PCB Functional Test");
    focus(&mut a, "Operator");
    press(&mut a, "b\t");
    assert_eq!(value(&a), "bob");
    focus(&mut a, "Metadata");
    press(&mut a, "meta.shift=A fix\t");
    assert_eq!(value(&a), "meta.shift=A meta.fixture", "the keys of the loaded rows");
}

#[test]
fn tab_where_nothing_matches_goes_to_the_next_field() {
    let mut a = form();
    focus(&mut a, "Station");
    press(&mut a, "nowhere\t");
    assert_eq!(label(&a), "Operator", "next field");
    let f = a.form().expect("form");
    assert_eq!(f.fields[f.focus - 1].1.value(), "nowhere", "what was typed is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_reads_the_values_from_the_server() {
    let server = TestServer::seeded(200, 5).await;
    let (tx, mut rx) = server.worker();
    tx.send(WorkerRequest::Fetch { id: 1, slot: Slot::FieldValues, fetch: Fetch::FieldValues })
        .expect("worker");
    let v = loop {
        let r = crate::common::next_answer(&mut rx).await;
        if let WorkerEvent::FieldValues(v) = r.event {
            break v;
        }
    };
    let names = |path: &'static str, field: &'static str| {
        let server = &server;
        async move {
            let (status, body) = server.get(path).await;
            assert_eq!(status, 200, "{path}");
            let mut v: Vec<String> = body["data"]
                .as_array()
                .expect("data")
                .iter()
                .filter_map(|x| x[field].as_str().map(String::from))
                .collect();
            v.sort();
            v
        }
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(sorted(v.procedures.clone()), names("/procedures?limit=100", "name").await);
    assert_eq!(sorted(v.stations.clone()), names("/stations?limit=100", "name").await);
    assert_eq!(sorted(v.parts.clone()), names("/parts?limit=100", "number").await);
    assert_eq!(sorted(v.batches.clone()), names("/batches?limit=100", "number").await);
    assert!(!v.procedures.is_empty() && !v.stations.is_empty() && !v.batches.is_empty());
    assert!(!v.operators.is_empty(), "the members");
}
