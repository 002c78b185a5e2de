//! The demo data: deterministic, realistic in its failure mix, never added twice, and
//! holding the stories the analysis views are meant to find (checked on the `--demo` seed).

use crate::common;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use serde_json::Value;
use tofui::api::{LogLevel, Measurement, Outcome, PhaseOutcome, RunDetail, RunOutcome};
use tofui::server::seed::{SeedOptions, SeedOutcome, seed};

fn opts(seed_value: u64) -> SeedOptions {
    SeedOptions {
        runs: 400,
        seed: seed_value,
        anchor: Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap(),
    }
}

async fn all_runs(s: &TestServer) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = 0i64;
    loop {
        let (status, page) = s
            .get(&format!("/runs?limit=100&cursor={cursor}&include_metadata=true&sort_order=asc"))
            .await;
        assert_eq!(status, 200);
        out.extend(page["data"].as_array().expect("rows").iter().cloned());
        match page["meta"]["next_cursor"].as_i64() {
            Some(c) => cursor = c,
            None => return out,
        }
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_runs_and_another_seed_does_not() {
    let a = TestServer::start_with(|st| {
        assert_eq!(seed(st, &opts(5)).expect("seed"), SeedOutcome::Seeded { runs: 400 })
    })
    .await;
    let b = TestServer::start_with(|st| {
        seed(st, &opts(5)).expect("seed");
    })
    .await;
    let c = TestServer::start_with(|st| {
        seed(st, &opts(6)).expect("seed");
    })
    .await;
    let (ra, rb, rc) = (all_runs(&a).await, all_runs(&b).await, all_runs(&c).await);
    assert_eq!(ra.len(), 400);
    assert_eq!(ra, rb, "same seed, same list");
    assert_ne!(ra, rc);
    let id = ra[123]["id"].as_str().expect("id");
    let (_, da) = a.get(&format!("/runs/{id}")).await;
    let (_, db) = b.get(&format!("/runs/{id}")).await;
    let strip = |mut v: Value| {
        // Download links carry the server's own address.
        for att in v["attachments"].as_array_mut().into_iter().flatten() {
            att["download_url"] = Value::Null;
        }
        v
    };
    assert_eq!(strip(da), strip(db), "same seed, same run detail");
}

#[tokio::test]
async fn seeding_a_database_that_has_runs_adds_nothing() {
    let s = TestServer::start_with(|st| {
        seed(st, &opts(1)).expect("seed");
        assert_eq!(seed(st, &opts(2)).expect("second seed"), SeedOutcome::AlreadyHasRuns(400));
    })
    .await;
    assert_eq!(s.run_count().await, 400);
}

#[tokio::test]
async fn demo_runs_fail_in_physically_sensible_ways() {
    let s = TestServer::start_with(|st| {
        seed(st, &opts(42)).expect("seed");
    })
    .await;
    let runs = all_runs(&s).await;
    let count = |o: &str| runs.iter().filter(|r| r["outcome"] == o).count();
    let failing = runs.len() - count("PASS");
    let share = failing as f64 / runs.len() as f64;
    assert!((0.10..=0.20).contains(&share), "{failing} of {} runs fail", runs.len());
    for o in ["FAIL", "ERROR", "TIMEOUT", "ABORTED"] {
        assert!(count(o) > 0, "no {o} run");
    }
    let stations: std::collections::HashSet<&str> =
        runs.iter().filter_map(|r| r["created_by_station"]["name"].as_str()).collect();
    assert!((3..=6).contains(&stations.len()), "{stations:?}");
    let anchor = opts(42).anchor;
    for r in &runs {
        let ended = DateTime::parse_from_rfc3339(r["ended_at"].as_str().expect("ended_at"));
        assert!(ended.expect("a time") <= anchor, "run {} ends after the anchor", r["id"]);
    }
    assert!(runs.iter().any(|r| r["unit"]["sample"] == "golden"));
    assert!(runs.iter().any(|r| r["slot_key"].is_string() && r["execution_id"].is_string()));
    assert!(runs.iter().all(|r| r["metadata"]["shift"].is_string() && r["metadata"]["temperature"].is_number()));

    // Every FAIL explains itself: a failed measurement or a failed phase, and an ERROR log.
    let mut kinds = std::collections::HashSet::new();
    let mut seen_logs = std::collections::HashSet::new();
    let (mut with_attachment, mut with_sub_unit, mut with_retry, mut with_sequences) =
        (false, false, false, false);
    for r in &runs {
        let (_, d) = s.get(&format!("/runs/{}", r["id"].as_str().expect("id"))).await;
        let phases = d["phases"].as_array().expect("phases");
        for m in phases.iter().flat_map(|p| p["measurements"].as_array().expect("list")) {
            let kind = if m["data_series"].is_array() {
                "multi-dimensional"
            } else {
                match &m["measured_value"] {
                    Value::Bool(_) => "boolean",
                    Value::String(_) => "string",
                    Value::Number(_) => "numeric",
                    _ => "other",
                }
            };
            kinds.insert(kind);
            if kind == "numeric" {
                assert!(m["units"].is_string(), "numeric measurement without units: {m}");
            }
        }
        for l in d["logs"].as_array().expect("logs") {
            seen_logs.insert(l["level"].as_str().expect("level").to_string());
            assert!(
                l["source_file"].as_str().is_some_and(|f| f.ends_with(".py"))
                    && l["line_number"].as_i64() > Some(0)
            );
        }
        if r["outcome"] == "FAIL" {
            let failed_measure = phases
                .iter()
                .flat_map(|p| p["measurements"].as_array().expect("list"))
                .any(|m| m["outcome"] == "FAIL");
            let failed_phase = phases.iter().any(|p| p["outcome"] == "FAIL");
            assert!(failed_measure && failed_phase, "a FAIL run with nothing failing: {}", r["id"]);
            assert!(d["logs"].as_array().expect("logs").iter().any(|l| l["level"] == "ERROR"));
        }
        if r["outcome"] == "TIMEOUT" {
            assert!(
                d["logs"].as_array().expect("logs").iter().any(|l| l["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("timed out")
                    || l["message"].as_str().unwrap_or("").contains("timeout"))
            );
        }
        with_attachment |= !d["attachments"].as_array().expect("list").is_empty();
        with_sub_unit |= !d["sub_units"].as_array().expect("list").is_empty();
        with_retry |= phases.iter().any(|p| p["retry_count"].as_i64() > Some(0));
        with_sequences |= !d["sequences"].as_array().expect("list").is_empty();
    }
    for k in ["numeric", "boolean", "string", "multi-dimensional"] {
        assert!(kinds.contains(k), "no {k} measurement in {kinds:?}");
    }
    for l in ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] {
        assert!(seen_logs.contains(l), "no {l} log");
    }
    assert!(
        with_attachment && with_sub_unit && with_retry && with_sequences,
        "{with_attachment} {with_sub_unit} {with_retry} {with_sequences}"
    );
}

#[test]
fn serve_refuses_a_public_address_without_public() {
    let err = tofui::serve::check_addr("0.0.0.0:3000", false).expect_err("refused");
    assert!(err.to_string().contains("--public"));
    assert!(tofui::serve::check_addr("0.0.0.0:3000", true).is_ok());
    assert!(tofui::serve::check_addr("127.0.0.1:0", false).is_ok());
    assert!(tofui::serve::check_addr("not-an-address", false).is_err());
}

// ---- the stories of the `--demo` data (2,000 runs, seed 42) --------------------------------

const DAY: i64 = 86_400_000;

/// The demo database as the API serves it, read once for all the story tests.
struct Demo {
    anchor: DateTime<Utc>,
    /// Every run in full, oldest first.
    runs: Vec<RunDetail>,
    /// (child serial, parent serial) of every unit with a parent.
    parents: Vec<(String, String)>,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        // Its own runtime on its own thread: the server must outlive any one test's runtime.
        std::thread::spawn(|| {
            tokio::runtime::Runtime::new().expect("runtime").block_on(load_demo())
        })
        .join()
        .expect("the demo loads")
    })
}

