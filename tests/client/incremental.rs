//! Incremental insight (issue 26): a pane loaded through the local cache gets exactly what a
//! full load from the server gets — after runs were added (new, and uploaded late with an old
//! start), deleted, and with a widened window — while reading far less over the link.

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
    ApiClient, Fetch, ListRequest, Slot, WorkerEvent, WorkerRequest, spawn_with_cache,
};

/// What a Pareto pane was given: its runs (in no order: the facts take them in any; a run
/// given twice would fail the load), the failing rows of those runs,
/// whether it was told more exist, and whether it was told the runs are the cache's.
#[derive(Debug, PartialEq)]
struct Loaded {
    runs: BTreeSet<String>,
    failures: BTreeSet<String>,
    /// (run, phase) for each run that ran a failing phase (issue 25: a phase's population).
    reached: BTreeSet<(String, String)>,
    /// Every failing phase's runs were given.
    reached_complete: bool,
    capped: bool,
    offline: bool,
}

fn api(url: &str) -> ApiClient {
    api_client(url, USER_KEY, Duration::from_secs(20)).compressing()
}

/// What a pane asks for over `filter`, newest first.
fn request(filter: &str) -> ListRequest {
    let query = tofui::query::parse(filter).expect("filter");
    common::insight::request(query, Utc::now().timestamp_millis())
}

