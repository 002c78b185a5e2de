//! Bulk edit over marked runs (issue 14 item 12), headless against the embedded server: the
//! editor lists the keys the marked runs already have with how many hold each, removes a key
//! from all of them (checked through the API), and the list keeps a count of its marks with
//! a key that clears them.

use crate::common;

use std::time::Duration;

use common::keys::key_event;
use common::render::text;
use common::rows::{NOW, app};
use common::*;
use serde_json::{Value, json};
use tofui::app::{App, Effect, Mode, Msg};
use tofui::worker::{Slot, WorkerEvent, WorkerRequest, WorkerResponse};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

struct Rig {
    server: TestServer,
    app: App,
    tx: UnboundedSender<WorkerRequest>,
    rx: UnboundedReceiver<WorkerResponse>,
}

impl Rig {
    async fn new() -> Rig {
        let server = TestServer::seeded(12, 5).await;
        let (tx, rx) = server.worker();
        let mut rig = Rig { server, app: app(100, 30), tx, rx };
        let fx = rig.app.start();
        rig.pump(fx).await;
        assert!(!rig.app.list().rows.is_empty(), "the list loaded");
        rig
    }

    /// Sends the requests among `fx` the test is about (lists, editor reads, changes) to
    /// the worker and feeds every answer back, until nothing more is asked.
    async fn pump(&mut self, mut fx: Vec<Effect>) {
        loop {
            let mut waiting = 0;
            for e in fx.drain(..) {
                if let Effect::Send(r @ WorkerRequest::Fetch { slot, .. }) = e
                    && matches!(slot, Slot::List(_) | Slot::Editor | Slot::Mutation(_))
                {
                    self.tx.send(r).expect("worker");
                    waiting += 1;
                }
            }
            if waiting == 0 {
                return;
            }
            while waiting > 0 {
                let r = tokio::time::timeout(Duration::from_secs(30), self.rx.recv())
                    .await
                    .expect("answer in time")
                    .expect("worker alive");
                let last = !matches!(
                    &r.event,
                    WorkerEvent::Progress { .. }
                        | WorkerEvent::Retrying { .. }
                        | WorkerEvent::Run { logs_follow: true, .. }
                );
                waiting -= usize::from(last);
                fx.extend(self.app.update(Msg::Worker(r), NOW));
            }
        }
    }

    async fn press(&mut self, keys: &str) {
        for c in keys.chars() {
            let fx = self.app.update(Msg::Key(key_event(c)), NOW);
            self.pump(fx).await;
        }
    }

    async fn metadata(&self, run_id: &str) -> Value {
        let (st, run) = self.server.get(&format!("/runs/{run_id}")).await;
        assert_eq!(st, 200, "{run}");
        run["metadata"].clone()
    }

    async fn patch(&self, run_id: &str, meta: Value) {
        let body = json!({ "metadata": meta }).to_string();
        let path = format!("/runs/{run_id}/metadata");
        let (st, r) = self.server.call(reqwest::Method::PATCH, &path, Some(&body)).await;
        assert_eq!(st, 200, "{r}");
    }

    fn ids(&self, n: usize) -> Vec<String> {
        self.app.list().rows.iter().take(n).map(|r| r.id.to_string()).collect()
    }
}

/// The first three runs get keys of their own: `lot` on two with two values, `bench` on all
/// three with one value; the fourth (not marked) has `lot` too.
async fn marked_three() -> Rig {
    let mut rig = Rig::new().await;
    let ids = rig.ids(4);
    rig.patch(&ids[0], json!({"lot": "L-7", "bench": "B2"})).await;
    rig.patch(&ids[1], json!({"lot": "L-9", "bench": "B2"})).await;
    rig.patch(&ids[2], json!({"bench": "B2"})).await;
    rig.patch(&ids[3], json!({"lot": "L-1"})).await;
    rig.press("   ").await;
    assert_eq!(rig.app.list().marked.len(), 3);
    rig
}

fn line_of<'a>(screen: &'a str, key: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.split_whitespace().any(|w| w == key))
        .unwrap_or_else(|| panic!("no line for {key}:\n{screen}"))
}

#[tokio::test]
async fn the_bulk_editor_shows_the_keys_the_marked_runs_have_with_their_counts() {
    let mut rig = marked_three().await;
    rig.press("m").await;
    assert_eq!(rig.app.mode(), Mode::Editor);
    let screen = text(&rig.app);
    let bench = line_of(&screen, "bench");
    assert!(bench.contains("on 3 of 3") && bench.contains("B2"), "{bench}");
    let lot = line_of(&screen, "lot");
    assert!(lot.contains("on 2 of 3") && lot.contains("2 values"), "{lot}");
    assert!(!lot.contains("L-1"), "the unmarked run's value is not counted: {lot}");
}

#[tokio::test]
async fn removing_a_key_in_a_bulk_edit_removes_it_from_every_marked_run() {
    let mut rig = marked_three().await;
    let ids = rig.ids(4);
    rig.press("m").await;
    let at = rig.app.editor().and_then(|e| e.rows.iter().position(|r| r.key == "lot"));
    let at = at.expect("lot listed");
    rig.press(&"k".repeat(30)).await;
    rig.press(&"j".repeat(at)).await;
    rig.press("x\x13").await;
    assert_eq!(rig.app.mode(), Mode::EditorReview);
    let review = text(&rig.app);
    assert!(review.contains("- lot from 2 of 3 runs (was 2 values)"), "{review}");
    assert!(!review.contains("bench"), "nothing else changes: {review}");
    rig.press("\n").await;
    assert!(rig.app.editor().is_none(), "saved and closed");
    for id in &ids[..3] {
        let meta = rig.metadata(id).await;
        assert!(meta.get("lot").is_none(), "{id}: {meta}");
        assert_eq!(meta["bench"], json!("B2"), "{id}: {meta}");
    }
    assert_eq!(rig.metadata(&ids[3]).await["lot"], json!("L-1"), "the unmarked run keeps it");
}

#[tokio::test]
async fn the_list_counts_its_marks_after_a_save_and_m_capital_clears_them() {
    let mut rig = marked_three().await;
    let status = |rig: &Rig| text(&rig.app).lines().rev().nth(2).unwrap_or_default().to_string();
    let before = text(&rig.app);
    assert!(before.contains("3 marked (M clears)"), "{before}");
    rig.press("m").await;
    rig.press("arework\ttrue\n\x13\n").await;
    assert!(rig.app.editor().is_none(), "saved");
    // Kept after the save, and said so, with the count beside it.
    let after = text(&rig.app);
    assert!(after.contains("3 marked (M clears)") && after.contains("they stay marked"), "{after}");
    assert_eq!(rig.app.list().marked.len(), 3);
    rig.press("M").await;
    assert!(rig.app.list().marked.is_empty());
    let cleared = text(&rig.app);
    assert!(!cleared.contains("marked ("), "{cleared}");
    assert!(cleared.contains("3 marks cleared"), "{}", status(&rig));
    // The help lists the key.
    let help = rig.app.shared().keymap().describe(Mode::List, false);
    assert!(help.iter().any(|(k, l)| k == "M" && l.contains("clear")), "{help:?}");
}
