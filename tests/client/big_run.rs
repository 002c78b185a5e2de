//! A big run over HTTP: the server sends it as it reads it (in chunks, its length announced
//! first), the dashboard decodes its head on two threads and its logs apart; what arrives is
//! what was created, for the official SDK and for the dashboard's client alike.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use serde_json::{Value, json};
use tofui::worker::client::{decode_logs, decode_run_head, silent};

const PHASES: usize = 3;
const MEASUREMENTS: usize = 2_000;
const LOGS: usize = 20_000;

fn big_run(proc_id: &str) -> Value {
    let t0 = Utc::now() - Duration::hours(1);
    let at = |s: i64| (t0 + Duration::milliseconds(s)).to_rfc3339();
    let phases: Vec<Value> = (0..PHASES)
        .map(|p| {
            let measurements: Vec<Value> = (0..MEASUREMENTS)
                .map(|m| {
                    json!({"name": format!("ch_{p}_{m:04}"), "outcome": "PASS", "units": "V",
                       "measured_value": 1.0 + m as f64 / 10_000.0,
                       "validators": [{"operator": ">=", "expected_value": 0.5},
                                      {"operator": "<=", "expected_value": 1.5}]})
                })
                .collect();
            json!({"name": format!("Phase {p}"), "outcome": "PASS", "started_at": at(p as i64),
                   "ended_at": at(p as i64 + 1), "measurements": measurements})
        })
        .collect();
    // Messages with what JSON must escape, and text that looks like the run's own keys.
    let logs: Vec<Value> = (0..LOGS)
        .map(|i| {
            json!({"level": "INFO", "timestamp": at(i as i64),
                   "message": format!("line {i}: \"logs\":[{{\"phases\":\\ é 😀"),
                   "source_file": "soak.py", "line_number": i})
        })
        .collect();
    json!({"outcome": "PASS", "procedure_id": proc_id, "started_at": at(0),
           "ended_at": at(60_000), "serial_number": "SN-BIG-1", "part_number": "PCB-BIG",
           "phases": phases, "logs": logs})
}

#[tokio::test]
async fn a_big_run_arrives_whole_and_as_created() {
    let s = TestServer::start().await;
    let proc_id = s.sdk.procedures().create().name("Soak").send().await.expect("procedure").id;
    let body = big_run(&proc_id).to_string();
    let (status, created) = s.call(reqwest::Method::POST, "/runs", Some(&body)).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().expect("id").to_string();

    // Raw (not compressed: a compressed stream has no length to announce): the announced
    // length is the length sent, and it is JSON.
    let resp = s
        .http
        .get(s.api(&format!("/runs/{id}")))
        .bearer_auth(USER_KEY)
        .header("accept-encoding", "identity")
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), 200);
    let announced = resp.content_length().expect("a length announced before the body");
    let raw = resp.bytes().await.expect("body");
    assert_eq!(announced as usize, raw.len());
    assert!(raw.len() > 3 << 20, "big enough to go out in several chunks: {}", raw.len());
    let whole: tofui::api::RunDetail = serde_json::from_slice(&raw).expect("the body is JSON");

    // The official SDK decodes it.
    let run = s.sdk.runs().get().id(&id).send().await.expect("the SDK decodes it");
    assert_eq!(run.logs.as_ref().map(Vec::len), Some(LOGS));
    let phases = run.phases.expect("phases");
    assert_eq!(phases.iter().map(|p| p.measurements.len()).sum::<usize>(), PHASES * MEASUREMENTS);

    // The dashboard's client: the head, then the logs, equal to the whole body decoded at once.
    let client =
        crate::common::api_client(&s.running.url, USER_KEY, std::time::Duration::from_secs(30));
    let body = client.get_run_body(&id, &silent()).await.expect("run body");
    let (head, logs_at) = decode_run_head(&body).expect("head");
    let logs = decode_logs(&body[logs_at.expect("logs follow")]).expect("logs");
    assert_eq!(head.phases, whole.phases);
    assert_eq!(head.summary, whole.summary);
    assert_eq!(Some(&logs), whole.logs.as_ref());
    assert_eq!(logs.len(), LOGS);
    assert_eq!(
        logs[LOGS - 1].message,
        format!("line {}: \"logs\":[{{\"phases\":\\ é 😀", LOGS - 1)
    );
    let m = &head.phases.as_ref().expect("phases")[PHASES - 1].measurements[MEASUREMENTS - 1];
    assert_eq!(m.name, format!("ch_{}_{:04}", PHASES - 1, MEASUREMENTS - 1));

    // Errors are still plain answers, before any body: a run that is not there is a 404.
    let (status, err) = s.get("/runs/00000000-0000-4000-8000-000000000000").await;
    assert_eq!(status, 404, "{err}");
    // A station key outside the run's procedure sees nothing either.
    let resp = s
        .http
        .get(s.api(&format!("/runs/{id}")))
        .bearer_auth(STATION_KEY)
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), 404);
}