/// A Pareto load of `filter` through the worker (with `cache`, or none: a full load).
async fn load(url: &str, cache: Option<Arc<Cache>>, filter: &str) -> Loaded {
    let (out, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = spawn_with_cache(api(url), cache, out);
    let req = request(filter);
    let fetch = Fetch::Population { req: Box::new(req), failures: true };
    worker.send(WorkerRequest::Fetch { id: 1, slot: Slot::Population, fetch }).expect("sent");
    let mut got = Loaded {
        runs: BTreeSet::new(),
        failures: BTreeSet::new(),
        reached: BTreeSet::new(),
        reached_complete: false,
        capped: false,
        offline: false,
    };
    let mut rows = Vec::new();
    let mut reached = Vec::new();
    loop {
        let r = common::next_answer(&mut rx).await;
        match r.event {
            WorkerEvent::PopulationRuns { rows: runs, capped, .. } => {
                for r in runs.expect("runs") {
                    assert!(got.runs.insert(r.id.clone()), "{} given twice", r.id);
                }
                got.capped |= capped;
            }
            WorkerEvent::PopulationCached { .. } => got.offline = true,
            // The runs sent before the check for deleted ones found some: sent again.
            WorkerEvent::PopulationReset => (got.runs, got.capped) = (BTreeSet::new(), false),
            WorkerEvent::PopulationFailures { rows: r, done } => {
                let r = r.expect("failing rows");
                rows.extend(r.phases.into_iter().map(|p| (p.run_id, format!("p{}", p.id))));
                rows.extend(r.measurements.into_iter().map(|m| (m.run_id, format!("m{}", m.id))));
                if done && !r.reached_follow {
                    break;
                }
            }
            WorkerEvent::PopulationReached { rows: r, done, complete } => {
                reached.extend(r.into_iter().map(|p| (p.run_id, p.name)));
                if done {
                    got.reached_complete = complete;
                    break;
                }
            }
            WorkerEvent::Retrying { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    // The pane counts the rows of its runs only (the lists may bring others').
    let runs: BTreeSet<&String> = got.runs.iter().collect();
    got.failures = rows.into_iter().filter(|(r, _)| runs.contains(r)).map(|(_, id)| id).collect();
    got.reached = reached.into_iter().filter(|(r, _)| runs.contains(r)).collect();
    got
}

async fn seeded() -> TestServer {
    TestServer::seeded_at(1_500, 5, this_hour()).await
}

/// A failing run of `procedure` started `days_ago`, created now.
async fn add_failing_run(s: &TestServer, procedure: &str, days_ago: i64, serial: &str) -> String {
    let t0 = Utc::now() - TimeDelta::days(days_ago);
    let at = |s: i64| (t0 + TimeDelta::seconds(s)).to_rfc3339();
    let body = json!({"outcome": "FAIL", "procedure_id": procedure, "started_at": at(0),
        "ended_at": at(30), "serial_number": serial, "part_number": "PCB-MAIN",
        "phases": [{"name": "Power", "outcome": "FAIL", "started_at": at(1), "ended_at": at(5),
            "measurements": [{"name": "rail_3v3", "outcome": "FAIL", "measured_value": 9.0,
                "units": "V", "validators": [{"operator": "<=", "expected_value": 3.4}]}]}]});
    let (status, created) = s.call(reqwest::Method::POST, "/runs", Some(&body.to_string())).await;
    assert_eq!(status, 200, "{created}");
    created["id"].as_str().expect("id").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_insight_equals_a_full_load_after_changes_and_a_wider_window() {
    let s = seeded().await;
    let link = LinkSim::start(&s.running.url, Link::LOOPBACK).await;
    let url = link.url();
    let dir = tempfile::tempdir().expect("dir");
    let cache = Arc::new(Cache::open(&dir.path().join("c.sqlite3"), 1 << 30).expect("cache"));
    let window = "since:20d";

    // Cold: through the cache, as a full load.
    let down = link.traffic.down();
    let first = load(&url, Some(cache.clone()), window).await;
    let full_bytes = link.traffic.down() - down;
    assert!(first.runs.len() > 800, "{} runs in the window", first.runs.len());
    assert!(!first.failures.is_empty());
    assert!(first.reached_complete && first.reached.len() > first.failures.len() / 4);
    assert_eq!(first, load(&url, None, window).await, "cold through the cache = full");

    // Reopened with nothing new: the same answer, for a fraction of the bytes.
    let down = link.traffic.down();
    let again = load(&url, Some(cache.clone()), window).await;
    let warm_bytes = link.traffic.down() - down;
    assert_eq!(again, first);
    assert!(warm_bytes * 20 < full_bytes, "warm {warm_bytes} B against cold {full_bytes} B");

    // Changes on the server: two new failing runs (one uploaded late, started 5 days ago),
    // three runs deleted (one of them failing).
    let (_, page) = s.get("/runs?limit=100&outcomes=FAIL").await;
    let rows = page["data"].as_array().expect("rows");
    let procedure = rows[0]["procedure"]["id"].as_str().expect("procedure").to_string();
    let new_now = add_failing_run(&s, &procedure, 0, "SN-NEW-1").await;
    let new_late = add_failing_run(&s, &procedure, 5, "SN-LATE-1").await;
    let failing_gone = rows[3]["id"].as_str().expect("id").to_string();
    let mut gone = vec![failing_gone.clone()];
    gone.extend(first.runs.iter().skip(40).take(2).cloned());
    let ids: String = gone.iter().map(|id| format!("ids={id}&")).collect();
    let (status, _) = s.call(reqwest::Method::DELETE, &format!("/runs?{ids}"), None).await;
    assert_eq!(status, 200);

    let down = link.traffic.down();
    let changed = load(&url, Some(cache.clone()), window).await;
    let changed_bytes = link.traffic.down() - down;
    let full = load(&url, None, window).await;
    assert_eq!(changed, full, "incremental = full after the changes");
    assert!(changed.runs.contains(&new_now) && changed.runs.contains(&new_late));
    assert!(gone.iter().all(|g| !changed.runs.contains(g)), "deleted runs dropped");
    assert!(changed.failures.iter().any(|f| f.starts_with('p')), "failing rows kept");
    assert!(changed_bytes * 3 < full_bytes, "changes {changed_bytes} B against {full_bytes} B");

    // A wider window: only the added part is read.
    let wide = "since:28d";
    let down = link.traffic.down();
    let widened = load(&url, Some(cache.clone()), wide).await;
    let widened_bytes = link.traffic.down() - down;
    let down = link.traffic.down();
    let wide_full = load(&url, None, wide).await;
    let wide_full_bytes = link.traffic.down() - down;
    assert_eq!(widened, wide_full, "incremental = full over a wider window");
    assert!(widened.runs.len() > changed.runs.len());
    assert!(
        widened_bytes * 10 < wide_full_bytes * 7,
        "widened {widened_bytes} B against {wide_full_bytes} B"
    );
    eprintln!(
        "bytes down: cold {full_bytes}, reopened {warm_bytes}, after changes {changed_bytes}, \
         widened {widened_bytes} (full {wide_full_bytes})"
    );
    // The narrower window again: from the cache, as the server has it.
    assert_eq!(load(&url, Some(cache.clone()), window).await, full);

    // All runs (no window), then offline: the cache's runs, marked as such.
    let all = load(&url, Some(cache.clone()), "").await;
    assert_eq!(all, load(&url, None, "").await);
    link.set_down(true);
    let offline = load(&url, Some(cache.clone()), window).await;
    assert!(offline.offline, "told the runs are the cache's");
    assert_eq!(offline.runs, full.runs);
    assert_eq!(offline.failures, full.failures);
    assert_eq!(offline.reached, full.reached, "which runs ran each failing phase, offline too");
    assert!(offline.reached_complete);
}

/// Every run of `filter` as the worker gives it to a pane (through `cache`, or none), by id.
async fn runs_of(
    worker: &tokio::sync::mpsc::UnboundedSender<WorkerRequest>,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<tofui::worker::WorkerResponse>,
    id: u64,
    filter: &str,
) -> std::collections::BTreeMap<String, tofui::api::RunSummary> {
    let req = request(filter);
    let fetch = Fetch::Population { req: Box::new(req), failures: false };
    worker.send(WorkerRequest::Fetch { id, slot: Slot::Population, fetch }).expect("sent");
    let mut got = std::collections::BTreeMap::new();
    loop {
        let r = common::next_answer(rx).await;
        match r.event {
            WorkerEvent::PopulationRuns { rows, done, .. } if r.id == id => {
                got.extend(rows.expect("runs").into_iter().map(|r| (r.id.clone(), (*r).clone())));
                if done {
                    return got;
                }
            }
            WorkerEvent::PopulationReset => got.clear(),
            _ => {}
        }
    }
}

/// A disposition saved with tofui is in the runs a triage check (or a split by that key)
/// reads from the cache afterwards, online as offline: a sync reads again only the runs
/// created since the last, so the cache's copy of the run changes with the save.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metadata_change_saved_here_is_in_the_runs_read_from_the_cache() {
    let s = seeded().await;
    let link = LinkSim::start(&s.running.url, Link::LOOPBACK).await;
    let dir = tempfile::tempdir().expect("dir");
    let cache = Arc::new(Cache::open(&dir.path().join("c.sqlite3"), 1 << 30).expect("cache"));
    let (out, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = spawn_with_cache(api(&link.url()), Some(cache.clone()), out);
    let filter = "outcome:fail since:20d";
    let before = runs_of(&worker, &mut rx, 1, filter).await;
    let run_id = before.keys().nth(7).expect("a failing run").clone();
    assert!(before[&run_id].metadata.as_ref().is_none_or(|m| !m.contains_key("triage")));

    let mut changes = serde_json::Map::new();
    changes.insert("triage".into(), json!("retest"));
    let fetch = Fetch::UpdateMetadata { run_id: run_id.clone(), changes };
    worker.send(WorkerRequest::Fetch { id: 2, slot: Slot::Mutation(2), fetch }).expect("sent");
    loop {
        let r = rx.recv().await.expect("answer");
        if r.id == 2 {
            assert!(matches!(r.event, WorkerEvent::Done(Ok(_))), "{:?}", r.event);
            break;
        }
    }
    assert!(cache.flush(Duration::from_secs(20)), "the cache's writes done");
    let triage = |runs: &std::collections::BTreeMap<String, tofui::api::RunSummary>| {
        runs[&run_id].metadata.as_ref().and_then(|m| m.get("triage").cloned())
    };
    let online = runs_of(&worker, &mut rx, 3, filter).await;
    assert_eq!(triage(&online), Some(json!("retest")), "online, through the cache");
    let (full_out, mut full_rx) = tokio::sync::mpsc::unbounded_channel();
    let full = spawn_with_cache(api(&s.running.url), None, full_out);
    let from_server = runs_of(&full, &mut full_rx, 1, filter).await;
    assert_eq!(online[&run_id].metadata, from_server[&run_id].metadata, "as the server has it");
    link.set_down(true);
    let offline = runs_of(&worker, &mut rx, 4, filter).await;
    assert_eq!(triage(&offline), Some(json!("retest")), "offline, from the cache");
}

/// Reopened in the same session (the population held in memory, not read from the file):
/// the same answer as a full load after runs were added and deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopened_in_the_session_it_equals_a_full_load_after_changes() {
    let s = seeded().await;
    let dir = tempfile::tempdir().expect("dir");
    let cache = Arc::new(Cache::open(&dir.path().join("c.sqlite3"), 1 << 30).expect("cache"));
    let (out, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = spawn_with_cache(api(&s.running.url), Some(cache), out);
    let (full_out, mut full_rx) = tokio::sync::mpsc::unbounded_channel();
    let full = spawn_with_cache(api(&s.running.url), None, full_out);
    let filter = "since:20d";
    let first = runs_of(&worker, &mut rx, 1, filter).await;
    assert!(first.len() > 800, "{} runs", first.len());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        runs_of(&full, &mut full_rx, 1, filter).await.keys().collect::<Vec<_>>()
    );
    let procedure = first.values().next().expect("a run").procedure.id.clone();
    let added = add_failing_run(&s, &procedure, 2, "SN-SESSION-1").await;
    let gone: Vec<String> = first.keys().skip(100).step_by(50).take(3).cloned().collect();
    let ids: String = gone.iter().map(|id| format!("ids={id}&")).collect();
    let (status, _) = s.call(reqwest::Method::DELETE, &format!("/runs?{ids}"), None).await;
    assert_eq!(status, 200);
    let again = runs_of(&worker, &mut rx, 2, filter).await;
    let server = runs_of(&full, &mut full_rx, 2, filter).await;
    assert_eq!(again.keys().collect::<Vec<_>>(), server.keys().collect::<Vec<_>>());
    assert!(again.contains_key(&added));
    assert!(gone.iter().all(|g| !again.contains_key(g)));
}

/// A Pareto reopened in the same session reads the failing rows it read the first time from
/// the cache, not from the server again: a fraction of the first open's bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pareto_reopened_in_the_session_reads_little_from_the_server() {
    let s = seeded().await;
    let link = LinkSim::start(&s.running.url, Link::LOOPBACK).await;
    let dir = tempfile::tempdir().expect("dir");
    let cache = Arc::new(Cache::open(&dir.path().join("c.sqlite3"), 1 << 30).expect("cache"));
    let (out, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = spawn_with_cache(api(&link.url()), Some(cache), out);
    let mut open = async |id: u64| {
        let req = request("since:20d");
        let fetch = Fetch::Population { req: Box::new(req), failures: true };
        let down = link.traffic.down();
        worker.send(WorkerRequest::Fetch { id, slot: Slot::Population, fetch }).expect("sent");
        let mut failing = 0;
        loop {
            let r = rx.recv().await.expect("answer");
            if let (true, WorkerEvent::PopulationFailures { rows, done }) = (r.id == id, r.event) {
                let rows = rows.expect("failing rows");
                failing += rows.phases.len() + rows.measurements.len();
                if done {
                    return (failing, link.traffic.down() - down);
                }
            }
        }
    };
    let (first_rows, first_bytes) = open(1).await;
    let (again_rows, again_bytes) = open(2).await;
    assert!(first_rows > 0);
    assert_eq!(again_rows, first_rows, "the same failing rows");
    assert!(again_bytes * 20 < first_bytes, "reopened {again_bytes} B against {first_bytes} B");
}

/// Each procedure's runs (no window: the range is bounded by its oldest run, found by a
/// probe) through the cache equal a full load.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_procedures_runs_through_the_cache_equal_a_full_load() {
    let s = seeded().await;
    let dir = tempfile::tempdir().expect("dir");
    let cache = Arc::new(Cache::open(&dir.path().join("c.sqlite3"), 1 << 30).expect("cache"));
    let (_, procs) = s.get("/procedures?limit=100").await;
    let mut total = 0;
    for p in procs["data"].as_array().expect("procedures") {
        let filter = format!("proc:\"{}\"", p["name"].as_str().expect("name"));
        let kept = load(&s.running.url, Some(cache.clone()), &filter).await;
        assert_eq!(kept, load(&s.running.url, None, &filter).await, "{filter}");
        total += kept.runs.len();
    }
    assert_eq!(total as i64, s.run_count().await, "every run in one procedure's population");
    assert!(cache.flush(Duration::from_secs(30)));
    assert_eq!(cache.stats().summaries as usize, total, "every run kept once");
}

/// A run created just before a sync (inside the margin the next sync asks again from) and
/// deleted after it is dropped at the next opening: the list of runs created since does not
/// bring it back, and the count of the runs created before leaves it out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_created_just_before_a_sync_then_deleted_is_dropped() {
    let s = seeded().await;
    let dir = tempfile::tempdir().expect("dir");
    let cache = Arc::new(Cache::open(&dir.path().join("c.sqlite3"), 1 << 30).expect("cache"));
    let (url, window) = (s.running.url.clone(), "since:20d");
    load(&url, Some(cache.clone()), window).await;
    let (_, page) = s.get("/runs?limit=1&outcomes=FAIL").await;
    let procedure = page["data"][0]["procedure"]["id"].as_str().expect("procedure").to_string();
    let id = add_failing_run(&s, &procedure, 0, "SN-MARGIN-1").await;
    assert!(load(&url, Some(cache.clone()), window).await.runs.contains(&id));
    let (status, _) = s.call(reqwest::Method::DELETE, &format!("/runs?ids={id}"), None).await;
    assert_eq!(status, 200);
    let after = load(&url, Some(cache.clone()), window).await;
    assert!(!after.runs.contains(&id), "the deleted run dropped");
    assert_eq!(after, load(&url, None, window).await, "through the cache = full");
}

/// A new session reads the first view's kept population ahead, while the view's page comes
/// (issue 26): the pane opened then gets what a full load gives, new runs included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_population_read_ahead_equals_a_full_load() {
    let s = seeded().await;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("c.sqlite3");
    let filter = "outcome:fail since:20d";
    let procedure = {
        let cache = Arc::new(Cache::open(&path, 1 << 30).expect("cache"));
        let (out, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let worker = spawn_with_cache(api(&s.running.url), Some(cache.clone()), out);
        let first = runs_of(&worker, &mut rx, 1, filter).await;
        assert!(cache.flush(Duration::from_secs(20)), "the population kept");
        first.values().next().expect("a run").procedure.id.clone()
    };
    let new = add_failing_run(&s, &procedure, 1, "AHEAD-1").await;
    let cache = Arc::new(Cache::open(&path, 1 << 30).expect("cache"));
    let (out, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = spawn_with_cache(api(&s.running.url), Some(cache), out);
    let fetch = Fetch::Runs(Box::new(request(filter)));
    worker.send(WorkerRequest::Fetch { id: 1, slot: Slot::List(0), fetch }).expect("sent");
    loop {
        let r = rx.recv().await.expect("answer");
        if let WorkerEvent::Runs(page) = r.event {
            assert!(page.is_ok(), "the view's page");
            break;
        }
    }
    let ahead = runs_of(&worker, &mut rx, 2, filter).await;
    let (full_out, mut full_rx) = tokio::sync::mpsc::unbounded_channel();
    let full = spawn_with_cache(api(&s.running.url), None, full_out);
    let from_server = runs_of(&full, &mut full_rx, 1, filter).await;
    assert!(ahead.contains_key(&new), "the run created since the last session");
    assert_eq!(ahead, from_server);
}
