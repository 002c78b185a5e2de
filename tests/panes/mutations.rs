//! Changes written back, headless: the metadata editor's typed values, change set, save,
//! failure and retry; bulk edits over marked runs; delete confirmation; read-only; quitting
//! with unsaved edits.

use crate::common;

use common::keys::press;
use common::rows::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;
use tofui::app::{App, Effect, Mode, Msg};
use tofui::worker::{ClientError, Fetch, WorkerEvent, WorkerRequest, WorkerResponse};

/// Moves the editor's cursor to row `i` with the keys: to the top, then down.
fn select(app: &mut App, i: usize) {
    let n = app.editor().map_or(0, |e| e.rows.len());
    press(app, &"k".repeat(n));
    press(app, &"j".repeat(i));
    assert_eq!(app.editor().map(|e| e.cursor), Some(i));
}

fn loaded_list() -> App {
    let mut app = app(100, 30);
    let (id, _) = list_request(&app.start()).expect("list");
    app.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page(0..10, false))) }),
        NOW,
    );
    app
}

fn patches(fx: &[Effect]) -> Vec<(u64, String, serde_json::Map<String, serde_json::Value>)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch {
                id,
                fetch: Fetch::UpdateMetadata { run_id, changes },
                ..
            }) => Some((*id, run_id.clone(), changes.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn add_change_remove_review_and_save_only_the_changes() {
    let mut app = loaded_list();
    editor_with(&mut app, json!({"shift": "A", "temperature": 23.4, "fixture": "FX-01"}));
    assert_eq!(app.mode(), Mode::Editor);
    press(&mut app, "abin\t\"12\"\n"); // a string that looks like a number
    press(&mut app, "arework\ttrue\n");
    // Rows: fixture, shift, temperature, bin, rework. Change shift, remove fixture.
    let ed = app.editor().expect("editor");
    let pos = |k: &str| ed.rows.iter().position(|r| r.key == k).expect("row");
    let (fixture, shift) = (pos("fixture"), pos("shift"));
    select(&mut app, shift);
    press(&mut app, "\n");
    for _ in 0..3 {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)), NOW);
    }
    press(&mut app, "B\n");
    select(&mut app, fixture);
    press(&mut app, "x");
    press(&mut app, "\x13");
    assert_eq!(app.mode(), Mode::EditorReview);
    let (added, changed, removed) = app.editor().expect("editor").change_set();
    assert_eq!((added.len(), changed.len(), removed.len()), (2, 1, 1));
    let fx = press(&mut app, "\n");
    let sent = patches(&fx);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        serde_json::Value::Object(sent[0].2.clone()),
        json!({"bin": "12", "rework": true, "shift": "B", "fixture": null})
    );
    // Saving: the editor stays until the server acknowledges.
    assert!(app.editor().is_some());
    assert_eq!(press(&mut app, "Q"), vec![], "quitting asks first");
    assert_eq!(app.mode(), Mode::Ask);
    press(&mut app, "n");
    app.update(
        Msg::Worker(WorkerResponse {
            id: sent[0].0,
            event: WorkerEvent::Done(Ok(vec![sent[0].1.clone()])),
        }),
        NOW,
    );
    assert!(app.editor().is_none());
    assert!(app.flash().is_some_and(|t| t.contains("saved 4 changes")));
}

#[test]
fn a_failed_save_keeps_every_edit_and_retries() {
    let mut app = loaded_list();
    editor_with(&mut app, json!({"shift": "A"}));
    press(&mut app, "anote\tfixture loose\n\x13");
    for err in [
        ClientError::Status { status: 500, message: "boom".into() },
        ClientError::Status { status: 502, message: "bad gateway".into() },
    ] {
        let fx = press(&mut app, "\n");
        let sent = patches(&fx);
        assert_eq!(sent.len(), 1, "{err}");
        app.update(
            Msg::Worker(WorkerResponse {
                id: sent[0].0,
                event: WorkerEvent::Done(Err(err.clone())),
            }),
            NOW,
        );
        let ed = app.editor().expect("still open");
        assert!(ed.error.as_ref().is_some_and(|e| e.contains("edits are kept")), "{:?}", ed.error);
        assert_eq!(serde_json::Value::Object(ed.changes()), json!({"note": "fixture loose"}));
        press(&mut app, "\x13");
    }
    let fx = press(&mut app, "\n");
    let sent = patches(&fx);
    app.update(
        Msg::Worker(WorkerResponse { id: sent[0].0, event: WorkerEvent::Done(Ok(vec![])) }),
        NOW,
    );
    assert!(app.editor().is_none(), "saved on the retry");
}

