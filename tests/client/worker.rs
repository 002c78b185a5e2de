//! The fetch worker against the embedded server over HTTP (and against a misbehaving mock):
//! paging to the end, every filter of the query language reaching the API, superseded
//! requests cancelled, retries on 500/429 and while the server is unreachable.

use crate::common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{FixedOffset, Utc};
use common::*;
use serde_json::Value;
use tofui::api::{RunOutcome, SortBy, SortOrder};
use tofui::model::RunsPage;
use tofui::query::parse;
use tofui::worker::{
    ApiClient, ClientConfig, ClientError, Fetch, ListRequest, Slot, WorkerEvent, WorkerRequest,
    WorkerResponse,
};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

struct Harness {
    tx: UnboundedSender<WorkerRequest>,
    rx: UnboundedReceiver<WorkerResponse>,
    next: u64,
}

fn config(url: &str) -> ClientConfig {
    ClientConfig {
        url: url.to_string(),
        api_key: USER_KEY.into(),
        ca_cert: None,
        timeout: Duration::from_secs(10),
    }
}

impl Harness {
    fn new(url: &str) -> Harness {
        let (tx, rx) = spawn_worker(url, USER_KEY, Duration::from_secs(10));
        Harness { tx, rx, next: 0 }
    }

    fn send(&mut self, slot: Slot, line: &str, cursor: Option<i64>) -> u64 {
        self.next += 1;
        let req = ListRequest {
            query: parse(line).expect("query parses"),
            sort_by: SortBy::StartedAt,
            sort_order: SortOrder::Desc,
            cursor,
            limit: 100,
            now_ms: Utc::now().timestamp_millis(),
            tz: FixedOffset::east_opt(0).expect("utc").into(),
            created_after_ms: None,
        };
        self.tx
            .send(WorkerRequest::Fetch { id: self.next, slot, fetch: Fetch::Runs(Box::new(req)) })
            .expect("worker alive");
        self.next
    }

    /// The next final answer (not a retry note), with the retry notes seen before it.
    async fn answer(&mut self) -> (u64, Result<RunsPage, ClientError>, Vec<WorkerEvent>) {
        let mut notes = Vec::new();
        loop {
            let resp = tokio::time::timeout(Duration::from_secs(30), self.rx.recv())
                .await
                .expect("an answer in time")
                .expect("worker alive");
            match resp.event {
                WorkerEvent::Runs(r) => return (resp.id, r, notes),
                other => notes.push(other),
            }
        }
    }

    /// Every row of a query, page after page.
    async fn all(&mut self, line: &str) -> Vec<tofui::model::RunRow> {
        let mut rows = Vec::new();
        let mut cursor = None;
        loop {
            let id = self.send(Slot::List(0), line, cursor);
            let (got, page, _) = self.answer().await;
            assert_eq!(got, id);
            let page = page.unwrap_or_else(|e| panic!("{line}: {e}"));
            rows.extend(page.rows);
            if !page.has_more {
                return rows;
            }
            cursor = page.next_cursor;
        }
    }
}

async fn demo_server(runs: usize) -> TestServer {
    TestServer::seeded_at(runs, 7, this_hour()).await
}

#[tokio::test]
async fn pages_to_the_end_without_gaps_or_repeats() {
    let s = demo_server(450).await;
    let mut h = Harness::new(&s.running.url);
    let rows = h.all("").await;
    assert_eq!(rows.len(), 450);
    let ids: HashSet<&str> = rows.iter().map(|r| &*r.id).collect();
    assert_eq!(ids.len(), 450, "no run twice");
    assert!(rows.windows(2).all(|w| w[0].started_ms >= w[1].started_ms), "newest first");
    assert!(
        rows.iter().all(|r| r.problem.is_none() && r.procedure.is_some() && !r.serial.is_empty())
    );
}

/// Metadata of a run, read straight from the API.
async fn metadata(s: &TestServer, id: &str) -> Value {
    let (status, run) = s.get(&format!("/runs/{id}")).await;
    assert_eq!(status, 200);
    run["metadata"].clone()
}

