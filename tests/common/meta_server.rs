//! A stand-in for the server that keeps each run's metadata, for headless tests of what
//! writes metadata (the triage queue, undo): it answers the app's requests the way the
//! server would, and can fail a run's next write with HTTP 500.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};
use tofui::app::{App, Effect, Msg};
use tofui::worker::{ClientError, Fetch, WorkerEvent, WorkerRequest, WorkerResponse};

use super::rows::*;

pub type Meta = Map<String, Value>;

/// What the server holds: each run's metadata; the runs whose next write fails with a 500.
pub struct Server {
    pub meta: HashMap<String, Meta>,
    pub fail_next: HashSet<String>,
    /// Every metadata PATCH, in order: (run id, changes).
    pub patches: Vec<(String, Meta)>,
    /// Every run fetched, in order, and whether it was fetched ahead.
    pub fetched: Vec<(String, bool)>,
    /// The next read of many runs fails (HTTP 503).
    pub fail_list: bool,
}

impl Server {
    pub fn new(rows: usize) -> Server {
        let meta = (0..rows).map(|i| (row(i).id.to_string(), Meta::new())).collect();
        Server {
            meta,
            fail_next: HashSet::new(),
            patches: Vec::new(),
            fetched: Vec::new(),
            fail_list: false,
        }
    }

    pub fn set(&mut self, i: usize, m: Value) {
        self.meta.insert(row(i).id.to_string(), m.as_object().cloned().unwrap_or_default());
    }

    pub fn get(&self, i: usize) -> &Meta {
        &self.meta[&*row(i).id]
    }

    pub fn summary(&self, i: usize) -> tofui::api::RunSummary {
        let mut s = super::run_fixture::run().summary;
        s.id = row(i).id.to_string();
        s.outcome = row(i).outcome;
        s.unit.serial_number = row(i).serial.to_string();
        s.metadata = Some(self.get(i).clone());
        s
    }

    /// The answer to one request (`None`: nothing comes back, e.g. a cancel).
    pub fn answer(&mut self, req: &WorkerRequest) -> Option<WorkerResponse> {
        let WorkerRequest::Fetch { id, fetch, slot } = req else { return None };
        let index = |run_id: &str| (0..self.meta.len()).find(|&i| *row(i).id == *run_id);
        let event = match fetch {
            Fetch::Population { .. } if std::mem::take(&mut self.fail_list) => {
                let e = ClientError::Status { status: 503, message: "busy".into() };
                WorkerEvent::PopulationRuns {
                    rows: Err(e),
                    unreadable: 0,
                    done: true,
                    capped: false,
                }
            }
            Fetch::Population { req, .. } => {
                let ids = &req.query.ids;
                let rows = (0..self.meta.len())
                    .filter(|&i| ids.is_empty() || ids.contains(&row(i).id.to_string()))
                    .map(|i| self.summary(i).into())
                    .collect();
                WorkerEvent::PopulationRuns {
                    rows: Ok(rows),
                    unreadable: 0,
                    done: true,
                    capped: false,
                }
            }
            Fetch::Run { run_id } => {
                self.fetched.push((run_id.clone(), *slot == tofui::worker::Slot::Prefetch));
                let i = index(run_id).expect("a run of the list");
                let mut run = super::run_fixture::run();
                run.summary = self.summary(i);
                WorkerEvent::Run { run: Ok(Box::new(run)), logs_follow: false }
            }
            Fetch::UpdateMetadata { run_id, changes } => {
                self.patches.push((run_id.clone(), changes.clone()));
                if self.fail_next.remove(run_id) {
                    let e = ClientError::Status { status: 500, message: "boom".into() };
                    return Some(WorkerResponse { id: *id, event: WorkerEvent::Done(Err(e)) });
                }
                let m = self.meta.get_mut(run_id).expect("a known run");
                for (k, v) in changes {
                    if v.is_null() {
                        m.remove(k);
                    } else {
                        m.insert(k.clone(), v.clone());
                    }
                }
                WorkerEvent::Done(Ok(Vec::new()))
            }
            _ => return None,
        };
        Some(WorkerResponse { id: *id, event })
    }
}

/// The app, its list of 10 rows (failing: 1, 3, 4, 6, 8, 9) and the server behind it.
pub fn setup(w: u16, h: u16) -> (App, Server) {
    let mut app = app(w, h);
    let (id, _) = list_request(&app.start()).expect("list");
    app.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page(0..10, false))) }),
        NOW,
    );
    (app, Server::new(10))
}

/// Sends the effects to the server and its answers to the app until nothing is left.
pub fn serve(app: &mut App, server: &mut Server, mut fx: Vec<Effect>) {
    let mut clock = NOW;
    while !fx.is_empty() {
        let mut next = Vec::new();
        for e in fx {
            if let Effect::Send(req) = e
                && let Some(resp) = server.answer(&req)
            {
                clock += 1;
                next.extend(app.update(Msg::Worker(resp), clock));
            }
        }
        // A tick lets panes fetch ahead.
        next.extend(app.update(Msg::Tick, clock));
        fx = next;
    }
}

pub fn press(app: &mut App, server: &mut Server, keys: &str) {
    for c in keys.chars() {
        let fx = app.update(Msg::Key(super::keys::key_event(c)), NOW);
        serve(app, server, fx);
    }
}
