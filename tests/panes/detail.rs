//! The run view headless: the tree's default expansion, `f`/`n`/`N` landing on exactly the
//! failing phases and measurements in order, the phase log window, logs filters and search,
//! the chart, prefetch and cache.

use crate::common;

use std::sync::Arc;

use common::render::text;
use common::rows::*;
use common::run_fixture;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tofui::app::run::tree::{NodeKind, Tree};
use tofui::app::run::{Loaded, Tab};
use tofui::app::{App, Effect, Mode, Msg};
use tofui::worker::{Fetch, Slot, WorkerEvent, WorkerRequest, WorkerResponse};

fn key(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)), NOW)
}

fn code(app: &mut App, c: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)), NOW)
}

fn name_at(l: &Loaded, i: u32) -> String {
    let phases = l.run.phases.as_deref().unwrap_or_default();
    match l.tree.nodes[i as usize].kind {
        NodeKind::Sequence(s) => {
            format!("seq {}", l.run.summary.sequences.as_deref().unwrap_or_default()[s].name)
        }
        NodeKind::Phase(p) => format!("phase {}", phases[p].name),
        NodeKind::Measurement { phase, m } => {
            format!("meas {}", phases[phase].measurements[m].name)
        }
        NodeKind::Validator { .. } => "validator".into(),
        NodeKind::Aggregation { .. } => "aggregation".into(),
    }
}

/// An app listing five runs, row `at` being the fixture run.
fn list_with_fixture_at(at: usize) -> App {
    let mut app = app(120, 40);
    let (id, _) = list_request(&app.start()).expect("list");
    let mut p = page(0..5, false);
    p.rows[at].id = "run-fixture-1".into();
    app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(p)) }), NOW);
    app
}

/// The list with the fixture run on its first row, rested on until its prefetch is asked: the
/// app and the prefetch's request id.
fn prefetching() -> (App, u64) {
    let mut app = list_with_fixture_at(0);
    app.update(Msg::Tick, NOW + 10);
    let fx = app.update(Msg::Tick, NOW + 300);
    let Some(Effect::Send(WorkerRequest::Fetch { id, slot: Slot::Prefetch, .. })) =
        fx.into_iter().next()
    else {
        panic!("prefetch")
    };
    (app, id)
}

/// An app with the fixture run open (answered by the worker).
fn opened() -> App {
    opened_with(run_fixture::run())
}

fn opened_with(run: tofui::api::RunDetail) -> App {
    let mut app = list_with_fixture_at(0);
    let fx = code(&mut app, KeyCode::Enter);
    let Some(Effect::Send(WorkerRequest::Fetch {
        id,
        slot: Slot::Run,
        fetch: Fetch::Run { run_id },
    })) = fx.into_iter().next()
    else {
        panic!("run fetch")
    };
    assert_eq!(run_id, "run-fixture-1");
    assert_eq!(app.mode(), Mode::RunOther, "loading");
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Run { run: Ok(Box::new(run)), logs_follow: false },
        }),
        NOW,
    );
    assert_eq!(app.mode(), Mode::Tree);
    app
}

fn loaded(app: &App) -> &Loaded {
    app.run().and_then(|d| d.loaded()).expect("loaded")
}

#[test]
fn failures_are_open_and_passing_phases_closed() {
    let tree = Tree::build(&run_fixture::run());
    let l = Loaded::new(tofui::app::cache::CachedRun {
        run: Arc::new(run_fixture::run()),
        logs: None,
        logs_pending: false,
    });
    let visible: Vec<String> = tree.visible.iter().map(|&i| name_at(&l, i)).collect();
    assert_eq!(
        visible,
        [
            "seq Main",
            "seq Power",
            "phase Power-on",
            "meas rail_3v3",
            "validator",
            "validator",
            "aggregation",
            "meas rail_5v0",
            "phase Self-test",
            "phase RF sweep",
            "meas power_sweep",
            "phase Flash firmware",
            "phase Flash firmware",
            "phase Optional LED check",
        ]
    );
    // Self-test (passing) is closed; the sequences are nested Main → Power → Power-on.
    let power_on = tree.nodes.iter().position(|n| n.kind == NodeKind::Phase(0)).expect("phase");
    assert_eq!(tree.nodes[power_on].depth, 2);
}

