//! The trend through the local cache (issue 26): reopened, it gets exactly the values a full
//! load from the server gets — after runs were added (new, and uploaded late with an old
//! start) and deleted — while reading a fraction of the bytes; offline, the kept values.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use common::netsim::{Link, LinkSim};
use common::*;
use serde_json::json;
use tofui::cache::Cache;
use tofui::worker::{
    ApiClient, Fetch, ListRequest, Slot, TrendTarget, WorkerEvent, WorkerRequest, spawn_with_cache,
};

const FILTER: &str = "proc:\"PCB Functional Test\" since:20d";

/// What a trend pane was given: its runs, the values of those runs (run, value id), and
/// whether it was told the runs are the cache's.
#[derive(Debug, PartialEq)]
struct Trend {
    runs: BTreeSet<String>,
    values: BTreeSet<(String, String)>,
    offline: bool,
}

fn api(url: &str) -> ApiClient {
    api_client(url, USER_KEY, Duration::from_secs(20)).compressing()
}

fn request() -> ListRequest {
    let query = tofui::query::parse(FILTER).expect("filter");
    common::insight::request(query, Utc::now().timestamp_millis())
}

/// The trend of Power-on › rail_3v3 through a new worker (with `cache`, or none: a full load).
async fn trend(url: &str, cache: Option<Arc<Cache>>, procedure_id: &str) -> Trend {
    let (out, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = spawn_with_cache(api(url), cache.clone(), out);
    let target = TrendTarget {
        procedure_id: procedure_id.into(),
        phase: "Power-on".into(),
        measurement: "rail_3v3".into(),
    };
    let fetch = Fetch::Trend { req: Box::new(request()), target: Box::new(target) };
    worker.send(WorkerRequest::Fetch { id: 1, slot: Slot::Population, fetch }).expect("sent");
    let (mut runs, mut values, mut offline) = (BTreeSet::new(), Vec::new(), false);
    loop {
        let r = tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await
            .expect("an answer in time")
            .expect("the worker answers");
        match r.event {
            WorkerEvent::PopulationRuns { rows, .. } => {
                for r in rows.expect("runs") {
                    assert!(runs.insert(r.id.clone()), "{} given twice", r.id);
                }
            }
            WorkerEvent::PopulationCached { .. } => offline = true,
            WorkerEvent::PopulationReset => runs.clear(),
            WorkerEvent::TrendValues { rows, done } => {
                values.extend(rows.expect("values").into_iter().map(|v| (v.run_id, v.id)));
                if done {
                    break;
                }
            }
            _ => {}
        }
    }
    // What is written behind is on disk before the next session opens the file.
    if let Some(c) = cache {
        assert!(c.flush(Duration::from_secs(10)));
    }
    // The pane counts the values of its runs only (the list brings others').
    let mut ids = BTreeSet::new();
    for v in values.into_iter().filter(|(run, _)| runs.contains(run)) {
        assert!(ids.insert(v.clone()), "value {v:?} given twice");
    }
    Trend { runs, values: ids, offline }
}

/// A run of `procedure` started `days_ago`, created now, with a rail_3v3 value.
async fn add_run(s: &TestServer, procedure: &str, days_ago: i64, serial: &str) -> String {
    let t0 = Utc::now() - TimeDelta::days(days_ago);
    let at = |s: i64| (t0 + TimeDelta::seconds(s)).to_rfc3339();
    let body = json!({"outcome": "PASS", "procedure_id": procedure, "started_at": at(0),
        "ended_at": at(30), "serial_number": serial, "part_number": "PCB-MAIN",
        "phases": [{"name": "Power-on", "outcome": "PASS", "started_at": at(1), "ended_at": at(5),
            "measurements": [{"name": "rail_3v3", "outcome": "PASS", "measured_value": 3.3,
                "units": "V", "validators": [{"operator": ">=", "expected_value": 3.2}]}]}]});
    let (status, created) = s.call(reqwest::Method::POST, "/runs", Some(&body.to_string())).await;
    assert_eq!(status, 200, "{created}");
    created["id"].as_str().expect("id").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reopened_trend_equals_a_full_load_and_reads_only_new_runs() {
    let s = TestServer::seeded_at(1_500, 5, this_hour()).await;
    let (_, procs) = s.get("/procedures?search_query=PCB%20Functional").await;
    let procedure = procs["data"][0]["id"].as_str().expect("procedure").to_string();
    let link = LinkSim::start(&s.running.url, Link::LOOPBACK).await;
    let url = link.url();
    let dir = tempfile::tempdir().expect("dir");
    let cache = Arc::new(Cache::open(&dir.path().join("c.sqlite3"), 1 << 30).expect("cache"));

    // Cold through the cache: a full load, kept.
    let down = link.traffic.down();
    let first = trend(&url, Some(cache.clone()), &procedure).await;
    let cold_bytes = link.traffic.down() - down;
    assert!(first.values.len() > 100, "{} values", first.values.len());
    assert_eq!(first, trend(&url, None, &procedure).await, "cold through the cache = full");

    // Reopened with nothing new: the same values, for a fraction of the bytes.
    let down = link.traffic.down();
    let again = trend(&url, Some(cache.clone()), &procedure).await;
    let warm_bytes = link.traffic.down() - down;
    assert_eq!(again, first);
    assert!(warm_bytes * 5 < cold_bytes, "warm {warm_bytes} B against cold {cold_bytes} B");

    // Two new runs (one uploaded late, started 5 days ago) and a measured run deleted.
    let new_now = add_run(&s, &procedure, 0, "SN-TREND-NEW").await;
    let new_late = add_run(&s, &procedure, 5, "SN-TREND-LATE").await;
    let gone = first.runs.iter().nth(7).expect("a run").clone();
    let (status, _) = s.call(reqwest::Method::DELETE, &format!("/runs?ids={gone}"), None).await;
    assert_eq!(status, 200);
    let down = link.traffic.down();
    let changed = trend(&url, Some(cache.clone()), &procedure).await;
    let changed_bytes = link.traffic.down() - down;
    let full = trend(&url, None, &procedure).await;
    assert_eq!(changed, full, "through the cache = full after the changes");
    assert!(changed.runs.contains(&new_now) && changed.runs.contains(&new_late));
    assert!(!changed.runs.contains(&gone));
    let of = |t: &Trend, run: &str| t.values.iter().filter(|(r, _)| r == run).count();
    assert!(of(&first, &gone) > 0, "the deleted run was measured");
    assert_eq!((of(&changed, &new_now), of(&changed, &new_late)), (1, 1), "the new values");
    assert_eq!(changed.values.len(), first.values.len() - of(&first, &gone) + 2);
    // The runs' sync and the values of the two new runs' units, not the span's values again.
    assert!(changed_bytes * 2 < cold_bytes, "changes {changed_bytes} B against {cold_bytes} B");
    eprintln!(
        "bytes down: cold {cold_bytes}, reopened {warm_bytes}, after changes {changed_bytes}"
    );

    // Offline: the kept values of the kept runs.
    link.set_down(true);
    let offline = trend(&url, Some(cache.clone()), &procedure).await;
    assert!(offline.offline, "told the runs are the cache's");
    assert_eq!((offline.runs, offline.values), (full.runs, full.values));
}