#[tokio::test]
async fn every_filter_of_the_language_reaches_the_api() {
    let s = demo_server(600).await;
    let mut h = Harness::new(&s.running.url);
    let all = h.all("").await;
    let now = Utc::now().timestamp_millis();
    type Check = Box<dyn Fn(&tofui::model::RunRow) -> bool>;
    let cases: Vec<(&str, Check)> = vec![
        (
            "outcome:fail,error",
            Box::new(|r| matches!(r.outcome, Some(RunOutcome::Fail | RunOutcome::Error))),
        ),
        ("serial:SN-0002*", Box::new(|r| r.serial.starts_with("SN-0002"))),
        ("part:PSU-12V", Box::new(|r| r.part.as_deref() == Some("PSU-12V"))),
        (
            "part:PCB-MAIN rev:B",
            Box::new(|r| {
                r.part.as_deref() == Some("PCB-MAIN") && r.revision.as_deref() == Some("B")
            }),
        ),
        ("batch:B03", Box::new(|r| r.batch.as_deref() == Some("B03"))),
        ("proc:\"RF Cal\"", Box::new(|r| r.procedure.as_deref() == Some("RF Calibration"))),
        (
            "proc:\"PCB Functional\" version:v2.1.0",
            Box::new(|r| r.version.as_deref() == Some("v2.1.0")),
        ),
        ("station:burn-in", Box::new(|r| r.station.as_deref() == Some("Burn-in Rack"))),
        ("operator:alice", Box::new(|r| r.operator.as_deref() == Some("Alice Martin"))),
        (
            "since:24h",
            Box::new(move |r| r.started_ms.is_some_and(|t| t >= now - 86_400_000 - 60_000)),
        ),
        (
            "until:48h",
            Box::new(move |r| r.started_ms.is_some_and(|t| t <= now - 172_800_000 + 60_000)),
        ),
        (
            "started>3d started<2d",
            Box::new(move |r| {
                r.started_ms.is_some_and(|t| {
                    t >= now - 3 * 86_400_000 - 60_000 && t <= now - 2 * 86_400_000 + 60_000
                })
            }),
        ),
        ("duration>1h", Box::new(|r| r.duration_ms.is_some_and(|d| d >= 3_600_000))),
        ("duration<10s", Box::new(|r| r.duration_ms.is_some_and(|d| d <= 10_000))),
        (
            "outcome:pass sn:SN-00010",
            Box::new(|r| &*r.serial == "SN-00010" && r.outcome == Some(RunOutcome::Pass)),
        ),
    ];
    for (line, check) in &cases {
        let rows = h.all(line).await;
        let expected = all.iter().filter(|r| check(r)).count();
        assert!(!rows.is_empty(), "{line}: the demo data has matches");
        assert!(rows.len() < all.len(), "{line}: the filter narrowed the list");
        assert!(rows.iter().all(check), "{line}: every row matches");
        if !line.starts_with("serial:")
            && !line.contains("version")
            && !line.starts_with("until")
            && !line.starts_with("since")
            && !line.starts_with("started")
        {
            assert_eq!(rows.len(), expected, "{line}: every matching run came back");
        }
    }
    // Metadata conditions, checked against each run's own metadata.
    for (line, check) in [
        ("meta.shift=A", Box::new(|m: &Value| m["shift"] == "A") as Box<dyn Fn(&Value) -> bool>),
        (
            "meta.temperature>=25.5",
            Box::new(|m: &Value| m["temperature"].as_f64().is_some_and(|t| t >= 25.5)),
        ),
        ("meta.rework=true", Box::new(|m: &Value| m["rework"] == true)),
        (
            "meta.fixture~X-2",
            Box::new(|m: &Value| m["fixture"].as_str().is_some_and(|f| f.contains("X-2"))),
        ),
        (
            "meta.shift:A,C meta.temperature<22",
            Box::new(|m: &Value| {
                (m["shift"] == "A" || m["shift"] == "C")
                    && m["temperature"].as_f64().is_some_and(|t| t < 22.0)
            }),
        ),
    ] {
        let rows = h.all(line).await;
        assert!(!rows.is_empty() && rows.len() < all.len(), "{line}: narrowed to {}", rows.len());
        for r in rows.iter().take(15) {
            assert!(check(&metadata(&s, &r.id).await), "{line}: run {} matches", r.id);
        }
    }
    // Free words search the serial; ids filter exactly.
    let rows = h.all("SN-00010").await;
    assert!(!rows.is_empty() && rows.iter().all(|r| r.serial.contains("SN-00010")));
    let two = format!("id:{},{}", all[3].id, all[9].id);
    let rows = h.all(&two).await;
    assert_eq!(
        rows.iter().map(|r| &*r.id).collect::<HashSet<_>>(),
        HashSet::from([&*all[3].id, &*all[9].id])
    );
    // A name that matches nothing is said so, and nothing is listed.
    h.send(Slot::List(0), "station:\"Line 9\"", None);
    let (_, r, _) = h.answer().await;
    assert_eq!(r.err(), Some(ClientError::NoMatch("no station matches `Line 9`".into())));
}