#[test]
fn f_n_and_shift_n_visit_exactly_the_failures_in_order() {
    let mut app = opened();
    key(&mut app, 'G'); // start from the end: f must still go to the first
    let mut seen = Vec::new();
    key(&mut app, 'f');
    loop {
        let l = loaded(&app);
        seen.push(name_at(l, l.tree.current().expect("cursor")));
        let before = l.tree.view.cursor;
        key(&mut app, 'n');
        if loaded(&app).tree.view.cursor == before {
            break;
        }
    }
    // The failing measurement says why its phase failed, so the phase is no stop of its own;
    // Flash firmware failed with no failing measurement, so it is one.
    assert_eq!(seen, ["meas rail_3v3", "meas power_sweep", "phase Flash firmware"]);
    assert!(app.flash().is_some_and(|t| t.contains("no failure after")));
    key(&mut app, 'N');
    assert_eq!(
        name_at(loaded(&app), loaded(&app).tree.current().expect("cursor")),
        "meas power_sweep"
    );
    // A failure inside a closed phase is revealed when jumped to.
    key(&mut app, '-');
    assert_eq!(
        loaded(&app).tree.visible.len(),
        5,
        "Main, then the four phases outside any sequence"
    );
    key(&mut app, 'g');
    key(&mut app, 'n');
    let l = loaded(&app);
    assert_eq!(name_at(l, l.tree.current().expect("cursor")), "meas rail_3v3", "opened to show it");
}

#[test]
fn failure_counts_say_what_they_count() {
    let mut app = opened();
    let screen = text(&app);
    assert!(screen.contains("1 Phases 3✗"), "three phases failed:\n{screen}");
    assert!(screen.contains(" · 3 failing phases, 2 failing measurements"), "{screen}");
    key(&mut app, 'f');
    let flash = app.flash().unwrap_or_default().to_string();
    assert_eq!(flash, "failure 1 of 3 · 3 failing phases, 2 failing measurements");
}

#[test]
fn a_run_without_phases_says_so() {
    let mut run = run_fixture::run();
    run.phases = None;
    run.summary.sequences = None;
    let app = opened_with(run);
    let screen = text(&app);
    assert!(screen.contains("this run has no phases") && !screen.contains("1/0"), "{screen}");
}

#[test]
fn the_phase_log_window_holds_exactly_the_lines_inside_it() {
    let mut app = opened();
    key(&mut app, 'f'); // rail_3v3, in Power-on: 10:00:01.000 – 10:00:05.000
    key(&mut app, 'l');
    assert_eq!(app.mode(), Mode::Logs);
    let l = loaded(&app);
    let ids: Vec<&str> =
        l.logs.visible.iter().map(|&i| l.log_lines()[i as usize].id.as_str()).collect();
    assert_eq!(
        ids,
        ["l2", "l3", "l4", "l5"],
        "from the phase's start up to the next phase's start (6 s): 0.5 s before is left out, \
         1 ms after the end is in, as frameworks log the verdict after the phase returns"
    );
    let w = l.logs.window.as_ref().expect("window");
    let after: Vec<bool> = l
        .logs
        .visible
        .iter()
        .map(|&i| {
            let t = l.log_lines()[i as usize].timestamp.as_ref().map(tofui::api::time::to_ms);
            t.is_some_and(|t| w.after(t))
        })
        .collect();
    assert_eq!(after, [false, false, false, true], "only the line after the phase is marked");
    let screen = text(&app);
    let marked: Vec<&str> = screen.lines().filter(|s| s.starts_with("\"›")).collect();
    assert!(marked.len() == 1 && marked[0].contains("Self-test starting"), "{screen}");
    // From the phase itself, the same window.
    key(&mut app, '1');
    key(&mut app, 'k'); // Power-on
    key(&mut app, 'l');
    assert_eq!(loaded(&app).logs.visible.len(), 4);
    // `a` drops the window; level toggles filter.
    key(&mut app, 'a');
    assert_eq!(loaded(&app).logs.visible.len(), 7);
    key(&mut app, 'd');
    key(&mut app, 'i');
    let l = loaded(&app);
    let levels: Vec<String> = l
        .logs
        .visible
        .iter()
        .map(|&i| {
            l.log_lines()[i as usize].level.as_ref().map(|x| x.to_string()).unwrap_or_default()
        })
        .collect();
    assert_eq!(levels, ["ERROR", "WARNING", "CRITICAL"]);
}

