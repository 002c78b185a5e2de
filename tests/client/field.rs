//! Field conditions (issue 26): what crosses a slow link, and what tofui does without one.
//! Every client here reaches the embedded server through the link simulator
//! (`common::netsim`), which counts the bytes.

use crate::common;

use std::time::Duration;

use common::netsim::{Link, LinkSim};
use common::*;
use tofui::worker::ApiClient;
use tofui::worker::client::{decode_page, silent};

async fn seeded(runs: usize) -> TestServer {
    TestServer::seeded_at(runs, 11, this_hour()).await
}

/// A client as over a real network: it asks for compression although the link simulator is
/// on loopback (on loopback itself tofui does not: see `worker/http.rs`).
fn client(url: &str) -> ApiClient {
    crate::common::api_client(url, USER_KEY, Duration::from_secs(20)).compressing()
}

/// `GET` of an API path (`/runs?limit=100`) by a client that does not ask for compression.
async fn plain_get(url: &str, path: &str) -> bytes::Bytes {
    let plain = reqwest::Client::builder().no_zstd().no_brotli().no_gzip().build().expect("plain");
    plain
        .get(format!("{url}/api/v2{path}"))
        .bearer_auth(USER_KEY)
        .send()
        .await
        .expect("sent")
        .bytes()
        .await
        .expect("body")
}

/// The id of the newest run.
async fn newest_run(api: &ApiClient) -> String {
    let body = api.list_runs_raw(&[("limit", "1".into())], &silent()).await.expect("page");
    decode_page(&body, &mut Default::default()).expect("decoded").rows[0].id.to_string()
}

/// Budget: a 100-run page is at most 15 kB on the wire (it is ~98 kB of JSON).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_of_a_hundred_runs_crosses_the_link_compressed() {
    let s = seeded(300).await;
    let link = LinkSim::start(&s.running.url, Link::LOOPBACK).await;
    let body = client(&link.url())
        .list_runs_raw(&[("limit", "100".into())], &silent())
        .await
        .expect("a page");
    let page = decode_page(&body, &mut Default::default()).expect("decoded");
    assert_eq!(page.rows.len(), 100);
    let compressed = link.traffic.down();
    assert!(compressed <= 15_000, "{compressed} bytes came down for a 100-run page");
    // The same page to a client that does not ask for compression: the JSON as it is, so the
    // count above measures the compression and not a smaller page.
    let before = link.traffic.down();
    let text = plain_get(&link.url(), "/runs?limit=100").await;
    assert_eq!(text.len(), body.len(), "the same JSON either way");
    assert!(link.traffic.down() - before > 5 * compressed, "uncompressed is much larger");
    // On loopback itself tofui does not ask: there is no link to save, only CPU to spend.
    let before = link.traffic.down();
    let local = crate::common::api_client(&link.url(), USER_KEY, Duration::from_secs(20));
    local.list_runs_raw(&[("limit", "100".into())], &silent()).await.expect("a page");
    assert!(link.traffic.down() - before > 5 * compressed, "not compressed on loopback");
}

/// `curl --compressed` gets a compressed answer it can read; small answers and attachments go
/// as they are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_compressed_reads_the_api_and_small_answers_go_plain() {
    let s = seeded(120).await;
    let url = format!("{}/api/v2/runs?limit=50", s.running.url);
    let auth = format!("Authorization: Bearer {USER_KEY}");
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("curl")
            .args(["-sS", "--compressed", "-D", "-", "-H", &auth, &url])
            .output()
    })
    .await
    .expect("joined");
    let Ok(out) = out else {
        eprintln!("SKIPPED: curl is not installed here");
        return;
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8 after decompression");
    let (head, body) = text.split_once("\r\n\r\n").expect("headers, then the body");
    assert!(head.to_ascii_lowercase().contains("content-encoding:"), "compressed: {head}");
    let v: serde_json::Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(v["data"].as_array().map(Vec::len), Some(50));
    // A small answer: not worth compressing.
    let r = s
        .http
        .get(s.api("/whoami"))
        .bearer_auth(USER_KEY)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("whoami");
    assert!(r.headers().get("content-encoding").is_none(), "{:?}", r.headers());
}

