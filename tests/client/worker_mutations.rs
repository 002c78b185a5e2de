//! Mutations through the worker against the embedded server, checked through the API itself;
//! and against a faulty server: 500, a timeout, a reset connection — each reported, none
//! retried behind the user's back.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use serde_json::json;
use tofui::worker::{ClientError, Fetch, Slot, WorkerEvent, WorkerRequest, WorkerResponse};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

struct W {
    tx: UnboundedSender<WorkerRequest>,
    rx: UnboundedReceiver<WorkerResponse>,
    n: u64,
}

impl W {
    fn new(url: &str, key: &str, timeout: Duration) -> W {
        let (tx, rx) = spawn_worker(url, key, timeout);
        W { tx, rx, n: 0 }
    }

    /// Sends a mutation and returns its final event.
    async fn run(&mut self, fetch: Fetch) -> WorkerEvent {
        self.n += 1;
        let id = self.n;
        self.tx.send(WorkerRequest::Fetch { id, slot: Slot::Mutation(id), fetch }).expect("worker");
        loop {
            let r = tokio::time::timeout(Duration::from_secs(30), self.rx.recv())
                .await
                .expect("answer")
                .expect("alive");
            assert_eq!(r.id, id);
            match r.event {
                WorkerEvent::Progress { .. } => continue,
                e => return e,
            }
        }
    }
}

async fn server() -> TestServer {
    TestServer::seeded_at(30, 3, this_hour()).await
}

