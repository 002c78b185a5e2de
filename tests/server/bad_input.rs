//! Bad input over raw HTTP: every case answers a 4xx whose message names what is wrong, in the
//! API's error body, and changes nothing.

use crate::common;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn seeded() -> TestServer {
    TestServer::start_with(|store| {
        tofui::server::seed::seed(
            store,
            &tofui::server::seed::SeedOptions { runs: 30, seed: 7, anchor: chrono::Utc::now() },
        )
        .expect("seeded");
    })
    .await
}

fn assert_error(status: u16, body: &Value, want_status: u16, mentions: &str, case: &str) {
    assert_eq!(status, want_status, "{case}: {body}");
    let msg = body["message"].as_str().unwrap_or_else(|| panic!("{case}: no message in {body}"));
    assert!(
        msg.to_lowercase().contains(&mentions.to_lowercase()),
        "{case}: `{msg}` should mention `{mentions}`"
    );
    assert!(
        body["code"].is_string() && body["issues"].is_array(),
        "{case}: error body shape {body}"
    );
}

#[tokio::test]
async fn bad_list_queries_are_400s_naming_the_parameter() {
    let s = seeded().await;
    for (query, field) in [
        ("cursor=abc", "cursor"),
        ("cursor=-5", "cursor"),
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("started_after=2024-13-45", "started_after"),
        ("created_before=yesterday", "created_before"),
        // Without an offset a time is UTC (Python sends naive datetimes so); a time that is
        // not RFC 3339 at all is still refused.
        ("ended_after=2024-01-15%2010:30", "ended_after"),
        ("duration_min=5%20minutes", "duration_min"),
        ("duration_max=PT", "duration_max"),
        ("outcomes=RUNNING", "outcomes"),
        ("samples=prototype", "samples"),
        ("sort_by=name", "sort_by"),
        ("sort_order=up", "sort_order"),
        ("metadata=not-json", "metadata"),
        ("metadata=%5B1%5D", "metadata"),
        ("metadata=%7B%22a%22%3A%7B%22between%22%3A1%7D%7D", "metadata.a"),
        (
            "metadata=%7B%22a%22%3A1%2C%22b%22%3A1%2C%22c%22%3A1%2C%22d%22%3A1%2C%22e%22%3A1%2C%22f%22%3A1%7D",
            "metadata",
        ),
        ("include_metadata=1", "include_metadata"),
    ] {
        let (status, body) = s.get(&format!("/runs?{query}")).await;
        assert_error(status, &body, 400, field, query);
        assert_eq!(
            body["issues"][0]["path"][0],
            json!(field.split('.').next().unwrap()),
            "{query}"
        );
    }
}

fn valid_run(proc_id: &str) -> Value {
    json!({
        "outcome": "PASS", "procedure_id": proc_id, "serial_number": "SN-BAD-1", "part_number": "P-1",
        "started_at": "2026-11-01T08:00:00Z", "ended_at": "2026-11-01T08:01:00Z",
        "phases": [{"name": "p", "outcome": "PASS", "started_at": "2026-11-01T08:00:00Z", "ended_at": "2026-11-01T08:00:30Z",
                    "measurements": [{"name": "m", "outcome": "PASS", "measured_value": 1.0, "validators": [{"operator": ">=", "expected_value": 0}]}]}]
    })
}