/// One canned answer: status, an extra header, body.
type Answer = (u16, Option<(&'static str, &'static str)>, String);

/// A stand-in server that answers `/api/v2/runs` with `answers` in turn (status, extra
/// header, body), each after `delay`, counting the calls.
async fn mock(answers: Vec<Answer>, delay: Duration) -> (String, Arc<AtomicUsize>) {
    use axum::http::{HeaderName, HeaderValue, StatusCode};
    use axum::response::IntoResponse;
    let calls = Arc::new(AtomicUsize::new(0));
    let answers = Arc::new(answers);
    let (c, a) = (calls.clone(), answers.clone());
    let app = axum::Router::new().route(
        "/api/v2/runs",
        axum::routing::get(move || {
            let (c, a) = (c.clone(), a.clone());
            async move {
                let n = c.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                let (status, header, body) = a[n.min(a.len() - 1)].clone();
                let mut resp = (
                    StatusCode::from_u16(status).expect("status"),
                    [("content-type", "application/json")],
                    body,
                )
                    .into_response();
                if let Some((k, v)) = header {
                    resp.headers_mut()
                        .insert(HeaderName::from_static(k), HeaderValue::from_static(v));
                }
                resp
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (url, calls)
}

const PAGE: &str = r#"{"data":[{"id":"r1","outcome":"PASS","unit":{"serial_number":"SN-1"}},{"id":"r2","outcome":"RUNNING","unit":{"serial_number":"SN-2"}},{"id":"r3","outcome":17},{"id":"r4","outcome":"FAIL","unit":{"serial_number":"SN-4"},"brand_new_field":{"x":1}}],"meta":{"has_more":false,"next_cursor":null}}"#;

#[tokio::test]
async fn retries_429_after_retry_after_and_500_then_succeeds() {
    tofui::init_tls();
    let err = r#"{"message":"busy","code":"X","issues":[]}"#.to_string();
    let (url, calls) = mock(
        vec![
            (429, Some(("retry-after", "1")), err.clone()),
            (500, None, err),
            (200, None, PAGE.into()),
        ],
        Duration::ZERO,
    )
    .await;
    let mut h = Harness::new(&url);
    let t0 = Instant::now();
    h.send(Slot::List(0), "", None);
    let (_, page, notes) = h.answer().await;
    let page = page.expect("third attempt succeeds");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert!(t0.elapsed() >= Duration::from_secs(1), "waited as Retry-After said");
    assert_eq!(notes.len(), 2, "each retry was reported: {notes:?}");
    assert!(
        matches!(&notes[0], WorkerEvent::Retrying { error: ClientError::Status { status: 429, .. }, delay, .. } if *delay == Duration::from_secs(1))
    );
    // The tolerant reader: an unknown outcome is kept, a malformed row is a row that says so.
    assert_eq!(page.rows.len(), 4);
    assert_eq!(page.rows[1].outcome, Some(RunOutcome::Unknown("RUNNING".into())));
    assert!(page.rows[2].problem.is_some() && &*page.rows[2].id == "r3");
    assert!(page.rows[3].problem.is_none());
}

#[tokio::test]
async fn gives_up_on_a_persistent_500_with_the_servers_message() {
    tofui::init_tls();
    let (url, calls) =
        mock(vec![(500, None, r#"{"message":"database on fire"}"#.into())], Duration::ZERO).await;
    let mut h = Harness::new(&url);
    h.send(Slot::List(0), "", None);
    let (_, page, notes) = h.answer().await;
    assert_eq!(
        page.err(),
        Some(ClientError::Status { status: 500, message: "database on fire".into() })
    );
    assert_eq!(calls.load(Ordering::SeqCst), 4, "1 try + 3 retries");
    assert_eq!(notes.len(), 3);
}

/// The next report of the holding server (waiting long only when something is broken).
async fn next(seen: &mut UnboundedReceiver<Seen>) -> Option<Seen> {
    tokio::time::timeout(Duration::from_secs(30), seen.recv()).await.expect("a report in time")
}

/// What the holding server saw of the first request.
#[derive(Debug, PartialEq)]
enum Seen {
    Arrived,
    HungUp,
}

/// A server that holds the first request it gets without ever answering, saying when it
/// arrived and when the client hung up on it; every later request gets `PAGE` at once.
async fn holds_the_first() -> (String, UnboundedReceiver<Seen>, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, seen) = unbounded_channel();
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (tx, c) = (tx.clone(), c.clone());
            tokio::spawn(async move {
                // The request head (a GET has no body).
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                if c.fetch_add(1, Ordering::SeqCst) == 0 {
                    let _ = tx.send(Seen::Arrived);
                    // Never answered: wait for the client to close the connection.
                    while matches!(sock.read(&mut buf).await, Ok(n) if n > 0) {}
                    let _ = tx.send(Seen::HungUp);
                } else {
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{PAGE}",
                        PAGE.len()
                    );
                    let _ = sock.write_all(resp.as_bytes()).await;
                }
            });
        }
    });
    (url, seen, calls)
}

#[tokio::test]
async fn a_newer_request_cancels_the_older_one() {
    tofui::init_tls();
    let (url, mut seen, calls) = holds_the_first().await;
    let mut h = Harness::new(&url);
    let first = h.send(Slot::List(0), "outcome:fail", None);
    assert_eq!(next(&mut seen).await, Some(Seen::Arrived), "the first request is in flight");
    let second = h.send(Slot::List(0), "outcome:pass", None);
    let (id, page, _) = h.answer().await;
    assert_eq!(id, second);
    assert!(page.is_ok());
    // The first was aborted: the client hung up on it, and it can never be answered.
    assert_eq!(next(&mut seen).await, Some(Seen::HungUp), "request {first} abandoned");
    assert!(h.rx.try_recv().is_err(), "no answer for the superseded request {first}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // Another slot is independent.
    let live = h.send(Slot::Live(0), "", None);
    let list = h.send(Slot::List(0), "", None);
    let mut got = vec![h.answer().await.0, h.answer().await.0];
    got.sort();
    assert_eq!(got, vec![live, list]);
}

#[tokio::test]
async fn an_unreachable_server_is_retried_and_reported_until_it_answers() {
    tofui::init_tls();
    // A port held but not listened on (connections are refused), where a server appears
    // later: the port stays ours in between, so nothing else can take it.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
    let addr = socket.local_addr().expect("addr");
    let mut h = Harness::new(&format!("http://{addr}"));
    h.send(Slot::List(0), "", None);
    let first = tokio::time::timeout(Duration::from_secs(5), h.rx.recv())
        .await
        .expect("a note")
        .expect("alive");
    match first.event {
        WorkerEvent::Retrying { attempt: 1, error, .. } => assert!(error.is_offline(), "{error}"),
        other => panic!("expected a retry note, got {other:?}"),
    }
    let s = TestServer::start().await;
    // Forward the port to the real server by listening on it now.
    let listener = socket.listen(64).expect("listen");
    let target = s.running.addr;
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            tokio::spawn(async move {
                if let Ok(mut out) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                }
            });
        }
    });
    let (_, page, _) = h.answer().await;
    assert!(page.expect("answers once the server is up").rows.is_empty());
}

