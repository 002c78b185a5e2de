//! Live mode's alert (issue 17): a new failure rings the bell or flashes the screen, at most
//! once per 10 s of the app's clock; with `alert = "none"` (the default) nothing; a bad value
//! in the config is named with what it accepts.

use crate::common;

use common::rows::*;
use tofui::api::RunOutcome;
use tofui::app::alert::{ALERT_EVERY_MS, AlertKind, Alerter};
use tofui::app::{App, Effect, Msg};
use tofui::worker::{WorkerEvent, WorkerResponse};

fn live(alert: Option<AlertKind>) -> App {
    let mut app = app(80, 24);
    app.set_alerter(Alerter::new(alert));
    let (id, _) = list_request(&app.start()).expect("list");
    app.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page(0..30, false))) }),
        NOW,
    );
    app.set_live(Some(5_000));
    app
}

/// The live poll due at `at`, answered 100 ms later with one new run `name` (failing or not):
/// the alerts the answer gave.
fn poll(app: &mut App, at: i64, name: &str, fails: bool) -> Vec<AlertKind> {
    let fx = app.update(Msg::Tick, at);
    let (id, _) = live_request(&fx).expect("live poll due");
    let mut r = row(0);
    r.id = name.into();
    r.created_ms = Some(at);
    r.outcome = Some(if fails { RunOutcome::Fail } else { RunOutcome::Pass });
    let answer = tofui::model::RunsPage { rows: vec![r], has_more: false, next_cursor: None };
    let fx = app
        .update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(answer)) }), at + 100);
    fx.into_iter()
        .filter_map(|e| match e {
            Effect::Alert(k) => Some(k),
            _ => None,
        })
        .collect()
}

#[test]
fn a_new_failure_rings_once_per_rate_window() {
    let mut app = live(Some(AlertKind::Bell));
    let t = NOW + 5_000;
    assert_eq!(poll(&mut app, t, "pass-1", false), vec![], "a pass is no alarm");
    assert_eq!(poll(&mut app, t + 5_000, "fail-1", true), vec![AlertKind::Bell]);
    // 5 s later, inside the window: marked, but quiet.
    assert_eq!(poll(&mut app, t + 10_000, "fail-2", true), vec![]);
    assert!(app.list().fresh_failures.len() == 2, "both marked");
    // A full window after the first alert: again.
    assert_eq!(poll(&mut app, t + 5_000 + ALERT_EVERY_MS, "fail-3", true), vec![AlertKind::Bell]);
}

#[test]
fn flash_says_why_and_none_stays_quiet() {
    let mut app = live(Some(AlertKind::Flash));
    assert_eq!(poll(&mut app, NOW + 5_000, "fail-1", true), vec![AlertKind::Flash]);
    assert_eq!(app.flash(), Some("✗ 1 new failure (live)"));

    let mut quiet = live(None);
    for (k, at) in [NOW + 5_000, NOW + 20_000, NOW + 40_000].into_iter().enumerate() {
        assert_eq!(poll(&mut quiet, at, &format!("fail-{k}"), true), vec![]);
    }
    assert_eq!(quiet.list().fresh_failures.len(), 3, "still marked");
}

#[test]
fn the_config_takes_bell_flash_or_none_and_names_them_when_wrong() {
    for (v, want) in
        [("bell", Some(AlertKind::Bell)), ("flash", Some(AlertKind::Flash)), ("none", None)]
    {
        let (s, problems, _) = tofui::config::parse(&format!("alert = \"{v}\"\n"));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(AlertKind::from_config(s.alert.as_deref()), want);
    }
    let (s, problems, _) = tofui::config::parse("theme = \"light\"\nalert = \"loud\"\n");
    assert_eq!(s.alert, None, "no alert from a bad value");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 2);
    assert_eq!(problems[0].message, "alert = \"loud\" is not one of: bell, flash, none");
}
