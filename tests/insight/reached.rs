//! Issue 25 item 3: one population for `w` and explain — the runs that could have had the
//! failure: for a failure in a phase, the runs that ran that phase. On runs built for it (a
//! quarter of the runs, all on fixture FX-B, stop in ERROR at Power and never run Thermal), the
//! two-way table's cell and explain's line for Thermal failures on FX-B give the same numbers,
//! and their runs are those the server's runs show to have run Thermal, counted here run by run.

use crate::common;
use crate::common::insight::pareto_over;

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::rows::NOW;
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};
use tofui::analysis::CrossTab;
use tofui::app::{App, Msg};
use tofui::worker::WorkerEvent;

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// 160 runs of procedure Board on fixtures FX-A and FX-B (alternately). Every fourth run (all
/// on FX-B) ends in ERROR at Power and has no Thermal phase; the others run Thermal, which
/// fails (`temp_c` over its limit) on runs 0, 3, 8, 11, 16, 19, … (both fixtures alike).
pub(crate) async fn built() -> TestServer {
    let s = TestServer::start().await;
    let proc_id = s.sdk.procedures().create().name("Board").send().await.expect("procedure").id;
    let t0 = Utc.timestamp_millis_opt(NOW).single().expect("now") - Duration::days(1);
    for i in 0..160i64 {
        let start = t0 + Duration::minutes(i * 5);
        let fixture = if i % 2 == 0 { "FX-A" } else { "FX-B" };
        let stops = i % 4 == 1;
        let hot = !stops && matches!(i % 8, 0 | 3);
        let phase = |name: &str, k: i64, outcome: &str, measurements: Value| {
            json!({"name": name, "outcome": outcome,
                "started_at": at(start + Duration::seconds(k * 10)),
                "ended_at": at(start + Duration::seconds(k * 10 + 5)),
                "measurements": measurements})
        };
        let mut phases = vec![phase("Power", 0, if stops { "ERROR" } else { "PASS" }, json!([]))];
        if !stops {
            let t = if hot { 71.5 } else { 40.0 + (i % 7) as f64 };
            phases.push(phase(
                "Thermal",
                1,
                if hot { "FAIL" } else { "PASS" },
                json!([{"name": "temp_c", "outcome": if hot {"FAIL"} else {"PASS"},
                    "measured_value": t, "units": "°C",
                    "validators": [{"operator": "<=", "expected_value": 70.0}]}]),
            ));
        }
        let outcome = if stops {
            "ERROR"
        } else if hot {
            "FAIL"
        } else {
            "PASS"
        };
        let body = json!({"outcome": outcome, "procedure_id": proc_id, "started_at": at(start),
            "ended_at": at(start + Duration::seconds(30)), "serial_number": format!("SN-{i:04}"),
            "part_number": "PCB", "metadata": {"fixture": fixture}, "phases": phases});
        let (status, answer) =
            s.call(reqwest::Method::POST, "/runs", Some(&body.to_string())).await;
        assert!(status < 300, "{status}: {answer}");
    }
    s
}

/// Counted from the server's runs one by one, per fixture: (runs that ran Thermal, those of
/// them whose first failure is Thermal › temp_c, every run).
pub(crate) async fn by_hand(s: &TestServer) -> HashMap<String, (u32, u32, u32)> {
    let mut out: HashMap<String, (u32, u32, u32)> = HashMap::new();
    let mut cursor = 0;
    loop {
        let (_, page) =
            s.get(&format!("/runs?include_metadata=true&limit=100&cursor={cursor}")).await;
        for r in page["data"].as_array().expect("data") {
            let id = r["id"].as_str().expect("id");
            let fixture = r["metadata"]["fixture"].as_str().expect("fixture").to_string();
            let (status, run) = s.get(&format!("/runs/{id}")).await;
            assert_eq!(status, 200);
            let phases = run["phases"].as_array().cloned().unwrap_or_default();
            let thermal = phases.iter().find(|p| p["name"] == "Thermal" && p["outcome"] != "SKIP");
            let failed = thermal.is_some_and(|p| {
                p["outcome"] == "FAIL"
                    && p["measurements"].as_array().is_some_and(|ms| {
                        ms.iter().any(|m| m["name"] == "temp_c" && m["outcome"] == "FAIL")
                    })
            });
            let e = out.entry(fixture).or_default();
            e.0 += u32::from(thermal.is_some());
            e.1 += u32::from(failed);
            e.2 += 1;
        }
        if !page["meta"]["has_more"].as_bool().unwrap_or(false) {
            return out;
        }
        cursor += 100;
    }
}

