//! Item 10: the editor's preview counts the requests a save will actually send (a key removed
//! from the one marked run that has it is one PATCH, not one per marked run), the save sends
//! exactly those, and the unit editor speaks of the unit.

use serde_json::json;
use tofui::api::RunSummary;
use tofui::app::Effect;
use tofui::worker::{Fetch, WorkerEvent, WorkerRequest};

use crate::support::*;
use crate::unit_view::{gateway_board, unit_open};

fn patches(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch {
                fetch: Fetch::UpdateMetadata { run_id, .. },
                ..
            }) => Some(run_id.clone()),
            _ => None,
        })
        .collect()
}

fn summary(id: &str, meta: serde_json::Value) -> RunSummary {
    RunSummary { id: id.into(), metadata: meta.as_object().cloned(), ..Default::default() }
}

/// The marked runs' answer: every one of `rows`, in one page.
fn all_of(rows: Vec<RunSummary>) -> WorkerEvent {
    let rows = Ok(rows.into_iter().map(Into::into).collect());
    WorkerEvent::PopulationRuns { rows, unreadable: 0, done: true, capped: false }
}

#[test]
fn a_key_on_one_of_three_marked_runs_is_one_patch() {
    let mut a = listing(120, 40, 10);
    press(&mut a, "   "); // rows 0, 1, 2 marked
    let id = first_request(&press(&mut a, "m"));
    let rows = vec![
        summary("run-000000", json!({"rework": true, "shift": "A"})),
        summary("run-000001", json!({"shift": "A"})),
        summary("run-000002", json!({"shift": "B"})),
    ];
    answer(&mut a, id, all_of(rows));
    // Rows: rework (on 1 of 3), shift (3 of 3): remove rework.
    press(&mut a, "x\x13");
    let s = screen(&a);
    assert!(s.contains("1 PATCH: the 1 run it changes of the 3 marked"), "{s}");
    assert!(!s.contains("One PATCH per run"), "{s}");
    assert_eq!(patches(&press(&mut a, "\n")), ["run-000000"], "only the run that has the key");
}

#[test]
fn setting_a_value_every_marked_run_has_but_one_counts_that_one() {
    let mut a = listing(120, 40, 10);
    press(&mut a, "  ");
    let id = first_request(&press(&mut a, "m"));
    let rows = vec![summary("run-000000", json!({"shift": "A"})), summary("run-000001", json!({}))];
    answer(&mut a, id, all_of(rows));
    press(&mut a, "\n\n\x13"); // shift (on 1 of 2) kept at A: set on the run without it
    assert!(screen(&a).contains("1 PATCH: the 1 run it changes of the 2 marked"), "{}", screen(&a));
    assert_eq!(patches(&press(&mut a, "\n")), ["run-000001"]);
}

#[test]
fn the_unit_editor_says_unit() {
    let mut a = unit_open(120, 40, gateway_board());
    press(&mut a, "mak\tv\n\x13");
    let s = screen(&a);
    assert!(s.contains("One PATCH, to unit SN-00415"), "{s}");
    assert!(!s.contains("1 run"), "{s}");
}