/// Issue 26: the server out of reach (refused, reset, or no answer in time: it may or may not
/// have applied it), the change goes to the outbox, written to its file at once, and the
/// editor closes saying so.
#[test]
fn a_save_that_cannot_reach_the_server_goes_to_the_outbox() {
    for err in
        [ClientError::Timeout(20), ClientError::Unreachable("Connection reset by peer".into())]
    {
        let mut app = loaded_list();
        editor_with(&mut app, json!({"shift": "A"}));
        press(&mut app, "anote\tfixture loose\n\x13");
        let fx = press(&mut app, "\n");
        let sent = patches(&fx);
        let fx = app.update(
            Msg::Worker(WorkerResponse { id: sent[0].0, event: WorkerEvent::Done(Err(err)) }),
            NOW,
        );
        assert!(app.editor().is_none(), "closed: nothing is lost");
        assert!(app.flash().is_some_and(|t| t.contains("kept in the outbox")), "{:?}", app.flash());
        let written = fx.iter().find_map(|e| match e {
            tofui::app::Effect::WriteOutbox(entries) => Some(entries.clone()),
            _ => None,
        });
        let entries = written.expect("the outbox written at once");
        assert_eq!(entries.len(), 1);
        assert_eq!(
            serde_json::Value::Object(entries[0].changes.clone()),
            json!({"note": "fixture loose"})
        );
        assert_eq!(app.shared().outbox().pending(), 1);
    }
}