#[test]
fn a_bad_url_or_ca_file_is_explained_before_anything_is_sent() {
    let dir = tempfile::tempdir().expect("dir");
    let mut c = config("https://tofupilot.example.com");
    c.ca_cert = Some(dir.path().join("missing.pem"));
    let e = ApiClient::new(&c).expect_err("missing file");
    assert!(e.to_string().contains("missing.pem"), "{e}");
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").expect("write");
    c.ca_cert = Some(junk);
    let e = ApiClient::new(&c).expect_err("no certificate");
    assert!(e.to_string().contains("no PEM certificate"), "{e}");
    let e = ApiClient::new(&config("tofupilot dot app")).expect_err("not a URL");
    assert!(e.to_string().contains("is not a URL"), "{e}");
}

/// Undo's read of many marked runs (and a filter of many `ids`) goes out a hundred ids at a
/// time: one request would be a URL past what a hosted instance's proxies take, which the
/// embedded server refuses as they do (414).
#[tokio::test]
async fn many_runs_read_by_id_arrive_all_and_once_within_url_limits() {
    let s = demo_server(300).await;
    let mut h = Harness::new(&s.running.url);
    let ids: Vec<String> = h.all("").await.iter().take(250).map(|r| r.id.to_string()).collect();
    let query = format!("ids:{}", ids.join(","));
    let long: String = ids.iter().map(|id| format!("ids={id}&")).collect();
    let (status, err) = s.get(&format!("/runs?{long}")).await;
    assert_eq!(status, 414, "{err}");
    // With a body left unread, the connection is closed after the refusal.
    let resp = s
        .http
        .post(s.api(&format!("/runs?{long}")))
        .bearer_auth(USER_KEY)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("answer");
    assert_eq!(resp.status().as_u16(), 414);
    assert_eq!(resp.headers().get("connection").map(|v| v.as_bytes()), Some(&b"close"[..]));

    h.next += 1;
    let mut req = ListRequest {
        query: parse(&query).expect("query parses"),
        sort_by: SortBy::StartedAt,
        sort_order: SortOrder::Desc,
        cursor: None,
        limit: 100,
        now_ms: Utc::now().timestamp_millis(),
        tz: FixedOffset::east_opt(0).expect("utc").into(),
        created_after_ms: None,
    };
    req.query.ids = ids.clone();
    let fetch = Fetch::Population { req: Box::new(req), failures: false };
    h.tx.send(WorkerRequest::Fetch { id: h.next, slot: Slot::Population, fetch }).expect("worker");
    let mut got = Vec::new();
    loop {
        let resp = tokio::time::timeout(Duration::from_secs(30), h.rx.recv())
            .await
            .expect("an answer in time")
            .expect("worker alive");
        let WorkerEvent::PopulationRuns { rows, done, capped, .. } = resp.event else { continue };
        got.extend(rows.expect("no error").into_iter().map(|r| r.id.clone()));
        assert!(!capped);
        if done {
            break;
        }
    }
    assert_eq!(got.len(), 250, "each once");
    let (got, want): (HashSet<_>, HashSet<_>) =
        (got.into_iter().collect(), ids.into_iter().collect());
    assert_eq!(got, want);
}