#[tokio::test]
async fn bad_run_bodies_are_rejected_with_the_field_and_nothing_is_saved() {
    let s = seeded().await;
    let (_, procs) = s.get("/procedures").await;
    let proc_id = procs["data"][0]["id"].as_str().expect("a procedure").to_string();
    let before = s.run_count().await;
    let units_before: i64 = s
        .running
        .store
        .reader()
        .query_row("SELECT COUNT(*) FROM units", [], |r| r.get(0))
        .expect("count");

    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut v = valid_run(&proc_id);
        f(&mut v);
        v.to_string()
    };
    let cases: Vec<(String, String, u16, &str)> = vec![
        ("malformed JSON".into(), "{\"outcome\": ".into(), 400, "malformed"),
        ("empty body".into(), "".into(), 400, "empty"),
        ("not an object".into(), "[1,2]".into(), 400, "invalid"),
        ("unknown outcome".into(), mutate(&|v| v["outcome"] = json!("RUNNING")), 400, "outcome"),
        (
            "missing serial".into(),
            mutate(&|v| {
                v.as_object_mut().unwrap().remove("serial_number");
            }),
            400,
            "serial_number",
        ),
        (
            "empty serial".into(),
            mutate(&|v| v["serial_number"] = json!("  ")),
            400,
            "serial_number",
        ),
        (
            "naive timestamp".into(),
            mutate(&|v| v["started_at"] = json!("2026-11-01T08:00:00")),
            400,
            "started_at",
        ),
        (
            "ends before it starts".into(),
            mutate(&|v| v["ended_at"] = json!("2026-11-01T07:00:00Z")),
            400,
            "ended_at",
        ),
        (
            "unknown procedure".into(),
            mutate(&|v| v["procedure_id"] = json!("0e4c8c4e-0000-4000-8000-000000000000")),
            404,
            "procedure",
        ),
        (
            "new unit without part".into(),
            mutate(&|v| {
                v.as_object_mut().unwrap().remove("part_number");
            }),
            400,
            "part_number",
        ),
        (
            "bad phase outcome".into(),
            mutate(&|v| v["phases"][0]["outcome"] = json!("DONE")),
            400,
            "phases[0].outcome",
        ),
        (
            "bad measurement outcome".into(),
            mutate(&|v| v["phases"][0]["measurements"][0]["outcome"] = json!("OK")),
            400,
            "phases[0].measurements[0].outcome",
        ),
        (
            "bad validator operator".into(),
            mutate(&|v| {
                v["phases"][0]["measurements"][0]["validators"][0]["operator"] = json!("=~")
            }),
            400,
            "validators[0].operator",
        ),
        (
            "retry_count not an integer".into(),
            mutate(&|v| v["phases"][0]["retry_count"] = json!(1.5)),
            400,
            "retry_count",
        ),
        (
            "unknown sequence".into(),
            mutate(&|v| v["phases"][0]["sequence_path"] = json!("nowhere")),
            400,
            "sequence_path",
        ),
        (
            "orphan nested sequence".into(),
            mutate(&|v| v["sequences"] = json!([{"path": "a/b", "name": "b", "outcome": "PASS"}])),
            400,
            "sequences[0].path",
        ),
        (
            "bad log level".into(),
            mutate(
                &|v| v["logs"] = json!([{"level": "LOUD", "timestamp": "2026-11-01T08:00:00Z", "message": "x", "source_file": "a", "line_number": 1}]),
            ),
            400,
            "logs[0].level",
        ),
        (
            "metadata object value".into(),
            mutate(&|v| v["metadata"] = json!({"nested": {"a": 1}})),
            400,
            "metadata.nested",
        ),
        (
            "too many metadata keys".into(),
            mutate(&|v| {
                v["metadata"] =
                    Value::Object((0..51).map(|i| (format!("k{i}"), json!(i))).collect())
            }),
            400,
            "metadata",
        ),
        (
            "secret with a value".into(),
            mutate(&|v| v["secrets"] = json!([{"key": "pw", "value": "hunter2"}])),
            400,
            "secrets[0]",
        ),
        (
            "unknown sub-unit".into(),
            mutate(&|v| v["sub_units"] = json!(["NO-SUCH-UNIT"])),
            404,
            "no-such-unit",
        ),
        (
            "slot without execution".into(),
            mutate(&|v| v["slot_key"] = json!("slot-1")),
            400,
            "slot_key",
        ),
    ];
    for (case, body, status, mention) in cases {
        let (got, resp) = s.call(Method::POST, "/runs", Some(&body)).await;
        assert_error(got, &resp, status, mention, &case);
        assert!(
            !resp["message"].as_str().unwrap_or("").contains("hunter2"),
            "{case}: echoes a secret"
        );
    }
    assert_eq!(s.run_count().await, before, "no rejected create saved a run");
    let units_after: i64 = s
        .running
        .store
        .reader()
        .query_row("SELECT COUNT(*) FROM units", [], |r| r.get(0))
        .expect("count");
    assert_eq!(units_after, units_before, "no rejected create left a unit behind");
    // The valid body itself is accepted: the cases above failed for their own reason.
    let (ok, _) = s.call(Method::POST, "/runs", Some(&valid_run(&proc_id).to_string())).await;
    assert_eq!(ok, 200);
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let s = seeded().await;
    let before = s.run_count().await;
    let huge = format!("{{\"docstring\": \"{}\"}}", "x".repeat(65 * 1024 * 1024));
    let (status, body) = s.call(Method::POST, "/runs", Some(&huge)).await;
    assert_error(status, &body, 413, "larger than", "oversized");
    assert_eq!(s.run_count().await, before);
}