#[test]
fn bulk_edits_report_per_run_and_keep_failures_retryable() {
    let mut app = loaded_list();
    press(&mut app, "   "); // mark three runs
    assert_eq!(app.list().marked.len(), 3);
    let fx = press(&mut app, "m");
    // No single run to read: the marked runs' metadata (for undo) in one request, by id.
    let ids: Vec<Vec<String>> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch { fetch: Fetch::Population { req, .. }, .. }) => {
                Some(req.query.ids.clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(fx.len(), 1);
    assert_eq!(ids, [["run-000000", "run-000001", "run-000002"].map(String::from).to_vec()]);
    // The read answered: no keys on these runs, so none listed, and nothing to undo with.
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("the read");
    let event =
        WorkerEvent::PopulationRuns { rows: Ok(vec![]), unreadable: 0, done: true, capped: false };
    app.update(Msg::Worker(WorkerResponse { id, event }), NOW);
    press(&mut app, "arework\ttrue\n\x13");
    let sent = patches(&press(&mut app, "\n"));
    assert_eq!(sent.len(), 3);
    app.update(
        Msg::Worker(WorkerResponse { id: sent[0].0, event: WorkerEvent::Done(Ok(vec![])) }),
        NOW,
    );
    app.update(
        Msg::Worker(WorkerResponse {
            id: sent[1].0,
            event: WorkerEvent::Done(Err(ClientError::NotFound("gone".into()))),
        }),
        NOW,
    );
    app.update(
        Msg::Worker(WorkerResponse { id: sent[2].0, event: WorkerEvent::Done(Ok(vec![])) }),
        NOW,
    );
    let ed = app.editor().expect("kept for the failure");
    assert_eq!(ed.targets.len(), 1);
    assert_eq!(ed.targets[0].run_id, sent[1].1);
    let err = ed.error.clone().unwrap_or_default();
    assert!(err.contains("saved on 2 of 3") && err.contains("deleted meanwhile"), "{err}");
    // Retrying sends to the failed run only.
    press(&mut app, "\x13");
    let again = patches(&press(&mut app, "\n"));
    assert_eq!(again.iter().map(|s| s.1.clone()).collect::<Vec<_>>(), vec![sent[1].1.clone()]);
}

#[test]
fn a_forbidden_edit_is_explained_and_not_offered_again() {
    let mut app = loaded_list();
    editor_with(&mut app, json!({}));
    press(&mut app, "ak\tv\n\x13");
    let sent = patches(&press(&mut app, "\n"));
    app.update(
        Msg::Worker(WorkerResponse {
            id: sent[0].0,
            event: WorkerEvent::Done(Err(ClientError::Forbidden("station keys cannot".into()))),
        }),
        NOW,
    );
    let err = app.editor().and_then(|e| e.error.clone()).unwrap_or_default();
    assert!(err.contains("403") && err.contains("not offer it again"), "{err}");
    press(&mut app, "\x1by"); // close the editor, losing the edit
    assert!(app.editor().is_none());
    assert!(press(&mut app, "m").is_empty());
    assert!(app.editor().is_none(), "m does nothing now");
}

#[test]
fn delete_asks_typing_the_count_for_several_and_removes_only_what_the_server_deleted() {
    let mut app = loaded_list();
    press(&mut app, "  ");
    press(&mut app, "D");
    assert_eq!(app.mode(), Mode::ConfirmDelete);
    assert!(press(&mut app, "\n").is_empty(), "enter alone does not delete two runs");
    let fx = press(&mut app, "2\n");
    let Some(Effect::Send(WorkerRequest::Fetch { id, fetch: Fetch::DeleteRuns { ids }, .. })) =
        fx.into_iter().next()
    else {
        panic!("delete")
    };
    assert_eq!(ids, vec!["run-000000", "run-000001"]);
    assert_eq!(app.list().rows.len(), 10, "nothing removed before the answer");
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Done(Err(ClientError::Status {
                status: 500,
                message: "disk full".into(),
            })),
        }),
        NOW,
    );
    assert_eq!(app.list().rows.len(), 10, "nothing removed on failure");
    assert!(app.delete().and_then(|d| d.error.clone()).is_some_and(|e| e.contains("disk full")));
    let fx = press(&mut app, "\n");
    let Some(Effect::Send(WorkerRequest::Fetch { id, .. })) = fx.into_iter().next() else {
        panic!("retry")
    };
    // The server reports a run it was not sent (and one twice): the count stays what was
    // asked, and the run it was not asked about stays in view.
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Done(Ok(vec![
                "run-000000".into(),
                "run-000001".into(),
                "run-000001".into(),
                "run-000005".into(),
            ])),
        }),
        NOW,
    );
    assert_eq!(app.flash(), Some("deleted 2 runs"));
    assert_eq!(app.list().rows.len(), 8);
    assert!(app.list().rows.iter().any(|r| &*r.id == "run-000005"), "not asked, not removed");
    assert!(!app.list().rows.iter().any(|r| &*r.id == "run-000000" || &*r.id == "run-000001"));
    assert!(app.list().marked.is_empty());
    // One run: enter confirms.
    press(&mut app, "D");
    assert!(matches!(
        press(&mut app, "\n").first(),
        Some(Effect::Send(WorkerRequest::Fetch { fetch: Fetch::DeleteRuns { .. }, .. }))
    ));
}

#[test]
fn a_delete_that_stops_partway_removes_what_went_and_keeps_the_rest_to_try_again() {
    let mut app = loaded_list();
    press(&mut app, "   ");
    press(&mut app, "D");
    let fx = press(&mut app, "3\n");
    let Some(Effect::Send(WorkerRequest::Fetch { id, .. })) = fx.into_iter().next() else {
        panic!("delete")
    };
    let error = Box::new(ClientError::Status { status: 500, message: "disk full".into() });
    let done = vec!["run-000000".to_string()];
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Done(Err(ClientError::Partly { done, error })),
        }),
        NOW,
    );
    assert_eq!(app.list().rows.len(), 9, "the deleted one left the list");
    assert!(!app.list().rows.iter().any(|r| &*r.id == "run-000000"));
    let d = app.delete().expect("the dialog stays");
    assert_eq!(d.ids, ["run-000001", "run-000002"]);
    assert_eq!(d.serials.len(), 2);
    let err = d.error.clone().expect("why");
    assert!(err.contains("deleted 1; the other 2 not") && err.contains("disk full"), "{err}");
    assert!(press(&mut app, "\n").is_empty(), "the new count is typed first");
    let fx = press(&mut app, "2\n");
    let Some(Effect::Send(WorkerRequest::Fetch { fetch: Fetch::DeleteRuns { ids }, .. })) =
        fx.into_iter().next()
    else {
        panic!("retry")
    };
    assert_eq!(ids, ["run-000001", "run-000002"], "only the rest");
}

