//! Units and their genealogy, the catalog's station scope, and a second real client: the
//! official Python SDK's exact query strings, and our own client (`worker::catalog`), which
//! must say when a server lacks the cross-run lists.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use serde_json::json;
use tofui::api::crossrun::{LogListRequest, MeasurementListRequest};
use tofui::worker::client::{ClientError, silent};
use tofupilot::types::*;

async fn unit(s: &TestServer, serial: &str, part: &str) {
    let (status, body) = s
        .call(
            reqwest::Method::POST,
            "/units",
            Some(
                &json!({"serial_number": serial, "part_number": part, "revision_number": "A"})
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn units_form_a_tree_that_never_loops_and_lists_filter_on_it() {
    let s = TestServer::start().await;
    // SYS-1 ⊃ PCB-1 ⊃ RF-1, and PCB-1 ⊃ RF-2.
    for (serial, part) in [("SYS-1", "SYS"), ("PCB-1", "PCB"), ("RF-1", "RF"), ("RF-2", "RF")] {
        unit(&s, serial, part).await;
    }
    for (parent, child) in [("SYS-1", "PCB-1"), ("PCB-1", "RF-1"), ("pcb-1", "RF-2")] {
        s.sdk
            .units()
            .add_child()
            .serial_number(parent)
            .child_serial_number(child)
            .send()
            .await
            .expect("add child");
    }
    let pcb = s.sdk.units().get().serial_number("PCB-1").send().await.expect("get");
    let parent = pcb.parent.clone().expect("a parent");
    assert_eq!(parent.serial_number, "SYS-1");
    let mut children: Vec<String> =
        pcb.children.iter().flatten().map(|c| c.serial_number.clone()).collect();
    children.sort();
    assert_eq!(children, vec!["RF-1", "RF-2"]);

    // A unit can never become its own ancestor, at any depth.
    for (parent, child) in [("RF-1", "SYS-1"), ("RF-1", "RF-1"), ("PCB-1", "SYS-1")] {
        let r =
            s.sdk.units().add_child().serial_number(parent).child_serial_number(child).send().await;
        assert!(matches!(r, Err(tofupilot::Error::BadRequest(_))), "{parent} ⊃ {child}: {r:?}");
    }
    let roots = s.sdk.units().list().exclude_units_with_parent(true).send().await.expect("roots");
    assert_eq!(
        roots.data.iter().map(|u| u.serial_number.as_str()).collect::<Vec<_>>(),
        vec!["SYS-1"]
    );

    // A run with sub-units makes them children too; deleting the parent frees its children.
    let proc_id = s.sdk.procedures().create().name("Assembly").send().await.expect("proc").id;
    pass_run(&s.sdk, &proc_id, "SYS-2", "SYS")
        .sub_units(vec!["RF-2".to_string()])
        .send()
        .await
        .expect("run");
    let rf2 = s.sdk.units().get().serial_number("RF-2").send().await.expect("RF-2");
    assert_eq!(
        rf2.parent.map(|p| p.serial_number).as_deref(),
        Some("SYS-2"),
        "moved to its new assembly"
    );
    let sys2 = s.sdk.units().get().serial_number("SYS-2").send().await.expect("SYS-2");
    let NullableField::Value(during) = sys2.created_during else { panic!("created during a run") };
    assert_eq!(during.procedure.name, "Assembly");
    let deleted = s
        .sdk
        .units()
        .delete()
        .serial_numbers(vec!["SYS-2".to_string()])
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.id.len(), 1);
    let rf2 = s.sdk.units().get().serial_number("RF-2").send().await.expect("RF-2 stays");
    assert!(rf2.parent.is_none());
    assert_eq!(s.run_count().await, 0, "the unit's runs went with it");

    // The last run, run counts and `latest_only`.
    let now = Utc::now();
    for (serial, outcome, minutes) in
        [("PCB-1", "FAIL", 30), ("PCB-1", "PASS", 10), ("RF-1", "FAIL", 5)]
    {
        let body: RunCreateRequest = serde_json::from_value(json!({
            "outcome": outcome, "procedure_id": proc_id, "serial_number": serial,
            "started_at": (now - Duration::minutes(minutes)).to_rfc3339(),
            "ended_at": (now - Duration::minutes(minutes - 1)).to_rfc3339()}))
        .expect("request");
        s.sdk.runs().create().body(body).send().await.expect("run");
    }
    let failed_ever =
        s.sdk.units().list().outcomes(vec![LogGetOutcome::Fail]).send().await.expect("ever");
    let mut ever: Vec<&str> = failed_ever.data.iter().map(|u| u.serial_number.as_str()).collect();
    ever.sort();
    assert_eq!(ever, vec!["PCB-1", "RF-1"]);
    let failing_now = s
        .sdk
        .units()
        .list()
        .outcomes(vec![LogGetOutcome::Fail])
        .latest_only(true)
        .send()
        .await
        .expect("now");
    assert_eq!(
        failing_now.data.iter().map(|u| u.serial_number.as_str()).collect::<Vec<_>>(),
        vec!["RF-1"]
    );
    let twice = s.sdk.units().list().run_count_min(2).send().await.expect("counts");
    assert_eq!(
        twice.data.iter().map(|u| u.serial_number.as_str()).collect::<Vec<_>>(),
        vec!["PCB-1"]
    );
    let last = &twice.data[0].last_run;
    assert!(format!("{last:?}").contains("Pass"), "the newest run is the last: {last:?}");
    let by_last_run = s
        .sdk
        .units()
        .list()
        .sort_by(UnitListSortBy::LastRunAt)
        .sort_order(ListSortOrder::Desc)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(by_last_run.data[0].serial_number, "RF-1");
    let (status, _) =
        s.call(reqwest::Method::PATCH, "/units/RF-1", Some(r#"{"batch_number":"B9"}"#)).await;
    assert_eq!(status, 200);
    let serials = |body: &serde_json::Value| {
        let mut v: Vec<String> = body["data"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|u| u["serial_number"].as_str().unwrap_or_default().to_string())
            .collect();
        v.sort();
        v
    };
    let (status, body) = s.get("/units?batch_numbers=").await;
    assert_eq!(status, 200);
    assert_eq!(serials(&body), vec!["PCB-1", "RF-2", "SYS-1"], "an empty batch number: no batch");
    let (_, body) = s.get("/units?batch_numbers=b9").await;
    assert_eq!(serials(&body), vec!["RF-1"]);
}

#[tokio::test]
async fn python_query_strings_are_accepted_as_sent() {
    let s = TestServer::start().await;
    let proc_id = s.sdk.procedures().create().name("P").send().await.expect("proc").id;
    pass_run(&s.sdk, &proc_id, "SN-PY", "PY").send().await.expect("run");
    // Exactly what tofupilot==2.26.1 sends for a plain call of each list (captured from it).
    for path in [
        "/runs?limit=50&sort_by=started_at&sort_order=desc&metadata=&include_metadata=false&include_sequences=false".to_string(),
        "/units?latest_only=false&exclude_units_with_parent=false&limit=50&sort_by=created_at&sort_order=desc&metadata=&include_metadata=false".to_string(),
        "/stations?limit=50&metadata=&include_metadata=false".to_string(),
        "/parts?limit=50&sort_by=created_at&sort_order=desc&metadata=&include_metadata=false".to_string(),
        "/batches?limit=50&sort_by=created_at&sort_order=desc".to_string(),
        "/procedures?limit=1&cursor=0.0&created_after=2024-01-15T10%3A30%3A00.123456Z".to_string(),
        format!("/measurements?procedure_id={proc_id}&exclude_retries=true&sort_by=started_at&sort_order=desc&limit=50"),
        format!("/phases?procedure_id={proc_id}&exclude_retries=true&sort_by=started_at&sort_order=desc&limit=50"),
        "/logs?sort_by=created_at&sort_order=desc&limit=50".to_string(),
        "/runs?created_after=2024-01-15T10%3A30%3A00&limit=50".to_string(),
    ] {
        let (status, body) = s.get(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert!(body["data"].is_array() && body["meta"]["has_more"].is_boolean(), "{path}: {body}");
    }
    let (_, runs) = s.get("/runs?limit=50&sort_by=started_at&sort_order=desc&metadata=&include_metadata=false&include_sequences=false").await;
    assert_eq!(runs["data"][0]["unit"]["serial_number"], "SN-PY");
}

#[tokio::test]
async fn a_station_key_sees_the_catalog_of_its_own_work_only() {
    let s = TestServer::start().await;
    let mine = s.sdk.procedures().create().name("Mine").send().await.expect("proc").id;
    let other = s.sdk.procedures().create().name("Other").send().await.expect("proc").id;
    s.running.store.writer().execute(
        "INSERT INTO station_procedures (station_id, procedure_id) SELECT principal_id, ?1 FROM api_keys WHERE kind = 'station'",
        [&mine],
    ).expect("link");
    for (p, serial, part) in [(&mine, "SN-MINE", "PM"), (&other, "SN-OTHER", "PO")] {
        pass_run(&s.sdk, p, serial, part)
            .batch_number(format!("B-{part}"))
            .send()
            .await
            .expect("run");
    }
    let st = &s.station_sdk;
    let units = st.units().list().send().await.expect("units");
    assert_eq!(
        units.data.iter().map(|u| u.serial_number.as_str()).collect::<Vec<_>>(),
        vec!["SN-MINE"]
    );
    assert!(matches!(
        st.units().get().serial_number("SN-OTHER").send().await,
        Err(tofupilot::Error::NotFound(_))
    ));
    assert!(
        matches!(st.procedures().get().id(&other).send().await, Err(tofupilot::Error::NotFound(_))),
        "no 403 that tells it exists"
    );
    let procs = st.procedures().list().send().await.expect("procedures");
    assert_eq!(procs.data.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), vec!["Mine"]);
    let parts = st.parts().list().send().await.expect("parts");
    assert_eq!(parts.data.iter().map(|p| p.number.as_str()).collect::<Vec<_>>(), vec!["PM"]);
    assert!(matches!(
        st.parts().get().number("PO").send().await,
        Err(tofupilot::Error::NotFound(_))
    ));
    let batches = st.batches().list().send().await.expect("batches");
    assert_eq!(batches.data.iter().map(|b| b.number.as_str()).collect::<Vec<_>>(), vec!["B-PM"]);
    let stations = st.stations().list().send().await.expect("stations");
    assert_eq!(stations.data.len(), 1, "itself");
    assert!(
        matches!(st.users().list().send().await, Err(tofupilot::Error::Forbidden(_))),
        "members' emails are not a station's"
    );
    // Writes a station key may not make.
    assert!(matches!(
        st.parts().create().number("NEW").send().await,
        Err(tofupilot::Error::Forbidden(_))
    ));
    assert!(matches!(
        st.units().create().serial_number("X").part_number("PM").revision_number("A").send().await,
        Err(tofupilot::Error::Forbidden(_))
    ));
    assert!(matches!(
        st.stations().create().name("S").send().await,
        Err(tofupilot::Error::Forbidden(_))
    ));
    assert!(matches!(
        st.units().delete().serial_numbers(vec!["SN-MINE".to_string()]).send().await,
        Err(tofupilot::Error::Forbidden(_))
    ));
    assert!(matches!(
        s.sdk.stations().get_current().send().await,
        Err(tofupilot::Error::Forbidden(_))
    ));
}

#[tokio::test]
async fn our_client_reads_every_list_and_says_when_a_server_lacks_one() {
    let s = TestServer::start().await;
    let proc_id = s.sdk.procedures().create().name("Ours").send().await.expect("proc").id;
    let now = Utc::now();
    let body: RunCreateRequest = serde_json::from_value(json!({
        "outcome": "FAIL", "procedure_id": proc_id, "serial_number": "SN-OURS", "part_number": "P",
        "started_at": (now - Duration::minutes(2)).to_rfc3339(), "ended_at": now.to_rfc3339(),
        "phases": [{"name": "Rails", "outcome": "FAIL", "started_at": (now - Duration::seconds(100)).to_rfc3339(),
            "ended_at": (now - Duration::seconds(90)).to_rfc3339(),
            "measurements": [{"name": "rail", "outcome": "FAIL", "measured_value": 3.1, "units": "V"}]}],
        "logs": [{"level": "ERROR", "timestamp": (now - Duration::seconds(95)).to_rfc3339(), "message": "rail low", "source_file": "r.py", "line_number": 9}]}))
    .expect("request");
    s.sdk.runs().create().body(body).send().await.expect("run");
    let client =
        crate::common::api_client(&s.running.url, USER_KEY, std::time::Duration::from_secs(5));
    let report = silent();
    let req = MeasurementListRequest { procedure_id: proc_id.clone(), ..Default::default() };
    let page = client.list_measurements(&req, &report).await.expect("measurements");
    assert_eq!(
        (page.rows.len(), page.rows[0].value, page.rows[0].measurement_name.as_str()),
        (1, Some(3.1), "rail")
    );
    let logs = client
        .list_logs(&LogListRequest { search: Some("low".into()), ..Default::default() }, &report)
        .await
        .expect("logs");
    assert_eq!(logs.rows[0].unit.serial_number, "SN-OURS");
    let unit = client.get_unit("sn-ours", &report).await.expect("unit");
    assert_eq!(
        (unit.serial_number.as_str(), unit.created_during.map(|r| r.id).is_some()),
        ("SN-OURS", true)
    );

    // An older TofuPilot without the cross-run lists answers 404 to them.
    let old = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::NOT_FOUND,
            axum::Json(json!({"message": "Not found", "code": "NOT_FOUND"})),
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, old).await });
    let client = crate::common::api_client(
        &format!("http://{addr}"),
        "k",
        std::time::Duration::from_secs(5),
    );
    let err = client.list_measurements(&req, &report).await.expect_err("no such list");
    assert!(matches!(&err, ClientError::NotSupported(m) if m.contains("measurements")), "{err:?}");
    let err = client.get_unit("SN-1", &report).await.expect_err("404");
    assert!(matches!(err, ClientError::NotFound(_)), "a unit that is not there is just not found");

    // A row that cannot be read is counted, not fatal.
    let page = tofui::worker::catalog::decode_rows::<tofui::api::crossrun::PhaseRow>(
        br#"{"data":[{"id":"a","name":"ok","retry_count":0},{"id":"b","retry_count":"three"}],"meta":{"has_more":false}}"#,
    )
    .expect("page");
    assert_eq!((page.rows.len(), page.bad_rows.len()), (1, 1));
}
