//! The triage queue and undo, headless, against a stand-in for the server that keeps each
//! run's metadata: the queue visits exactly the undisposed failing runs in list order, writes
//! the exact metadata, keeps a run whose write failed (HTTP 500) and loses nothing else,
//! resumes after leaving; undo writes back the exact values from before (removing keys that
//! did not exist), for a disposition and for a bulk edit over marked runs.

use crate::common;

use common::meta_server::*;
use common::rows::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;
use tofui::app::{App, Mode, Msg};
use tofui::worker::{WorkerEvent, WorkerResponse};

/// The serial of the run the queue shows.
fn shown(app: &App) -> Option<String> {
    let t = app.triage()?;
    t.run.as_ref().and_then(|r| r.loaded()).map(|l| l.run.summary.unit.serial_number.clone())
}

fn serial(i: usize) -> String {
    row(i).serial.to_string()
}

#[test]
fn the_queue_visits_the_undisposed_failing_runs_in_list_order_and_writes_the_disposition() {
    let (mut app, mut server) = setup(100, 30);
    // Run 3 has a disposition already; run 6 has other metadata (it stays in the queue).
    server.set(3, json!({"triage": "fixture"}));
    server.set(6, json!({"station_note": "hot"}));
    press(&mut app, &mut server, "T");
    assert_eq!(app.mode(), Mode::Triage);
    let t = app.triage().expect("the queue");
    let queue: Vec<String> = t.items.iter().map(|i| i.serial.clone()).collect();
    assert_eq!(queue, [1, 4, 6, 8, 9].map(serial));
    // Each opens at its first failure, with that phase's logs.
    let mut visited = Vec::new();
    for (k, key) in ["1", "2", "4", "t", "3"].iter().enumerate() {
        let t = app.triage().expect("the queue");
        assert_eq!(t.pos, k, "the progress counts up");
        let l = t.run.as_ref().and_then(|r| r.loaded()).expect("the run is shown");
        let at = l.tree.current().expect("a cursor");
        assert_eq!(Some(&at), l.tree.failures.first(), "at the first failure");
        assert!(l.logs.window.is_some(), "the failing phase's logs are shown");
        visited.push(shown(&app).expect("shown"));
        if *key == "t" {
            press(&mut app, &mut server, "t");
            assert_eq!(app.mode(), Mode::TriageText);
            press(&mut app, &mut server, "loose cable J3\n");
        } else {
            press(&mut app, &mut server, key);
        }
    }
    assert_eq!(visited, [1, 4, 6, 8, 9].map(serial));
    // Each next run was fetched ahead while the one before was shown, once.
    let ahead: Vec<&str> =
        server.fetched.iter().filter(|(_, ahead)| *ahead).map(|(id, _)| id.as_str()).collect();
    assert_eq!(ahead, [4, 6, 8, 9].map(|i| row(i).id.to_string()));
    assert_eq!(server.fetched.len(), 5, "no run fetched twice: {:?}", server.fetched);
    assert!(app.triage().is_none(), "the queue closes after the last run");
    assert_eq!(app.mode(), Mode::List);
    assert_eq!(server.get(1), json!({"triage": "fixture"}).as_object().unwrap());
    assert_eq!(server.get(4), json!({"triage": "retest"}).as_object().unwrap());
    assert_eq!(
        server.get(6),
        json!({"station_note": "hot", "triage": "software"}).as_object().unwrap()
    );
    assert_eq!(server.get(8), json!({"triage": "loose cable J3"}).as_object().unwrap());
    assert_eq!(server.get(9), json!({"triage": "real failure"}).as_object().unwrap());
    assert_eq!(server.get(3), json!({"triage": "fixture"}).as_object().unwrap(), "untouched");
    // One PATCH per run, with only the disposition.
    assert_eq!(server.patches.len(), 5);
    assert!(server.patches.iter().all(|(_, c)| c.len() == 1 && c.contains_key("triage")));
    // Passing runs were never written.
    for i in [0, 2, 5, 7] {
        assert!(server.get(i).is_empty(), "run {i}");
    }
}

