//! An app driven headless against a real worker and server: every request the app makes goes to
//! the worker, every answer comes back to the app, until what a test waits for is on screen.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tofui::app::run::tree::NodeKind;
use tofui::app::{App, Effect, Msg};
use tofui::worker::{WorkerRequest, WorkerResponse};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::TestServer;
use super::rows::{NOW, app};

pub struct Driven {
    pub app: App,
    tx: UnboundedSender<WorkerRequest>,
    rx: UnboundedReceiver<WorkerResponse>,
}

impl Driven {
    /// A `w`×`h` app over `s`, its first requests sent.
    pub fn start(s: &TestServer, w: u16, h: u16) -> Driven {
        let (tx, rx) = s.worker();
        let mut d = Driven { app: app(w, h), tx, rx };
        let fx = d.app.start();
        d.send_all(fx);
        d
    }

    fn send_all(&mut self, fx: Vec<Effect>) {
        for e in fx {
            if let Effect::Send(r) = e {
                let _ = self.tx.send(r);
            }
        }
    }

    pub fn msg(&mut self, m: Msg) {
        let fx = self.app.update(m, NOW);
        self.send_all(fx);
    }

    pub fn key(&mut self, code: KeyCode) {
        self.msg(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// Each character as a key.
    pub fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Feeds the worker's answers to the app until `done` holds (30 s without an answer fail).
    pub async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        while !done(&self.app) {
            let r = tokio::time::timeout(Duration::from_secs(30), self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("{what}: no answer in 30 s\n{}", self.screen()))
                .expect("worker alive");
            self.msg(Msg::Worker(r));
        }
    }

    /// `/`, the query, `enter`; then the list's first page.
    pub async fn filter(&mut self, query: &str) {
        self.key(KeyCode::Char('/'));
        self.keys(query);
        self.key(KeyCode::Enter);
        self.until("the filtered list", |a| !a.list().is_loading()).await;
    }

    /// `enter` on the list: the run opened, every node of its tree open, the cursor on the
    /// measurement `name`.
    pub async fn open_on_measurement(&mut self, name: &str) {
        self.key(KeyCode::Enter);
        self.until("the run", |a| a.run().is_some_and(|r| r.loaded().is_some())).await;
        self.keys("+");
        let l = self.app.run().and_then(|r| r.loaded()).expect("run");
        let phases = l.run.phases.as_deref().expect("phases");
        let at = l
            .tree
            .visible
            .iter()
            .position(|&i| match l.tree.nodes[i as usize].kind {
                NodeKind::Measurement { phase, m } => phases[phase].measurements[m].name == name,
                _ => false,
            })
            .unwrap_or_else(|| panic!("no {name} in the tree"));
        for _ in 0..at {
            self.keys("j");
        }
    }

    pub fn screen(&self) -> String {
        super::render::text(&self.app)
    }
}
