//! The app driven headless: messages in, state and worker requests out.

use crate::common;

use common::rows::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tofui::api::{RunOutcome, SortBy, SortOrder};
use tofui::app::{App, Blocked, Effect, Msg, Session};
use tofui::model::RunsPage;
use tofui::worker::{ClientError, Fetch, Slot, WorkerEvent, WorkerRequest, WorkerResponse};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(k: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(k, KeyModifiers::NONE))
}

fn answer(app: &mut App, id: u64, page: RunsPage) -> Vec<Effect> {
    app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page)) }), NOW)
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| app.update(key(c), NOW)).collect()
}

/// An app showing the first page (100 rows, more to come).
fn loaded() -> App {
    loaded_on(session())
}

/// As [`loaded`], connected as `session` says.
fn loaded_on(session: Session) -> App {
    let mut app = App::new(session, NOW, utc(), (120, 40));
    let (id, req) = list_request(&app.start()).expect("first page asked for");
    assert_eq!(
        (req.cursor, req.limit, req.sort_by.clone(), req.sort_order.clone()),
        (None, 100, SortBy::StartedAt, SortOrder::Desc)
    );
    let fx = answer(&mut app, id, page(0..100, true));
    assert!(list_request(&fx).is_none(), "no prefetch while at the top");
    app
}

#[test]
fn scrolling_near_the_end_asks_for_the_next_page_once() {
    let mut app = loaded();
    let mut asked = Vec::new();
    for _ in 0..60 {
        asked.extend(list_request(&app.update(key('j'), NOW)));
    }
    assert_eq!(asked.len(), 1, "one prefetch while 50 rows from the end");
    let (id, req) = asked.pop().expect("prefetch");
    assert_eq!(req.cursor, Some(100));
    assert_eq!(app.list().selected, 60);
    answer(&mut app, id, page(100..200, false));
    assert_eq!(app.list().rows.len(), 200);
    assert_eq!(app.list().selected, 60, "the selection stays put when rows arrive");
    app.update(key('G'), NOW);
    assert_eq!(app.list().selected, 199);
    assert!(list_request(&app.update(key('j'), NOW)).is_none(), "nothing more to load");
    assert!(
        app.list().offset + app.list().viewport > 199 && app.list().offset <= 199,
        "selection on screen"
    );
}

#[test]
fn late_answers_to_superseded_requests_are_dropped() {
    let mut app = loaded();
    app.update(key('s'), NOW); // sort by created: a new first page
    let fx = app.update(key('S'), NOW); // and flip: newer still
    let (newest, req) = list_request(&fx).expect("request");
    assert_eq!((req.sort_by, req.sort_order), (SortBy::CreatedAt, SortOrder::Asc));
    // The answer to the older request arrives late and is ignored.
    answer(&mut app, newest - 1, page(500..510, false));
    assert!(app.list().rows.is_empty() && app.list().is_loading());
    answer(&mut app, newest, page(0..3, false));
    assert_eq!(app.list().rows.len(), 3);
}

#[test]
fn a_bad_query_sends_nothing_and_points_at_the_word() {
    let mut app = loaded();
    app.update(key('/'), NOW);
    let mut fx = typed(&mut app, "outcome:fail since:soon");
    fx.extend(app.update(code(KeyCode::Enter), NOW));
    assert!(fx.is_empty(), "{fx:?}");
    let err = app.filter().and_then(|f| f.error.clone()).expect("error shown");
    assert_eq!(&"outcome:fail since:soon"[err.start..err.end], "soon");
    assert_eq!(app.list().rows.len(), 100, "the list is untouched");
    // Fix it: backspace four times, type a duration.
    for _ in 0..4 {
        app.update(code(KeyCode::Backspace), NOW);
    }
    typed(&mut app, "24h");
    let fx = app.update(code(KeyCode::Enter), NOW);
    let (_, req) = list_request(&fx).expect("sent once it parses");
    assert_eq!(req.query.outcomes, vec![RunOutcome::Fail]);
    assert!(app.filter().is_none());
    assert_eq!(app.list().query.to_line(), "outcome:FAIL since:24h");
}

