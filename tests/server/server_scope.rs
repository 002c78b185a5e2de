//! Station scope on every field (issue 28, items 4–8): a table of endpoints, each asked with
//! the user key, the station linked to the procedure that tested the units ("own") and a
//! station linked to another procedure ("foreign"), including the fields that name runs,
//! units, procedures and people. And `POST /runs` leaves a unit outside the station's scope
//! as it was.

use crate::common;

use chrono::Utc;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};
use tofui::server::store::catalog;

const FOREIGN_KEY: &str = "test-foreign-station-key";
const EMAIL: &str = "admin@demo.tofupilot.local";

struct World {
    s: TestServer,
    ict: String,
    fct: String,
}

async fn run(
    s: &TestServer,
    key: &str,
    procedure: &str,
    serial: &str,
    minutes_ago: i64,
    extra: Value,
) -> (u16, Value) {
    let at = Utc::now() - chrono::Duration::minutes(minutes_ago);
    let mut body = json!({"outcome": "PASS", "procedure_id": procedure, "serial_number": serial,
        "part_number": "P1", "revision_number": "A", "batch_number": "B1", "operated_by": EMAIL,
        "started_at": (at - chrono::Duration::seconds(30)).to_rfc3339(), "ended_at": at.to_rfc3339(),
        "logs": [{"level": "INFO", "timestamp": at.to_rfc3339(), "message": "hello", "source_file": "t.py", "line_number": 1}],
        "phases": [{"name": "Rails", "outcome": "PASS", "started_at": (at - chrono::Duration::seconds(20)).to_rfc3339(),
            "ended_at": (at - chrono::Duration::seconds(10)).to_rfc3339(),
            "measurements": [{"name": "rail", "outcome": "PASS", "measured_value": 3.3}]}]});
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    s.call_as(key, Method::POST, "/runs", Some(body)).await
}

/// ICT is the own station's procedure, FCT the foreign station's. SN-SHARED was tested on
/// FCT, then ICT, then FCT again; SN-FOREIGN and SN-FOREIGN2 on FCT only; SN-ICT on ICT only.
async fn world() -> World {
    let s = TestServer::start_with(|store| {
        let conn = store.writer();
        // The first station takes STATION_KEY; the second is the foreign one.
        catalog::insert_station(&conn, "station-own", "Line 1 ICT").expect("station");
        catalog::insert_station(&conn, "station-foreign", "Line 1 FCT").expect("station");
        catalog::replace_key(&conn, FOREIGN_KEY, "station", "station-foreign").expect("key");
    })
    .await;
    let ict = s.sdk.procedures().create().name("ICT").send().await.expect("p").id;
    let fct = s.sdk.procedures().create().name("FCT").send().await.expect("p").id;
    {
        let conn = s.running.store.writer();
        let link = "INSERT INTO station_procedures (station_id, procedure_id) VALUES (?1, ?2)";
        conn.execute(link, ["station-own", ict.as_str()]).expect("link");
        conn.execute(link, ["station-foreign", fct.as_str()]).expect("link");
    }
    for (key, procedure, serial, ago) in [
        (USER_KEY, &fct, "SN-SHARED", 30),
        (STATION_KEY, &ict, "SN-SHARED", 20),
        (FOREIGN_KEY, &fct, "SN-SHARED", 10),
        (USER_KEY, &fct, "SN-FOREIGN", 30),
        (USER_KEY, &fct, "SN-FOREIGN2", 30),
        (STATION_KEY, &ict, "SN-ICT", 30),
    ] {
        let (status, body) =
            run(&s, key, procedure, serial, ago, json!({"unit_metadata": {"k": "v"}})).await;
        assert_eq!(status, 200, "{serial}: {body}");
    }
    World { s, ict, fct }
}

/// Every procedure id a `last_run` or `created_during` in `v` names.
fn named_procedures(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                if (k == "last_run" || k == "created_during")
                    && let Some(p) = child["procedure"]["id"].as_str()
                {
                    out.push(p.to_string());
                }
                named_procedures(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| named_procedures(i, out)),
        _ => {}
    }
}

/// Every string anywhere in `v`.
fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Object(m) => m.values().for_each(|i| strings(i, out)),
        _ => {}
    }
}

