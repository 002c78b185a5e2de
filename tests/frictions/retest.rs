//! Item 15: the retest comparison shows each side's station and fixture (and says when the
//! pass came from another one); the unit's run list gives absolute start times.

use std::sync::Arc;

use serde_json::json;
use tofui::api::RunOutcome;
use tofui::app::Effect;
use tofui::worker::{Fetch, WorkerEvent, WorkerRequest};

use crate::common::run_fixture;
use crate::support::*;
use crate::unit_view::{gateway_board, unit_open};

#[test]
fn the_unit_run_list_gives_absolute_start_times() {
    let a = unit_open(120, 40, gateway_board());
    let s = screen(&a);
    // Rows 0 and 1 started 90 s and 30 min 90 s before NOW (2026-11-26 12:00 UTC).
    assert!(s.contains("11-26 11:58:30") && s.contains("11-26 11:28:30"), "{s}");
    assert!(!s.contains(" ago"), "{s}");
}

#[test]
fn the_retest_names_each_sides_station_and_fixture() {
    let mut data = gateway_board();
    data.runs.truncate(2);
    // The newer run passed on Line 2 FCT; the failing one before it ran on Line 1 FCT.
    data.runs[1].procedure = data.runs[0].procedure.clone();
    data.runs[1].outcome = Some(RunOutcome::Fail);
    data.runs[0].outcome = Some(RunOutcome::Pass);
    data.runs[1].station = Some(Arc::from("Line 1 FCT"));
    let mut a = unit_open(120, 40, data);
    press(&mut a, "j");
    let fx = press(&mut a, "c");
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch { id, fetch: Fetch::RunPair { .. }, .. }) => {
                Some(*id)
            }
            _ => None,
        })
        .expect("the pair asked for");
    let with_fixture = |f: &str| {
        let mut r = run_fixture::run();
        r.summary.metadata = json!({"fixture": f}).as_object().cloned();
        r
    };
    let pair = Box::new((with_fixture("FX-12"), with_fixture("FX-11")));
    answer(&mut a, id, WorkerEvent::RunPair(Ok(pair)));
    let s = screen(&a);
    let line = |side: &str| s.lines().find(|l| l.contains(side)).unwrap_or_default().to_string();
    let (before, after) = (line(" before "), line(" after "));
    assert!(before.contains("Line 1 FCT · fixture FX-12"), "{s}");
    assert!(after.contains("Line 2 FCT · fixture FX-11"), "{s}");
    assert!(after.contains("another station, another fixture"), "{s}");
}
