//! The server's edges under a key that tries what it should not (issue 12, items 1–10): who may
//! take, finalize and overwrite attachments, idempotency refs, what a station key can learn,
//! names and links, numbers at their limits, slow and hostile connections, stored keys.

use crate::common;

use std::io::{Read, Write};
use std::time::Duration;

use chrono::Utc;
use common::*;
use reqwest::Method;
use serde_json::{Value, json};

/// Two procedures: the station key is linked to `mine` only. One run in each, each with an
/// uploaded attachment.
struct World {
    s: TestServer,
    mine_run: String,
    other_run: String,
    other_attachment: String,
    other_upload_url: String,
}

async fn create_run(
    s: &TestServer,
    key: &str,
    procedure: &str,
    serial: &str,
    extra: Value,
) -> (u16, Value) {
    let now = Utc::now();
    let mut body = json!({"outcome": "PASS", "procedure_id": procedure, "serial_number": serial,
        "part_number": "P", "started_at": (now - chrono::Duration::minutes(1)).to_rfc3339(), "ended_at": now.to_rfc3339()});
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    s.call_as(key, Method::POST, "/runs", Some(body)).await
}

async fn world() -> World {
    let s = TestServer::start().await;
    let mine = s.sdk.procedures().create().name("Mine").send().await.expect("p").id;
    let other = s.sdk.procedures().create().name("Other").send().await.expect("p").id;
    s.running.store.writer().execute(
        "INSERT INTO station_procedures (station_id, procedure_id) SELECT principal_id, ?1 FROM api_keys WHERE kind = 'station'",
        [&mine],
    ).expect("link");
    let (_, m) = create_run(&s, STATION_KEY, &mine, "SN-MINE", json!({})).await;
    let (_, o) = create_run(&s, USER_KEY, &other, "SN-OTHER", json!({})).await;
    let other_run = o["id"].as_str().expect("id").to_string();
    let (status, a) = s
        .call_as(
            USER_KEY,
            Method::POST,
            &format!("/runs/{other_run}/attachments"),
            Some(json!({"name": "secret.txt"})),
        )
        .await;
    assert_eq!(status, 200, "{a}");
    let upload_url = a["upload_url"].as_str().expect("url").to_string();
    let put = s.http.put(&upload_url).body("the original").send().await.expect("put");
    assert_eq!(put.status().as_u16(), 200);
    World {
        mine_run: m["id"].as_str().expect("id").to_string(),
        other_run,
        other_attachment: a["id"].as_str().expect("id").to_string(),
        other_upload_url: upload_url,
        s,
    }
}

