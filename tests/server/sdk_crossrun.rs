//! The cross-run lists (`/v2/measurements`, `/v2/phases`, `/v2/logs`) through the official
//! SDK's typed client: every filter at least once, each answer checked row by row against
//! what was created. The SDK crate has no suite for these endpoints; its types are the
//! contract, and a row it cannot decode fails the call.
use crate::common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use serde_json::{Value, json};
use tofupilot::types::*;

struct World {
    s: TestServer,
    alpha: String,
    beta: String,
    /// Runs 0..=2 of Alpha, 3 of Beta.
    runs: Vec<String>,
    t0: DateTime<Utc>,
    admin: String,
}

fn at(t0: DateTime<Utc>, s: i64) -> String {
    (t0 + Duration::seconds(s)).to_rfc3339()
}

/// Three Alpha runs and one Beta run with known phases, measurements and logs. The station
/// key sees Alpha only.
async fn world() -> World {
    let s = TestServer::start().await;
    let mk = |name: &str| s.sdk.procedures().create().name(name).send();
    let alpha = mk("Alpha").await.expect("alpha").id;
    let beta = mk("Beta").await.expect("beta").id;
    s.running
        .store
        .writer()
        .execute(
            "INSERT INTO station_procedures (station_id, procedure_id) SELECT principal_id, ?1 FROM api_keys WHERE kind = 'station'",
            [&alpha],
        )
        .expect("link station");
    let t0 = Utc::now() - Duration::days(1);
    let v = |x: f64, lo: f64, hi: f64, ok: bool| {
        json!({"name": "v", "outcome": if ok {"PASS"} else {"FAIL"}, "measured_value": x, "units": "V",
               "validators": [{"operator": ">=", "expected_value": lo}, {"operator": "<=", "expected_value": hi}]})
    };
    let runs = [
        // SN-1: passes, with a retried phase and every kind of measurement.
        json!({"outcome": "PASS", "procedure_id": alpha, "procedure_version": "1.0",
            "started_at": at(t0, 0), "ended_at": at(t0, 60), "serial_number": "SN-1", "part_number": "P1",
            "revision_number": "A", "batch_number": "B1", "operated_by": "Alice Line",
            "sequences": [{"path": "power", "name": "Power", "outcome": "PASS"}],
            "phases": [
                {"name": "Power", "outcome": "PASS", "started_at": at(t0, 1), "ended_at": at(t0, 5), "sequence_path": "power",
                 "measurements": [v(3.3, 3.2, 3.4, true),
                    {"name": "flag", "outcome": "PASS", "measured_value": true},
                    {"name": "fw", "outcome": "PASS", "measured_value": "2.1"},
                    {"name": "sweep", "outcome": "PASS", "x_axis": {"data": [0.0, 1.0]}, "y_axis": [{"data": [1.0, 2.0]}]}]},
                {"name": "Retry", "outcome": "FAIL", "started_at": at(t0, 10), "ended_at": at(t0, 11), "retry_count": 0,
                 "measurements": [{"name": "m", "outcome": "FAIL", "measured_value": 1.0}]},
                {"name": "Retry", "outcome": "PASS", "started_at": at(t0, 12), "ended_at": at(t0, 14), "retry_count": 1,
                 "measurements": [{"name": "m", "outcome": "PASS", "measured_value": 2.0}]}],
            "logs": [
                {"level": "INFO", "timestamp": at(t0, 2), "message": "boot ok", "source_file": "a.py", "line_number": 1},
                {"level": "DEBUG", "timestamp": at(t0, 3), "message": "rail measured", "source_file": "b.py", "line_number": 2}]}),
        // SN-2: fails on its rail, in another batch and revision, an hour later.
        json!({"outcome": "FAIL", "procedure_id": alpha, "procedure_version": "2.0",
            "started_at": at(t0, 3600), "ended_at": at(t0, 3900), "serial_number": "SN-2", "part_number": "P1",
            "revision_number": "B", "batch_number": "B2", "operated_by": "admin@demo.tofupilot.local",
            "phases": [
                {"name": "Power", "outcome": "FAIL", "started_at": at(t0, 3601), "ended_at": at(t0, 3605),
                 "measurements": [v(3.0, 3.2, 3.4, false),
                    {"name": "flag", "outcome": "FAIL", "measured_value": false},
                    {"name": "fw", "outcome": "PASS", "measured_value": "2.0"}]}],
            "logs": [
                {"level": "WARNING", "timestamp": at(t0, 3602), "message": "temperature high", "source_file": "a.py", "line_number": 7},
                {"level": "ERROR", "timestamp": at(t0, 3604), "message": "rail_3v3 = 3.000 V outside limits", "source_file": "power.py", "line_number": 57}]}),
        // SN-3: aborted before any measurement, by the station key.
        json!({"outcome": "ABORTED", "procedure_id": alpha, "procedure_version": "2.0",
            "started_at": at(t0, 7200), "ended_at": at(t0, 7205), "serial_number": "SN-3", "part_number": "P2",
            "phases": [{"name": "Power", "outcome": "SKIP", "started_at": at(t0, 7201), "ended_at": at(t0, 7201)}],
            "logs": [{"level": "CRITICAL", "timestamp": at(t0, 7202), "message": "operator pressed STOP", "source_file": "ui.py", "line_number": 3}]}),
        // Beta: never in an Alpha answer.
        json!({"outcome": "FAIL", "procedure_id": beta, "started_at": at(t0, 100), "ended_at": at(t0, 160),
            "serial_number": "SN-9", "part_number": "P1",
            "phases": [{"name": "Power", "outcome": "FAIL", "started_at": at(t0, 101), "ended_at": at(t0, 105),
                "measurements": [v(9.0, 3.2, 3.4, false)]}],
            "logs": [{"level": "ERROR", "timestamp": at(t0, 102), "message": "rail_3v3 outside limits on beta", "source_file": "power.py", "line_number": 57}]}),
    ];
    let mut ids = Vec::new();
    for (i, body) in runs.into_iter().enumerate() {
        let body: RunCreateRequest = serde_json::from_value(body).expect("request");
        let client = if i == 2 { &s.station_sdk } else { &s.sdk };
        ids.push(client.runs().create().body(body).send().await.expect("run").id);
    }
    // SN-2 is a golden sample.
    let (status, _) =
        s.call(reqwest::Method::PATCH, "/units/SN-2", Some(r#"{"sample":"golden"}"#)).await;
    assert_eq!(status, 200);
    let admin = s.sdk.users().get_current().send().await.expect("me").id;
    World { s, alpha, beta, runs: ids, t0, admin }
}

impl World {
    fn run(&self, id: &str) -> usize {
        self.runs.iter().position(|r| r == id).expect("one of the world's runs")
    }
}

/// `(run, phase, measurement)` of each row, sorted.
fn keys(w: &World, rows: &[MeasurementListData]) -> Vec<(usize, String, String)> {
    let mut k: Vec<_> = rows
        .iter()
        .map(|r| (w.run(&r.run_id), r.phase_name.clone(), r.measurement_name.clone()))
        .collect();
    k.sort();
    k
}

fn k(run: usize, phase: &str, name: &str) -> (usize, String, String) {
    (run, phase.into(), name.into())
}

#[tokio::test]
async fn measurements_list_every_filter_row_by_row() {
    let w = world().await;
    let list = || w.s.sdk.measurements().list().procedure_id(&w.alpha);
    let all = list().send().await.expect("list").data;
    assert_eq!(
        keys(&w, &all),
        vec![
            k(0, "Power", "flag"),
            k(0, "Power", "fw"),
            k(0, "Power", "sweep"),
            k(0, "Power", "v"),
            k(0, "Retry", "m"),
            k(1, "Power", "flag"),
            k(1, "Power", "fw"),
            k(1, "Power", "v"),
        ],
        "final attempts only by default; nothing of Beta"
    );
    let v1 =
        all.iter().find(|r| w.run(&r.run_id) == 0 && r.measurement_name == "v").expect("v of SN-1");
    assert_eq!(
        (v1.value, v1.units.as_deref(), v1.serial_number.as_deref()),
        (Some(3.3), Some("V"), Some("SN-1"))
    );
    assert_eq!(v1.measurement_type, MeasurementType::Numeric);
    assert_eq!(v1.validators.as_ref().map(Vec::len), Some(2));
    assert!(v1.is_final_attempt && v1.retry_count == 0);
    let v2 =
        all.iter().find(|r| w.run(&r.run_id) == 1 && r.measurement_name == "v").expect("v of SN-2");
    assert_eq!(
        (v2.measurement_outcome.clone(), v2.sample.clone()),
        (Outcome::Fail, Some(Sample::Golden))
    );
    let kinds: Vec<(String, MeasurementType)> = all
        .iter()
        .filter(|r| w.run(&r.run_id) == 0)
        .map(|r| (r.measurement_name.clone(), r.measurement_type.clone()))
        .collect();
    for (name, t) in [
        ("flag", MeasurementType::Boolean),
        ("fw", MeasurementType::String),
        ("sweep", MeasurementType::Multidimensional),
    ] {
        assert!(kinds.contains(&(name.to_string(), t)), "{name}: {kinds:?}");
    }

    let with_retries = list().exclude_retries(false).send().await.expect("retries").data;
    let attempts: Vec<(i64, bool)> = with_retries
        .iter()
        .filter(|r| r.measurement_name == "m")
        .map(|r| (r.retry_count, r.is_final_attempt))
        .collect();
    assert_eq!(attempts.len(), 2);
    assert!(attempts.contains(&(0, false)) && attempts.contains(&(1, true)), "{attempts:?}");

    let names = |rows: Vec<MeasurementListData>| keys(&w, &rows);
    assert_eq!(
        names(list().measurement_name("v").send().await.unwrap().data),
        vec![k(0, "Power", "v"), k(1, "Power", "v")]
    );
    assert_eq!(
        names(list().phase_name("Retry").send().await.unwrap().data),
        vec![k(0, "Retry", "m")]
    );
    assert_eq!(
        names(list().phase_names(vec!["Retry".to_string()]).send().await.unwrap().data),
        vec![k(0, "Retry", "m")]
    );
    let only = |rows: Vec<MeasurementListData>| {
        let mut runs: Vec<usize> = rows.iter().map(|r| w.run(&r.run_id)).collect();
        runs.dedup();
        runs
    };
    assert_eq!(
        only(list().outcomes(vec![LogGetOutcome::Fail]).send().await.unwrap().data),
        vec![1]
    );
    assert_eq!(only(list().ids(vec![w.runs[0].clone()]).send().await.unwrap().data), vec![0]);
    assert_eq!(only(list().duration_min("PT2M").send().await.unwrap().data), vec![1]);
    assert_eq!(only(list().duration_max("PT2M").send().await.unwrap().data), vec![0]);
    assert_eq!(
        only(list().procedure_versions(vec!["2.0".to_string()]).send().await.unwrap().data),
        vec![1]
    );
    assert_eq!(
        list().environments(vec![Environment::Production]).send().await.unwrap().data.len(),
        all.len()
    );
    assert!(list().environments(vec![Environment::Preview]).send().await.unwrap().data.is_empty());
    assert!(list().deployment_ids(vec!["d1".to_string()]).send().await.unwrap().data.is_empty());
    assert_eq!(
        only(list().serial_numbers(vec!["sn-2".to_string()]).send().await.unwrap().data),
        vec![1]
    );
    assert_eq!(
        list().part_numbers(vec!["P1".to_string()]).send().await.unwrap().data.len(),
        all.len()
    );
    assert_eq!(
        only(list().revision_numbers(vec!["B".to_string()]).send().await.unwrap().data),
        vec![1]
    );
    assert_eq!(
        only(list().batch_numbers(vec!["B1".to_string()]).send().await.unwrap().data),
        vec![0]
    );
    assert_eq!(
        only(list().operated_by_names(vec!["Alice Line".to_string()]).send().await.unwrap().data),
        vec![0]
    );
    assert_eq!(
        list().created_by_user_ids(vec![w.admin.clone()]).send().await.unwrap().data.len(),
        all.len()
    );
    assert!(
        list()
            .created_by_station_ids(vec!["nope".to_string()])
            .send()
            .await
            .unwrap()
            .data
            .is_empty()
    );
    assert_eq!(
        only(list().started_after(w.t0 + Duration::minutes(30)).send().await.unwrap().data),
        vec![1]
    );
    assert_eq!(
        only(list().started_before(w.t0 + Duration::minutes(30)).send().await.unwrap().data),
        vec![0]
    );
    let window = |lo: f64, hi: f64| list().value_min(lo).value_max(hi).send();
    let mut values: Vec<f64> =
        window(2.5, 3.31).await.unwrap().data.iter().filter_map(|r| r.value).collect();
    values.sort_by(f64::total_cmp);
    assert_eq!(values, vec![3.0, 3.3]);
    assert_eq!(
        names(list().value_bool(false).send().await.unwrap().data),
        vec![k(1, "Power", "flag")]
    );
    assert_eq!(
        names(list().value_strings(vec!["2.1".to_string()]).send().await.unwrap().data),
        vec![k(0, "Power", "fw")]
    );
    assert_eq!(
        names(list().measurement_outcomes(vec![Outcome::Fail]).send().await.unwrap().data),
        vec![k(1, "Power", "flag"), k(1, "Power", "v")]
    );
    assert_eq!(
        names(
            list()
                .measurement_types(vec![MeasurementType::Multidimensional])
                .send()
                .await
                .unwrap()
                .data
        ),
        vec![k(0, "Power", "sweep")]
    );
    let by_value = list()
        .measurement_name("v")
        .sort_by(MeasurementListSortBy::Value)
        .sort_order(ListSortOrder::Asc)
        .send()
        .await
        .unwrap();
    assert_eq!(by_value.data.iter().filter_map(|r| r.value).collect::<Vec<_>>(), vec![3.0, 3.3]);

    // Paging: two rows at a time reach every row once.
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let mut call = list().limit(2);
        if let Some(c) = cursor {
            call = call.cursor(c);
        }
        let page = call.send().await.expect("page");
        seen.extend(page.data.iter().map(|r| r.id.clone()));
        if !page.meta.has_more {
            break;
        }
        cursor = page.meta.next_cursor;
    }
    let mut expected: Vec<String> = all.iter().map(|r| r.id.clone()).collect();
    expected.sort();
    seen.sort();
    assert_eq!(seen, expected);

    // One measurement by id, with where it is.
    let one = w.s.sdk.measurements().get().id(&v2.id).send().await.expect("get");
    assert_eq!(
        (one.name.as_str(), one.phase.name.as_str(), one.run.id.as_str()),
        ("v", "Power", w.runs[1].as_str())
    );
    assert_eq!(one.procedure.id, w.alpha);
}

#[tokio::test]
async fn phases_list_every_filter_row_by_row() {
    let w = world().await;
    let list = || w.s.sdk.phases().list().procedure_id(&w.alpha);
    let key = |rows: &[PhaseListData]| {
        let mut v: Vec<(usize, String, i64)> =
            rows.iter().map(|r| (w.run(&r.run_id), r.name.clone(), r.retry_count)).collect();
        v.sort();
        v
    };
    let p = |run: usize, name: &str, retry: i64| (run, name.to_string(), retry);
    let all = list().send().await.expect("list").data;
    assert_eq!(
        key(&all),
        vec![p(0, "Power", 0), p(0, "Retry", 1), p(1, "Power", 0), p(2, "Power", 0)]
    );
    let power1 = all.iter().find(|r| w.run(&r.run_id) == 1).expect("SN-2's phase");
    assert_eq!(
        (power1.outcome.clone(), power1.run_outcome.clone()),
        (PhaseGetOutcome::Fail, LogGetOutcome::Fail)
    );
    assert_eq!(
        (power1.duration_ms, power1.serial_number.as_deref(), power1.sample.clone()),
        (Some(4000), Some("SN-2"), Some(Sample::Golden))
    );
    assert_eq!(
        all.iter()
            .find(|r| w.run(&r.run_id) == 0 && r.name == "Power")
            .and_then(|r| r.sequence_path.clone())
            .as_deref(),
        Some("power")
    );

    assert_eq!(
        key(&list().exclude_retries(false).names(vec!["Retry".into()]).send().await.unwrap().data),
        vec![p(0, "Retry", 0), p(0, "Retry", 1)]
    );
    assert_eq!(
        key(&list().outcomes(vec![PhaseGetOutcome::Fail]).send().await.unwrap().data),
        vec![p(1, "Power", 0)]
    );
    assert_eq!(
        key(&list().outcomes(vec![PhaseGetOutcome::Skip]).send().await.unwrap().data),
        vec![p(2, "Power", 0)]
    );
    assert_eq!(
        key(&list().sequence_paths(vec!["power".into()]).send().await.unwrap().data),
        vec![p(0, "Power", 0)]
    );
    assert_eq!(
        key(&list().run_outcomes(vec![LogGetOutcome::Aborted]).send().await.unwrap().data),
        vec![p(2, "Power", 0)]
    );
    assert_eq!(
        key(&list().ids(vec![w.runs[1].clone()]).send().await.unwrap().data),
        vec![p(1, "Power", 0)]
    );
    assert_eq!(
        list().started_after(w.t0 + Duration::minutes(90)).send().await.unwrap().data.len(),
        1
    );
    assert_eq!(
        list().started_before(w.t0 + Duration::minutes(30)).send().await.unwrap().data.len(),
        2
    );
    assert_eq!(
        key(&list().duration_min("PT4M").duration_max("PT6M").send().await.unwrap().data),
        vec![p(1, "Power", 0)]
    );
    assert_eq!(list().procedure_versions(vec!["2.0".into()]).send().await.unwrap().data.len(), 2);
    assert_eq!(
        list().environments(vec![Environment::Production]).send().await.unwrap().data.len(),
        4
    );
    assert!(list().deployment_ids(vec!["d".into()]).send().await.unwrap().data.is_empty());
    assert_eq!(
        key(&list().operated_by_names(vec!["Alice Line".into()]).send().await.unwrap().data).len(),
        2
    );
    assert_eq!(
        key(&list().operated_by_ids(vec![w.admin.clone()]).send().await.unwrap().data),
        vec![p(1, "Power", 0)]
    );
    let station = w.s.station_sdk.stations().get_current().send().await.expect("station").id;
    assert_eq!(
        key(&list().created_by_station_ids(vec![station]).send().await.unwrap().data),
        vec![p(2, "Power", 0)]
    );
    assert_eq!(
        list().created_by_user_ids(vec![w.admin.clone()]).send().await.unwrap().data.len(),
        3
    );
    assert_eq!(
        key(&list().serial_numbers(vec!["SN-3".into()]).send().await.unwrap().data),
        vec![p(2, "Power", 0)]
    );
    assert_eq!(list().part_numbers(vec!["P2".into()]).send().await.unwrap().data.len(), 1);
    assert_eq!(list().revision_numbers(vec!["B".into()]).send().await.unwrap().data.len(), 1);
    assert_eq!(list().batch_numbers(vec!["B1".into()]).send().await.unwrap().data.len(), 2);
    assert_eq!(
        key(&list().samples(vec![ListQueryParamSample::Golden]).send().await.unwrap().data),
        vec![p(1, "Power", 0)]
    );
    assert_eq!(
        list().samples(vec![ListQueryParamSample::Production]).send().await.unwrap().data.len(),
        3
    );
    let by_duration = list()
        .sort_by(PhaseListSortBy::Duration)
        .sort_order(ListSortOrder::Desc)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        key(&by_duration.data),
        vec![p(1, "Power", 0)],
        "SN-2's Power and SN-1's both take 4 s; the later start wins the tie"
    );
    assert!(by_duration.meta.has_more);

    let one = w.s.sdk.phases().get().id(&power1.id).send().await.expect("get");
    assert_eq!(
        (one.name.as_str(), one.measurements.len(), one.run.id.as_str()),
        ("Power", 3, w.runs[1].as_str())
    );
}