async fn load_demo() -> Demo {
    let anchor = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let s = TestServer::seeded_at(tofui::serve::DEMO_RUNS, 42, anchor).await;
    let ids: Vec<String> =
        all_runs(&s).await.iter().map(|r| r["id"].as_str().expect("id").to_string()).collect();
    let mut runs = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(16) {
        let pages = futures::future::join_all(chunk.iter().map(|id| s.get_run(id))).await;
        runs.extend(pages);
    }
    runs.sort_by_key(|r: &RunDetail| r.summary.started_at);
    let parents = {
        let conn = s.running.store.reader();
        let mut stmt = conn
            .prepare(
                "SELECT c.serial_number, p.serial_number FROM units c JOIN units p ON p.id = c.parent_id",
            )
            .expect("query");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("rows")
            .collect::<Result<Vec<(String, String)>, _>>()
            .expect("parents")
    };
    s.running.stop().await;
    Demo { anchor, runs, parents }
}

trait GetRun {
    async fn get_run(&self, id: &str) -> RunDetail;
}

impl GetRun for TestServer {
    async fn get_run(&self, id: &str) -> RunDetail {
        let (status, body) = self.get(&format!("/runs/{id}")).await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_value(body).expect("a run")
    }
}

fn procedure(r: &RunDetail) -> &str {
    &r.summary.procedure.name
}

