//! Station keys (issue 28, items 9–11): removing a station revokes its key at once, a restart
//! never hands a key to another station, and the API shows a fingerprint of a key's hash,
//! never its characters.

use crate::common;

use common::*;
use reqwest::Method;
use serde_json::Value;
use tofui::server;

async fn as_station(
    s: &TestServer,
    method: Method,
    path: &str,
    body: Option<&str>,
) -> (u16, Value) {
    let mut req = s.http.request(method, s.api(path)).bearer_auth(STATION_KEY);
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b.to_string());
    }
    let resp = req.send().await.expect("sent");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_removed_stations_key_fails_at_once_and_is_refused_at_the_next_start() {
    let s = TestServer::start().await;
    // A second station: the one a key without a station would have been handed to.
    let (status, _) = s.call(Method::POST, "/stations", Some(r#"{"name":"Line 1 FCT"}"#)).await;
    assert_eq!(status, 200);
    let (status, me) = as_station(&s, Method::GET, "/stations/current", None).await;
    assert_eq!(status, 200, "{me}");
    let mine = me["id"].as_str().expect("id").to_string();

    // A restart with the same key keeps its station.
    let db = s.dir.path().join("test.sqlite3");
    let again = server::start_at(&db, "127.0.0.1:0", Some(USER_KEY), Some(STATION_KEY))
        .await
        .expect("starts again");
    let (_, again_me) = {
        let r = s
            .http
            .get(format!("{}/api/v2/stations/current", again.url))
            .bearer_auth(STATION_KEY)
            .send()
            .await
            .expect("sent");
        (r.status().as_u16(), r.json::<Value>().await.expect("json"))
    };
    assert_eq!(again_me["id"], mine.as_str(), "the same station");
    again.stop().await;

    let (status, _) = s.call(Method::DELETE, &format!("/stations/{mine}"), None).await;
    assert_eq!(status, 200);
    let (status, body) = as_station(&s, Method::GET, "/whoami", None).await;
    assert_eq!(status, 401, "the removed station's key still passes: {body}");
    let (status, _) =
        as_station(&s, Method::POST, "/attachments", Some(r#"{"name":"a.txt"}"#)).await;
    assert_eq!(status, 401, "nor can it upload");

    let refused = server::start_at(&db, "127.0.0.1:0", Some(USER_KEY), Some(STATION_KEY)).await;
    let why = match refused {
        Ok(r) => {
            let me = s
                .http
                .get(format!("{}/api/v2/stations/current", r.url))
                .bearer_auth(STATION_KEY)
                .send()
                .await
                .expect("sent")
                .text()
                .await
                .unwrap_or_default();
            panic!("a start with the revoked key serves it as: {me}");
        }
        Err(e) => e.to_string(),
    };
    assert!(why.contains("revoked") && why.contains("station"), "{why}");
}

#[tokio::test]
async fn a_station_shows_a_fingerprint_of_its_key_not_its_characters() {
    tofui::init_tls();
    let dir = tempfile::tempdir().expect("dir");
    let short = "k-0123456789";
    let running =
        server::start_at(&dir.path().join("k.sqlite3"), "127.0.0.1:0", Some(USER_KEY), Some(short))
            .await
            .expect("server");
    let http = reqwest::Client::new();
    let get = |path: String| {
        http.get(format!("{}/api/v2{path}", running.url)).bearer_auth(USER_KEY).send()
    };
    let me: Value = http
        .get(format!("{}/api/v2/stations/current", running.url))
        .bearer_auth(short)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let id = me["id"].as_str().expect("id");
    let station: Value =
        get(format!("/stations/{id}")).await.expect("sent").json().await.expect("json");
    let shown = station["api_key"].as_str().expect("api_key").to_string();
    assert!(shown.starts_with("sha256:") && shown.chars().count() <= 20, "{shown}");
    assert!(!shown.contains("k-0123"), "the key is shown: {shown}");
    let stored: Vec<String> = {
        let conn = running.store.reader();
        let mut stmt = conn.prepare("SELECT prefix FROM api_keys").expect("prepare");
        stmt.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
    };
    assert!(stored.iter().all(|p| !p.contains("k-0123") && !p.contains("test-u")), "{stored:?}");
}