async fn first_ids(s: &TestServer, n: usize) -> Vec<String> {
    let (_, page) = s.get(&format!("/runs?limit={n}")).await;
    page["data"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn metadata_changes_land_exactly_as_sent() {
    let s = server().await;
    let run = first_ids(&s, 1).await.remove(0);
    let mut w = W::new(&s.running.url, USER_KEY, Duration::from_secs(10));
    let (_, before) = s.get(&format!("/runs/{run}")).await;
    assert!(before["metadata"]["shift"].is_string());
    let changes = json!({"bin": "12", "rework": true, "temperature": 30.5, "shift": null})
        .as_object()
        .cloned()
        .expect("object");
    let e = w.run(Fetch::UpdateMetadata { run_id: run.clone(), changes }).await;
    assert!(matches!(e, WorkerEvent::Done(Ok(_))), "{e:?}");
    let (_, after) = s.get(&format!("/runs/{run}")).await;
    let m = &after["metadata"];
    assert_eq!(
        (m["bin"].clone(), m["rework"].clone(), m["temperature"].clone()),
        (json!("12"), json!(true), json!(30.5))
    );
    assert!(m.get("shift").is_none(), "null deleted the key");
    assert_eq!(m["fixture"], before["metadata"]["fixture"], "keys left out are kept");
    // And the list filter sees it.
    let (_, page) = s.get("/runs?metadata=%7B%22bin%22%3A%7B%22in%22%3A%5B%2212%22%5D%7D%7D").await;
    assert_eq!(page["data"][0]["id"], json!(run));
}

#[tokio::test]
async fn delete_removes_runs_and_a_station_key_is_refused() {
    let s = server().await;
    let ids = first_ids(&s, 2).await;
    let mut station = W::new(&s.running.url, STATION_KEY, Duration::from_secs(10));
    let e = station.run(Fetch::DeleteRuns { ids: ids.clone() }).await;
    assert!(matches!(e, WorkerEvent::Done(Err(ClientError::Forbidden(_)))), "{e:?}");
    assert_eq!(s.get(&format!("/runs/{}", ids[0])).await.0, 200, "nothing deleted");
    let mut w = W::new(&s.running.url, USER_KEY, Duration::from_secs(10));
    let e = w.run(Fetch::DeleteRuns { ids: ids.clone() }).await;
    let WorkerEvent::Done(Ok(deleted)) = e else { panic!("{e:?}") };
    assert_eq!(deleted, ids);
    for id in &ids {
        assert_eq!(s.get(&format!("/runs/{id}")).await.0, 404);
    }
    // Deleted meanwhile: a 404 the app explains.
    let e = w.run(Fetch::DeleteRuns { ids: ids.clone() }).await;
    assert!(matches!(e, WorkerEvent::Done(Err(ClientError::NotFound(_)))), "{e:?}");
}

/// Many marked runs go a hundred ids a request: one URL of them all would be refused (414).
#[tokio::test]
async fn deleting_many_runs_deletes_each_of_them() {
    let s = TestServer::seeded_at(300, 3, this_hour()).await;
    let ids: Vec<String> = {
        let conn = s.running.store.reader();
        let mut stmt = conn.prepare("SELECT id FROM runs ORDER BY seq LIMIT 250").expect("sql");
        stmt.query_map([], |r| r.get(0)).expect("ids").collect::<Result<_, _>>().expect("ids")
    };
    let before = s.run_count().await;
    let mut w = W::new(&s.running.url, USER_KEY, Duration::from_secs(10));
    let e = w.run(Fetch::DeleteRuns { ids: ids.clone() }).await;
    let WorkerEvent::Done(Ok(mut deleted)) = e else { panic!("{e:?}") };
    deleted.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(deleted, want);
    assert_eq!(s.run_count().await, before - 250);
    // Some of them again, with one that still exists: it is deleted, the others were gone.
    let more = first_ids(&s, 1).await;
    let again: Vec<String> = ids[..150].iter().chain(&more).cloned().collect();
    let e = w.run(Fetch::DeleteRuns { ids: again }).await;
    let WorkerEvent::Done(Ok(deleted)) = e else { panic!("{e:?}") };
    assert_eq!(deleted, more);
}

/// A bulk delete whose second request fails says what the first one deleted.
#[tokio::test]
async fn a_bulk_delete_that_fails_partway_says_what_was_deleted() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tofui::init_tls();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let mut n = 0;
        while let Ok((mut sock, _)) = listener.accept().await {
            n += 1;
            let mut buf = vec![0u8; 65536];
            let got = sock.read(&mut buf).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..got]).to_string();
            let line = head.lines().next().unwrap_or_default().to_string();
            let ids: Vec<&str> =
                line.split(['?', '&', ' ']).filter_map(|p| p.strip_prefix("ids=")).collect();
            let (status, body) = if n == 1 {
                ("200 OK", json!({ "id": ids }).to_string())
            } else {
                ("500 Internal Server Error", r#"{"message":"disk full"}"#.to_string())
            };
            let answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(answer.as_bytes()).await;
        }
    });
    let ids: Vec<String> = (0..150).map(|i| format!("r{i}")).collect();
    let mut w = W::new(&url, USER_KEY, Duration::from_secs(10));
    let e = w.run(Fetch::DeleteRuns { ids: ids.clone() }).await;
    let WorkerEvent::Done(Err(ClientError::Partly { done, error })) = e else { panic!("{e:?}") };
    assert_eq!(done, ids[..100]);
    assert!(matches!(*error, ClientError::Status { status: 500, .. }), "{error:?}");
}