#[test]
fn log_search_finds_and_steps_through_matches() {
    let mut app = opened();
    key(&mut app, '2');
    key(&mut app, '/');
    assert_eq!(app.mode(), Mode::LogSearch);
    for c in "rail".chars() {
        key(&mut app, c);
    }
    code(&mut app, KeyCode::Enter);
    assert_eq!(app.mode(), Mode::Logs);
    let l = loaded(&app);
    let matched: Vec<&str> = l
        .logs
        .matches
        .iter()
        .map(|&p| l.log_lines()[l.logs.visible[p] as usize].id.as_str())
        .collect();
    assert_eq!(matched, ["l3", "l4", "l6"], "case-insensitive");
    assert_eq!(l.logs.view.cursor, l.logs.matches[0]);
    key(&mut app, 'n');
    key(&mut app, 'n');
    assert_eq!(loaded(&app).logs.view.cursor, loaded(&app).logs.matches[2]);
    key(&mut app, 'n');
    assert!(app.flash().is_some_and(|t| t.contains("no more matches")));
    key(&mut app, 'N');
    assert_eq!(loaded(&app).logs.view.cursor, loaded(&app).logs.matches[1]);
}

#[test]
fn enter_on_a_series_opens_its_chart_and_esc_closes_it() {
    let mut app = opened();
    key(&mut app, 'f');
    key(&mut app, 'n'); // power_sweep
    code(&mut app, KeyCode::Enter);
    assert_eq!(app.mode(), Mode::Chart);
    assert_eq!(loaded(&app).chart, Some((2, 0)));
    code(&mut app, KeyCode::Esc);
    assert_eq!(app.mode(), Mode::Tree, "esc closes the chart, not the run");
    code(&mut app, KeyCode::Esc);
    assert!(app.run().is_none(), "second esc: back to the list");
    assert_eq!(app.list().selected, 0);
}

#[test]
fn attachments_download_once_and_say_where() {
    let mut app = opened();
    key(&mut app, '3');
    assert_eq!(app.run().map(|d| d.tab), Some(Tab::Attachments));
    let fx = code(&mut app, KeyCode::Enter);
    let Some(Effect::Send(WorkerRequest::Fetch {
        id,
        slot: Slot::Download(_),
        fetch: Fetch::Download { url, name, .. },
    })) = fx.into_iter().next()
    else {
        panic!("download")
    };
    assert_eq!(
        (url.as_str(), name.as_str()),
        ("http://127.0.0.1:9/files/at1", "scope_capture.csv")
    );
    assert!(code(&mut app, KeyCode::Enter).is_empty(), "not twice at once");
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Progress { received: 600, total: Some(1234) },
        }),
        NOW,
    );
    assert_eq!(app.downloads()[0].received, 600);
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Saved(Ok("./scope_capture (1).csv".into())),
        }),
        NOW,
    );
    assert!(app.flash().is_some_and(|t| t.contains("scope_capture (1).csv")));
    key(&mut app, 'j');
    assert!(code(&mut app, KeyCode::Enter).is_empty());
    assert!(app.flash().is_some_and(|t| t.contains("no download link")));
}

#[test]
fn resting_on_a_row_prefetches_its_run_so_enter_is_instant() {
    let mut app = list_with_fixture_at(1);
    key(&mut app, 'j');
    // Moving on quickly fetches nothing; resting 250 ms does.
    assert!(app.update(Msg::Tick, NOW + 100).is_empty());
    let fx = app.update(Msg::Tick, NOW + 300);
    let Some(Effect::Send(WorkerRequest::Fetch {
        id,
        slot: Slot::Prefetch,
        fetch: Fetch::Run { run_id },
    })) = fx.into_iter().next()
    else {
        panic!("prefetch")
    };
    assert_eq!(run_id, "run-fixture-1");
    assert!(app.update(Msg::Tick, NOW + 400).is_empty(), "once");
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Run { run: Ok(Box::new(run_fixture::run())), logs_follow: false },
        }),
        NOW + 450,
    );
    let fx = code(&mut app, KeyCode::Enter);
    assert!(fx.is_empty(), "no request: {fx:?}");
    assert_eq!(app.mode(), Mode::Tree, "open at once");
}

