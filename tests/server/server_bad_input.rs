//! Bad input the server must answer cleanly (issue 28, items 12–14): a NUL in a search, a
//! path segment that is not UTF-8, a request line or headers hyper cannot take, and a
//! `client_run_ref` padded with spaces.

use crate::common;

use std::time::Duration;

use chrono::Utc;
use common::guarded::*;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};
use tofui::server::listen::{Guards, Limits};
use tokio::io::AsyncWriteExt;

fn is_api_error(body: &Value, code: &str) -> bool {
    body["code"] == code && body["message"].as_str().is_some_and(|m| !m.is_empty())
}

/// Item 12: a NUL in a search of three or more characters is a 400 naming the parameter,
/// never a 500 from the full-text index.
#[tokio::test]
async fn a_nul_in_a_search_is_a_400_not_a_500() {
    let s = TestServer::start().await;
    for list in ["/runs", "/units", "/logs", "/procedures", "/parts", "/batches", "/stations"] {
        let (status, body) = s.get(&format!("{list}?search_query=ab%00c")).await;
        assert_eq!(status, 400, "{list}: {body}");
        assert!(is_api_error(&body, "BAD_REQUEST"), "{list}: {body}");
        assert!(body.to_string().contains("search_query"), "{list}: {body}");
    }
}

/// Item 13: a path segment that is not UTF-8 is a JSON 400, as every error of ours.
#[tokio::test]
async fn a_path_segment_that_is_not_utf8_is_a_json_400() {
    let s = TestServer::start().await;
    let resp = s.http.get(s.api("/units/%FF")).bearer_auth(USER_KEY).send().await.expect("sent");
    assert_eq!(resp.status().as_u16(), 400);
    let ct = resp.headers().get("content-type").map(|v| v.to_str().unwrap_or("").to_string());
    assert_eq!(ct.as_deref(), Some("application/json"));
    let body: Value = resp.json().await.expect("json");
    assert!(is_api_error(&body, "BAD_REQUEST"), "{body}");
}

/// Sends `bytes` on a new connection and returns what the server answers before closing.
async fn answer_to(s: &GuardedServer, bytes: &[u8]) -> String {
    let mut c = connect_from("127.0.0.1", s.addr()).await.expect("connect");
    // The server may answer and close before all of it is sent.
    let _ = c.write_all(bytes).await;
    let (text, closed) = read_until_closed(&mut c, Duration::from_secs(10)).await;
    assert!(closed, "the connection is closed after the error: {text}");
    text
}

fn json_body(answer: &str) -> Value {
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or(Value::Null)
}

/// Item 13: a malformed request line and headers over hyper's buffer get JSON answers too.
#[tokio::test]
async fn unparseable_requests_get_json_answers() {
    let s = GuardedServer::start(Limits::default(), Guards::default()).await;
    let answer = answer_to(&s, b"GARBAGE\x01 / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(is_api_error(&json_body(&answer), "BAD_REQUEST"), "{answer}");

    let mut huge = b"GET /api/v2/whoami HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 0..600 {
        huge.extend_from_slice(format!("X-Filler-{i}: {}\r\n", "a".repeat(4000)).as_bytes());
    }
    huge.extend_from_slice(b"\r\n");
    let answer = answer_to(&s, &huge).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    assert!(is_api_error(&json_body(&answer), "REQUEST_HEADER_FIELDS_TOO_LARGE"), "{answer}");
    assert!(s.whoami().await, "the server still serves");
}

/// Item 14: a `client_run_ref` with spaces around it is the trimmed ref: a replay, padded or
/// not, answers the same run.
#[tokio::test]
async fn a_padded_client_run_ref_replays_to_the_same_run() {
    let s = TestServer::start().await;
    let procedure = s.sdk.procedures().create().name("Refs").send().await.expect("p").id;
    let now = Utc::now();
    let body = |reference: &str| {
        json!({"outcome": "PASS", "procedure_id": procedure, "serial_number": "SN-REF",
            "part_number": "P", "started_at": (now - chrono::Duration::minutes(1)).to_rfc3339(),
            "ended_at": now.to_rfc3339(), "client_run_ref": reference})
        .to_string()
    };
    let (s1, first) = s.call(Method::POST, "/runs", Some(&body(" ref "))).await;
    assert_eq!(s1, 200, "{first}");
    for replay in [" ref ", "ref", "ref  "] {
        let (status, again) = s.call(Method::POST, "/runs", Some(&body(replay))).await;
        assert_eq!(status, 200, "replay with {replay:?}: {again}");
        assert_eq!(again["id"], first["id"], "replay with {replay:?}");
    }
    assert_eq!(s.run_count().await, 1);
}