#[tokio::test]
async fn upload_then_download_is_byte_identical() {
    let s = server().await;
    let run = first_ids(&s, 1).await.remove(0);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("scope.bin");
    let bytes: Vec<u8> =
        (0..300_000u32).map(|i| (i.wrapping_mul(2_246_822_519) >> 11) as u8).collect();
    std::fs::write(&path, &bytes).expect("write");
    let mut w = W::new(&s.running.url, USER_KEY, Duration::from_secs(10));
    let e = w.run(Fetch::Upload { run_id: run.clone(), path: path.clone() }).await;
    let WorkerEvent::Done(Ok(att)) = e else { panic!("{e:?}") };
    let (_, detail) = s.get(&format!("/runs/{run}")).await;
    let a = detail["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .find(|a| a["id"] == json!(att[0]))
        .expect("linked to the run")
        .clone();
    assert_eq!(a["name"], "scope.bin");
    let out = tempfile::tempdir().expect("dir");
    let e = w
        .run(Fetch::Download {
            url: a["download_url"].as_str().expect("url").into(),
            dir: out.path().into(),
            name: "scope.bin".into(),
        })
        .await;
    let WorkerEvent::Saved(Ok(saved)) = e else { panic!("{e:?}") };
    assert!(std::fs::read(saved).expect("read") == bytes);
    // A missing file fails at the first step, before anything is created.
    let e = w.run(Fetch::Upload { run_id: run, path: dir.path().join("nope.bin") }).await;
    assert!(matches!(e, WorkerEvent::UploadFailed { step: "reading the file", .. }), "{e:?}");
}

/// A server whose `PATCH …/metadata` fails as told, in turn: 500, too slow, a reset, then 200.
async fn faulty() -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let n = c.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = sock.read(&mut buf).await;
                let body = r#"{"id":"r1"}"#;
                match n {
                    0 => {
                        let msg =
                            r#"{"message":"database unavailable","code":"INTERNAL_SERVER_ERROR"}"#;
                        let _ = sock.write_all(format!("HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{msg}", msg.len()).as_bytes()).await;
                    }
                    // Never answered: held until the client gives up and hangs up.
                    1 => while matches!(sock.read(&mut buf).await, Ok(n) if n > 0) {},
                    2 => {
                        // Reset: close with SO_LINGER 0, which sends RST at once (the
                        // deprecation is about blocking on drop with a non-zero linger).
                        #[allow(deprecated)]
                        let _ = sock.set_linger(Some(Duration::ZERO));
                        drop(sock);
                    }
                    _ => {
                        let _ = sock.write_all(format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).as_bytes()).await;
                    }
                }
            });
        }
    });
    (url, calls)
}

#[tokio::test]
async fn a_failing_patch_is_reported_each_time_and_never_retried_silently() {
    tofui::init_tls();
    let (url, calls) = faulty().await;
    let mut w = W::new(&url, USER_KEY, Duration::from_millis(800));
    let changes = json!({"note": "loose fixture"}).as_object().cloned().expect("object");
    let patch = || Fetch::UpdateMetadata { run_id: "r1".into(), changes: changes.clone() };
    let e = w.run(patch()).await;
    assert!(
        matches!(&e, WorkerEvent::Done(Err(ClientError::Status { status: 500, message })) if message == "database unavailable"),
        "{e:?}"
    );
    let e = w.run(patch()).await;
    assert!(matches!(e, WorkerEvent::Done(Err(ClientError::Timeout(_)))), "{e:?}");
    let e = w.run(patch()).await;
    assert!(matches!(e, WorkerEvent::Done(Err(ClientError::Unreachable(_)))), "{e:?}");
    let e = w.run(patch()).await;
    assert!(matches!(e, WorkerEvent::Done(Ok(_))), "{e:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 4, "one request per attempt the user made");
}

/// Quitting mid-download (the worker's requests end) leaves no `.tofui-part` behind.
#[tokio::test]
async fn a_download_aborted_midway_leaves_no_part_file() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tofui::init_tls();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    // Sends 1,000 of 1,000,000 bytes, then holds the connection.
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = sock.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 1000000\r\n\r\n";
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&[b'x'; 1000]).await;
                while matches!(sock.read(&mut buf).await, Ok(n) if n > 0) {}
            });
        }
    });
    let dir = tempfile::tempdir().expect("dir");
    let mut w = W::new(&url, USER_KEY, Duration::from_secs(60));
    let fetch = Fetch::Download {
        url: format!("{url}/files/big"),
        dir: dir.path().to_path_buf(),
        name: "big.log".into(),
    };
    w.tx.send(WorkerRequest::Fetch { id: 1, slot: Slot::Download(1), fetch }).expect("worker");
    let parts = || {
        std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tofui-part"))
            .count()
    };
    let r = tokio::time::timeout(Duration::from_secs(30), w.rx.recv())
        .await
        .expect("progress")
        .expect("alive");
    // The first report comes once the part file is open.
    assert!(matches!(r.event, WorkerEvent::Progress { .. }), "{:?}", r.event);
    assert_eq!(parts(), 1, "the part file is being written");
    // Quit: the worker's requests end. Its answers close once every task is gone.
    let W { tx, mut rx, .. } = w;
    drop(tx);
    while rx.recv().await.is_some() {}
    assert_eq!(parts(), 0, "the part file went with the download");
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 0, "nothing saved");
}