#[test]
fn enter_while_the_prefetch_is_on_its_way_waits_for_it_instead_of_asking_again() {
    let (mut app, id) = prefetching();
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), NOW + 350);
    assert!(fx.is_empty(), "no second request: {fx:?}");
    assert_eq!(app.mode(), Mode::RunOther, "loading");
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Run { run: Ok(Box::new(run_fixture::run())), logs_follow: false },
        }),
        NOW + 500,
    );
    assert_eq!(app.mode(), Mode::Tree);
}

#[test]
fn logs_decoded_apart_equal_the_whole_decode() {
    let body = include_bytes!("../fixtures/run.json");
    let (head, raw) = tofui::worker::client::decode_run_head(body).expect("head");
    assert!(head.logs.is_none());
    let logs = tofui::worker::client::decode_logs(&body[raw.expect("raw logs")]).expect("logs");
    let whole = run_fixture::run();
    assert_eq!(Some(logs), whole.logs);
    assert_eq!(head.phases, whole.phases);
    // A malformed line is kept as a line that says so.
    let raw = br#"[{"id":"a","level":"INFO","message":"ok","timestamp":"2026-11-26T10:00:00Z","source_file":"x","line_number":1},{"id":7}]"#;
    let logs = tofui::worker::client::decode_logs(raw).expect("logs");
    assert_eq!(logs.len(), 2);
    assert!(logs[1].message.contains("unreadable log line"));
}

#[test]
fn the_run_shows_before_its_logs_and_the_logs_fill_in() {
    let mut app = list_with_fixture_at(0);
    let fx = code(&mut app, KeyCode::Enter);
    let Some(Effect::Send(WorkerRequest::Fetch { id, .. })) = fx.into_iter().next() else {
        panic!("fetch")
    };
    let mut run = run_fixture::run();
    let logs = run.logs.take().expect("logs");
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Run { run: Ok(Box::new(run)), logs_follow: true },
        }),
        NOW,
    );
    assert_eq!(app.mode(), Mode::Tree, "the tree shows at once");
    key(&mut app, 'f');
    key(&mut app, 'l'); // the phase window is chosen before the logs arrive
    assert!(loaded(&app).logs_pending);
    app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::RunLogs(Ok(logs)) }), NOW);
    let l = loaded(&app);
    assert!(!l.logs_pending);
    assert_eq!(l.logs.visible.len(), 4, "the window applies to the logs that came");
    // Back and in again: from the cache, logs included, no request.
    code(&mut app, KeyCode::Esc);
    assert!(code(&mut app, KeyCode::Enter).is_empty());
    assert_eq!(loaded(&app).log_lines().len(), 7);
}

#[test]
fn a_prefetch_cut_off_before_its_logs_is_fetched_again() {
    let (mut app, id) = prefetching();
    let mut run = run_fixture::run();
    run.logs = None;
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Run { run: Ok(Box::new(run)), logs_follow: true },
        }),
        NOW + 350,
    );
    // The selection moves on and rests: that prefetch replaces the first, whose logs never come.
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)), NOW + 360);
    let mut fx = app.update(Msg::Tick, NOW + 400);
    fx.extend(app.update(Msg::Tick, NOW + 700));
    assert!(
        matches!(fx.first(), Some(Effect::Send(WorkerRequest::Fetch { slot: Slot::Prefetch, .. }))),
        "{fx:?}"
    );
    key(&mut app, 'k');
    let fx = code(&mut app, KeyCode::Enter);
    assert!(
        matches!(fx.first(), Some(Effect::Send(WorkerRequest::Fetch { slot: Slot::Run, .. }))),
        "fetched again: {fx:?}"
    );
}