fn station(r: &RunDetail) -> &str {
    r.summary.created_by_station.as_ref().and_then(|s| s.name.as_deref()).unwrap_or("")
}

fn serial(r: &RunDetail) -> &str {
    &r.summary.unit.serial_number
}

fn outcome(r: &RunDetail) -> RunOutcome {
    r.summary.outcome.clone().expect("an outcome")
}

fn meta<'a>(r: &'a RunDetail, key: &str) -> Option<&'a Value> {
    r.summary.metadata.as_ref().and_then(|m| m.get(key))
}

fn started_ms(r: &RunDetail) -> i64 {
    r.summary.started_at.expect("started").timestamp_millis()
}

/// The phases of a run that are the last attempt of their name.
fn final_phases(r: &RunDetail) -> Vec<&tofui::api::Phase> {
    let phases = r.phases.as_deref().unwrap_or(&[]);
    phases
        .iter()
        .enumerate()
        .filter(|(i, p)| !phases[i + 1..].iter().any(|q| q.name == p.name))
        .map(|(_, p)| p)
        .collect()
}

fn measurement<'a>(r: &'a RunDetail, name: &str) -> Option<&'a Measurement> {
    final_phases(r).into_iter().flat_map(|p| &p.measurements).find(|m| m.name == name)
}

fn value(m: &Measurement) -> Option<f64> {
    m.measured_value.as_ref().and_then(Value::as_f64)
}

/// The limits of a numeric measurement (`>=` and `<=` validators).
fn limits(m: &Measurement) -> (Option<f64>, Option<f64>) {
    let bound = |op: &str| {
        m.validators
            .iter()
            .flatten()
            .find(|v| v.operator.as_deref() == Some(op))
            .and_then(|v| v.expected_value.as_ref().and_then(Value::as_f64))
    };
    (bound(">="), bound("<="))
}

/// A failed numeric reading at most 5 % of its limits' width past a limit.
fn just_past(m: &Measurement) -> bool {
    let (Some(x), (lo, hi)) = (value(m), limits(m)) else { return false };
    let span = match (lo, hi) {
        (Some(lo), Some(hi)) => hi - lo,
        (Some(b), None) | (None, Some(b)) => b.abs(),
        (None, None) => return false,
    };
    m.outcome == Some(Outcome::Fail)
        && (lo.is_some_and(|lo| x < lo && lo - x <= 0.05 * span)
            || hi.is_some_and(|hi| x > hi && x - hi <= 0.05 * span))
}

fn failed_measurements(r: &RunDetail) -> Vec<&Measurement> {
    final_phases(r)
        .into_iter()
        .flat_map(|p| &p.measurements)
        .filter(|m| m.outcome == Some(Outcome::Fail))
        .collect()
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len().max(1) as f64
}

/// Each unit's runs of each procedure, oldest first.
fn histories(d: &Demo) -> HashMap<(&str, &str), Vec<&RunDetail>> {
    let mut h: HashMap<(&str, &str), Vec<&RunDetail>> = HashMap::new();
    for r in &d.runs {
        h.entry((serial(r), procedure(r))).or_default().push(r);
    }
    h
}

#[test]
fn the_demo_has_the_runs_it_was_asked_for_and_none_ends_after_the_anchor() {
    let d = demo();
    assert_eq!(d.runs.len(), tofui::serve::DEMO_RUNS);
    for r in &d.runs {
        let ended = r.summary.ended_at.expect("ended");
        assert!(ended <= d.anchor, "{} ends at {ended}, after the anchor", r.summary.id);
        assert!(r.summary.created_at.expect("created") <= d.anchor);
    }
    let failing = d.runs.iter().filter(|r| outcome(r) != RunOutcome::Pass).count();
    let share = failing as f64 / d.runs.len() as f64;
    assert!((0.10..=0.20).contains(&share), "{failing} of {} runs fail", d.runs.len());
}

