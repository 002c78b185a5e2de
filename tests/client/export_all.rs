//! `:export! FILE` (issue 17): every run the filter matches, not only the rows loaded, fetched
//! page by page by the real worker from the real server, with a progress line; `esc` stops it
//! and writes nothing. The CSV read back is the server's list of the filter.

use crate::common;

use std::time::Duration;

use crate::common::render::text as screen;
use common::keys::press;
use common::rows::{NOW, app};
use common::*;
use tofui::app::{App, Effect, Msg};
use tofui::worker::{Fetch, Slot, WorkerRequest, WorkerResponse};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

struct Harness {
    server: TestServer,
    tx: UnboundedSender<WorkerRequest>,
    rx: UnboundedReceiver<WorkerResponse>,
}

async fn harness() -> Harness {
    let server = TestServer::seeded(400, 5).await;
    let (tx, rx) = server.worker();
    Harness { server, tx, rx }
}

/// The app with the filter `outcome:pass` typed, and the export request `:export! PATH` made.
fn exporting(path: &str) -> (App, WorkerRequest) {
    let mut a = app(100, 30);
    a.start();
    press(&mut a, "/outcome:pass\n");
    let fx = press(&mut a, &format!(":export! {path}\n"));
    let req = fx
        .into_iter()
        .find_map(|e| match e {
            Effect::Send(r @ WorkerRequest::Fetch { fetch: Fetch::ExportRows(_), .. }) => Some(r),
            _ => None,
        })
        .expect("every matching run asked for");
    (a, req)
}

/// Every run id of the filter by hand, newest first: (id, serial, outcome).
async fn by_hand(s: &TestServer) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    loop {
        let (_, page) = s
            .get(&format!(
                "/runs?outcomes=PASS&sort_by=started_at&sort_order=desc&limit=100&cursor={}",
                out.len()
            ))
            .await;
        for r in page["data"].as_array().expect("data") {
            out.push((
                r["id"].as_str().expect("id").to_string(),
                r["unit"]["serial_number"].as_str().unwrap_or("").to_string(),
                r["outcome"].as_str().expect("outcome").to_string(),
            ));
        }
        if !page["meta"]["has_more"].as_bool().unwrap_or(false) {
            return out;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_matching_run_is_exported_and_reads_back_as_the_servers_list() {
    let mut h = harness().await;
    let (mut a, req) = exporting("/tmp/tofui-export-all.csv");
    h.tx.send(req).expect("worker");
    let mut content = None;
    let mut pages = 0;
    while content.is_none() {
        let r = tokio::time::timeout(Duration::from_secs(30), h.rx.recv())
            .await
            .expect("in time")
            .expect("worker");
        pages += 1;
        let fx = a.update(Msg::Worker(r), NOW);
        content = fx.into_iter().find_map(|e| match e {
            Effect::Export { path, content, overwrite: false } => {
                assert_eq!(path, "/tmp/tofui-export-all.csv");
                Some(content)
            }
            _ => None,
        });
        if pages == 1 && content.is_none() {
            let s = screen(&a);
            assert!(
                s.contains("exporting every match to /tmp/tofui-export-all.csv: 100 runs"),
                "{s}"
            );
        }
    }
    let want = by_hand(&h.server).await;
    assert!(want.len() > 100, "more than a page: {}", want.len());
    assert_eq!(pages, want.len().div_ceil(100), "one answer a page");
    let content = content.expect("written");
    let mut lines = content.lines();
    let head: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).expect(name);
    let (id, serial, outcome) = (col("id"), col("serial_number"), col("outcome"));
    let got: Vec<(String, String, String)> = lines
        .map(|l| {
            // The demo's ids, serials and outcomes hold no commas or quotes.
            let cells: Vec<&str> = l.split(',').collect();
            (cells[id].to_string(), cells[serial].to_string(), cells[outcome].to_string())
        })
        .collect();
    assert_eq!(got, want, "the server's list of the filter, in its order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_stops_the_export_and_writes_nothing() {
    let mut h = harness().await;
    let (mut a, req) = exporting("/tmp/tofui-export-cancelled.csv");
    let WorkerRequest::Fetch { id, .. } = &req else { unreachable!() };
    let id = *id;
    h.tx.send(req).expect("worker");
    let first = h.rx.recv().await.expect("first page");
    a.update(Msg::Worker(first), NOW);
    let fx = press(&mut a, "\x1b");
    assert!(
        fx.contains(&Effect::Send(WorkerRequest::Cancel { slot: Slot::Export })),
        "the worker is told to stop"
    );
    assert!(screen(&a).contains("cancelled; nothing written"));
    // A page already on its way is dropped: nothing is written.
    let late = WorkerResponse {
        id,
        event: tofui::worker::WorkerEvent::Runs(Ok(tofui::model::RunsPage::default())),
    };
    let fx = a.update(Msg::Worker(late), NOW);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Export { .. })));
}

/// Issue 24 item 16: the list is read with each run's metadata, and `:export!` writes it: the
/// `metadata.fixture` column of every run is the server's `fixture`, the disposition column is
/// there (empty: nothing triaged yet).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_run_is_exported_with_its_metadata_as_the_server_has_it() {
    let mut h = harness().await;
    let (mut a, req) = exporting("/tmp/tofui-export-meta.csv");
    h.tx.send(req).expect("worker");
    let mut content = None;
    while content.is_none() {
        let r = tokio::time::timeout(Duration::from_secs(30), h.rx.recv())
            .await
            .expect("in time")
            .expect("worker");
        content = a.update(Msg::Worker(r), NOW).into_iter().find_map(|e| match e {
            Effect::Export { content, .. } => Some(content),
            _ => None,
        });
    }
    let content = content.expect("written");
    let mut lines = content.lines();
    let head: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).expect(name);
    let (id, fixture, disposition) = (col("id"), col("metadata.fixture"), col("disposition"));
    let mut want = std::collections::HashMap::new();
    let mut cursor = 0;
    loop {
        let (_, page) = h
            .server
            .get(&format!("/runs?outcomes=PASS&include_metadata=true&limit=100&cursor={cursor}"))
            .await;
        for r in page["data"].as_array().expect("data") {
            let f = r["metadata"]["fixture"].as_str().unwrap_or("").to_string();
            want.insert(r["id"].as_str().expect("id").to_string(), f);
        }
        cursor += 100;
        if !page["meta"]["has_more"].as_bool().unwrap_or(false) {
            break;
        }
    }
    let mut n = 0;
    for l in lines {
        let cells: Vec<&str> = l.split(',').collect();
        assert_eq!(Some(&cells[fixture].to_string()), want.get(cells[id]), "{l}");
        assert!(!cells[fixture].is_empty(), "every demo run has a fixture: {l}");
        assert_eq!(cells[disposition], "", "{l}");
        n += 1;
    }
    assert_eq!(n, want.len());
}