/// Issue 26: a server that refuses with 429 what is over its capacity (4 at once) gets fewer
/// requests at once from tofui after the first refusals (the client halves what it sends at
/// once on each 429 or 503, then grows back one at a time), and every request is answered.
/// Without it, the 44 requests over capacity of the first wave would each be refused, and
/// refused again on each retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_answering_429_gets_fewer_requests_at_once() {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let on_way = Arc::new(AtomicUsize::new(0));
    let refused = Arc::new(AtomicUsize::new(0));
    let (w, r) = (on_way.clone(), refused.clone());
    let app = axum::Router::new().route(
        "/api/v2/runs",
        axum::routing::get(move || {
            let (w, r) = (w.clone(), r.clone());
            async move {
                if w.fetch_add(1, Ordering::SeqCst) >= 4 {
                    w.fetch_sub(1, Ordering::SeqCst);
                    r.fetch_add(1, Ordering::SeqCst);
                    return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "0")], "slow down")
                        .into_response();
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                w.fetch_sub(1, Ordering::SeqCst);
                let body = r#"{"data":[],"meta":{"has_more":false,"next_cursor":null}}"#;
                ([("content-type", "application/json")], body).into_response()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    let client = api_client(&url, "k", Duration::from_secs(20));
    let report = tofui::worker::client::silent();
    let asks = (0..48).map(|i| {
        let (client, report) = (client.clone(), report.clone());
        async move { client.list_runs_raw(&[("cursor", (i * 100).to_string())], &report).await }
    });
    let answers = futures::future::join_all(asks).await;
    assert!(answers.iter().all(Result::is_ok), "every request answered in the end");
    let refused = refused.load(Ordering::SeqCst);
    assert!(
        refused <= 20,
        "{refused} refusals: the client kept sending over the server's capacity"
    );
}
