//! The insight panes' loads through the real worker, answer by answer, as a pane gets them.

use std::time::Duration;

use tofui::app::{App, Effect, Msg};
use tofui::query::RunQuery;
use tofui::worker::{Fetch, ListRequest, Slot, WorkerEvent, WorkerRequest, WorkerResponse};

use super::keys::press;
use super::rows::{NOW, app};
use super::{TestServer, USER_KEY};

/// What an insight pane asks for over `query`: every run, newest first, in pages of 100; times
/// relative to `now_ms`, in UTC.
pub fn request(query: RunQuery, now_ms: i64) -> ListRequest {
    ListRequest {
        query,
        sort_by: tofui::api::SortBy::StartedAt,
        sort_order: tofui::api::SortOrder::Desc,
        cursor: None,
        limit: 100,
        now_ms,
        tz: tofui::model::Zone::Fixed(super::rows::utc()),
        created_after_ms: None,
    }
}

/// Every answer the worker gives to a Pareto load of all runs from `url`, up to the last.
pub async fn load(url: &str) -> Vec<WorkerEvent> {
    load_with(url, |req| Fetch::Population { req, failures: true }).await
}

/// Every answer to the fetch `what` builds over all runs, up to the last; each is checked to
/// be no error.
pub async fn load_with(
    url: &str,
    what: impl FnOnce(Box<ListRequest>) -> Fetch,
) -> Vec<WorkerEvent> {
    let (tx, mut rx) = super::spawn_worker(url, USER_KEY, Duration::from_secs(20));
    let fetch = what(Box::new(request(RunQuery::default(), NOW)));
    tx.send(WorkerRequest::Fetch { id: 9, slot: Slot::Population, fetch }).expect("worker");
    let mut events = Vec::new();
    loop {
        let r = super::next_answer(&mut rx).await;
        let last = match &r.event {
            // The pane is loaded; which runs ran each failing phase may follow.
            WorkerEvent::PopulationFailures { rows, done } => {
                assert!(rows.is_ok(), "{rows:?}");
                *done && !rows.as_ref().is_ok_and(|r| r.reached_follow)
            }
            WorkerEvent::PopulationReached { done, complete, .. } => {
                assert!(!*done || *complete, "every failing phase's runs read");
                *done
            }
            WorkerEvent::TrendValues { rows, done } => {
                assert!(rows.is_ok(), "{rows:?}");
                *done
            }
            WorkerEvent::PopulationRuns { rows, .. } => {
                assert!(rows.is_ok(), "{rows:?}");
                false
            }
            other => panic!("unexpected {other:?}"),
        };
        events.push(r.event);
        if last {
            return events;
        }
    }
}

/// A server holding the demo factory (`--demo`'s runs, seed 42) up to the tests' `NOW`.
pub async fn demo() -> TestServer {
    TestServer::seeded(tofui::serve::DEMO_RUNS, 42).await
}

/// A `w`×`h` app with the Pareto opened with `P` from the list, given `events` as the worker's
/// answers to its runs-and-failures request.
pub fn pareto_over(w: u16, h: u16, events: &[WorkerEvent]) -> App {
    let mut a = app(w, h);
    a.start();
    let id = press(&mut a, "P")
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch {
                id,
                fetch: Fetch::Population { failures: true, .. },
                ..
            }) => Some(*id),
            _ => None,
        })
        .expect("the pane asks for runs and their failures");
    for event in events {
        a.update(Msg::Worker(WorkerResponse { id, event: event.clone() }), NOW);
    }
    a
}