#[test]
fn the_form_and_the_line_stay_in_sync() {
    let mut app = loaded();
    app.update(key('/'), NOW);
    typed(&mut app, "part:PCB-MAIN meta.shift=A");
    app.update(code(KeyCode::Tab), NOW); // to the form, carrying what was typed
    let form = app.form().expect("form open");
    let part = form.fields.iter().find(|(f, _)| f.label() == "Part").expect("part field");
    assert_eq!(part.1.value(), "PCB-MAIN");
    // Type an outcome in the first field and a bad duration further down.
    typed(&mut app, "fail");
    for _ in 0..17 {
        app.update(code(KeyCode::Tab), NOW);
    }
    typed(&mut app, "2 minutes");
    assert!(app.update(code(KeyCode::Enter), NOW).is_empty());
    let (at, _) = app.form().and_then(|f| f.error.clone()).expect("error on the field");
    assert_eq!(app.form().map(|f| f.fields[at].0.label()), Some("Duration ≥"));
    for _ in 0.."2 minutes".len() {
        app.update(code(KeyCode::Backspace), NOW);
    }
    typed(&mut app, "2m");
    let (_, req) = list_request(&app.update(code(KeyCode::Enter), NOW)).expect("applied");
    assert_eq!(req.query.duration.min, Some(120_000));
    assert_eq!(app.list().query.to_line(), "outcome:FAIL part:PCB-MAIN duration>=2m meta.shift=A");
}

#[test]
fn live_mode_puts_new_runs_on_top_without_moving_the_selection() {
    let mut app = loaded();
    for _ in 0..50 {
        app.update(key('j'), NOW);
    }
    let selected_id = app.list().selected_row().expect("row").id.clone();
    let offset = app.list().offset;
    app.set_live(Some(5_000));
    let early = app.update(Msg::Tick, NOW + 1_000);
    assert!(live_request(&early).is_none(), "not due yet");
    let fx = app.update(Msg::Tick, NOW + 5_000);
    let (id, req) = live_request(&fx).expect("live poll");
    assert_eq!(req.created_after_ms, Some(NOW - 60_000), "asks from the newest run on");
    let mut fresh = page(0..1, false); // the newest known run comes back (inclusive bound)
    let mut a = row(0);
    a.id = "new-pass".into();
    a.created_ms = Some(NOW + 1_000);
    let mut b = row(1);
    b.id = "new-fail".into();
    b.outcome = Some(RunOutcome::Fail);
    b.created_ms = Some(NOW + 2_000);
    fresh.rows.splice(0..0, [b, a]);
    app.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(fresh)) }),
        NOW + 5_100,
    );
    assert_eq!(app.list().rows.len(), 102, "two new runs, the known one not repeated");
    assert_eq!(&*app.list().rows[0].id, "new-fail");
    assert_eq!(
        app.list().selected_row().map(|r| r.id.clone()),
        Some(selected_id),
        "same run selected"
    );
    assert_eq!(app.list().offset, offset + 2, "the screen did not move");
    assert!(
        app.list().fresh_failures.contains("new-fail")
            && !app.list().fresh_failures.contains("new-pass")
    );
    // Watching the top, the new runs come into view; the selected run is still the same.
    let mut top = loaded();
    top.update(key('j'), NOW);
    top.set_live(Some(5_000));
    let fx = top.update(Msg::Tick, NOW + 5_000);
    let (id, _) = live_request(&fx).expect("live poll");
    let mut one = page(0..0, false);
    let mut c = row(2);
    c.id = "newest".into();
    one.rows.push(c);
    top.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(one)) }), NOW + 5_100);
    assert_eq!((top.list().offset, top.list().selected, &*top.list().rows[0].id), (0, 2, "newest"));
}

#[test]
fn an_unreachable_server_keeps_the_rows_marked_stale() {
    let mut app = loaded();
    let (id, _) = list_request(&app.update(key('r'), NOW)).expect("refresh");
    let err = ClientError::Unreachable("Connection refused".into());
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Retrying {
                attempt: 2,
                delay: std::time::Duration::from_secs(4),
                error: err,
            },
        }),
        NOW,
    );
    assert!(app.list().stale);
    assert_eq!(app.list().rows.len(), 100, "rows stay");
    answer(&mut app, id, page(0..100, true));
    assert!(!app.list().stale && app.list().retry.is_none());
}

#[test]
fn a_rejected_key_blocks_with_an_explanation() {
    let mut app = app(80, 24);
    let (id, _) = list_request(&app.start()).expect("request");
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Runs(Err(ClientError::Unauthorized("invalid API key".into()))),
        }),
        NOW,
    );
    assert_eq!(app.shared().session().blocked, Some(Blocked::Rejected("invalid API key".into())));
    assert_eq!(app.update(key('q'), NOW), vec![Effect::Quit]);
}