#[test]
fn sequences_without_a_start_sort_by_their_first_phase_and_loops_lose_nothing() {
    let mut run = run_fixture::run();
    let seqs = run.summary.sequences.as_mut().expect("sequences");
    seqs.iter_mut().for_each(|s| s.started_at = None);
    // A root phase at 10:00:03: after Main (whose nested Power-on starts 10:00:01).
    let phases = run.phases.as_mut().expect("phases");
    phases[2].started_at = Some("2026-11-26T10:00:03Z".parse().expect("time"));
    let tree = Tree::build(&run);
    let roots: Vec<NodeKind> = tree.nodes.iter().filter(|n| n.depth == 0).map(|n| n.kind).collect();
    assert_eq!(roots[0], NodeKind::Sequence(0));
    assert_eq!(roots[1], NodeKind::Phase(2));
    // Sequences whose parents loop still show, with their phases.
    let seqs = run.summary.sequences.as_mut().expect("sequences");
    seqs[0].parent_path = Some("main/power".into());
    let tree = Tree::build(&run);
    let phases_shown = tree.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Phase(_))).count();
    assert_eq!(phases_shown, 6);
}

/// The fetch in `slot` among `fx`: its id and run.
fn run_fetch(fx: &[Effect], want: Slot) -> Option<(u64, String)> {
    fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch { id, slot, fetch: Fetch::Run { run_id } })
            if *slot == want =>
        {
            Some((*id, run_id.clone()))
        }
        _ => None,
    })
}

fn fixture_as(id: &str) -> Box<tofui::api::RunDetail> {
    let mut r = run_fixture::run();
    r.summary.id = id.into();
    Box::new(r)
}

#[test]
fn brackets_move_run_to_run_at_the_same_place_fetched_ahead() {
    let mut app = list_with_fixture_at(0);
    let (id, run_id) = run_fetch(&code(&mut app, KeyCode::Enter), Slot::Run).expect("run");
    let event = WorkerEvent::Run { run: Ok(fixture_as(&run_id)), logs_follow: false };
    app.update(Msg::Worker(WorkerResponse { id, event }), NOW);
    // While the run is read, the next run of the list is fetched ahead (after a short rest,
    // as for the list's own selection).
    let fx = app.update(Msg::Tick, NOW + 2_000);
    let next = app.list().rows[1].id.to_string();
    let (pid, prefetched) = run_fetch(&fx, Slot::Prefetch).expect("the next run fetched ahead");
    assert_eq!(prefetched, next);
    let event = WorkerEvent::Run { run: Ok(fixture_as(&next)), logs_follow: false };
    app.update(Msg::Worker(WorkerResponse { id: pid, event }), NOW);
    // On the first failing measurement, `]`: the next run, at once, on the same measurement.
    key(&mut app, 'f');
    let at = |app: &App| {
        let l = loaded(app);
        name_at(l, l.tree.current().expect("cursor"))
    };
    for _ in 0..5 {
        if at(&app).starts_with("meas") {
            break;
        }
        key(&mut app, 'j');
    }
    let place = at(&app);
    assert!(place.starts_with("meas"), "{place}");
    let fx = key(&mut app, ']');
    assert!(run_fetch(&fx, Slot::Run).is_none(), "served from what was fetched ahead");
    assert_eq!(app.run().map(|r| r.run_id.as_str()), Some(next.as_str()));
    assert_eq!(app.list().selected, 1, "the list follows");
    let l = loaded(&app);
    assert_eq!(name_at(l, l.tree.current().expect("cursor")), place);
    // The tab is kept too; `[` goes back, and before the first run it says so.
    key(&mut app, '2');
    key(&mut app, '[');
    assert_eq!(app.run().map(|r| (r.run_id.as_str(), r.tab)), Some((run_id.as_str(), Tab::Logs)));
    key(&mut app, '[');
    assert_eq!(app.run().map(|r| r.run_id.as_str()), Some(run_id.as_str()));
    assert_eq!(app.flash(), Some("the first run of the list"));
    assert_eq!(app.list().selected, 0);
}
