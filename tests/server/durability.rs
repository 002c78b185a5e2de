//! Concurrency and crash safety: concurrent writers lose nothing, and a server killed in the
//! middle of writes leaves a database that opens and holds every run it acknowledged.

use crate::common;

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::*;
use tofupilot::types::LogGetOutcome;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_writers_lose_nothing() {
    let s = TestServer::start().await;
    let p = s.sdk.procedures().create().name("Concurrency").send().await.expect("procedure").id;
    let mut tasks = Vec::new();
    for w in 0..50 {
        let sdk = client(&s.running.url, USER_KEY);
        let p = p.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for k in 0..4 {
                // Every writer creates the same part: get-or-create must not race.
                let id = pass_run(&sdk, &p, format!("W{w:02}-{k}"), "SHARED-PART")
                    .batch_number("B-SHARED")
                    .send()
                    .await
                    .expect("create acknowledged")
                    .id;
                ids.push(id);
            }
            ids
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("writer"));
    }
    assert_eq!(all.len(), 200);
    assert_eq!(s.run_count().await, 200);
    let parts: i64 = s
        .running
        .store
        .reader()
        .query_row("SELECT COUNT(*) FROM parts WHERE number = 'SHARED-PART'", [], |r| r.get(0))
        .expect("count");
    assert_eq!(parts, 1, "one part, however many writers created it at once");
    for id in all.iter().step_by(7) {
        s.sdk.runs().get().id(id).send().await.expect("every acknowledged run is readable");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_server_mid_write_keeps_every_acknowledged_run() {
    tofui::init_tls();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crash.sqlite3");
    // Port 0: the server takes a free port itself and says which.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tofui"))
        .args(["serve", "--addr", "127.0.0.1:0", "--user-key", "k", "--station-key", "s"])
        .arg("--db")
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        // Read to the end: a server whose stdout is closed would fail printing.
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line
                .strip_prefix("TofuPilot API v2 on ")
                .and_then(|rest| rest.split_whitespace().next())
            {
                let _ = tx.send(url.to_string());
            }
        }
    });
    let url = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(20)))
        .await
        .expect("reader")
        .expect("the server says where it listens");
    let sdk = client(&url, "k");
    let deadline = Instant::now() + Duration::from_secs(20);
    let p = loop {
        match sdk.procedures().create().name("Crash").send().await {
            Ok(p) => break p.id,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Err(e) => panic!("server did not come up: {e}"),
        }
    };
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for w in 0..8 {
        let sdk = client(&url, "k");
        let (p, acked) = (p.clone(), acked.clone());
        writers.push(tokio::spawn(async move {
            for k in 0.. {
                let t = Utc::now();
                let r = sdk
                    .runs()
                    .create()
                    .outcome(LogGetOutcome::Fail)
                    .procedure_id(&p)
                    .started_at(t)
                    .ended_at(t)
                    .serial_number(format!("C{w}-{k}"))
                    .part_number("CRASH")
                    .send()
                    .await;
                match r {
                    Ok(r) => acked.lock().expect("lock").push(r.id),
                    Err(_) => break,
                }
            }
        }));
    }
    // Let writes pile up, then kill the process without warning while they are in flight.
    while acked.lock().expect("lock").len() < 150 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    for w in writers {
        let _ = w.await;
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() >= 150);

    let store = tofui::server::store::Store::open(&db).expect("the database opens after a crash");
    let conn = store.reader();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
    assert_eq!(ok, "ok");
    let mut stmt = conn.prepare("SELECT 1 FROM runs WHERE id = ?1").expect("prepare");
    let missing: Vec<&String> =
        acked.iter().filter(|id| !stmt.exists([id.as_str()]).expect("query")).collect();
    assert!(missing.is_empty(), "{} acknowledged runs lost: {missing:?}", missing.len());
}
