//! A run made by hand in the dashboard (issue 29, part 1): the real binary in a pseudo-terminal
//! fills the create-run form and the official SDK reads the run it made; a dropped answer
//! retried under the same ref makes one run.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::pty::Tui;
use common::{TestServer, USER_KEY, api_client};
use serde_json::Value;

const TAB: &str = "\t";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scanned_serial_fills_the_form_and_the_run_it_sends_opens_as_the_sdk_reads_it() {
    let s = TestServer::seeded_at(30, 29, chrono::Utc::now()).await;
    // A unit the server knows, and its part, revision and batch as the API gives them.
    let (_, runs) = s.get("/runs?limit=1").await;
    let row = &runs["data"][0];
    let serial = row["unit"]["serial_number"].as_str().expect("serial").to_string();
    // Another unit, to be the new run's sub-unit.
    let (_, more) = s.get("/runs?limit=20").await;
    let sub = more["data"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["unit"]["serial_number"].as_str())
        .find(|s| *s != serial)
        .expect("a second unit")
        .to_string();
    let sub_typed = sub.clone();
    let (_, unit) = s.get(&format!("/units/{serial}")).await;
    let part = unit["part"]["number"].as_str().expect("part").to_string();
    let revision = unit["part"]["revision"]["number"].as_str().expect("rev").to_string();
    let (_, procs) = s.get("/procedures?limit=100").await;
    let proc_name = procs["data"][0]["name"].as_str().expect("name").to_string();
    let proc_id = procs["data"][0]["id"].as_str().expect("id").to_string();
    let before = s.run_count().await;
    // Two files to attach, one with a space in its name.
    let files = tempfile::tempdir().expect("dir");
    let photo = files.path().join("bridge photo.jpg");
    let photo_bytes: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&photo, &photo_bytes).expect("photo");
    let notes = files.path().join("notes.txt");
    std::fs::write(&notes, "U3 bridged, reworked by hand\n").expect("notes");
    let attach = format!("\"{}\" {}", photo.display(), notes.display());

    let url = s.running.url.clone();
    let mut t = tokio::task::spawn_blocking(move || Tui::start(&url, &[])).await.expect("tui");
    let serial_typed = serial.clone();
    let (t, screen) = tokio::task::spawn_blocking(move || {
        t.wait_for("the list", |s| s.contains("All runs"));
        t.send("N");
        t.wait_for("the form", |s| s.contains("New run"));
        // The procedure by part of its name, narrowed to one.
        let typed: String = proc_name.chars().take(proc_name.len().min(8)).collect();
        t.send(&typed);
        t.wait_for("the procedure narrowed", |s| s.contains(&format!("✓ {proc_name}")));
        // A scanner types fast and presses Enter.
        t.send(TAB);
        t.send(&format!("{serial_typed}\r"));
        t.wait_for("the unit's part", |s| s.contains("known unit:"));
        t.send(&format!("{TAB}{TAB}{TAB}FAIL{TAB}{TAB}+90s{TAB}visual inspector{TAB}{TAB}"));
        t.send(&format!(
            "rework=true, temp=23.5, fixture=\"12\"{TAB}{TAB}{sub_typed}{TAB}solder bridge on U3"
        ));
        t.send(&format!("{TAB}Visual: bridges=2 count <=0 | Power: rail=3.31 V 3.2..3.4"));
        // A file that is not there is named under the field, before anything is sent.
        t.send(&format!("{TAB}/nonexistent/scope.png"));
        t.send("\x13");
        t.wait_for("the missing file", |s| s.contains("✗ /nonexistent/scope.png"));
        t.send(&"\x7f".repeat("/nonexistent/scope.png".len()));
        t.send(&attach);
        t.send("\x13");
        let review = t.wait_for("the request", |s| s.contains("POST /v2/runs"));
        assert!(review.contains("then uploads 2 files to the new run"), "{review}");
        t.send("\r");
        // The run opens and its attachments go up over it, the last one saying so.
        let screen = t.wait_for("the new run", |s| s.contains("uploaded notes.txt"));
        (t, screen)
    })
    .await
    .expect("driven");
    assert!(screen.contains(&serial) && screen.contains("FAIL"), "the run opens:\n{screen}");
    drop(t);
    assert_eq!(s.run_count().await, before + 1);

    // What the official SDK reads for it.
    let query = format!("/runs?limit=1&serial_numbers={serial}&sort_by=created_at&sort_order=desc");
    let (_, newest) = s.get(&query).await;
    let id = newest["data"][0]["id"].as_str().expect("the new run").to_string();
    let run = s.sdk.runs().get().id(&id).send().await.expect("the SDK reads the run");
    assert_eq!(run.unit.serial_number, serial);
    assert_eq!(run.procedure.id, proc_id);
    let (_, raw) = s.get(&format!("/runs/{id}")).await;
    assert_eq!(raw["outcome"], "FAIL");
    assert_eq!(raw["unit"]["part"]["number"], part.as_str());
    assert_eq!(raw["unit"]["part"]["revision"]["number"], revision.as_str());
    assert_eq!(raw["metadata"], serde_json::json!({"rework": true, "temp": 23.5, "fixture": "12"}));
    assert_eq!(raw["operated_by"]["name"], "visual inspector");
    assert_eq!(raw["docstring"], "solder bridge on U3");
    let subs: Vec<&str> = raw["sub_units"]
        .as_array()
        .map(|a| a.iter().filter_map(|u| u["serial_number"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(subs, [sub.as_str()], "the sub-unit typed: {}", raw["sub_units"]);
    assert_eq!(raw["duration"], "PT1M30S");
    // Phases, measurements and limits, as the SDK reads them.
    let phases = run.phases.as_ref().expect("phases");
    assert_eq!(phases.len(), 2);
    let names: Vec<&str> = phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Visual", "Power"], "in the order typed, each its slice of the run");
    assert_eq!(phases[0].measurements[0].name, "bridges");
    let p = &raw["phases"];
    assert_eq!((p[0]["outcome"].as_str(), p[1]["outcome"].as_str()), (Some("FAIL"), Some("PASS")));
    let bridges = &p[0]["measurements"][0];
    assert_eq!(
        (bridges["measured_value"].as_f64(), bridges["units"].as_str()),
        (Some(2.0), Some("count"))
    );
    assert_eq!(bridges["outcome"], "FAIL");
    assert_eq!(bridges["validators"][0]["operator"], "<=");
    assert_eq!(bridges["validators"][0]["expected_value"].as_f64(), Some(0.0));
    let rail = &p[1]["measurements"][0];
    let limits: Vec<(String, f64)> = rail["validators"]
        .as_array()
        .expect("validators")
        .iter()
        .map(|v| {
            (
                v["operator"].as_str().unwrap_or("").to_string(),
                v["expected_value"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect();
    assert_eq!(limits, [(">=".to_string(), 3.2), ("<=".to_string(), 3.4)]);
    // The attachments, as the SDK lists them and as their links give them back.
    let mut got: Vec<(String, Vec<u8>)> = Vec::new();
    for a in run.attachments.clone().expect("attachments") {
        let link = match a.download_url {
            tofupilot::types::NullableField::Value(u) => u,
            other => panic!("no download link: {other:?}"),
        };
        let bytes = reqwest::get(&link).await.expect("download").bytes().await.expect("bytes");
        got.push((a.name, bytes.to_vec()));
    }
    got.sort();
    assert_eq!(
        got,
        [
            ("bridge photo.jpg".to_string(), photo_bytes),
            ("notes.txt".to_string(), b"U3 bridged, reworked by hand\n".to_vec())
        ]
    );
}

/// Forwards to `server`; the first connection's answer is dropped after the server sent it.
async fn dropping_proxy(server: std::net::SocketAddr) -> (String, Arc<AtomicUsize>) {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let n = Arc::new(AtomicUsize::new(0));
    let count = n.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let first = count.fetch_add(1, Ordering::SeqCst) == 0;
            let Ok(mut up) = tokio::net::TcpStream::connect(server).await else { continue };
            tokio::spawn(async move {
                if first {
                    let (mut cr, _cw) = client.split();
                    let (mut ur, mut uw) = up.split();
                    let forward = tokio::io::copy(&mut cr, &mut uw);
                    let mut answer = [0u8; 1];
                    tokio::select! {
                        _ = forward => {}
                        // The server answered: the answer is lost on the way.
                        _ = ur.read(&mut answer) => {}
                    }
                    // Both connections close here, without a byte of the answer.
                } else {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut up).await;
                }
            });
        }
    });
    (url, n)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_a_dropped_answer_makes_one_run() {
    let s = TestServer::seeded_at(5, 29, chrono::Utc::now()).await;
    let (_, procs) = s.get("/procedures?limit=1").await;
    let proc_id = procs["data"][0]["id"].as_str().expect("id").to_string();
    let addr: std::net::SocketAddr =
        s.running.url.trim_start_matches("http://").parse().expect("addr");
    let (url, connections) = dropping_proxy(addr).await;
    let client = api_client(&url, USER_KEY, Duration::from_secs(10));
    let body: Value = serde_json::json!({
        "outcome": "PASS", "procedure_id": proc_id, "serial_number": "SN-RETRY-1",
        "part_number": "PCB-MAIN", "revision_number": "A",
        "started_at": "2026-12-01T10:00:00.000Z", "ended_at": "2026-12-01T10:01:00.000Z",
        "client_run_ref": "form-ref-1",
    });
    let before = s.run_count().await;
    let id = client.create_run(&body).await.expect("made, after a retry");
    assert!(connections.load(Ordering::SeqCst) >= 2, "the first answer was dropped");
    assert_eq!(s.run_count().await, before + 1, "one run");
    let (status, run) = s.get(&format!("/runs/{id}")).await;
    assert_eq!((status, run["unit"]["serial_number"].as_str()), (200, Some("SN-RETRY-1")));
}

// SIGHUP is Unix's.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_keeps_a_form_not_sent_and_the_next_start_offers_it_back() {
    let s = TestServer::seeded_at(5, 29, chrono::Utc::now()).await;
    let url = s.running.url.clone();
    tokio::task::spawn_blocking(move || {
        let state = tempfile::tempdir().expect("dir");
        let log = state.path().join("tofui.log").to_string_lossy().to_string();
        let mut t = Tui::start(&url, &["--log-file", &log]);
        t.wait_for("the list", |s| s.contains("All runs"));
        t.send("N");
        t.wait_for("the form", |s| s.contains("New run"));
        t.send(&format!("{TAB}SN-HUP-7{TAB}{TAB}{TAB}{TAB}{TAB}{TAB}{TAB}{TAB}{TAB}rework=true"));
        t.wait_for("the metadata typed", |s| s.contains("rework=true"));
        t.signal("-HUP");
        let t0 = std::time::Instant::now();
        while t.child.try_wait().ok().flatten().is_none() {
            assert!(t0.elapsed() < Duration::from_secs(10), "tofui ends on SIGHUP");
            std::thread::sleep(Duration::from_millis(20));
        }
        let files: Vec<std::path::PathBuf> = std::fs::read_dir(state.path())
            .expect("list")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("edits-")))
            .collect();
        assert_eq!(files.len(), 1, "one recovery file");
        let text = std::fs::read_to_string(&files[0]).expect("read");
        assert!(text.contains("SN-HUP-7") && text.contains("rework=true"), "{text}");
        assert!(!text.contains(USER_KEY), "never the key");

        let mut again = Tui::start(&url, &["--log-file", &log]);
        again.wait_for("the offer", |s| s.contains("a new run's form for SN-HUP-7"));
        again.send("y");
        let form = again.wait_for("the form back", |s| s.contains("New run"));
        assert!(form.contains("SN-HUP-7") && form.contains("rework=true"), "{form}");
    })
    .await
    .expect("driven");
}