#[tokio::test]
async fn unknown_ids_are_404_and_change_nothing() {
    let s = seeded().await;
    for (method, path, body) in [
        (Method::GET, "/runs/does-not-exist", None),
        (Method::PATCH, "/runs/does-not-exist", Some("{}")),
        (Method::PATCH, "/runs/does-not-exist/metadata", Some("{\"metadata\":{\"a\":1}}")),
        (Method::DELETE, "/runs?ids=does-not-exist", None),
        (Method::POST, "/runs/does-not-exist/attachments", Some("{\"name\":\"a.txt\"}")),
        (Method::POST, "/attachments/does-not-exist/finalize", None),
        (Method::GET, "/procedures/does-not-exist", None),
    ] {
        let (status, resp) = s.call(method.clone(), path, body).await;
        assert_error(status, &resp, 404, "not found", &format!("{method} {path}"));
    }
    assert_eq!(s.run_count().await, 30);
}

#[tokio::test]
async fn a_rejected_metadata_patch_leaves_the_run_as_it_was() {
    let s = seeded().await;
    let (_, page) = s.get("/runs?limit=1&include_metadata=true").await;
    let id = page["data"][0]["id"].as_str().expect("id").to_string();
    let before = page["data"][0]["metadata"].clone();
    for (case, body, mention) in [
        ("array value", json!({"metadata": {"shift": "Z", "bad": [1]}}), "metadata.bad"),
        ("not an object", json!({"metadata": "shift=Z"}), "metadata"),
        ("empty key", json!({"metadata": {"": 1}}), "metadata"),
    ] {
        let (status, resp) =
            s.call(Method::PATCH, &format!("/runs/{id}/metadata"), Some(&body.to_string())).await;
        assert_error(status, &resp, 400, mention, case);
    }
    let (_, after) = s.get(&format!("/runs/{id}")).await;
    assert_eq!(after["metadata"], before);
}

#[tokio::test]
async fn auth_and_routing_errors_use_the_error_body() {
    let s = seeded().await;
    let no_key = s.http.get(s.api("/runs")).send().await.expect("sent");
    assert_eq!(no_key.status().as_u16(), 401);
    let body: Value = no_key.json().await.expect("json");
    assert!(body["message"].as_str().unwrap_or("").contains("Authorization"));
    let bad_key =
        s.http.get(s.api("/runs")).bearer_auth("secret-guess-123").send().await.expect("sent");
    assert_eq!(bad_key.status().as_u16(), 401);
    let text = bad_key.text().await.expect("text");
    assert!(!text.contains("secret-guess-123"), "a rejected key is never echoed");
    let (status, body) = s.call(Method::GET, "/nowhere", None).await;
    assert_error(status, &body, 404, "no route", "unknown route");
    let (status, body) = s.call(Method::PUT, "/runs", Some("{}")).await;
    assert_error(status, &body, 405, "not allowed", "wrong method");
    let wrong_token =
        s.http.get(format!("{}/files/x?token=nope", s.running.url)).send().await.expect("sent");
    assert_eq!(wrong_token.status().as_u16(), 404);
}