#[test]
fn readonly_hides_and_refuses_every_change() {
    let mut app = loaded_list();
    app.set_readonly();
    for k in ["m", "D", " "] {
        assert!(press(&mut app, k).is_empty());
    }
    assert!(app.editor().is_none() && app.delete().is_none() && app.list().marked.is_empty());
    let help: Vec<&str> =
        app.shared().keymap().describe(Mode::List, false).iter().map(|(_, l)| *l).collect();
    assert!(!help.contains(&"delete") && !help.contains(&"metadata"), "{help:?}");
}

/// `D`, `enter`: the selected run's delete, answered with `error`.
fn delete_answered(app: &mut App, error: ClientError) {
    press(app, "D");
    let fx = press(app, "\n");
    let Some(Effect::Send(WorkerRequest::Fetch { id, .. })) = fx.into_iter().next() else {
        panic!("delete")
    };
    app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Done(Err(error)) }), NOW);
}

#[test]
fn deleting_runs_already_gone_says_so_and_drops_them_from_view() {
    let mut app = loaded_list();
    delete_answered(&mut app, ClientError::NotFound("Run `run-000000` not found".into()));
    assert!(app.flash().is_some_and(|t| t.contains("did not exist any more")));
    assert_eq!(app.list().rows.len(), 9);
    // A station key: explained, and `d` is not offered again.
    delete_answered(&mut app, ClientError::Forbidden("stations cannot delete runs".into()));
    assert!(app.flash().is_some_and(|t| t.contains("403") && t.contains("stations cannot delete")));
    assert_eq!(app.list().rows.len(), 9, "nothing removed");
    assert!(press(&mut app, "D").is_empty() && app.delete().is_none());
}

/// Issue 26: a change kept in the outbox shows on its run (header and metadata tab), and a
/// run shown from the local cache says how old it is and that the server cannot be reached,
/// until the server's copy comes.
#[test]
fn an_outbox_change_shows_on_its_run_and_a_cached_run_says_it_is_offline() {
    let mut app = loaded_list();
    editor_with(&mut app, json!({"shift": "A"}));
    press(&mut app, "anote\tfixture loose\n\x13");
    let sent = patches(&press(&mut app, "\n"));
    let err = ClientError::Unreachable("Connection refused".into());
    app.update(
        Msg::Worker(WorkerResponse { id: sent[0].0, event: WorkerEvent::Done(Err(err)) }),
        NOW,
    );
    let run_id = sent[0].1.clone();
    // The run opened: the local cache's copy, three hours old, the server unreachable.
    let fx = press(&mut app, "\n");
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch { id, fetch: Fetch::Run { .. }, .. }) => Some(*id),
            _ => None,
        })
        .expect("the run asked for");
    let mut run = common::run_fixture::run();
    run.summary.id = run_id.clone();
    let event = WorkerEvent::Run { run: Ok(Box::new(run.clone())), logs_follow: false };
    app.update(Msg::Worker(WorkerResponse { id, event }), NOW);
    let three_hours_ago = NOW - 3 * 3_600_000;
    for problem in [None, Some(ClientError::Unreachable("Connection refused".into()))] {
        let event =
            WorkerEvent::RunKept { run_id: run_id.clone(), fetched_ms: three_hours_ago, problem };
        app.update(Msg::Worker(WorkerResponse { id, event }), NOW);
    }
    let screen = common::render::text(&app);
    assert!(screen.contains("OFFLINE · cached 3h ago"), "{screen}");
    assert!(screen.contains("1 change pending in the outbox"), "{screen}");
    press(&mut app, "5");
    let screen = common::render::text(&app);
    assert!(screen.contains("pending in the outbox: note=\"fixture loose\""), "{screen}");
    // The server's copy: no longer marked as the cache's.
    app.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::RunFresh(Box::new(run)) }),
        NOW,
    );
    let screen = common::render::text(&app);
    assert!(!screen.contains("cached"), "{screen}");
    assert!(screen.contains("1 change pending in the outbox"), "{screen}");
}