#[tokio::test]
async fn logs_list_every_filter_row_by_row() {
    let w = world().await;
    let list = || w.s.sdk.logs().list();
    let msgs = |rows: &[LogListData]| {
        let mut v: Vec<String> = rows.iter().map(|r| r.message.clone()).collect();
        v.sort();
        v
    };
    let all = list().limit(100).send().await.expect("list").data;
    assert_eq!(all.len(), 6, "every line of every run");
    let newest = &all[0];
    assert_eq!(newest.message, "operator pressed STOP", "newest first");
    assert_eq!(
        (newest.run.id.as_str(), newest.unit.serial_number.as_str()),
        (w.runs[2].as_str(), "SN-3")
    );
    assert_eq!(newest.procedure.name, "Alpha");
    assert!(
        format!("{:?}", newest.created_by_station).contains("Bench 1"),
        "made by the station key"
    );

    let alpha = || list().procedure_ids(vec![w.alpha.clone()]);
    assert_eq!(alpha().send().await.unwrap().data.len(), 5);
    assert_eq!(
        msgs(&list().procedure_ids(vec![w.beta.clone()]).send().await.unwrap().data),
        vec!["rail_3v3 outside limits on beta"]
    );
    assert_eq!(
        msgs(&alpha().search_query("RAIL_3").send().await.unwrap().data),
        vec!["rail_3v3 = 3.000 V outside limits"],
        "substring, any case"
    );
    assert_eq!(
        msgs(&list().search_query("ok").send().await.unwrap().data),
        vec!["boot ok"],
        "two letters search too"
    );
    assert_eq!(
        msgs(&alpha().levels(vec![Level::Error, Level::Critical]).send().await.unwrap().data).len(),
        2
    );
    assert_eq!(
        alpha().timestamp_after(w.t0 + Duration::minutes(30)).send().await.unwrap().data.len(),
        3
    );
    assert_eq!(
        alpha().timestamp_before(w.t0 + Duration::seconds(2)).send().await.unwrap().data.len(),
        1,
        "inclusive"
    );
    assert_eq!(
        msgs(&alpha().source_files(vec!["power.py".into()]).send().await.unwrap().data),
        vec!["rail_3v3 = 3.000 V outside limits"]
    );
    assert_eq!(alpha().run_ids(vec![w.runs[0].clone()]).send().await.unwrap().data.len(), 2);
    assert_eq!(
        alpha().run_outcomes(vec![LogGetOutcome::Aborted]).send().await.unwrap().data.len(),
        1
    );
    assert_eq!(alpha().procedure_versions(vec!["1.0".into()]).send().await.unwrap().data.len(), 2);
    assert!(alpha().deployment_ids(vec!["d".into()]).send().await.unwrap().data.is_empty());
    assert_eq!(
        alpha().environments(vec![Environment::Production]).send().await.unwrap().data.len(),
        5
    );
    assert_eq!(alpha().serial_numbers(vec!["SN-2".into()]).send().await.unwrap().data.len(), 2);
    assert_eq!(alpha().part_numbers(vec!["P2".into()]).send().await.unwrap().data.len(), 1);
    assert_eq!(alpha().revision_numbers(vec!["A".into()]).send().await.unwrap().data.len(), 3);
    assert_eq!(alpha().batch_numbers(vec!["B2".into()]).send().await.unwrap().data.len(), 2);
    assert_eq!(alpha().samples(vec![Sample::Golden]).send().await.unwrap().data.len(), 2);
    assert_eq!(
        alpha().created_by_user_ids(vec![w.admin.clone()]).send().await.unwrap().data.len(),
        4
    );
    let station = w.s.station_sdk.stations().get_current().send().await.expect("station").id;
    assert_eq!(alpha().created_by_station_ids(vec![station]).send().await.unwrap().data.len(), 1);
    let by_level = alpha()
        .sort_by(LogListSortBy::Level)
        .sort_order(ListSortOrder::Desc)
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(
        by_level.data.iter().map(|r| r.level.clone()).collect::<Vec<_>>(),
        vec![Level::Critical, Level::Error]
    );
    let page2 = alpha()
        .sort_by(LogListSortBy::Level)
        .sort_order(ListSortOrder::Desc)
        .limit(2)
        .cursor(by_level.meta.next_cursor.expect("more"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        page2.data.iter().map(|r| r.level.clone()).collect::<Vec<_>>(),
        vec![Level::Warning, Level::Info]
    );

    let one = w.s.sdk.logs().get().id(&newest.id).send().await.expect("get");
    assert_eq!((one.message.as_str(), one.line_number), ("operator pressed STOP", Some(3)));
}

#[tokio::test]
async fn a_station_key_sees_only_its_procedures_rows_and_bad_input_names_the_field() {
    let w = world().await;
    let st = &w.s.station_sdk;
    assert!(st.measurements().list().procedure_id(&w.beta).send().await.unwrap().data.is_empty());
    assert!(!st.measurements().list().procedure_id(&w.alpha).send().await.unwrap().data.is_empty());
    let logs = st.logs().list().limit(100).send().await.unwrap().data;
    assert_eq!(logs.len(), 5, "Alpha's lines only");
    assert!(logs.iter().all(|l| l.procedure.id == w.alpha));
    let beta_measurement =
        w.s.sdk.measurements().list().procedure_id(&w.beta).send().await.unwrap().data[0]
            .id
            .clone();
    assert!(matches!(
        st.measurements().get().id(&beta_measurement).send().await,
        Err(tofupilot::Error::NotFound(_))
    ));
    let beta_phase =
        w.s.sdk.phases().list().procedure_id(&w.beta).send().await.unwrap().data[0].id.clone();
    assert!(matches!(
        st.phases().get().id(&beta_phase).send().await,
        Err(tofupilot::Error::NotFound(_))
    ));
    let beta_log =
        w.s.sdk.logs().list().procedure_ids(vec![w.beta.clone()]).send().await.unwrap().data[0]
            .id
            .clone();
    assert!(matches!(
        st.logs().get().id(&beta_log).send().await,
        Err(tofupilot::Error::NotFound(_))
    ));
    assert!(matches!(
        w.s.sdk.logs().get().id(uuid::Uuid::new_v4().to_string()).send().await,
        Err(tofupilot::Error::NotFound(_))
    ));

    for (path, field) in [
        ("/measurements", "procedure_id"),
        ("/measurements?procedure_id=x&measurement_types=vector", "measurement_types"),
        ("/measurements?procedure_id=x&value_min=abc", "value_min"),
        ("/phases?procedure_id=x&outcomes=MAYBE", "outcomes"),
        ("/phases?procedure_id=x&run_outcomes=RUNNING", "run_outcomes"),
        ("/logs?levels=LOUD", "levels"),
        ("/logs?timestamp_after=yesterday", "timestamp_after"),
        ("/logs?limit=0", "limit"),
    ] {
        let (status, body) = w.s.get(path).await;
        assert_eq!(status, 400, "{path}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains(field), "{path}: {message}");
        assert!(body["code"].is_string(), "{body}");
    }
    let (status, body) = w.s.get("/measurements?procedure_id=no-such-procedure").await;
    assert_eq!((status, body["data"].clone()), (200, Value::Array(vec![])));
}