#[test]
fn a_failed_write_keeps_the_run_and_loses_nothing_else() {
    let (mut app, mut server) = setup(100, 30);
    press(&mut app, &mut server, "T1");
    assert_eq!(shown(&app), Some(serial(3)));
    server.fail_next.insert(row(3).id.to_string());
    press(&mut app, &mut server, "2");
    let t = app.triage().expect("still in the queue");
    assert_eq!(shown(&app), Some(serial(3)), "the run stays");
    assert_eq!(t.pos, 1);
    let err = t.error.as_deref().expect("a message");
    assert!(err.contains("HTTP 500") && err.contains("stays queued"), "{err}");
    assert!(server.get(3).is_empty());
    assert_eq!(server.get(1), json!({"triage": "fixture"}).as_object().unwrap(), "kept");
    assert_eq!(t.recorded(), 1);
    assert_eq!(server.patches.len(), 2, "not retried unasked");
    // Skip and back come back to it; pressing again retries.
    press(&mut app, &mut server, "sb");
    assert_eq!(shown(&app), Some(serial(3)));
    press(&mut app, &mut server, "2");
    assert_eq!(server.get(3), json!({"triage": "retest"}).as_object().unwrap());
    assert_eq!(shown(&app), Some(serial(4)));
    assert!(app.triage().expect("queue").error.is_none());
}

#[test]
fn a_typed_disposition_whose_write_fails_is_back_on_the_line_and_enter_retries_it() {
    let (mut app, mut server) = setup(100, 30);
    press(&mut app, &mut server, "T");
    assert_eq!(shown(&app), Some(serial(1)));
    server.fail_next.insert(row(1).id.to_string());
    press(&mut app, &mut server, "tloose cable J3\n");
    let t = app.triage().expect("still in the queue");
    assert_eq!(shown(&app), Some(serial(1)), "the run stays");
    assert_eq!(app.mode(), Mode::TriageText, "typing again");
    assert_eq!(t.typing.as_ref().map(|i| i.value()), Some("loose cable J3"), "nothing retyped");
    let why = t.invalid.as_deref().expect("why, beside the text");
    assert!(why.contains("HTTP 500") && why.contains("enter retries"), "{why}");
    assert!(server.get(1).is_empty());
    press(&mut app, &mut server, "\n");
    assert_eq!(server.get(1), json!({"triage": "loose cable J3"}).as_object().unwrap());
    assert_eq!(shown(&app), Some(serial(3)), "recorded: the next run");
}

#[test]
fn a_signal_keeps_the_disposition_being_typed_or_sent() {
    let (mut app, mut server) = setup(100, 30);
    press(&mut app, &mut server, "T");
    assert_eq!(app.recovery("demo"), None, "nothing typed yet");
    press(&mut app, &mut server, "tbent pin");
    let r = app.recovery("demo").expect("the text typed is kept");
    assert_eq!(r.targets.iter().map(|t| t.run_id.as_str()).collect::<Vec<_>>(), [&*row(1).id]);
    assert_eq!(r.changes, *json!({"triage": "bent pin"}).as_object().unwrap());
    // Sent but not answered yet: kept too (writing it again changes nothing).
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), 0);
    let r = app.recovery("demo").expect("unacknowledged");
    assert_eq!(r.changes, *json!({"triage": "bent pin"}).as_object().unwrap());
    serve(&mut app, &mut server, fx);
    assert_eq!(app.recovery("demo"), None, "recorded: nothing left to keep");
    assert_eq!(shown(&app), Some(serial(3)));
}

#[test]
fn a_typed_disposition_refused_by_the_key_is_kept_or_not_offered_again() {
    use tofui::app::Effect;
    use tofui::worker::{ClientError, WorkerRequest};
    for (error, kept) in [
        (ClientError::Unauthorized("key revoked".into()), true),
        (ClientError::Forbidden("read-only key".into()), false),
    ] {
        let (mut app, mut server) = setup(100, 30);
        press(&mut app, &mut server, "Ttbent pin");
        let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), 0);
        let id = fx
            .iter()
            .find_map(|e| match e {
                Effect::Send(WorkerRequest::Fetch { id, .. }) => Some(*id),
                _ => None,
            })
            .expect("the write");
        let event = WorkerEvent::Done(Err(error.clone()));
        app.update(Msg::Worker(WorkerResponse { id, event }), 0);
        let t = app.triage().expect("the queue");
        if kept {
            // Blocked on the key: the text is back on the line, and a signal would keep it.
            assert_eq!(t.typing.as_ref().map(|i| i.value()), Some("bent pin"), "{error}");
            let r = app.recovery("demo").expect("kept");
            assert_eq!(r.changes, *json!({"triage": "bent pin"}).as_object().unwrap());
        } else {
            // Nothing can be written with this key: no line to retry a sure refusal from.
            assert!(t.typing.is_none(), "{error}");
            assert!(t.error.as_deref().is_some_and(|e| e.contains("not recorded")));
        }
    }
}

