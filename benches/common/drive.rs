//! Driving the real app and worker headless, for the benches that time panes and runs: keys
//! in, the worker's answers back, a session started on a list.

use std::time::Duration;

use chrono::{FixedOffset, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tofui::app::{App, Effect, Msg, Session};
use tofui::worker::{self, WorkerRequest, WorkerResponse};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::common::{KEY, api_client};

pub type Worker = UnboundedSender<WorkerRequest>;
pub type Answers = UnboundedReceiver<WorkerResponse>;

pub fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), Utc::now().timestamp_millis())
}

pub fn send(worker: &Worker, fx: Vec<Effect>) {
    for e in fx {
        if let Effect::Send(req) = e {
            worker.send(req).expect("worker");
        }
    }
}

/// Answers the worker until `done` says so.
pub async fn settle(app: &mut App, worker: &Worker, rx: &mut Answers, done: impl Fn(&App) -> bool) {
    while !done(app) {
        let r = rx.recv().await.expect("answer");
        let fx = app.update(Msg::Worker(r), Utc::now().timestamp_millis());
        send(worker, fx);
    }
}

/// A dashboard at 160×48 on `url` (compressing when `network`), with `cache`, its list loaded.
pub async fn session_with(
    url: &str,
    network: bool,
    cache: Option<std::sync::Arc<tofui::cache::Cache>>,
) -> (App, Worker, Answers) {
    let mut client = api_client(url, KEY, Duration::from_secs(60));
    if network {
        client = client.compressing();
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = worker::spawn_with_cache(client, cache, tx);
    let tz: tofui::model::Zone = FixedOffset::east_opt(0).expect("utc").into();
    let mut app = App::new(
        Session { url: url.into(), demo: true, blocked: None },
        Utc::now().timestamp_millis(),
        tz,
        (160, 48),
    );
    let fx = app.start();
    send(&worker, fx);
    settle(&mut app, &worker, &mut rx, |a| a.list().loaded && !a.list().is_loading()).await;
    (app, worker, rx)
}