/// A run's body is streamed as SQLite reads it; compressed, it still arrives whole and equal
/// to the plain one, and smaller.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_run_body_arrives_whole_when_compressed() {
    let s = seeded(40).await;
    let link = LinkSim::start(&s.running.url, Link::LOOPBACK).await;
    let api = client(&link.url());
    let id = newest_run(&api).await;
    let before = link.traffic.down();
    let compressed = api.get_run_body(&id, &silent()).await.expect("run");
    let on_wire = link.traffic.down() - before;
    let body = plain_get(&link.url(), &format!("/runs/{id}")).await;
    let a: serde_json::Value = serde_json::from_slice(&compressed).expect("JSON");
    let b: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(a, b);
    assert!(on_wire * 2 < body.len() as u64, "{on_wire} bytes on the wire for {}", body.len());
}

mod cache {
    use tofui::cache::{Cache, file_for};

    const URL: &str = "https://tofupilot.example";

    #[test]
    fn each_key_has_its_own_file_and_a_station_key_reads_nothing_a_user_key_cached() {
        let dir = tempfile::tempdir().expect("dir");
        let user = file_for(dir.path(), URL, "user-key");
        let station = file_for(dir.path(), URL, "station-key");
        assert_ne!(user, station);
        assert_ne!(user, file_for(dir.path(), "https://other.example", "user-key"));
        let name = user.file_name().unwrap().to_string_lossy().to_string();
        assert!(!name.contains("user-key"), "the name tells nothing of the key: {name}");
        Cache::open(&user, 1 << 30).expect("user cache").put_list("runs?", b"{\"data\":[]}", 1);
        let s = Cache::open(&station, 1 << 30).expect("station cache");
        assert_eq!(s.list("runs?"), None);
        let u = Cache::open(&user, 1 << 30).expect("user cache again");
        assert_eq!(u.list("runs?").map(|k| k.body), Some(b"{\"data\":[]}".to_vec()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&user).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn a_corrupt_or_other_version_file_is_moved_aside_and_rebuilt() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("c.sqlite3");
        std::fs::write(&path, vec![0x5a; 8192]).expect("garbage");
        let c = Cache::open(&path, 1 << 30).expect("rebuilt, not an error");
        assert_eq!(c.list("x"), None);
        c.put_run("r1", b"{}", 5);
        assert_eq!(c.run("r1").map(|k| k.fetched_ms), Some(5));
        assert!(dir.path().join("c.sqlite3.old").exists(), "the bad file is kept aside");
        drop(c);
        // Another version's file.
        let other = dir.path().join("v.sqlite3");
        {
            let conn = rusqlite::Connection::open(&other).expect("sqlite");
            conn.execute_batch("CREATE TABLE runs (x); PRAGMA user_version = 99").expect("v99");
        }
        let c = Cache::open(&other, 1 << 30).expect("rebuilt");
        c.put_run("r2", b"{}", 6);
        assert_eq!(c.run("r2").map(|k| k.fetched_ms), Some(6));
        assert!(dir.path().join("v.sqlite3.old").exists());
    }

    #[test]
    fn eviction_keeps_the_file_under_its_bound_and_the_newest_entries() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("c.sqlite3");
        let bound = 2 * 1024 * 1024;
        let c = Cache::open(&path, bound).expect("cache");
        let body = vec![b'x'; 100 * 1024];
        for i in 0..60 {
            c.put_run(&format!("run-{i:02}"), &body, i);
            assert!(c.stats().bytes <= bound + 200 * 1024, "after {i}: {:?}", c.stats());
        }
        let s = c.stats();
        assert!(s.bytes <= bound, "{s:?}");
        assert!(c.run("run-59").is_some(), "the newest stays");
        assert!(c.run("run-00").is_none(), "the oldest went");
        assert!(s.runs < 60 && s.runs > 5, "{s:?}");
    }
}