#[test]
fn a_write_answered_after_its_run_was_deleted_is_not_pinned_on_the_next_run() {
    use tofui::app::Effect;
    use tofui::worker::{Fetch, WorkerRequest};
    let sent = |fx: &[Effect], what: fn(&Fetch) -> bool| {
        fx.iter()
            .find_map(|e| match e {
                Effect::Send(WorkerRequest::Fetch { id, fetch, .. }) if what(fetch) => Some(*id),
                _ => None,
            })
            .expect("sent")
    };
    let (mut app, mut server) = setup(100, 30);
    press(&mut app, &mut server, "T");
    assert_eq!(shown(&app), Some(serial(1)));
    // A preset for run 1, not answered yet; meanwhile run 1 is opened whole and deleted.
    let key = |c| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    let fx = app.update(key(KeyCode::Char('2')), 0);
    let write = sent(&fx, |f| matches!(f, Fetch::UpdateMetadata { .. }));
    press(&mut app, &mut server, "\n");
    let fx = app.update(key(KeyCode::Char('D')), 0);
    assert!(fx.is_empty(), "{fx:?}");
    let fx = app.update(key(KeyCode::Enter), 0);
    let delete = sent(&fx, |f| matches!(f, Fetch::DeleteRuns { .. }));
    let gone = vec![row(1).id.to_string()];
    let fx = app
        .update(Msg::Worker(WorkerResponse { id: delete, event: WorkerEvent::Done(Ok(gone)) }), 0);
    serve(&mut app, &mut server, fx);
    assert_eq!(shown(&app), Some(serial(3)), "the deleted run left the queue");
    // Now the write's answer: it was run 1's, not run 3's.
    let fx = app.update(
        Msg::Worker(WorkerResponse { id: write, event: WorkerEvent::Done(Ok(Vec::new())) }),
        0,
    );
    serve(&mut app, &mut server, fx);
    let t = app.triage().expect("the queue");
    assert_eq!(shown(&app), Some(serial(3)), "run 3 is not skipped");
    assert!(t.items.iter().all(|i| i.recorded.is_none()), "nothing recorded on run 3");
}

#[test]
fn leaving_keeps_what_was_recorded_and_t_resumes_with_the_rest() {
    let (mut app, mut server) = setup(100, 30);
    press(&mut app, &mut server, "T1s4");
    // 1 recorded, 3 skipped, 4 recorded: now on 6.
    assert_eq!(shown(&app), Some(serial(6)));
    press(&mut app, &mut server, "\x1b");
    assert_eq!(app.mode(), Mode::List);
    assert!(app.flash().is_some_and(|f| f.contains("2 of 6 recorded")), "{:?}", app.flash());
    press(&mut app, &mut server, "T");
    let queue: Vec<String> =
        app.triage().expect("queue").items.iter().map(|i| i.serial.clone()).collect();
    assert_eq!(queue, [3, 6, 8, 9].map(serial), "the skipped run is back, the recorded not");
    assert_eq!(shown(&app), Some(serial(3)));
}

#[test]
fn undo_of_a_disposition_removes_the_key_it_added() {
    let (mut app, mut server) = setup(100, 30);
    server.set(1, json!({"station_note": "hot"}));
    press(&mut app, &mut server, "T1\x1b");
    assert_eq!(
        server.get(1),
        json!({"station_note": "hot", "triage": "fixture"}).as_object().unwrap()
    );
    press(&mut app, &mut server, "z");
    assert_eq!(app.mode(), Mode::UndoReview, "the change preview first");
    assert!(app.editor().expect("preview").rows.iter().any(|r| r.key == "triage"));
    press(&mut app, &mut server, "\n");
    assert_eq!(server.get(1), json!({"station_note": "hot"}).as_object().unwrap());
    assert_eq!(server.patches.last().map(|p| &p.1), json!({"triage": null}).as_object());
    assert!(app.last_change().is_none(), "undone once, the entry is gone");
    press(&mut app, &mut server, "z");
    assert_eq!(app.mode(), Mode::List);
    assert!(app.flash().is_some_and(|f| f.contains("nothing to undo")));
    // The run is undisposed again: the queue has it.
    press(&mut app, &mut server, "T");
    assert_eq!(shown(&app), Some(serial(1)));
}