/// The ids of the runs `key` may list.
async fn run_ids(s: &TestServer, key: &str) -> Vec<String> {
    let (_, list) = s.call_as(key, Method::GET, "/runs?limit=100", None).await;
    list["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

fn serials(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let items = v["data"].as_array().or(v["units"].as_array()).cloned().unwrap_or_default();
    for u in items {
        if let Some(s) = u["serial_number"].as_str() {
            out.push(s.to_string());
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn every_endpoint_keeps_to_the_station_scope() {
    let w = world().await;
    let (s, ict, fct) = (&w.s, w.ict.as_str(), w.fct.as_str());
    let keys = [("user", USER_KEY), ("own", STATION_KEY), ("foreign", FOREIGN_KEY)];
    let (_, any_run) = s.call_as(USER_KEY, Method::GET, "/runs?limit=1", None).await;
    let any_run = any_run["data"][0]["id"].as_str().expect("a run").to_string();
    let own_run =
        s.call_as(STATION_KEY, Method::GET, "/runs?limit=1", None).await.1["data"][0]["id"]
            .as_str()
            .expect("own run")
            .to_string();
    let foreign_run = s.call_as(FOREIGN_KEY, Method::GET, "/runs?limit=1", None).await.1["data"][0]
        ["id"]
        .as_str()
        .expect("foreign run")
        .to_string();
    let mut failures = Vec::new();
    let mut check = |what: String, ok: bool| {
        if !ok {
            failures.push(what);
        }
    };
    for (who, key) in keys {
        let allowed: Vec<&str> = match who {
            "user" => vec![ict, fct],
            "own" => vec![ict],
            _ => vec![fct],
        };
        // Item 4: `last_run` and `created_during` name only runs in scope.
        for path in ["/units?limit=50", "/units/SN-SHARED"] {
            let (status, body) = s.call_as(key, Method::GET, path, None).await;
            let mut named = Vec::new();
            named_procedures(&body, &mut named);
            check(
                format!("{who} {path}: {status}, names {named:?}"),
                status == 200
                    && (path.starts_with("/units/") || !named.is_empty())
                    && named.iter().all(|p| allowed.contains(&p.as_str())),
            );
        }
        // Item 4: `procedure_ids` finds nothing of a procedure out of scope.
        for (p, name) in [(ict, "ICT"), (fct, "FCT")] {
            let path = format!("/units?serial_numbers=SN-SHARED&procedure_ids={p}");
            let (_, body) = s.call_as(key, Method::GET, &path, None).await;
            let expected: Vec<String> =
                if allowed.contains(&p) { vec!["SN-SHARED".into()] } else { vec![] };
            check(format!("{who} units tested on {name}: {body}"), serials(&body) == expected);
        }
        // Item 5: revisions and batches list only units in scope.
        for path in ["/parts/P1/revisions/A", "/batches/B1"] {
            let (status, body) = s.call_as(key, Method::GET, path, None).await;
            let expected: Vec<&str> = match who {
                "user" => vec!["SN-FOREIGN", "SN-FOREIGN2", "SN-ICT", "SN-SHARED"],
                "own" => vec!["SN-ICT", "SN-SHARED"],
                _ => vec!["SN-FOREIGN", "SN-FOREIGN2", "SN-SHARED"],
            };
            check(
                format!("{who} {path}: {status} {:?}", serials(&body)),
                serials(&body) == expected,
            );
        }
        // Item 7: people are named to stations without their email.
        let run = if who == "own" {
            &own_run
        } else if who == "foreign" {
            &foreign_run
        } else {
            &any_run
        };
        for path in [
            "/runs".to_string(),
            format!("/runs/{run}"),
            "/units/SN-SHARED".to_string(),
            "/procedures".to_string(),
            format!("/procedures/{}", allowed[0]),
            "/logs".to_string(),
        ] {
            let (status, body) = s.call_as(key, Method::GET, &path, None).await;
            let shows = body.to_string().contains(EMAIL);
            check(
                format!("{who} {path}: {status}, email shown: {shows}"),
                status == 200 && shows == (who == "user"),
            );
        }
        // Units out of scope stay unopenable.
        for (serial, visible) in [("SN-ICT", who != "foreign"), ("SN-FOREIGN", who != "own")] {
            let (status, _) = s.call_as(key, Method::GET, &format!("/units/{serial}"), None).await;
            check(
                format!("{who} /units/{serial}: {status}"),
                status == if visible { 200 } else { 404 },
            );
        }
    }
    assert!(failures.is_empty(), "scope leaks:\n{}", failures.join("\n"));
}

/// Item 8, the sweep: no answer to a station names a run or a procedure outside its scope,
/// whatever the field (lists, details, cross-run rows, units, parts, batches, stations).
#[tokio::test]
async fn no_answer_names_a_run_or_procedure_outside_the_scope() {
    let w = world().await;
    let (s, ict, fct) = (&w.s, w.ict.as_str(), w.fct.as_str());
    let every_run = run_ids(s, USER_KEY).await;
    let mut leaks = Vec::new();
    for (who, key, procedure, other) in
        [("own", STATION_KEY, ict, fct), ("foreign", FOREIGN_KEY, fct, ict)]
    {
        let mine = run_ids(s, key).await;
        assert!(!mine.is_empty() && mine.len() < every_run.len(), "{who}: {mine:?}");
        let hidden: Vec<&String> = every_run.iter().filter(|r| !mine.contains(r)).collect();
        let mut paths: Vec<String> = [
            "/runs",
            "/phases",
            "/measurements",
            "/logs",
            "/units",
            "/units/SN-SHARED",
            "/parts",
            "/parts/P1",
            "/parts/P1/revisions/A",
            "/batches",
            "/batches/B1",
            "/procedures",
            "/stations",
            "/stations/current",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        paths.retain(|p| p != "/phases" && p != "/measurements");
        for list in ["/phases", "/measurements"] {
            // Asked for the other procedure too: found nothing, as if it had no runs.
            paths.push(format!("{list}?procedure_id={procedure}"));
            paths.push(format!("{list}?procedure_id={other}"));
        }
        paths.push(format!("/procedures/{procedure}"));
        paths.extend(mine.iter().map(|r| format!("/runs/{r}")));
        for path in paths {
            let (status, body) = s.call_as(key, Method::GET, &path, None).await;
            let mut named = Vec::new();
            strings(&body, &mut named);
            let runs: Vec<&&String> =
                hidden.iter().filter(|h| named.contains(&h.as_str())).collect();
            if status != 200 || !runs.is_empty() || named.contains(&other) {
                leaks.push(format!(
                    "{who} {path}: {status}, hidden runs {runs:?}, other procedure {}",
                    named.contains(&other)
                ));
            }
        }
    }
    assert!(leaks.is_empty(), "scope leaks:\n{}", leaks.join("\n"));
}

/// Item 6: a station's run on a unit it cannot see leaves the unit's part, batch and metadata
/// as they were; `sub_units` cannot reparent such a unit, and answers as for an unknown one.
#[tokio::test]
async fn a_station_cannot_rewrite_units_it_cannot_see() {
    let w = world().await;
    let (s, ict) = (&w.s, w.ict.as_str());
    let (status, body) = run(
        s,
        STATION_KEY,
        ict,
        "SN-FOREIGN",
        1,
        json!({"part_number": "HIJACKED",
        "revision_number": "Z", "batch_number": "B-HIJACKED", "unit_metadata": {"k": "hijacked"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, unit) = s.get("/units/SN-FOREIGN").await;
    assert_eq!(unit["part"]["number"], "P1", "{unit}");
    assert_eq!(unit["part"]["revision"]["number"], "A", "{unit}");
    assert_eq!(unit["batch"]["number"], "B1", "{unit}");
    assert_eq!(unit["metadata"]["k"], "v", "{unit}");

    let (unknown, a) =
        run(s, STATION_KEY, ict, "SN-ICT", 1, json!({"sub_units": ["SN-NOBODY"]})).await;
    let (foreign, b) =
        run(s, STATION_KEY, ict, "SN-ICT", 1, json!({"sub_units": ["SN-FOREIGN2"]})).await;
    assert_eq!((unknown, foreign), (404, 404), "{a} / {b}");
    assert_eq!(
        a["message"].as_str().map(|m| m.replace("SN-NOBODY", "X")),
        b["message"].as_str().map(|m| m.replace("SN-FOREIGN2", "X"))
    );
    let (_, unit) = s.get("/units/SN-FOREIGN2").await;
    assert!(unit["parent"].is_null(), "reparented: {unit}");
}
