//! Integrity (issue 28, items 15–16): a run's unit is a reference, so moving the unit through
//! a new run moves its earlier runs in lists and bodies too; an upload is linked only once
//! finalized.

use crate::common;

use chrono::Utc;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn run(s: &TestServer, procedure: &str, minutes_ago: i64, unit: Value) -> String {
    let at = Utc::now() - chrono::Duration::minutes(minutes_ago);
    let mut body = json!({"outcome": "PASS", "procedure_id": procedure, "serial_number": "SN-MOVE",
        "started_at": (at - chrono::Duration::seconds(30)).to_rfc3339(), "ended_at": at.to_rfc3339()});
    if let (Value::Object(b), Value::Object(u)) = (&mut body, unit) {
        b.extend(u);
    }
    let (status, r) = s.call(Method::POST, "/runs", Some(&body.to_string())).await;
    assert_eq!(status, 200, "{r}");
    r["id"].as_str().expect("id").to_string()
}

fn ids(list: &Value) -> Vec<String> {
    let mut out: Vec<String> = list["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn runs_follow_their_unit_when_a_run_moves_it() {
    let s = TestServer::start().await;
    let p = s.sdk.procedures().create().name("Move").send().await.expect("p").id;
    let old = run(
        &s,
        &p,
        20,
        json!({"part_number": "OLD", "revision_number": "R1", "batch_number": "B-OLD"}),
    )
    .await;
    let new = run(
        &s,
        &p,
        10,
        json!({"part_number": "NEW", "revision_number": "R2", "batch_number": "B-NEW"}),
    )
    .await;
    let mut both = vec![old.clone(), new.clone()];
    both.sort();
    for (filter, expected) in [
        ("part_numbers=OLD", vec![]),
        ("revision_numbers=R1", vec![]),
        ("batch_numbers=B-OLD", vec![]),
        ("part_numbers=NEW", both.clone()),
        ("revision_numbers=R2", both.clone()),
        ("batch_numbers=B-NEW", both.clone()),
    ] {
        let (status, list) = s.get(&format!("/runs?{filter}")).await;
        assert_eq!((status, ids(&list)), (200, expected), "{filter}");
    }
    let (_, body) = s.get(&format!("/runs/{old}")).await;
    let unit = &body["unit"];
    assert_eq!(unit["part"]["number"], "NEW", "{body}");
    assert_eq!(unit["part"]["revision"]["number"], "R2", "{body}");
    assert_eq!(unit["batch"]["number"], "B-NEW", "{body}");
}

#[tokio::test]
async fn an_upload_is_linked_only_once_finalized() {
    let s = TestServer::start().await;
    let p = s.sdk.procedures().create().name("Files").send().await.expect("p").id;
    let r = run(&s, &p, 1, json!({"part_number": "P"})).await;
    for (owner, path) in [("run", format!("/runs/{r}")), ("unit", "/units/SN-MOVE".to_string())] {
        let (status, a) =
            s.call(Method::POST, &format!("{path}/attachments"), Some(r#"{"name":"a.txt"}"#)).await;
        assert_eq!(status, 200, "{owner}: {a}");
        let id = a["id"].as_str().expect("id");
        let put = s.http.put(a["upload_url"].as_str().expect("url")).body("draft").send().await;
        assert_eq!(put.expect("put").status().as_u16(), 200);
        let listed = |body: &Value| {
            body["attachments"].as_array().into_iter().flatten().find(|x| x["id"] == id).cloned()
        };
        let (_, body) = s.get(&path).await;
        let a = listed(&body).expect("listed");
        assert!(a["download_url"].is_null(), "{owner}: linked before it is final: {a}");
        let (status, _) = s.call(Method::POST, &format!("/attachments/{id}/finalize"), None).await;
        assert_eq!(status, 200);
        let (_, body) = s.get(&path).await;
        let a = listed(&body).expect("listed");
        assert!(a["download_url"].as_str().is_some_and(|u| u.contains("token=")), "{owner}: {a}");
    }
}