#[test]
fn undo_of_a_bulk_edit_puts_back_each_runs_own_values() {
    let (mut app, mut server) = setup(100, 30);
    server.set(0, json!({"fixture": "F1", "keep": 1}));
    server.set(1, json!({"fixture": "F2"}));
    // Mark rows 0, 1 and 2; set fixture = F9 and add shift = night on all three.
    press(&mut app, &mut server, "   ");
    press(&mut app, &mut server, "m");
    // The editor lists the keys the marked runs have: fixture (2 values) first; enter edits it.
    let rows = &app.editor().expect("editor").rows;
    assert_eq!(rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["fixture", "keep"]);
    press(&mut app, &mut server, "\nF9\nashift\tnight\n");
    let save = app.update(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), NOW);
    serve(&mut app, &mut server, save);
    press(&mut app, &mut server, "\n");
    assert_eq!(server.get(2), json!({"fixture": "F9", "shift": "night"}).as_object().unwrap());
    assert!(app.flash().is_some_and(|f| f.contains("z undoes")), "{:?}", app.flash());
    press(&mut app, &mut server, "z");
    assert_eq!(app.mode(), Mode::UndoReview);
    assert!(app.editor().expect("preview").undo.as_ref().is_some_and(|u| u.varies));
    press(&mut app, &mut server, "\n");
    assert_eq!(server.get(0), json!({"fixture": "F1", "keep": 1}).as_object().unwrap());
    assert_eq!(server.get(1), json!({"fixture": "F2"}).as_object().unwrap());
    assert!(server.get(2).is_empty(), "keys that did not exist are removed");
    assert!(app.last_change().is_none());
}

#[test]
fn the_delete_confirmation_says_deletes_cannot_be_undone() {
    let (mut app, mut server) = setup(100, 30);
    press(&mut app, &mut server, "D");
    let term = common::render::draw(&app);
    let text: String = term.backend().buffer().content.iter().map(|c| c.symbol()).collect();
    assert!(text.contains("Deletes cannot be undone"), "{text}");
}

#[test]
fn undo_of_a_single_run_edit_restores_changed_deleted_and_removes_added_keys() {
    let (mut app, mut server) = setup(100, 30);
    server.set(0, json!({"a": 1, "b": "x"}));
    press(&mut app, &mut server, "m");
    // a: 1 → 2 (the first row), b deleted, c added.
    press(&mut app, &mut server, "\n");
    let bs = |app: &mut App| {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)), NOW)
    };
    bs(&mut app);
    press(&mut app, &mut server, "2\njxac\ttrue\n");
    let save = app.update(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), NOW);
    serve(&mut app, &mut server, save);
    press(&mut app, &mut server, "\n");
    assert_eq!(server.get(0), json!({"a": 2, "c": true}).as_object().unwrap());
    press(&mut app, &mut server, "z\n");
    assert_eq!(server.get(0), json!({"a": 1, "b": "x"}).as_object().unwrap());
    assert!(app.last_change().is_none());
}

#[test]
fn failing_runs_past_the_loaded_rows_follow_them_newest_first() {
    let mut app = app(100, 30);
    let (id, _) = list_request(&app.start()).expect("list");
    // 10 rows loaded of 15.
    app.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page(0..10, true))) }),
        NOW,
    );
    let mut server = Server::new(15);
    server.set(11, json!({"triage": "retest"}));
    press(&mut app, &mut server, "T");
    let queue: Vec<String> =
        app.triage().expect("queue").items.iter().map(|i| i.serial.clone()).collect();
    assert_eq!(queue, [1, 3, 4, 6, 8, 9, 13, 14].map(serial));
}

#[test]
fn enter_shows_the_whole_run_view_and_its_next_run_key_moves_in_the_queue() {
    let (mut app, mut server) = setup(100, 30);
    press(&mut app, &mut server, "T\n");
    assert_eq!(app.mode(), Mode::Tree, "the run view, on its phases");
    assert_eq!(app.run().map(|r| r.run_id.clone()), Some(row(1).id.to_string()));
    press(&mut app, &mut server, "\x1b");
    assert_eq!(app.mode(), Mode::Triage, "esc comes back to the queue");
    assert_eq!(shown(&app), Some(serial(1)));
    press(&mut app, &mut server, "\n]");
    assert_eq!(app.mode(), Mode::Triage);
    assert_eq!(shown(&app), Some(serial(3)), "] skipped to the next run of the queue");
    assert!(server.get(1).is_empty(), "skipping writes nothing");
}

#[test]
fn when_the_dispositions_cannot_be_read_it_says_so_and_t_tries_again() {
    let (mut app, mut server) = setup(100, 30);
    server.fail_list = true;
    press(&mut app, &mut server, "T");
    let t = app.triage().expect("the queue says why");
    assert!(matches!(&t.stage, tofui::app::triage::Stage::Failed(e) if e.contains("HTTP 503")));
    assert!(t.items.is_empty() && server.patches.is_empty());
    press(&mut app, &mut server, "1\x1bT");
    assert!(server.patches.is_empty(), "no key wrote anything meanwhile");
    assert_eq!(shown(&app), Some(serial(1)));
}