/// A bounded random client of the attachment routes and the file links: names with any
/// characters, uploads and finalizes in any order, with right, wrong and swapped tokens, over
/// both keys. Whatever it sends: no 5xx, every error is the API's JSON body, a finalized file
/// never changes and downloads byte for byte.
#[tokio::test]
async fn a_random_client_of_the_attachment_routes_breaks_nothing() {
    let s = seeded().await;
    let (_, page) = s.get("/runs?limit=5").await;
    let runs: Vec<String> = page["data"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect();
    let mut rng = fastrand::Rng::with_seed(0x5afe);
    let names = [
        "ok.txt",
        "",
        "a/b.txt",
        "..\\x",
        "ünïcödé.csv",
        "bell\u{7}.txt",
        "nul\u{0}.bin",
        "tab\tok.txt",
        "\u{202e}txt.exe",
        "very-long-name.txt",
    ];
    // (id, upload url, bytes that were uploaded, finalized download url)
    type File = (String, String, Option<Vec<u8>>, Option<String>);
    let mut files: Vec<File> = Vec::new();
    for step in 0..400 {
        let key = if rng.u8(0..4) == 0 { STATION_KEY } else { USER_KEY };
        let resp = match rng.u8(0..6) {
            0 | 1 => {
                let name = if rng.bool() {
                    names[rng.usize(0..names.len())].to_string()
                } else {
                    "x".repeat(rng.usize(0..400))
                };
                let path = if rng.bool() {
                    format!("/runs/{}/attachments", runs[rng.usize(0..runs.len())])
                } else {
                    "/attachments".into()
                };
                let r = s
                    .http
                    .post(s.api(&path))
                    .bearer_auth(key)
                    .json(&json!({"name": name}))
                    .send()
                    .await
                    .expect("sent");
                if r.status().is_success() {
                    let body: Value = r.json().await.expect("json");
                    files.push((
                        body["id"].as_str().expect("id").into(),
                        body["upload_url"].as_str().expect("url").into(),
                        None,
                        None,
                    ));
                    continue;
                }
                r
            }
            2 if !files.is_empty() => {
                let i = rng.usize(0..files.len());
                let bytes: Vec<u8> = (0..rng.usize(0..2_000)).map(|_| rng.u8(..)).collect();
                let url = match (rng.u8(0..3), &files[i].3) {
                    (0, Some(download)) => download.clone(),
                    (1, _) => {
                        format!("{}?token=forged", files[i].1.split('?').next().unwrap_or_default())
                    }
                    _ => files[i].1.clone(),
                };
                let r = s.http.put(&url).body(bytes.clone()).send().await.expect("sent");
                if r.status().is_success() {
                    assert!(files[i].3.is_none(), "step {step}: a finalized file took an upload");
                    assert_eq!(url, files[i].1, "step {step}: only the upload link uploads");
                    files[i].2 = Some(bytes);
                    continue;
                }
                r
            }
            3 if !files.is_empty() => {
                let i = rng.usize(0..files.len());
                let r = s
                    .http
                    .post(s.api(&format!("/attachments/{}/finalize", files[i].0)))
                    .bearer_auth(key)
                    .send()
                    .await
                    .expect("sent");
                if r.status().is_success() {
                    let body: Value = r.json().await.expect("json");
                    assert!(
                        files[i].2.is_some() && files[i].3.is_none(),
                        "step {step}: finalized twice or empty"
                    );
                    files[i].3 = Some(body["url"].as_str().expect("url").into());
                    continue;
                }
                r
            }
            4 if !files.is_empty() => {
                let i = rng.usize(0..files.len());
                let url = files[i].3.clone().unwrap_or_else(|| files[i].1.clone());
                let r = s.http.get(&url).send().await.expect("sent");
                if r.status().is_success() {
                    let got = r.bytes().await.expect("bytes");
                    assert_eq!(
                        Some(got.to_vec()),
                        files[i].2,
                        "step {step}: a download is what was uploaded"
                    );
                    continue;
                }
                r
            }
            _ => {
                let junk = [
                    "/files/x",
                    "/files/x?token=",
                    "/files/%00?token=a%ZZ",
                    "/api/v2/attachments/nope/finalize",
                ];
                let url = format!("{}{}", s.running.url, junk[rng.usize(0..junk.len())]);
                s.http
                    .request(if rng.bool() { Method::GET } else { Method::PUT }, &url)
                    .bearer_auth(key)
                    .send()
                    .await
                    .expect("sent")
            }
        };
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        assert!((400..500).contains(&status), "step {step}: {status} {text}");
        let body: Value =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("step {step}: not JSON: {text}"));
        assert!(body["message"].is_string() && body["code"].is_string(), "step {step}: {body}");
    }
    assert!(files.iter().any(|f| f.3.is_some()), "the walk finalized some files");
}