/// The Pareto over `events`, its bars by fixture, then its two-way table (`w`).
fn two_way(events: &[WorkerEvent]) -> App {
    let mut a = pareto_over(160, 48, events);
    for _ in 0..12 {
        if a.pareto().expect("pareto").by_name() == "fixture" {
            break;
        }
        a.update(key('s'), NOW);
    }
    assert_eq!(a.pareto().expect("pareto").by_name(), "fixture");
    a.update(key('w'), NOW);
    a
}

/// Every answer of a Pareto load of `s`, and how many of them come up to the failures' end
/// (the rest: which runs ran each phase).
pub(crate) async fn load_split(s: &TestServer) -> (Vec<WorkerEvent>, usize) {
    let events = common::insight::load(&s.running.url).await;
    let loaded = 1 + events
        .iter()
        .position(|e| matches!(e, WorkerEvent::PopulationFailures { done: true, .. }))
        .expect("the failing rows' end");
    assert!(loaded < events.len(), "which runs ran each phase follows");
    (events, loaded)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_way_and_explain_count_the_runs_that_ran_the_failing_phase() {
    let s = built().await;
    let want = by_hand(&s).await;
    let (fa, fb) = (want["FX-A"], want["FX-B"]);
    // The data is as built: FX-B's runs that stopped at Power did not run Thermal.
    assert_eq!((fa.2, fb.2), (80, 80));
    assert_eq!((fa.0, fb.0), (80, 40), "FX-B's runs that stopped before Thermal");
    // Loaded, the runs that ran each phase still coming: the Pareto is there, and `w` tests
    // Thermal's failures against the procedure's runs meanwhile, saying so.
    let (events, loaded) = load_split(&s).await;
    let early = two_way(&events[..loaded]);
    let p = early.pareto().expect("pareto");
    assert!(!p.loading() && p.load.reached_loading());
    let t = p.two_way.clone().expect("two-way table");
    let row = t.rows.iter().find(|r| r.label == "Thermal › temp_c").expect("Thermal row");
    assert_eq!(row.tested, fa.2 + fb.2, "the procedure's runs, until the phases are in");
    let screen = crate::common::render::text(&early);
    assert!(screen.contains("reading which runs ran each failing phase"), "{screen}");
    let mut a = two_way(&events);
    assert!(!a.pareto().expect("pareto").load.reached_loading());
    let t: CrossTab = a.pareto().and_then(|p| p.two_way.clone()).expect("two-way table");
    let r = t.rows.iter().position(|r| r.label == "Thermal › temp_c").expect("Thermal row");
    let row = &t.rows[r];
    assert_eq!(row.total, fa.1 + fb.1, "Thermal failures");
    assert_eq!(row.tested, fa.0 + fb.0, "the runs that ran Thermal, not all the procedure's");
    // Explain on the same row.
    for _ in 0..r {
        a.update(key('j'), NOW);
    }
    a.update(key('e'), NOW);
    let x = a.explain().expect("explain").report.clone();
    assert_eq!(x.label, row.label);
    assert_eq!((x.failures, x.tested), (row.total, row.tested), "one population");
    assert_eq!(x.reached.as_deref(), Some("Thermal"), "explain says whose runs they are");
    let fixture = x.dims.iter().find(|d| d.name == "fixture").expect("fixture");
    for (fx, (ran, failed, _)) in [("FX-A", fa), ("FX-B", fb)] {
        let c = t.cols.iter().position(|c| c.label == fx).expect(fx);
        let cell = t.stat(r, c).expect("failures on both fixtures");
        assert_eq!((cell.failures, cell.tested), (failed, ran), "{fx}: the server's count");
        let v = fixture.values.iter().find(|v| v.code == t.cols[c].code).expect(fx);
        assert_eq!(v, cell, "{fx}: explain's numbers are the cell's");
    }
    let screen = crate::common::render::text(&a);
    assert!(
        screen.contains(&format!("{} failures in {} runs that ran Thermal", x.failures, x.tested)),
        "{screen}"
    );
}
