//! Issue 25: explain's answer does not depend on when it was opened. Which runs ran each
//! failing phase is read after the failures; an explain opened before that arrives is computed
//! again when it does, and a drill-down taken meanwhile does not leave the Pareto reading for
//! ever (its answers used to be dropped while its pane was put aside). On the runs of
//! `reached.rs` (a quarter of FX-B's runs stop before Thermal), counted by hand from the server.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tofui::app::{App, Effect, Msg};
use tofui::worker::{Fetch, WorkerEvent, WorkerRequest, WorkerResponse};

use super::reached::{built, by_hand, load_split};
use crate::common;
use crate::common::rows::{NOW, app};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

/// The Pareto opened over the first `events` (its request's id), its cursor on Thermal's bar.
fn pareto(events: &[WorkerEvent]) -> (App, u64) {
    let mut a = app(160, 48);
    a.start();
    let fx = a.update(ch('P'), NOW);
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch { id, fetch: Fetch::Population { .. }, .. }) => {
                Some(*id)
            }
            _ => None,
        })
        .expect("the pane loads");
    for event in events {
        a.update(Msg::Worker(WorkerResponse { id, event: event.clone() }), NOW);
    }
    let bar =
        a.pareto().expect("pareto").report.bars.iter().position(|b| b.label == "Thermal › temp_c");
    for _ in 0..bar.expect("Thermal's bar") {
        a.update(ch('j'), NOW);
    }
    (a, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_opened_before_the_phases_are_in_takes_them_when_they_come() {
    let s = built().await;
    let want = by_hand(&s).await;
    let (fa, fb) = (want["FX-A"], want["FX-B"]);
    let (events, loaded) = load_split(&s).await;
    let (mut a, id) = pareto(&events[..loaded]);
    a.update(ch('e'), NOW);
    let early = a.explain().expect("explain").report.clone();
    assert_eq!(early.tested, fa.2 + fb.2, "the procedure's runs, until the phases are in");
    assert_eq!(early.reached, None);
    let screen = common::render::text(&a);
    assert!(screen.contains("those that ran it: loading"), "{screen}");
    for event in &events[loaded..] {
        a.update(Msg::Worker(WorkerResponse { id, event: event.clone() }), NOW);
    }
    let x = a.explain().expect("explain, still on top").report.clone();
    assert_eq!(x.reached.as_deref(), Some("Thermal"));
    assert_eq!(x.tested, fa.0 + fb.0, "the runs that ran Thermal, counted by hand");
    assert_eq!(x.failures, fa.1 + fb.1);
    // The same as an explain opened once everything was in.
    let (mut b, _) = pareto(&events);
    b.update(ch('e'), NOW);
    assert_eq!(b.explain().expect("explain").report, x, "one answer, whenever it was opened");
    let screen = common::render::text(&a);
    assert!(screen.contains(&format!("{} runs that ran Thermal", x.tested)), "{screen}");
    assert!(!screen.contains("loading"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drill_down_taken_while_the_phases_load_does_not_strand_them() {
    let s = built().await;
    let want = by_hand(&s).await;
    let (fa, fb) = (want["FX-A"], want["FX-B"]);
    let (events, loaded) = load_split(&s).await;
    let (mut a, id) = pareto(&events[..loaded]);
    assert!(a.pareto().expect("pareto").load.reached_loading());
    // Into Thermal's failing runs; the rest of the load arrives while the Pareto is put aside.
    a.update(key(KeyCode::Enter), NOW);
    assert!(a.drilled().is_some_and(|d| d.contains("Thermal")), "{:?}", a.drilled());
    assert!(a.pareto().is_none(), "the Pareto is put aside");
    for event in &events[loaded..] {
        a.update(Msg::Worker(WorkerResponse { id, event: event.clone() }), NOW);
    }
    a.update(key(KeyCode::Esc), NOW);
    let p = a.pareto().expect("the Pareto again");
    assert!(!p.load.reached_loading(), "the phases arrived while it was put aside");
    let screen = common::render::text(&a);
    assert!(!screen.contains("reading which runs ran"), "{screen}");
    a.update(ch('e'), NOW);
    let x = a.explain().expect("explain").report.clone();
    assert_eq!((x.tested, x.reached.as_deref()), (fa.0 + fb.0, Some("Thermal")));
}
