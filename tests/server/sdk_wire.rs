//! The embedded server driven by the official TofuPilot SDK: if the SDK can create, list, get,
//! change and delete runs against it, the dashboard's client will work against both.
use crate::common;

use std::collections::HashMap;

use chrono::{Duration, Utc};
use common::*;
use serde_json::{Value, json};
use tofupilot::types::*;

fn req(v: Value) -> RunCreateRequest {
    serde_json::from_value(v).expect("test request matches the SDK's type")
}

async fn procedure(s: &TestServer, name: &str) -> String {
    s.sdk.procedures().create().name(name).send().await.expect("procedure created").id
}

/// A run of everything the service stores: retries, sequences (nested), numeric, boolean,
/// string, JSON and empty measurements, legacy limits, every validator form, aggregations,
/// multi-dimensional data, logs, sub-units, metadata, config.
fn everything_run(proc_id: &str, sub_unit: &str) -> RunCreateRequest {
    let t0 = Utc::now() - Duration::minutes(10);
    let at = |s: i64| (t0 + Duration::seconds(s)).to_rfc3339();
    req(json!({
        "outcome": "FAIL", "procedure_id": proc_id, "procedure_version": "1.2.3",
        "started_at": at(0), "ended_at": at(150), "serial_number": "SN-EVERY-1",
        "part_number": "PCB-EVERY", "revision_number": "B", "batch_number": "B7",
        "operated_by": "Night Operator", "docstring": "full coverage run",
        "sub_units": [sub_unit],
        "sequences": [
            {"path": "power", "name": "Power", "outcome": "FAIL"},
            {"path": "power/rails", "name": "Rails", "outcome": "FAIL", "source": "seq/rails.yaml"}
        ],
        "phases": [
            {"name": "Rails", "outcome": "FAIL", "started_at": at(10), "ended_at": at(20), "sequence_path": "power/rails", "measurements": [
                {"name": "v3v3", "outcome": "FAIL", "measured_value": 3.1, "units": "V", "lower_limit": 3.2, "upper_limit": 3.4},
                {"name": "expr_only", "outcome": "FAIL", "measured_value": 9, "validators": [{"expression": "value below threshold", "outcome": "FAIL"}]},
                {"name": "custom", "outcome": "PASS", "measured_value": 4.2, "validators": [{"operator": "<=", "expected_value": 5, "expression": "voltage within safe range", "is_decisive": false}]},
                {"name": "in_list", "outcome": "PASS", "measured_value": "B", "validators": [{"operator": "in", "expected_value": ["A", "B", "C"]}]},
                {"name": "ranged", "outcome": "PASS", "measured_value": 25.0, "validators": [{"operator": "range", "expected_value": [10.0, 50.0]}]}
            ]},
            {"name": "Retry", "outcome": "FAIL", "started_at": at(30), "ended_at": at(31), "retry_count": 0},
            {"name": "Retry", "outcome": "PASS", "started_at": at(32), "ended_at": at(33), "retry_count": 1},
            {"name": "Types", "outcome": "PASS", "started_at": at(1), "ended_at": at(5), "measurements": [
                {"name": "flag", "outcome": "PASS", "measured_value": true, "validators": [{"operator": "==", "expected_value": true}]},
                {"name": "text", "outcome": "PASS", "measured_value": "fw 2.1.0"},
                {"name": "json", "outcome": "PASS", "measured_value": {"a": [1, 2]}},
                {"name": "empty", "outcome": "UNSET"},
                {"name": "stats", "outcome": "PASS", "measured_value": 1.0, "aggregations": [
                    {"type": "avg", "value": 1.0, "outcome": "PASS", "validators": [{"operator": ">=", "expected_value": 0.5}, {"operator": "<=", "expected_value": 1.5}]},
                    {"type": "mode", "value": "nominal"},
                    {"type": "percentile_95", "value": -2.5, "unit": "V"}
                ]},
                {"name": "sweep", "outcome": "PASS",
                 "x_axis": {"data": [0.0, 1.0, 2.0], "units": "s", "name": "time"},
                 "y_axis": [
                    {"data": [1.0, 1.1, 1.2], "units": "V", "name": "ch1", "validators": [{"operator": "<=", "expected_value": 2.0}]},
                    {"data": [2.0, 2.1, 2.2], "units": "V", "name": "ch2", "aggregations": [{"type": "max", "value": 2.2}]}
                 ]}
            ]},
            {"name": "Skipped", "outcome": "SKIP", "started_at": at(40), "ended_at": at(40)}
        ],
        "logs": [
            {"level": "ERROR", "timestamp": at(15), "message": "rail low", "source_file": "power.py", "line_number": 57},
            {"level": "INFO", "timestamp": at(2), "message": "start", "source_file": "main.py", "line_number": 1},
            {"level": "CRITICAL", "timestamp": at(16), "message": "", "source_file": "", "line_number": 0}
        ],
        "metadata": {"shift": "A", "temperature": 23.5, "rework": true},
        "config": [{"key": "offset", "value": 0.25, "source": "station", "version": 3}],
        "secrets": [{"key": "dmm_password", "source": "organization"}]
    }))
}