#[test]
fn fixture_fx12_drifts_toward_the_rail_3v3_lower_limit_and_its_failures_rise() {
    let d = demo();
    let now = d.anchor.timestamp_millis();
    // fixture -> (started, value, failed)
    let mut by_fixture: HashMap<&str, Vec<(i64, f64, bool)>> = HashMap::new();
    for r in d.runs.iter().filter(|r| procedure(r) == "PCB Functional Test") {
        let fixture = meta(r, "fixture").and_then(Value::as_str).expect("a fixture");
        if let Some(m) = measurement(r, "rail_3v3") {
            let failed = m.outcome == Some(Outcome::Fail);
            by_fixture.entry(fixture).or_default().push((
                started_ms(r),
                value(m).expect("V"),
                failed,
            ));
        }
    }
    let fixtures: HashSet<&str> = by_fixture.keys().copied().collect();
    assert_eq!(fixtures, HashSet::from(["FX-11", "FX-12", "FX-21", "FX-22"]));
    let values = |f: &str, from: i64, to: i64| -> Vec<f64> {
        by_fixture[f].iter().filter(|x| x.0 >= from && x.0 < to).map(|x| x.1).collect()
    };
    let recent = values("FX-12", now - 3 * DAY, now);
    let early = values("FX-12", 0, now - 20 * DAY);
    assert!(recent.len() >= 5 && early.len() >= 10, "{} {}", recent.len(), early.len());
    let (recent, early) = (mean(&recent), mean(&early));
    assert!((3.28..=3.32).contains(&early), "FX-12 read {early:.3} V 20+ days ago");
    assert!(recent < 3.24 && recent < early - 0.05, "FX-12: {early:.3} V then {recent:.3} V");
    for f in ["FX-11", "FX-21", "FX-22"] {
        let mut last = values(f, now - 7 * DAY, now);
        last.sort_by(f64::total_cmp);
        let median = last[last.len() / 2];
        assert!((3.27..=3.33).contains(&median), "{f} reads {median:.3} V lately");
    }
    // Failures: FX-12 leads the rail_3v3 failures, and over the last two weeks fails several
    // times as often as the other fixtures together.
    let fails = |f: &str, from: i64| by_fixture[f].iter().filter(|x| x.0 >= from && x.2).count();
    let runs = |f: &str, from: i64| by_fixture[f].iter().filter(|x| x.0 >= from).count();
    let others = ["FX-11", "FX-21", "FX-22"];
    let most_other = others.iter().map(|f| fails(f, 0)).max().unwrap_or(0);
    assert!(fails("FX-12", 0) >= 2 * most_other.max(3), "{} vs {most_other}", fails("FX-12", 0));
    let since = now - 14 * DAY;
    let share = fails("FX-12", since) as f64 / runs("FX-12", since) as f64;
    let other_share = others.iter().map(|f| fails(f, since)).sum::<usize>() as f64
        / others.iter().map(|f| runs(f, since)).sum::<usize>() as f64;
    assert!(share >= 0.08 && share >= 3.0 * other_share, "{share:.3} vs {other_share:.3}");
    // Rising: the last week fails more than the week before.
    assert!(fails("FX-12", now - 7 * DAY) * 2 > fails("FX-12", since));
}

#[test]
fn line2_fct_times_out_in_communication_far_more_often_than_line1() {
    let d = demo();
    let mut rate = HashMap::new();
    for st in ["Line 1 FCT", "Line 2 FCT"] {
        let runs: Vec<&RunDetail> = d.runs.iter().filter(|r| station(r) == st).collect();
        let timeouts = runs
            .iter()
            .filter(|r| {
                outcome(r) == RunOutcome::Timeout
                    && final_phases(r).iter().any(|p| {
                        p.name == "Communication" && p.outcome == Some(PhaseOutcome::Error)
                    })
            })
            .count();
        rate.insert(st, (timeouts, timeouts as f64 / runs.len() as f64));
    }
    let ((n1, r1), (n2, r2)) = (rate["Line 1 FCT"], rate["Line 2 FCT"]);
    assert!(n2 >= 8 && r2 >= 3.0 * r1, "Line 1: {n1} ({r1:.3}), Line 2: {n2} ({r2:.3})");
    // No other station has Communication timeouts at all.
    assert!(d.runs.iter().all(|r| {
        ["Line 1 FCT", "Line 2 FCT"].contains(&station(r))
            || !final_phases(r).iter().any(|p| p.name == "Communication")
    }));
}

