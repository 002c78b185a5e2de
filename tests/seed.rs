//! The demo data: deterministic, realistic in its failure mix, and never added twice.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use serde_json::Value;
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
    assert!((3..=5).contains(&stations.len()), "{stations:?}");
    assert!(runs.iter().any(|r| r["unit"]["sample"] == "golden"));
    assert!(runs.iter().any(|r| r["slot_key"].is_string() && r["execution_id"].is_string()));
    assert!(runs.iter().all(|r| r["metadata"]["shift"].is_string() && r["metadata"]["temperature"].is_number()));

    // Every FAIL explains itself: a failed measurement or a failed phase, and an ERROR log.
    let mut kinds = std::collections::HashSet::new();
    let mut seen_logs = std::collections::HashSet::new();
    let (mut with_attachment, mut with_sub_unit, mut with_retry, mut with_sequences) =
        (false, false, false, false);
    for r in runs.iter().filter(|r| r["outcome"] != "PASS").take(40).chain(runs.iter().take(80)) {
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