#[test]
fn copy_and_open_act_on_the_selected_run() {
    // A TofuPilot instance, with web pages.
    let mut app = loaded_on(Session { demo: false, ..session() });
    app.update(key('j'), NOW);
    assert_eq!(app.update(key('y'), NOW), vec![Effect::Copy("run-000001".into())]);
    assert_eq!(
        app.update(key('Y'), NOW),
        vec![Effect::Copy("http://127.0.0.1:3000/runs/run-000001".into())]
    );
    // The config's run_url, where the web app's address differs: the id goes in its place.
    app.settings_mut().run_url = Some("https://tp.example.com/acme/runs/{id}?tab=phases".into());
    assert_eq!(
        app.update(key('Y'), NOW),
        vec![Effect::Copy("https://tp.example.com/acme/runs/run-000001?tab=phases".into())]
    );
    app.settings_mut().run_url = None;
    let fx = app.update(code(KeyCode::Enter), NOW);
    assert!(
        matches!(&fx[..], [Effect::Send(WorkerRequest::Fetch { slot: Slot::Run, fetch: Fetch::Run { run_id }, .. })] if run_id == "run-000001")
    );
    let fx = app.update(code(KeyCode::Esc), NOW);
    assert_eq!(fx, vec![Effect::Send(WorkerRequest::Cancel { slot: Slot::Run })]);
    assert!(app.run().is_none());
    assert_eq!(app.list().selected, 1, "back on the same row");
}

#[test]
fn resize_keeps_the_selection_visible() {
    let mut app = loaded();
    for _ in 0..30 {
        app.update(key('j'), NOW);
    }
    app.update(Msg::Resize(80, 10), NOW);
    assert_eq!(app.list().viewport, 5, "10 rows less title, tabs, header, status, keys");
    assert!(app.list().offset <= 30 && 30 < app.list().offset + 5);
}

#[test]
fn refresh_reloads_as_many_rows_as_were_loaded_and_keeps_the_selected_run() {
    let mut app = loaded();
    let mut next = None;
    for _ in 0..130 {
        if let Some(r) = list_request(&app.update(key('j'), NOW)) {
            next = Some(r);
        }
    }
    let (id, _) = next.expect("second page");
    answer(&mut app, id, page(100..200, true));
    for _ in 0..30 {
        app.update(key('j'), NOW);
    }
    let selected = app.list().selected_row().expect("row").id.clone();
    assert_eq!(app.list().selected, 129);
    let (id, req) = list_request(&app.update(key('r'), NOW)).expect("refresh");
    assert_eq!(req.cursor, None);
    let fx = answer(&mut app, id, page(0..100, true));
    assert_eq!(app.list().selected, 99, "the place is kept while the rest reloads");
    let (id, req) = list_request(&fx).expect("the next page, at once");
    assert_eq!(req.cursor, Some(100));
    answer(&mut app, id, page(100..200, true));
    assert_eq!(app.list().rows.len(), 200);
    assert_eq!(
        app.list().selected_row().map(|r| r.id.clone()),
        Some(selected),
        "back on the same run"
    );
}

#[test]
fn live_mode_keeps_at_most_ten_thousand_rows_dropping_the_oldest() {
    const BOUND: usize = 10_000; // the bound the README states
    let mut app = app(120, 40);
    let (id, _) = list_request(&app.start()).expect("first page");
    let mut first = page(0..0, true);
    first.rows = (0..BOUND - 1)
        .map(|i| {
            let mut r = row(i % 1000);
            r.id = format!("old-{i:05}").into();
            r
        })
        .collect();
    answer(&mut app, id, first);
    app.set_live(Some(5_000));
    let mut polls = 0;
    let mut tick = NOW;
    for batch in 0..3 {
        tick += 5_000;
        let fx = app.update(Msg::Tick, tick);
        let (id, _) = live_request(&fx).expect("live poll");
        polls += 1;
        let mut fresh = page(0..0, false);
        for i in 0..5 {
            let mut r = row(i);
            r.id = format!("live-{batch}-{i}").into();
            r.created_ms = Some(tick + i as i64);
            fresh.rows.push(r);
        }
        app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(fresh)) }), tick);
    }
    assert_eq!(polls, 3);
    let list = app.list();
    assert_eq!(list.rows.len(), BOUND, "15 new rows, but no more than the bound");
    assert!(list.rows.iter().take(5).all(|r| r.id.starts_with("live-2-")), "newest on top");
    // 9,999 old rows + 15 new: the 14 oldest went.
    assert_eq!(&*list.rows[BOUND - 1].id, format!("old-{:05}", BOUND - 1 - 14 - 1));
    assert!(!list.has_more, "no paging on past what was dropped");
    assert!(list.trimmed);
}