#[test]
fn failed_units_are_retested_false_failures_pass_and_real_ones_fail_again() {
    let d = demo();
    let (mut false_failures, mut real, mut repaired, mut scrapped) = (0, 0, 0, 0);
    let mut delays = Vec::new();
    for runs in histories(d).values() {
        for pair in runs.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if outcome(a) == RunOutcome::Pass {
                continue;
            }
            delays.push(started_ms(b) - a.summary.ended_at.expect("ended").timestamp_millis());
            if outcome(a) != RunOutcome::Fail {
                continue;
            }
            let failed = failed_measurements(a);
            let reworked = meta(b, "rework") == Some(&Value::Bool(true));
            // A false failure: just past a limit, and the retest reads that value in limits.
            if outcome(b) == RunOutcome::Pass
                && !reworked
                && failed.iter().any(|m| {
                    just_past(m)
                        && measurement(b, &m.name).is_some_and(|n| n.outcome == Some(Outcome::Pass))
                })
            {
                false_failures += 1;
            }
            // A real failure: the retest fails the same way.
            let again: HashSet<&str> =
                failed_measurements(b).iter().map(|m| m.name.as_str()).collect();
            if outcome(b) == RunOutcome::Fail
                && failed.iter().any(|m| again.contains(m.name.as_str()))
            {
                real += 1;
            }
            if reworked && outcome(b) == RunOutcome::Pass {
                repaired += 1;
            }
        }
        let n = runs.len();
        if n >= 2 && runs[n - 2..].iter().all(|r| outcome(r) == RunOutcome::Fail) {
            scrapped += 1;
        }
    }
    assert!(false_failures >= 20, "{false_failures} false failures");
    assert!(real >= 20, "{real} real failures seen twice");
    assert!(repaired >= 10, "{repaired} units passed after rework");
    assert!(scrapped >= 3, "{scrapped} units stayed failed");
    delays.sort();
    let median = delays[delays.len() / 2];
    assert!(median <= 3_600_000, "a failed unit comes back after {median} ms (median)");
    // A rework run follows a failure of the same unit on the same procedure.
    for runs in histories(d).values() {
        for (i, r) in runs.iter().enumerate() {
            if meta(r, "rework").is_some() {
                assert!(i > 0 && outcome(runs[i - 1]) == RunOutcome::Fail, "{}", r.summary.id);
            }
        }
    }
}