/// A run kept in the cache opens from it at once (no round trip) and its metadata, which can
/// change, comes fresh from the server behind it; a run deleted on the server is forgotten.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_run_opens_at_once_and_its_metadata_comes_fresh_behind_it() {
    use std::sync::Arc;
    use tofui::cache::Cache;
    use tofui::worker::{Fetch, Slot, WorkerEvent, WorkerRequest, spawn_with_cache};
    fn fixture(run: &tofui::api::RunDetail) -> Option<&str> {
        run.summary.metadata.as_ref()?.get("fixture")?.as_str()
    }
    let s = seeded(30).await;
    let link = LinkSim::start(&s.running.url, Link::LOOPBACK).await;
    let api = client(&link.url());
    let run_id = newest_run(&api).await;
    let dir = tempfile::tempdir().expect("dir");
    let cache = Arc::new(Cache::open(&dir.path().join("c.sqlite3"), 1 << 30).expect("cache"));
    let (out, mut answers) = tokio::sync::mpsc::unbounded_channel();
    let worker = spawn_with_cache(client(&link.url()), Some(cache.clone()), out);
    let fetch = |id: u64| WorkerRequest::Fetch {
        id,
        slot: Slot::Run,
        fetch: Fetch::Run { run_id: run_id.clone() },
    };
    // The next event answering request `id` (a late one of an earlier request is skipped).
    let wait = async |answers: &mut tokio::sync::mpsc::UnboundedReceiver<
        tofui::worker::WorkerResponse,
    >,
                      id: u64| loop {
        let r = tokio::time::timeout(Duration::from_secs(10), answers.recv())
            .await
            .expect("an answer in time")
            .expect("the worker answers");
        if r.id == id {
            break r.event;
        }
    };
    // First: from the server, then kept.
    worker.send(fetch(1)).expect("sent");
    assert!(matches!(wait(&mut answers, 1).await, WorkerEvent::Run { run: Ok(_), .. }));
    for _ in 0..500 {
        if cache.run(&run_id).is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(cache.run(&run_id).is_some(), "kept");
    // Its metadata changes on the server.
    let mut changes = serde_json::Map::new();
    changes.insert("fixture".into(), serde_json::json!("FX-99"));
    api.update_metadata(&run_id, &changes).await.expect("patched");
    // Again, with the link down: the run comes from the cache, with no connection made.
    link.set_down(true);
    let connections = link.traffic.connections.load(std::sync::atomic::Ordering::Relaxed);
    worker.send(fetch(2)).expect("sent");
    match wait(&mut answers, 2).await {
        WorkerEvent::Run { run: Ok(run), .. } => {
            assert_eq!(run.summary.id, run_id);
            assert_ne!(fixture(&run), Some("FX-99"), "as kept, from before the change");
        }
        other => panic!("the cached run first, got {other:?}"),
    }
    // Marked as the cache's (refreshing), then as not refreshed: the server is unreachable.
    let mut marks: Vec<Option<tofui::worker::ClientError>> = Vec::new();
    while marks.last().is_none_or(|p| p.is_none()) {
        match wait(&mut answers, 2).await {
            WorkerEvent::RunKept { run_id: id, problem, .. } => {
                assert_eq!(id, run_id);
                marks.push(problem);
            }
            WorkerEvent::RunLogs(_) => continue,
            other => panic!("the cached run's mark, got {other:?}"),
        }
    }
    assert!(marks[0].is_none(), "refreshing first: {marks:?}");
    assert!(marks.last().and_then(|p| p.as_ref()).is_some_and(|e| e.is_offline()), "{marks:?}");
    // The link comes back: the fresh metadata follows.
    link.set_down(false);
    let fresh = loop {
        match wait(&mut answers, 2).await {
            WorkerEvent::RunFresh(run) => break run,
            WorkerEvent::RunKept { .. } | WorkerEvent::RunLogs(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert!(
        link.traffic.connections.load(std::sync::atomic::Ordering::Relaxed) >= connections,
        "the refresh went to the server"
    );
    assert_eq!(fixture(&fresh), Some("FX-99"), "{:?}", fresh.summary.metadata);
    // Deleted on the server: the next open says so and the cache forgets it.
    api.delete_runs(std::slice::from_ref(&run_id)).await.expect("deleted");
    worker.send(fetch(3)).expect("sent");
    loop {
        match wait(&mut answers, 3).await {
            WorkerEvent::Run { run: Err(e), .. } => {
                assert!(e.to_string().contains("404"), "{e}");
                break;
            }
            _ => continue,
        }
    }
    for _ in 0..500 {
        if cache.run(&run_id).is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(cache.run(&run_id).is_none(), "forgotten");
}

/// The outbox never applies a change twice: a change the run already holds (its first answer
/// was lost) is reported as already applied and not sent; a change to a deleted run is
/// refused and the later changes to it wait behind it, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_sends_each_change_once_and_in_order() {
    use tofui::worker::{Fetch, OutboxChange, Slot, WorkerEvent, WorkerRequest, spawn};
    let s = seeded(5).await;
    let api = client(&s.running.url);
    let run_id = newest_run(&api).await;
    let (out, mut answers) = tokio::sync::mpsc::unbounded_channel();
    let worker = spawn(client(&s.running.url), out);
    let change = |seq: u64, run_id: &str, v: &str| OutboxChange {
        seq,
        run_id: run_id.into(),
        unit_serial: None,
        changes: serde_json::Map::from_iter([("triage".to_string(), serde_json::json!(v))]),
    };
    let send = async |answers: &mut tokio::sync::mpsc::UnboundedReceiver<_>,
                      id: u64,
                      changes: Vec<OutboxChange>| {
        worker
            .send(WorkerRequest::Fetch {
                id,
                slot: Slot::Outbox,
                fetch: Fetch::SendOutbox(changes),
            })
            .expect("sent");
        let mut got = Vec::new();
        loop {
            let r: tofui::worker::WorkerResponse = answers.recv().await.expect("answer");
            match r.event {
                WorkerEvent::OutboxSent { seq, result } => {
                    got.push((seq, result.map_err(|e| e.to_string())))
                }
                WorkerEvent::OutboxDone => return got,
                other => panic!("unexpected {other:?}"),
            }
        }
    };
    // Sent, then the same change again (as after a lost answer): not applied twice.
    let first = send(&mut answers, 1, vec![change(1, &run_id, "bad joint")]).await;
    assert_eq!(first, vec![(1, Ok(false))]);
    let again = send(&mut answers, 2, vec![change(1, &run_id, "bad joint")]).await;
    assert_eq!(again, vec![(1, Ok(true))], "already applied: not sent again");
    let (_, run) = s.get(&format!("/runs/{run_id}")).await;
    assert_eq!(run["metadata"]["triage"], "bad joint");
    // A deleted run: refused; its later change waits; another run's change goes through.
    let other = {
        let (_, page) = s.get("/runs?limit=2").await;
        page["data"][1]["id"].as_str().expect("id").to_string()
    };
    api.delete_runs(std::slice::from_ref(&other)).await.expect("deleted");
    let order = vec![change(2, &other, "x"), change(3, &other, "y"), change(4, &run_id, "retest")];
    let got = send(&mut answers, 3, order).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, 2);
    assert!(got[0].1.as_ref().is_err_and(|e| e.contains("404")), "{got:?}");
    assert_eq!(got[1], (4, Ok(false)));
    let (_, run) = s.get(&format!("/runs/{run_id}")).await;
    assert_eq!(run["metadata"]["triage"], "retest");
}