#[test]
fn o_opens_the_run_in_a_browser_or_copies_its_link_where_there_is_none() {
    // A TofuPilot instance, with web pages.
    let mut app = loaded_on(Session { demo: false, ..session() });
    app.update(key('j'), NOW);
    let link = "http://127.0.0.1:3000/runs/run-000001".to_string();
    // Over SSH (no display): the link is copied, and the footer says why.
    assert_eq!(app.update(key('o'), NOW), vec![Effect::Copy(link.clone())]);
    assert!(app.flash().is_some_and(|f| f.contains("no browser here")));
    app.settings_mut().can_open_browser = true;
    assert_eq!(app.update(key('o'), NOW), vec![Effect::Open(link.clone())]);
    // The same from the run view.
    app.update(code(KeyCode::Enter), NOW);
    assert!(app.update(key('o'), NOW).contains(&Effect::Open(link)));
}

/// The old Windows console drops OSC 52 silently: there y, Y and o (without a browser) say so
/// and show the text instead of claiming a copy.
#[test]
fn where_the_console_cannot_copy_y_and_o_say_so_and_show_the_text() {
    let mut app = loaded_on(Session { demo: false, ..session() });
    app.settings_mut().can_copy = false;
    app.update(key('j'), NOW);
    assert_eq!(app.update(key('y'), NOW), vec![], "no clipboard sequence sent");
    let flash = app.flash().expect("a footer message");
    assert!(flash.contains("copy is not available in this console"), "{flash}");
    assert!(flash.contains("run-000001") && !flash.contains("copied"), "{flash}");
    let link = "http://127.0.0.1:3000/runs/run-000001";
    assert_eq!(app.update(key('Y'), NOW), vec![]);
    assert!(app.flash().is_some_and(|f| f.contains(link) && f.contains("not available")));
    // No browser (an SSH session) and no clipboard: the link is on the footer to read.
    assert_eq!(app.update(key('o'), NOW), vec![]);
    let flash = app.flash().expect("a footer message");
    assert!(flash.contains("no browser here") && flash.contains(link), "{flash}");
    // A browser still opens.
    app.settings_mut().can_open_browser = true;
    assert_eq!(app.update(key('o'), NOW), vec![Effect::Open(link.into())]);
}

/// Windows reports every key twice, pressed and released; only the press acts.
#[test]
fn a_released_or_repeated_key_does_nothing_only_the_press_acts() {
    use crossterm::event::{KeyEventKind, KeyEventState};
    let of = |c: char, kind| {
        Msg::Key(KeyEvent::new_with_kind_and_state(
            KeyCode::Char(c),
            KeyModifiers::NONE,
            kind,
            KeyEventState::NONE,
        ))
    };
    let mut app = loaded();
    for kind in [KeyEventKind::Release, KeyEventKind::Repeat] {
        assert!(app.update(of('j', kind), NOW).is_empty(), "{kind:?}");
        assert_eq!(app.list().selected, 0, "{kind:?} j does not move");
        let fx = app.update(of('q', kind), NOW);
        assert!(!fx.iter().any(|e| matches!(e, Effect::Quit)), "{kind:?} q does not quit");
    }
    // A Windows key stroke: press then release, one step.
    app.update(of('j', KeyEventKind::Press), NOW);
    app.update(of('j', KeyEventKind::Release), NOW);
    assert_eq!(app.list().selected, 1);
    let fx = app.update(of('q', KeyEventKind::Press), NOW);
    assert!(fx.iter().any(|e| matches!(e, Effect::Quit)), "a pressed q quits");
}

#[test]
fn in_the_demo_y_and_o_give_the_runs_api_address_which_answers() {
    let mut app = loaded(); // the demo
    app.settings_mut().can_open_browser = true;
    app.update(key('j'), NOW);
    let api = "http://127.0.0.1:3000/api/v2/runs/run-000001".to_string();
    assert_eq!(app.update(key('Y'), NOW), vec![Effect::Copy(api.clone())]);
    assert!(app.flash().is_some_and(|f| f.contains("the demo has no web pages")));
    // No browser page to open either: the same address goes to the clipboard.
    assert_eq!(app.update(key('o'), NOW), vec![Effect::Copy(api)]);
}