#[test]
fn units_flow_from_ict_to_fct_into_gateways_three_levels_deep() {
    let d = demo();
    let mut procedures: HashMap<&str, Vec<(&str, i64)>> = HashMap::new();
    for r in &d.runs {
        procedures.entry(serial(r)).or_default().push((procedure(r), started_ms(r)));
    }
    let multi = procedures
        .values()
        .filter(|v| v.iter().map(|p| p.0).collect::<HashSet<_>>().len() >= 2)
        .count();
    assert!(multi >= 100, "{multi} serials in two procedures or more");
    // A board is tested at ICT before FCT.
    let mut boards = 0;
    for runs in procedures.values() {
        let first = |name: &str| runs.iter().filter(|p| p.0 == name).map(|p| p.1).min();
        if let (Some(ict), Some(fct)) = (first("In-Circuit Test"), first("PCB Functional Test")) {
            assert!(ict < fct);
            boards += 1;
        }
        assert!(first("PCB Functional Test").is_none() || first("In-Circuit Test").is_some());
    }
    assert!(boards >= 100, "{boards}");
    // Sub-units: RF modules in boards at FCT, boards and PSUs in gateways at the system test;
    // each fitted after its own test passed.
    let passed: HashMap<&str, i64> = d
        .runs
        .iter()
        .filter(|r| outcome(r) == RunOutcome::Pass)
        .map(|r| (serial(r), r.summary.ended_at.expect("ended").timestamp_millis()))
        .rev()
        .collect();
    let mut children: HashMap<&str, HashSet<&str>> = HashMap::new();
    for r in d.runs.iter().filter(|r| r.sub_units.as_ref().is_some_and(|s| !s.is_empty())) {
        for su in r.sub_units.iter().flatten() {
            let prefix = match procedure(r) {
                "PCB Functional Test" => "RF-",
                "System Test" if su.serial_number.starts_with("PSU-") => "PSU-",
                "System Test" => "SN-",
                other => panic!("{other} lists sub-units"),
            };
            assert!(su.serial_number.starts_with(prefix), "{}", su.serial_number);
            let tested = passed.get(su.serial_number.as_str()).copied();
            assert!(tested.is_some_and(|t| t <= started_ms(r)), "{} untested", su.serial_number);
            children.entry(serial(r)).or_default().insert(su.serial_number.as_str());
        }
    }
    let three_levels = children
        .iter()
        .filter(|(parent, kids)| {
            parent.starts_with("SYS-")
                && kids.iter().any(|k| children.get(k).is_some_and(|g| !g.is_empty()))
        })
        .count();
    assert!(three_levels >= 20, "{three_levels} gateways hold a board that holds a module");
    // The server made them parent and child.
    let parents: HashMap<&str, &str> =
        d.parents.iter().map(|(c, p)| (c.as_str(), p.as_str())).collect();
    for (parent, kids) in &children {
        for k in kids {
            assert_eq!(parents.get(k), Some(parent), "{k}");
        }
    }
    let deep = parents.iter().filter(|(_, p)| parents.contains_key(*p)).count();
    assert!(deep >= 20, "{deep} units have a grandparent");
}

#[test]
fn logs_have_10_to_40_lines_inside_the_run_and_errors_inside_the_failing_phase() {
    let d = demo();
    let mut levels = HashSet::new();
    let (mut pass_lines, mut fail_lines) = (Vec::new(), Vec::new());
    for r in &d.runs {
        let logs = r.logs.as_deref().unwrap_or(&[]);
        assert!((10..=40).contains(&logs.len()), "{}: {} lines", r.summary.id, logs.len());
        let (start, end) = (r.summary.started_at.expect("s"), r.summary.ended_at.expect("e"));
        for l in logs {
            let at = l.timestamp.expect("timestamp");
            assert!(start <= at && at <= end, "{}: a line at {at} outside the run", r.summary.id);
            levels.insert(l.level.clone().expect("level"));
        }
        let errors: Vec<DateTime<Utc>> = logs
            .iter()
            .filter(|l| l.level == Some(LogLevel::Error))
            .filter_map(|l| l.timestamp)
            .collect();
        match outcome(r) {
            RunOutcome::Pass => {
                assert!(errors.is_empty(), "{}: a passing run logs an ERROR", r.summary.id);
                pass_lines.push(logs.len() as f64);
            }
            RunOutcome::Fail => {
                for p in final_phases(r).iter().filter(|p| p.outcome == Some(PhaseOutcome::Fail)) {
                    let (s, e) = (p.started_at.expect("s"), p.ended_at.expect("e"));
                    assert!(
                        errors.iter().any(|t| s <= *t && *t <= e),
                        "{}: no ERROR inside its failing phase {}",
                        r.summary.id,
                        p.name
                    );
                }
                fail_lines.push(logs.len() as f64);
            }
            _ => fail_lines.push(logs.len() as f64),
        }
    }
    for l in
        [LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error, LogLevel::Critical]
    {
        assert!(levels.contains(&l), "no {l} line");
    }
    let (p, f) = (mean(&pass_lines), mean(&fail_lines));
    assert!(p < 15.0 && f > p + 8.0, "passing runs log {p:.1} lines, failing ones {f:.1}");
}

#[test]
fn runs_near_the_anchor_still_end_before_it() {
    let d = demo();
    let last_hours = d.anchor - Duration::hours(3);
    let late: Vec<&RunDetail> =
        d.runs.iter().filter(|r| r.summary.started_at.expect("s") >= last_hours).collect();
    assert!(!late.is_empty());
    // The burn-in takes two hours: the rack's last execution starts early enough.
    let burn_in = d.runs.iter().rfind(|r| procedure(r) == "PSU Burn-in").expect("one");
    assert!(burn_in.summary.ended_at.expect("e") <= d.anchor);
}