#[tokio::test]
async fn a_run_of_every_kind_comes_back_as_the_sdk_sent_it() {
    let s = TestServer::start().await;
    let proc_id = procedure(&s, "Coverage").await;
    // The sub-unit must exist before the parent names it.
    let t = Utc::now() - Duration::hours(1);
    s.sdk
        .runs()
        .create()
        .outcome(LogGetOutcome::Pass)
        .procedure_id(&proc_id)
        .started_at(t)
        .ended_at(t + Duration::seconds(5))
        .serial_number("MOD-7")
        .part_number("MOD")
        .send()
        .await
        .expect("sub-unit run");
    let id = s
        .sdk
        .runs()
        .create()
        .body(everything_run(&proc_id, "mod-7"))
        .send()
        .await
        .expect("created")
        .id;

    let run = s.sdk.runs().get().id(&id).send().await.expect("the SDK decodes our run");
    assert_eq!(run.id, id);
    assert_eq!(run.outcome, LogGetOutcome::Fail);
    assert_eq!(run.duration, "PT2M30S");
    assert_eq!(run.procedure.version.as_ref().map(|v| v.tag.as_str()), Some("1.2.3"));
    assert_eq!(run.unit.serial_number, "SN-EVERY-1");
    assert_eq!(
        (run.unit.part.number.as_str(), run.unit.part.revision.number.as_str()),
        ("PCB-EVERY", "B")
    );
    assert!(matches!(&run.unit.batch, NullableField::Value(b) if b.number == "B7"));
    assert!(matches!(&run.docstring, NullableField::Value(d) if d == "full coverage run"));
    assert!(
        matches!(&run.operated_by, NullableField::Value(o) if o.name.as_deref() == Some("Night Operator") && o.id.is_none())
    );
    assert!(
        matches!(&run.created_by_user, NullableField::Value(_)),
        "a user key's run is created by that user"
    );

    let phases = run.phases.expect("phases");
    let names: Vec<(&str, i64)> = phases.iter().map(|p| (p.name.as_str(), p.retry_count)).collect();
    assert_eq!(
        names,
        vec![("Types", 0), ("Rails", 0), ("Retry", 0), ("Retry", 1), ("Skipped", 0)],
        "ordered by start, then name, then attempt"
    );
    let rails = &phases[1];
    assert_eq!(rails.sequence_path.as_deref(), Some("power/rails"));
    let m = |name: &str| {
        phases
            .iter()
            .flat_map(|p| &p.measurements)
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };

    let v3 = m("v3v3");
    let vals = v3.validators.expect("legacy limits become validators");
    assert_eq!(vals.len(), 2);
    assert_eq!((vals[0].operator.as_deref(), vals[0].outcome.clone()), (Some(">="), Outcome::Fail));
    assert_eq!((vals[1].operator.as_deref(), vals[1].outcome.clone()), (Some("<="), Outcome::Pass));
    assert!(matches!(&v3.units, NullableField::Value(u) if u == "V"));

    let e = &m("expr_only").validators.unwrap()[0];
    assert!(
        e.is_expression_only
            && e.operator.is_none()
            && e.expression.contains("threshold")
            && e.analytics_expression.is_none()
    );
    let c = &m("custom").validators.unwrap()[0];
    assert!(
        c.has_custom_expression
            && c.expression == "voltage within safe range"
            && c.is_decisive == Some(false)
    );
    let i = &m("in_list").validators.unwrap()[0];
    assert_eq!(
        (i.expected_value.clone(), i.outcome.clone(), i.is_decisive),
        (Some(json!(["A", "B", "C"])), Outcome::Pass, Some(true))
    );
    assert_eq!(m("ranged").validators.unwrap()[0].expected_value, Some(json!([10.0, 50.0])));
    assert_eq!(m("flag").measured_value, Some(json!(true)));
    assert_eq!(m("json").measured_value, Some(json!({"a": [1, 2]})));
    assert_eq!(m("empty").outcome, Outcome::Unset);

    let aggs = match m("stats").aggregations {
        NullableField::Value(a) => a,
        other => panic!("aggregations: {other:?}"),
    };
    assert_eq!(
        aggs.iter().map(|a| a.r#type.as_str()).collect::<Vec<_>>(),
        vec!["avg", "mode", "percentile_95"]
    );
    assert!(matches!(&aggs[0].validators, NullableField::Value(v) if v.len() == 2));
    assert_eq!(aggs[1].value, Some(json!("nominal")));
    assert_eq!(aggs[2].outcome, None, "an outcome not sent stays null");

    let series = m("sweep").data_series.expect("multi-dimensional data");
    assert_eq!(series.len(), 3, "x then each y");
    assert_eq!(series[0].data, vec![0.0, 1.0, 2.0]);
    assert!(
        matches!(&series[1].validators, NullableField::Value(v) if v[0].outcome == Outcome::Pass)
    );
    assert!(matches!(&series[2].aggregations, NullableField::Value(a) if a[0].r#type == "max"));

    let seqs = run.sequences.expect("sequences");
    let rails_seq = seqs.iter().find(|s| s.path == "power/rails").expect("nested sequence");
    assert_eq!(
        (rails_seq.key.as_str(), rails_seq.parent_path.as_deref()),
        ("rails", Some("power"))
    );

    let logs = run.logs.expect("logs");
    assert_eq!(
        logs.iter().map(|l| l.message.as_str()).collect::<Vec<_>>(),
        vec!["start", "rail low", "(empty)"]
    );
    assert_eq!((logs[1].source_file.as_str(), logs[1].line_number), ("power.py", 57));
    assert_eq!(logs[2].source_file, "unknown");

    let subs = run.sub_units.expect("sub-units");
    assert_eq!(
        subs.iter().map(|u| u.serial_number.to_lowercase()).collect::<Vec<_>>(),
        vec!["mod-7"]
    );
    let meta = run.metadata.expect("metadata");
    assert_eq!(
        (meta["shift"].clone(), meta["temperature"].clone(), meta["rework"].clone()),
        (json!("A"), json!(23.5), json!(true))
    );
    assert_eq!(run.config[0].key, "offset");
    assert_eq!(run.secrets[0].key, "dmm_password");

    // The procedure knows its runs now.
    let p = s.sdk.procedures().get().id(&proc_id).send().await.expect("procedure");
    assert!(!p.recent_runs.is_empty());
}

struct Fixture {
    s: TestServer,
    proc_a: String,
    proc_b: String,
    ids: Vec<String>,
    t0: chrono::DateTime<Utc>,
}

/// Six runs with known differences, created through the SDK (the last one by the station key).
async fn fixture() -> Fixture {
    let s = TestServer::start().await;
    let proc_a = procedure(&s, "Alpha").await;
    let proc_b = procedure(&s, "Beta").await;
    // The station key's station runs procedure B.
    s.running.store.writer().execute(
        "INSERT INTO station_procedures (station_id, procedure_id) SELECT principal_id, ?1 FROM api_keys WHERE kind = 'station'",
        [&proc_b],
    ).expect("link station");
    let t0 = Utc::now() - Duration::days(2);
    type Spec<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, &'a str, i64, i64, Value);
    let specs: [Spec; 6] = [
        // outcome, proc, serial, part, rev, batch, start offset (min), duration (s), metadata
        ("PASS", "a", "SN-001", "PCB-A", "A", "B1", 0, 30, json!({"shift": "A", "temp": 20})),
        (
            "FAIL",
            "a",
            "SN-002",
            "PCB-A",
            "B",
            "B1",
            10,
            120,
            json!({"shift": "B", "temp": 25, "fixture": "FX-01"}),
        ),
        (
            "ERROR",
            "b",
            "SN-003",
            "PCB-B",
            "A",
            "B2",
            20,
            400,
            json!({"shift": "C", "rework": true}),
        ),
        ("PASS", "b", "SN-004", "PCB-B", "A", "B2", 30, 90, json!({"shift": "A", "temp": 30.5})),
        ("TIMEOUT", "a", "SN-002", "PCB-A", "B", "B3", 40, 600, json!({"rework": false})),
        ("ABORTED", "b", "XY-900", "PCB-B", "C", "B3", 50, 5, json!({"fixture": "FX-02"})),
    ];
    let mut ids = Vec::new();
    for (i, (outcome, p, serial, part, rev, batch, start, dur, meta)) in
        specs.into_iter().enumerate()
    {
        let started = t0 + Duration::minutes(start);
        let body = req(json!({
            "outcome": outcome, "procedure_id": if p == "a" { &proc_a } else { &proc_b },
            "procedure_version": if i % 2 == 0 { "v1" } else { "v2" },
            "started_at": started.to_rfc3339(), "ended_at": (started + Duration::seconds(dur)).to_rfc3339(),
            "serial_number": serial, "part_number": part, "revision_number": rev, "batch_number": batch,
            "operated_by": if i < 3 { "admin@demo.tofupilot.local" } else { "Someone Else" },
            "metadata": meta,
        }));
        let client = if i == 5 { &s.station_sdk } else { &s.sdk };
        ids.push(client.runs().create().body(body).send().await.expect("fixture run").id);
    }
    Fixture { s, proc_a, proc_b, ids, t0 }
}

impl Fixture {
    /// The fixture's run numbers (0-based) a list call returned, in order.
    fn idx(&self, rows: &[RunListData]) -> Vec<usize> {
        rows.iter()
            .map(|r| self.ids.iter().position(|i| *i == r.id).expect("a fixture run"))
            .collect()
    }
}

fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort();
    v
}

#[tokio::test]
async fn every_list_filter_reaches_the_right_runs() {
    let f = fixture().await;
    let sdk = &f.s.sdk;
    macro_rules! check {
        ($builder:expr, $want:expr) => {{
            let resp = $builder.send().await.expect("list");
            assert_eq!(sorted(f.idx(&resp.data)), $want, "{}", stringify!($builder));
        }};
    }
    check!(sdk.runs().list(), vec![0, 1, 2, 3, 4, 5]);
    check!(sdk.runs().list().outcomes(vec![LogGetOutcome::Fail, LogGetOutcome::Error]), vec![1, 2]);
    check!(sdk.runs().list().procedure_ids(vec![f.proc_b.clone()]), vec![2, 3, 5]);
    check!(
        sdk.runs()
            .list()
            .procedure_versions(vec!["V2".to_string()])
            .part_numbers(vec!["PCB-A".to_string()]),
        vec![1]
    );
    check!(sdk.runs().list().serial_numbers(vec!["sn-002".to_string()]), vec![1, 4]);
    check!(
        sdk.runs()
            .list()
            .part_numbers(vec!["PCB-B".to_string()])
            .revision_numbers(vec!["A".to_string()]),
        vec![2, 3]
    );
    check!(
        sdk.runs()
            .list()
            .batch_numbers(vec!["B3".to_string()])
            .part_numbers(vec!["PCB-A".to_string()]),
        // Run 4 put sn-002 in B3; its run 1 follows the unit (issue 28, item 15).
        vec![1, 4]
    );
    check!(sdk.runs().list().ids(vec![f.ids[0].clone(), f.ids[5].clone()]), vec![0, 5]);
    check!(sdk.runs().list().search_query("xy-9"), vec![5]);
    check!(sdk.runs().list().search_query(&f.ids[3][..8]), vec![3]);
    check!(
        sdk.runs().list().samples(vec![ListQueryParamSample::Production]),
        vec![0, 1, 2, 3, 4, 5]
    );
    check!(sdk.runs().list().samples(vec![ListQueryParamSample::Golden]), Vec::<usize>::new());
    check!(sdk.runs().list().duration_min("PT1M").duration_max("PT5M"), vec![1, 3]);
    check!(sdk.runs().list().duration_min("PT2M"), vec![1, 2, 4]);
    check!(
        sdk.runs()
            .list()
            .started_after(f.t0 + Duration::minutes(20))
            .started_before(f.t0 + Duration::minutes(30)),
        vec![2, 3]
    );
    check!(sdk.runs().list().ended_after(f.t0 + Duration::minutes(45)), vec![4, 5]);
    check!(sdk.runs().list().ended_before(f.t0 + Duration::minutes(5)), vec![0]);
    check!(
        sdk.runs()
            .list()
            .created_after(Utc::now() - Duration::minutes(5))
            .created_before(Utc::now() + Duration::seconds(1)),
        vec![0, 1, 2, 3, 4, 5]
    );
    check!(sdk.runs().list().created_before(f.t0), Vec::<usize>::new());
    let whoami = sdk.identity().whoami().send().await.expect("whoami");
    let me = whoami.user.expect("a user key").id;
    check!(sdk.runs().list().created_by_user_ids(vec![me.clone()]), vec![0, 1, 2, 3, 4]);
    check!(sdk.runs().list().operated_by_ids(vec![me]), vec![0, 1, 2]);
    let station =
        f.s.station_sdk
            .identity()
            .whoami()
            .send()
            .await
            .expect("whoami")
            .station
            .expect("a station key")
            .id;
    check!(sdk.runs().list().created_by_station_ids(vec![station]), vec![5]);
    let meta = |v: Value| -> HashMap<String, Value> { serde_json::from_value(v).expect("map") };
    check!(sdk.runs().list().metadata(meta(json!({"shift": {"in": ["A", "C"]}}))), vec![0, 2, 3]);
    check!(sdk.runs().list().metadata(meta(json!({"fixture": {"contains": "fx-0"}}))), vec![1, 5]);
    check!(sdk.runs().list().metadata(meta(json!({"temp": {"gte": 25}}))), vec![1, 3]);
    check!(sdk.runs().list().metadata(meta(json!({"temp": {"gt": 20, "lt": 30}}))), vec![1]);
    check!(sdk.runs().list().metadata(meta(json!({"temp": {"eq": 20}}))), vec![0]);
    check!(sdk.runs().list().metadata(meta(json!({"rework": {"eq": true}}))), vec![2]);
    check!(
        sdk.runs().list().metadata(meta(json!({"rework": {"eq": false}, "shift": {"in": ["A"]}}))),
        Vec::<usize>::new()
    );
    check!(sdk.runs().list().serial_numbers(vec!["NOPE".to_string()]), Vec::<usize>::new());

    let with_meta = sdk
        .runs()
        .list()
        .ids(vec![f.ids[1].clone()])
        .include_metadata(true)
        .send()
        .await
        .expect("list");
    assert_eq!(
        with_meta.data[0].metadata.as_ref().and_then(|m| m.get("fixture")),
        Some(&json!("FX-01"))
    );
    let without = sdk.runs().list().ids(vec![f.ids[1].clone()]).send().await.expect("list");
    assert!(without.data[0].metadata.is_none(), "metadata only when asked for");
}

#[tokio::test]
async fn every_sort_field_orders_rows_both_ways() {
    let f = fixture().await;
    for field in [
        RunListSortBy::StartedAt,
        RunListSortBy::CreatedAt,
        RunListSortBy::Duration,
        RunListSortBy::Outcome,
        RunListSortBy::SerialNumber,
        RunListSortBy::PartNumber,
        RunListSortBy::RevisionNumber,
    ] {
        for order in [ListSortOrder::Asc, ListSortOrder::Desc] {
            let rows =
                f.s.sdk
                    .runs()
                    .list()
                    .sort_by(field.clone())
                    .sort_order(order.clone())
                    .send()
                    .await
                    .expect("list")
                    .data;
            assert_eq!(rows.len(), 6);
            let key = |r: &RunListData| -> String {
                match field {
                    RunListSortBy::StartedAt => r.started_at.to_rfc3339(),
                    RunListSortBy::CreatedAt => r.created_at.to_rfc3339(),
                    RunListSortBy::Duration => {
                        format!("{:012}", (r.ended_at - r.started_at).num_milliseconds())
                    }
                    RunListSortBy::Outcome => r.outcome.to_string(),
                    RunListSortBy::SerialNumber => r.unit.serial_number.to_lowercase(),
                    RunListSortBy::PartNumber => r.unit.part.number.to_lowercase(),
                    RunListSortBy::RevisionNumber => r.unit.part.revision.number.to_lowercase(),
                }
            };
            let keys: Vec<String> = rows.iter().map(key).collect();
            let mut expect = keys.clone();
            expect.sort();
            if order == ListSortOrder::Desc {
                expect.reverse();
            }
            assert_eq!(keys, expect, "{field:?} {order:?}");
        }
    }
}

#[tokio::test]
async fn paging_reaches_the_end_once_each_even_while_runs_arrive() {
    let f = fixture().await;
    let mut seen = Vec::new();
    let mut cursor: Option<i64> = None;
    let mut pages = 0;
    loop {
        let mut b = f.s.sdk.runs().list().limit(4i64);
        if let Some(c) = cursor {
            b = b.cursor(c);
        }
        let page = b.send().await.expect("page");
        pages += 1;
        seen.extend(page.data.iter().map(|r| r.id.clone()));
        if pages == 1 {
            // A new run lands between pages: it must not push an old one onto page two again.
            pass_run(&f.s.sdk, &f.proc_a, "SN-NEW", "PCB-A").send().await.expect("created");
        }
        match (page.meta.has_more, page.meta.next_cursor) {
            (true, Some(c)) => cursor = Some(c),
            (false, None) => break,
            other => panic!("inconsistent meta {other:?}"),
        }
    }
    assert_eq!(pages, 2);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (6, 6), "every run once: {seen:?}");
    // A fresh first page shows the new run.
    assert_eq!(f.s.sdk.runs().list().send().await.expect("list").data.len(), 7);
}

#[tokio::test]
async fn identical_start_times_page_deterministically() {
    let s = TestServer::start().await;
    let p = procedure(&s, "Ties").await;
    let t = Utc::now();
    for i in 0..3 {
        pass_run(&s.sdk, &p, format!("TIE-{i}"), "P")
            .started_at(t)
            .ended_at(t)
            .send()
            .await
            .expect("created");
    }
    let first = s.sdk.runs().list().limit(1i64).send().await.expect("page 1");
    assert!(first.meta.has_more);
    let second = s
        .sdk
        .runs()
        .list()
        .limit(1i64)
        .cursor(first.meta.next_cursor.expect("cursor"))
        .send()
        .await
        .expect("page 2");
    assert_ne!(first.data[0].id, second.data[0].id);
}

#[tokio::test]
async fn metadata_update_upserts_and_null_deletes() {
    let f = fixture().await;
    let id = &f.ids[1];
    let patch: HashMap<String, Value> =
        serde_json::from_value(json!({"shift": "C", "verdict": "bad solder", "temp": null}))
            .expect("map");
    let resp =
        f.s.sdk.runs().update_metadata().id(id).metadata(patch).send().await.expect("patched");
    assert_eq!(&resp.id, id);
    let meta = f.s.sdk.runs().get().id(id).send().await.expect("get").metadata.expect("metadata");
    assert_eq!(meta.get("shift"), Some(&json!("C")));
    assert_eq!(meta.get("verdict"), Some(&json!("bad solder")));
    assert_eq!(meta.get("fixture"), Some(&json!("FX-01")), "keys left out are kept");
    assert!(!meta.contains_key("temp"), "null deletes");
    // The list filter sees the new value.
    let filter: HashMap<String, Value> =
        serde_json::from_value(json!({"verdict": {"contains": "SOLDER"}})).expect("map");
    let rows = f.s.sdk.runs().list().metadata(filter).send().await.expect("list").data;
    assert_eq!(f.idx(&rows), vec![1]);
}

#[tokio::test]
async fn attachment_upload_is_linked_and_downloads_byte_identical() {
    let f = fixture().await;
    let id = &f.ids[0];
    let path = f.s.dir.path().join("scope.csv");
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    std::fs::write(&path, &bytes).expect("file written");
    let att = f.s.sdk.runs().attachments().upload(id, &path).await.expect("uploaded");
    let run = f.s.sdk.runs().get().id(id).send().await.expect("get");
    let listed = run
        .attachments
        .expect("attachments")
        .into_iter()
        .find(|a| a.id == att)
        .expect("linked to the run");
    assert_eq!((listed.name.as_str(), listed.size), ("scope.csv", Some(70_000.0)));
    let url = match listed.download_url {
        NullableField::Value(u) => u,
        other => panic!("no download url: {other:?}"),
    };
    let got = reqwest::get(&url).await.expect("download").bytes().await.expect("bytes");
    assert_eq!(got.as_ref(), bytes.as_slice());

    // The two-step flow: initialise, upload, finalise, then link with PATCH /runs/{id}.
    let init =
        f.s.sdk.attachments().initialize().name("photo.png").send().await.expect("initialised");
    reqwest::Client::new()
        .put(&init.upload_url)
        .body(vec![1u8, 2, 3])
        .send()
        .await
        .expect("put")
        .error_for_status()
        .expect("2xx");
    let fin = f.s.sdk.attachments().finalize().id(&init.id).send().await.expect("finalised");
    assert!(fin.url.starts_with("http://"));
    f.s.sdk.runs().update().id(id).attachments(vec![init.id.clone()]).send().await.expect("linked");
    let names: Vec<String> =
        f.s.sdk
            .runs()
            .get()
            .id(id)
            .send()
            .await
            .expect("get")
            .attachments
            .expect("list")
            .into_iter()
            .map(|a| a.name)
            .collect();
    assert_eq!(sorted_names(names), vec!["photo.png", "scope.csv"]);
}

fn sorted_names(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test]
async fn delete_removes_runs_and_says_which() {
    let f = fixture().await;
    let resp =
        f.s.sdk
            .runs()
            .delete()
            .ids(vec![f.ids[0].clone(), f.ids[1].clone()])
            .send()
            .await
            .expect("deleted");
    assert_eq!(sorted_names(resp.id), sorted_names(vec![f.ids[0].clone(), f.ids[1].clone()]));
    assert!(matches!(
        f.s.sdk.runs().get().id(&f.ids[0]).send().await,
        Err(tofupilot::Error::NotFound(_))
    ));
    assert_eq!(f.s.sdk.runs().list().send().await.expect("list").data.len(), 4);
    assert!(matches!(
        f.s.sdk.runs().delete().ids(vec!["no-such-run".to_string()]).send().await,
        Err(tofupilot::Error::NotFound(_))
    ));
    assert!(matches!(
        f.s.sdk.runs().update().id("no-such-run").send().await,
        Err(tofupilot::Error::NotFound(_))
    ));
}

#[tokio::test]
async fn a_station_key_sees_only_its_procedures_and_cannot_delete() {
    let f = fixture().await;
    let rows = f.s.station_sdk.runs().list().send().await.expect("list").data;
    assert_eq!(sorted(f.idx(&rows)), vec![2, 3, 5]);
    // Not found, as if it did not exist: a 403 would confirm the run is there.
    assert!(matches!(
        f.s.station_sdk.runs().get().id(&f.ids[0]).send().await,
        Err(tofupilot::Error::NotFound(_))
    ));
    assert!(f.s.station_sdk.runs().get().id(&f.ids[2]).send().await.is_ok());
    assert!(matches!(
        f.s.station_sdk.runs().delete().ids(vec![f.ids[2].clone()]).send().await,
        Err(tofupilot::Error::Forbidden(_))
    ));
    assert_eq!(f.s.run_count().await, 6, "nothing deleted");
    let outside = pass_run(&f.s.station_sdk, &f.proc_a, "SN-X", "P").send().await;
    assert!(matches!(outside, Err(tofupilot::Error::NotFound(_))), "a procedure it cannot see");
    assert!(matches!(
        tofui_client_unauthorized(&f.s).await,
        Err(tofupilot::Error::Unauthorized(_))
    ));
}

async fn tofui_client_unauthorized(s: &TestServer) -> tofupilot::Result<RunListResponse> {
    client(&s.running.url, "wrong-key").runs().list().send().await
}

#[tokio::test]
async fn client_run_ref_makes_a_replayed_create_return_the_first_run() {
    let s = TestServer::start().await;
    let p = procedure(&s, "Idem").await;
    let t = Utc::now();
    let make =
        || pass_run(&s.sdk, &p, "SN-R", "P").started_at(t).ended_at(t).client_run_ref("cred_42");
    let a = make().send().await.expect("first").id;
    let b = make().send().await.expect("replay").id;
    assert_eq!(a, b);
    assert_eq!(s.run_count().await, 1);
}

#[tokio::test]
async fn get_or_create_is_case_insensitive_and_reuses_precreated_parts() {
    let s = TestServer::start().await;
    let p = procedure(&s, "Reuse").await;
    s.sdk.parts().create().number("PCB-X").name("X board").send().await.expect("part");
    s.sdk.revisions().create().part_number("PCB-X").number("R2").send().await.expect("revision");
    assert!(matches!(
        s.sdk.parts().create().number("pcb-x").send().await,
        Err(tofupilot::Error::Conflict(_))
    ));
    assert!(matches!(
        s.sdk.revisions().create().part_number("PCB-X").number("r2").send().await,
        Err(tofupilot::Error::Conflict(_))
    ));
    assert!(matches!(
        s.sdk.revisions().create().part_number("NOPE").number("A").send().await,
        Err(tofupilot::Error::NotFound(_))
    ));
    let id = pass_run(&s.sdk, &p, "sn-case", "pcb-x")
        .revision_number("r2")
        .procedure_version("V1")
        .send()
        .await
        .expect("run")
        .id;
    let id2 = pass_run(&s.sdk, &p, "SN-CASE", "PCB-X")
        .procedure_version("v1")
        .send()
        .await
        .expect("run")
        .id;
    let a = s.sdk.runs().get().id(&id).send().await.expect("get");
    let b = s.sdk.runs().get().id(&id2).send().await.expect("get");
    assert_eq!(a.unit.id, b.unit.id);
    assert_eq!(
        (a.unit.part.name.as_str(), a.unit.part.revision.number.as_str()),
        ("X board", "R2")
    );
    assert_eq!(b.unit.part.revision.number, "R2", "no revision named: the unit keeps its revision");
    assert_eq!(a.procedure.version.map(|v| v.id), b.procedure.version.map(|v| v.id));
}

#[tokio::test]
async fn directory_endpoints_answer_in_the_sdk_shapes() {
    let s = TestServer::start_with(|store| {
        tofui::server::seed::seed(
            store,
            &tofui::server::seed::SeedOptions { runs: 20, seed: 1, anchor: Utc::now() },
        )
        .expect("seeded");
    })
    .await;
    let who = s.sdk.identity().whoami().send().await.expect("whoami");
    assert_eq!(who.user.expect("user").email, "admin@demo.tofupilot.local");
    let users = s.sdk.users().list().send().await.expect("users");
    assert!(users.iter().any(|u| u.name.as_deref() == Some("Alice Martin")));
    let stations = s.sdk.stations().list().send().await.expect("stations");
    assert!(stations.data.iter().any(|st| st.name == "Line 1 FCT" && !st.procedures.is_empty()));
    let procs = s.sdk.procedures().list().send().await.expect("procedures");
    assert_eq!(procs.data.len(), 5);
    let found = s.sdk.procedures().list().search_query("burn").send().await.expect("search");
    assert_eq!(found.data.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), vec!["PSU Burn-in"]);
}
