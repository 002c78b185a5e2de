//! Keys, screens and the fixture run opened, for every test of this binary.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tofui::app::{App, Effect, Mode, Msg};
use tofui::worker::{Fetch, Slot, WorkerEvent, WorkerRequest, WorkerResponse};

pub use crate::common::keys::press;
pub use crate::common::render::text as screen;
pub use crate::common::rows::editor_with;
use crate::common::rows::*;
use crate::common::run_fixture;

pub fn key(app: &mut App, c: char) -> Vec<Effect> {
    code(app, KeyCode::Char(c))
}

pub fn code(app: &mut App, c: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)), NOW)
}

/// The id of the first request sent among `fx`.
pub fn first_request(fx: &[Effect]) -> u64 {
    fx.iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("a request")
}

pub fn answer(app: &mut App, id: u64, event: WorkerEvent) -> Vec<Effect> {
    app.update(Msg::Worker(WorkerResponse { id, event }), NOW)
}

/// A `w`×`h` app listing `n` made-up runs.
pub fn listing(w: u16, h: u16, n: usize) -> App {
    let mut a = app(w, h);
    let (id, _) = list_request(&a.start()).expect("list");
    answer(&mut a, id, WorkerEvent::Runs(Ok(page(0..n, false))));
    a
}

/// A 120×40 app with the fixture run open from the first row of the list.
pub fn run_open() -> App {
    let mut a = app(120, 40);
    let (id, _) = list_request(&a.start()).expect("list");
    let mut p = page(0..5, false);
    p.rows[0].id = "run-fixture-1".into();
    answer(&mut a, id, WorkerEvent::Runs(Ok(p)));
    let fx = code(&mut a, KeyCode::Enter);
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch {
                id,
                slot: Slot::Run,
                fetch: Fetch::Run { .. },
            }) => Some(*id),
            _ => None,
        })
        .expect("run fetch");
    let run = Box::new(run_fixture::run());
    answer(&mut a, id, WorkerEvent::Run { run: Ok(run), logs_follow: false });
    assert_eq!(a.mode(), Mode::Tree);
    a
}