async fn attachment_ids(s: &TestServer, run: &str) -> Vec<String> {
    let (_, r) = s.get(&format!("/runs/{run}")).await;
    r["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_station_cannot_take_finalize_or_overwrite_another_procedures_attachment() {
    let w = world().await;
    // 1. Linking it to its own run: refused, and the file stays where it was.
    let (mine, link) =
        (format!("/runs/{}", w.mine_run), json!({"attachments": [w.other_attachment]}));
    let (status, body) = w.s.call_as(STATION_KEY, Method::PATCH, &mine, Some(link.clone())).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(attachment_ids(&w.s, &w.other_run).await, vec![w.other_attachment.clone()]);
    assert!(attachment_ids(&w.s, &w.mine_run).await.is_empty());
    // Not even a user key moves an attachment from one run to another.
    let (status, _) = w.s.call_as(USER_KEY, Method::PATCH, &mine, Some(link)).await;
    assert_eq!(status, 409);
    assert_eq!(attachment_ids(&w.s, &w.other_run).await, vec![w.other_attachment.clone()]);

    // 2. Finalizing it (which answers its download link): not for the station; once for others.
    let finalize = format!("/attachments/{}/finalize", w.other_attachment);
    let (status, body) = w.s.call_as(STATION_KEY, Method::POST, &finalize, None).await;
    assert_eq!(status, 404, "{body}");
    assert!(!body.to_string().contains("token="), "no link leaked: {body}");
    let (status, fin) = w.s.call_as(USER_KEY, Method::POST, &finalize, None).await;
    assert_eq!(status, 200);
    let (status, _) = w.s.call_as(USER_KEY, Method::POST, &finalize, None).await;
    assert_eq!(status, 409, "only once");

    // 3. The download link downloads and does not upload; the upload link is dead once final.
    let download = fin["url"].as_str().expect("url").to_string();
    assert_ne!(download, w.other_upload_url, "two tokens");
    let put = w.s.http.put(&download).body("replaced!").send().await.expect("put");
    assert_eq!(put.status().as_u16(), 403);
    let put = w.s.http.put(&w.other_upload_url).body("replaced!").send().await.expect("put");
    assert_eq!(put.status().as_u16(), 409);
    let got = w.s.http.get(&download).send().await.expect("get").text().await.expect("text");
    assert_eq!(got, "the original");
    let got = w.s.http.get(&w.other_upload_url).send().await.expect("get");
    assert_eq!(got.status().as_u16(), 403, "the upload token does not download");
}

#[tokio::test]
async fn client_run_refs_are_per_request_and_per_scope() {
    let w = world().await;
    let (_, procs) = w.s.get("/procedures").await;
    let id_of = |name: &str| {
        procs["data"]
            .as_array()
            .expect("list")
            .iter()
            .find(|p| p["name"] == name)
            .expect("procedure")["id"]
            .as_str()
            .expect("id")
            .to_string()
    };
    let (mine, other) = (id_of("Mine"), id_of("Other"));
    // 4a. An empty ref is no ref: two different runs are two runs.
    let (_, a) = create_run(&w.s, USER_KEY, &other, "SN-E1", json!({"client_run_ref": ""})).await;
    let (_, b) = create_run(&w.s, USER_KEY, &other, "SN-E2", json!({"client_run_ref": ""})).await;
    assert_ne!(a["id"], b["id"]);
    // 4b. The same request again (a retry) is the same run; another request under the ref is
    // a 409.
    let now = Utc::now();
    let same = json!({"outcome": "PASS", "procedure_id": other, "serial_number": "SN-R", "part_number": "P",
        "started_at": (now - chrono::Duration::minutes(1)).to_rfc3339(), "ended_at": now.to_rfc3339(),
        "client_run_ref": "ref-1"});
    let (s1, r1) = w.s.call_as(USER_KEY, Method::POST, "/runs", Some(same.clone())).await;
    let (s2, r2) = w.s.call_as(USER_KEY, Method::POST, "/runs", Some(same)).await;
    assert_eq!((s1, s2, &r1["id"]), (200, 200, &r2["id"]), "{r2}");
    let (s3, body) =
        create_run(&w.s, USER_KEY, &other, "SN-DIFFERENT", json!({"client_run_ref": "ref-1"}))
            .await;
    assert_eq!(s3, 409, "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("ref-1"), "{body}");
    let (s4, _) = create_run(&w.s, USER_KEY, &other, "", json!({"client_run_ref": "ref-1"})).await;
    assert_eq!(s4, 409, "an invalid replay is not a 200");
    // 4c. A station replaying a ref it cannot see gets a run of its own, not the other's id.
    let (s5, mine_r) =
        create_run(&w.s, STATION_KEY, &mine, "SN-R", json!({"client_run_ref": "ref-1"})).await;
    assert_eq!(s5, 200, "{mine_r}");
    assert_ne!(mine_r["id"], r1["id"]);
}

#[tokio::test]
async fn a_station_key_learns_nothing_outside_its_procedures() {
    let w = world().await;
    // 5. Not found, exactly as for an id that does not exist (no 403 that confirms it).
    let (status, body) =
        w.s.call_as(STATION_KEY, Method::GET, &format!("/runs/{}", w.other_run), None).await;
    assert_eq!(status, 404, "{body}");
    let (missing, _) =
        w.s.call_as(STATION_KEY, Method::GET, &format!("/runs/{}", uuid::Uuid::new_v4()), None)
            .await;
    assert_eq!(missing, 404);
    let (_, procs) = w.s.get("/procedures").await;
    let other = procs["data"]
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["name"] == "Other")
        .expect("other")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let (status, body) =
        w.s.call_as(STATION_KEY, Method::GET, &format!("/procedures/{other}"), None).await;
    assert_eq!(status, 404, "{body}");
    assert!(!body.to_string().contains("SN-OTHER"));
    let (status, _) = w.s.call_as(STATION_KEY, Method::GET, "/users", None).await;
    assert_eq!(status, 403);
    let (status, _) =
        w.s.call_as(STATION_KEY, Method::POST, "/parts", Some(json!({"number": "X"}))).await;
    assert_eq!(status, 403);
    let (status, _) =
        w.s.call_as(STATION_KEY, Method::POST, "/parts/P/revisions", Some(json!({"number": "Z"})))
            .await;
    assert_eq!(status, 403);
    let (status, body) = create_run(&w.s, STATION_KEY, &other, "SN-SNEAK", json!({})).await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn names_links_and_numbers_at_their_limits() {
    let w = world().await;
    // 6. Control characters in a name are refused, naming the field; non-ASCII names download.
    for name in ["bad\u{0}name.txt", "bell\u{7}.txt", "del\u{7f}.txt", "line\nbreak.txt"] {
        let (status, body) =
            w.s.call_as(
                USER_KEY,
                Method::POST,
                &format!("/runs/{}/attachments", w.mine_run),
                Some(json!({"name": name})),
            )
            .await;
        assert_eq!(status, 400, "{name:?}: {body}");
        assert!(body["message"].as_str().unwrap_or_default().contains("name"), "{body}");
    }
    let (_, a) =
        w.s.call_as(
            USER_KEY,
            Method::POST,
            &format!("/runs/{}/attachments", w.mine_run),
            Some(json!({"name": "Prüfbericht Ω.txt"})),
        )
        .await;
    let up = a["upload_url"].as_str().expect("url");
    assert_eq!(w.s.http.put(up).body("ü").send().await.expect("put").status().as_u16(), 200);
    // Linked once finalized (issue 28, item 16).
    let fin = format!("/attachments/{}/finalize", a["id"].as_str().expect("id"));
    assert_eq!(w.s.call_as(USER_KEY, Method::POST, &fin, None).await.0, 200);
    let (_, run) = w.s.get(&format!("/runs/{}", w.mine_run)).await;
    let link = run["attachments"][0]["download_url"].as_str().expect("link").to_string();
    let got = w.s.http.get(&link).send().await.expect("get");
    let disposition =
        got.headers()["content-disposition"].to_str().expect("ascii header").to_string();
    assert!(
        disposition.contains("filename*=UTF-8''Pr%C3%BCfbericht%20%CE%A9.txt"),
        "{disposition}"
    );
    // Every error of the file links is the API's JSON body.
    for url in [
        format!("{}/files/nope", w.s.running.url),
        format!("{}/files/{}?token=%zz", w.s.running.url, w.other_attachment),
    ] {
        let r = w.s.http.get(&url).send().await.expect("get");
        assert!(r.status().is_client_error());
        let body: Value = r.json().await.expect("a JSON error body");
        assert!(body["message"].is_string() && body["code"].is_string(), "{body}");
    }

    // 7. Cursors at the end of i64 neither overflow nor panic.
    for list in ["/units", "/parts", "/batches", "/stations", "/procedures", "/runs", "/logs"] {
        let (status, body) = w.s.get(&format!("{list}?cursor=9223372036854775807")).await;
        assert_eq!(status, 200, "{list}: {body}");
        let next = &body["meta"]["next_cursor"];
        assert!(next.is_null() || next.as_i64().is_some_and(|n| n >= 0), "{list}: {next}");
    }

    // 8. Links are the server's own address, whatever Host a client sends.
    let resp =
        w.s.http
            .post(w.s.api(&format!("/runs/{}/attachments", w.mine_run)))
            .bearer_auth(USER_KEY)
            .header("host", "evil.example")
            .json(&json!({"name": "x.txt"}))
            .send()
            .await
            .expect("sent");
    let body: Value = resp.json().await.expect("json");
    let url = body["upload_url"].as_str().expect("url");
    assert!(url.starts_with(&w.s.running.url) && !url.contains("evil"), "{url}");
}

/// The server closed the connection: the read ended (EOF, or a reset when it closed with our
/// bytes unread) rather than timing out.
fn closed(read: std::io::Result<usize>, what: &str) {
    if let Err(e) = read {
        assert!(
            matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
            ),
            "{what} was left open: {e}"
        );
    }
}

/// How long the server below waits for a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_millis(500);

#[tokio::test]
async fn slow_idle_crowding_and_early_rejected_connections() {
    tofui::init_tls();
    let dir = tempfile::tempdir().expect("dir");
    let store = tofui::server::store::Store::open(&dir.path().join("t.sqlite3")).expect("store");
    let (keys, table) = tofui::server::prepare_keys(&store, Some(USER_KEY), None).expect("keys");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let limits =
        tofui::server::listen::Limits { header_timeout: HEADER_TIMEOUT, max_connections: 4 };
    let running = tofui::server::start(
        store,
        listener,
        keys,
        table,
        tofui::server::Options { base_url: None, limits },
    )
    .await
    .expect("server");
    let addr = running.addr;
    // 9a. A connection that never sends its headers is closed.
    let idle = tokio::task::spawn_blocking(move || {
        let mut c = std::net::TcpStream::connect(addr).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
        c.write_all(b"GET /api/v2/whoami HTTP/1.1\r\nHost: x\r\n").expect("half a request");
        let mut buf = Vec::new();
        // The server closes it: the read ends (it would time out after 20 s otherwise).
        closed(c.read_to_end(&mut buf), "a silent connection");
        buf
    })
    .await
    .expect("joined");
    let text = String::from_utf8_lossy(&idle);
    assert!(
        text.is_empty() || text.contains("408"),
        "closed without serving the half request: {text}"
    );

    // 9b. More connections than allowed: the extra one is closed at once.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(std::net::TcpStream::connect(addr).expect("connect"));
    }
    // Blocking reads go to a blocking thread: the server shares this test's runtime. A fifth
    // connection that arrives before the server has taken the four would be served (and says
    // so, `Connection: close`): probe until one is refused, while the four are still held
    // (until the header timeout closes them).
    let buf = tokio::task::spawn_blocking(move || {
        let t0 = std::time::Instant::now();
        loop {
            let mut extra = std::net::TcpStream::connect(addr).expect("connect");
            extra.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
            let _ = extra
                .write_all(b"GET /api/v2/whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut buf = Vec::new();
            closed(extra.read_to_end(&mut buf), "the fifth connection");
            if buf.is_empty() || t0.elapsed() >= HEADER_TIMEOUT {
                return buf;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    })
    .await
    .expect("joined");
    assert!(
        buf.is_empty(),
        "the fifth connection was not served: {}",
        String::from_utf8_lossy(&buf)
    );
    drop(held);

    // 9c. An early 401 to a large body says the connection closes. First, the held ones are let
    // go: poll until this client is answered again (one connection a peer here: the client's
    // kept-alive one then carries the large body).
    let client = reqwest::Client::new();
    let whoami = format!("{}/api/v2/whoami", running.url);
    let t0 = std::time::Instant::now();
    while client.get(&whoami).bearer_auth(USER_KEY).send().await.is_err() {
        assert!(t0.elapsed() < Duration::from_secs(20), "the held connections were never let go");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let resp = client
        .post(format!("{}/api/v2/runs", running.url))
        .bearer_auth("wrong")
        .body(vec![b'x'; 200_000])
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(
        resp.headers().get("connection").map(|v| v.to_str().unwrap_or_default()),
        Some("close")
    );
    let next = client
        .get(format!("{}/api/v2/whoami", running.url))
        .bearer_auth(USER_KEY)
        .send()
        .await
        .expect("the next request works");
    assert_eq!(next.status().as_u16(), 200);
}

#[tokio::test]
async fn keys_are_stored_hashed_and_read_from_files() {
    let s = TestServer::start().await;
    let stored: Vec<String> = {
        let conn = s.running.store.reader();
        let mut stmt = conn.prepare("SELECT key || ' ' || prefix FROM api_keys").expect("prepare");
        stmt.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
    };
    assert_eq!(stored.len(), 2);
    for row in &stored {
        assert!(row.starts_with("sha256:"), "{row}");
        assert!(!row.contains(USER_KEY) && !row.contains(STATION_KEY), "{row}");
    }
    // 10. The binary: a generated key is printed once; a key from a file replaces it.
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("k.sqlite3");
    let serve = |extra: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tofui"));
        cmd.args(["serve", "--addr", "127.0.0.1:0", "--db"]).arg(&db).args(extra);
        cmd.env_remove("TOFUI_USER_KEY").env_remove("TOFUI_STATION_KEY");
        cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().expect("spawn");
        let mut out = String::new();
        let mut stdout = child.stdout.take().expect("stdout");
        let mut byte = [0u8; 1];
        while !out.contains("Press Ctrl-C") && stdout.read(&mut byte).unwrap_or(0) == 1 {
            out.push(byte[0] as char);
        }
        let _ = child.kill();
        let _ = child.wait();
        out
    };
    let first = serve(&[]);
    assert!(first.contains("tp_user_") && first.contains("shown once"), "{first}");
    let key: String =
        first.split_whitespace().find(|w| w.starts_with("tp_user_")).expect("key").to_string();
    let second = serve(&[]);
    assert!(!second.contains(&key), "a stored key is not shown again: {second}");
    let file = dir.path().join("user.key");
    std::fs::write(&file, "tp_from_a_file_123456\n").expect("write");
    let third = serve(&["--user-key-file", file.to_str().expect("utf-8")]);
    assert!(!third.contains("tp_from_a_file_123456"), "a given key is not echoed: {third}");
    assert!(third.contains("tp_from_a_f"), "its prefix is: {third}");
}
