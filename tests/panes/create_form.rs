//! The create-run form's keys, headless: `N` blank or like the one marked run, `C` like the
//! selected run (list) or the open run (run view), their place in `?`, `--readonly` hiding
//! them, and a 403 withdrawing them for the session.

use crate::common;

use common::keys::press;
use common::rows::*;
use tofui::app::create::F;
use tofui::app::{App, Done, Effect, Mode, Msg};
use tofui::worker::client::Named;
use tofui::worker::{
    ClientError, Fetch, RequestId, Slot, WorkerEvent, WorkerRequest, WorkerResponse,
};

fn answer(app: &mut App, id: RequestId, event: WorkerEvent) {
    app.update(Msg::Worker(WorkerResponse { id, event }), NOW);
}

fn loaded_list() -> App {
    let mut app = app(100, 30);
    let (id, _) = list_request(&app.start()).expect("list");
    answer(&mut app, id, WorkerEvent::Runs(Ok(page(0..10, false))));
    app
}

/// The run fetched as the form's template, if one was asked for.
fn template_fetch(fx: &[Effect]) -> Option<(RequestId, String)> {
    fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch {
            id,
            slot: Slot::Template,
            fetch: Fetch::Run { run_id },
        }) => Some((*id, run_id.clone())),
        _ => None,
    })
}

fn procedures_fetch(fx: &[Effect]) -> Option<RequestId> {
    fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch { id, fetch: Fetch::Procedures, .. }) => Some(*id),
        _ => None,
    })
}

fn help(app: &App, mode: Mode) -> Vec<String> {
    app.shared().keymap().describe(mode, false).iter().map(|(k, l)| format!("{k} {l}")).collect()
}

#[test]
fn n_opens_a_blank_form_with_no_run_marked() {
    let mut app = loaded_list();
    let fx = press(&mut app, "N");
    assert!(template_fetch(&fx).is_none(), "no template asked for");
    let form = app.create().expect("the form");
    assert_eq!(form.value(F::Serial), "");
    assert_eq!(form.value(F::Procedure), "");
}

#[test]
fn n_with_one_marked_run_starts_from_it_with_new_times() {
    let mut app = loaded_list();
    // Mark the first run (the selection moves on to the second), then `N`.
    press(&mut app, " ");
    let fx = press(&mut app, "N");
    let (id, run_id) = template_fetch(&fx).expect("the marked run is read");
    assert_eq!(run_id, "run-000000", "the marked run, not the selected one");
    assert!(
        app.create().is_some_and(|f| f.unit_note.as_deref().unwrap_or("").contains("run-000000"))
    );
    let run = common::run_fixture::run();
    answer(&mut app, id, WorkerEvent::Run { run: Ok(Box::new(run)), logs_follow: true });
    let form = app.create().expect("the form");
    assert_eq!(form.value(F::Serial), "SN-00042");
    assert_eq!(form.value(F::Procedure), "PCB Functional Test");
    assert_eq!(form.value(F::Part), "PCB-MAIN");
    assert_eq!(form.value(F::Operator), "Alice Martin");
    assert_eq!(form.value(F::Started), "now", "new times");
    assert!(form.value(F::Ended).starts_with('+'), "the same duration after the new start");
    // The logs that follow the run are not the form's concern and change nothing.
    answer(&mut app, id, WorkerEvent::RunLogs(Ok(vec![])));
    assert_eq!(app.create().map(|f| f.value(F::Serial)).as_deref(), Some("SN-00042"));
}

#[test]
fn a_template_arriving_after_typing_began_does_not_overwrite_what_was_typed() {
    let mut app = loaded_list();
    press(&mut app, " ");
    let (id, _) = template_fetch(&press(&mut app, "N")).expect("template");
    press(&mut app, "Visual");
    answer(
        &mut app,
        id,
        WorkerEvent::Run { run: Ok(Box::new(common::run_fixture::run())), logs_follow: false },
    );
    let form = app.create().expect("the form");
    assert_eq!(form.value(F::Serial), "Visual", "typed into the serial (the focus of a template)");
    assert!(app.flash().is_some_and(|t| t.contains("keeps what was typed")), "{:?}", app.flash());
}

#[test]
fn n_with_several_marked_runs_says_which_one_is_meant_and_opens_nothing() {
    let mut app = loaded_list();
    press(&mut app, "  ");
    let fx = press(&mut app, "N");
    assert!(template_fetch(&fx).is_none() && app.create().is_none());
    assert!(app.flash().is_some_and(|t| t.contains("2 runs are marked")), "{:?}", app.flash());
}

#[test]
fn c_in_the_list_starts_from_the_selected_run_and_the_keys_are_in_help() {
    let mut app = loaded_list();
    press(&mut app, "jj");
    let (_, run_id) = template_fetch(&press(&mut app, "C")).expect("the selected run is read");
    assert_eq!(run_id, "run-000002");
    let list = help(&app, Mode::List);
    assert!(list.iter().any(|l| l.starts_with("N ") && l.contains("new run")), "{list:?}");
    assert!(
        list.iter().any(|l| l.starts_with("C ") && l.contains("like the selected")),
        "{list:?}"
    );
    let run = help(&app, Mode::Tree);
    assert!(run.iter().any(|l| l.starts_with("C ") && l.contains("like this one")), "{run:?}");
}

#[test]
fn readonly_hides_and_refuses_the_form() {
    let mut app = loaded_list();
    app.set_readonly();
    for k in ["N", "C"] {
        assert!(press(&mut app, k).is_empty(), "{k} sends nothing");
        assert!(app.create().is_none(), "{k} opens nothing");
    }
    let list = help(&app, Mode::List);
    assert!(!list.iter().any(|l| l.contains("new run")), "{list:?}");
    let run = help(&app, Mode::Tree);
    assert!(!run.iter().any(|l| l.contains("new run")), "{run:?}");
}

#[test]
fn a_403_on_create_keeps_the_form_and_withdraws_n_and_c_for_the_session() {
    let mut app = loaded_list();
    let procs = procedures_fetch(&press(&mut app, "N")).expect("the procedures are listed");
    let named = Named { id: "p1".into(), name: Some("PCB Functional Test".into()), email: None };
    answer(&mut app, procs, WorkerEvent::Procedures(Ok(vec![named])));
    press(&mut app, "PCB\tSN-1\tPCB-MAIN\tC\x13");
    let fx = press(&mut app, "\n");
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch { id, fetch: Fetch::CreateRun { .. }, .. }) => {
                Some(*id)
            }
            _ => None,
        })
        .expect("the request is sent");
    answer(&mut app, id, WorkerEvent::Done(Err(ClientError::Forbidden("stations cannot".into()))));
    let form = app.create().expect("the form stays");
    let failed = form.failed.clone().unwrap_or_default();
    assert!(failed.contains("403") && failed.contains("not offer it again"), "{failed}");
    assert_eq!(form.value(F::Serial), "SN-1", "nothing typed is lost");
    press(&mut app, "\x1b\x1b");
    assert!(app.create().is_none());
    for k in ["N", "C"] {
        assert!(press(&mut app, k).is_empty() && app.create().is_none(), "{k} withdrawn");
    }
    assert!(app.flash().is_some_and(|t| t.contains("403")), "{:?}", app.flash());
    let list = help(&app, Mode::List);
    assert!(!list.iter().any(|l| l.contains("new run")), "{list:?}");
}

/// The uploads among `fx`: request and path.
fn uploads(fx: &[Effect]) -> Vec<(RequestId, String, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch {
                id,
                fetch: Fetch::Upload { run_id, path },
                ..
            }) => Some((*id, run_id.clone(), path.display().to_string())),
            _ => None,
        })
        .collect()
}

#[test]
fn attachments_are_checked_before_sending_then_uploaded_to_the_new_run_one_after_the_other() {
    let mut app = loaded_list();
    let procs = procedures_fetch(&press(&mut app, "N")).expect("the procedures are listed");
    let named = Named { id: "p1".into(), name: Some("PCB Functional Test".into()), email: None };
    answer(&mut app, procs, WorkerEvent::Procedures(Ok(vec![named])));
    press(&mut app, "PCB\tSN-1\tPCB-MAIN\tC");
    // Up to the last field, the attachments.
    for _ in 0..20 {
        if app.create().is_some_and(|f| f.field() == F::Attachments) {
            break;
        }
        press(&mut app, "\t");
    }
    assert_eq!(app.create().map(|f| f.field()), Some(F::Attachments));
    press(&mut app, "/data/a.jpg \"/data/my notes.txt\"\x13");
    // Looked at off the event loop: nothing shown until the answer.
    let want = vec!["/data/a.jpg".to_string(), "/data/my notes.txt".to_string()];
    assert!(app.create().is_some_and(|f| f.preview.is_none()));
    let missing = Some("/data/a.jpg: No such file or directory".to_string());
    app.update(Msg::Done(Done::FilesChecked { paths: want.clone(), problem: missing }), NOW);
    let form = app.create().expect("the form");
    assert!(form.preview.is_none(), "nothing is sent with a missing file");
    assert_eq!(form.error.as_ref().map(|(f, _)| *f), Some(F::Attachments));
    // Checked again, found.
    let fx = press(&mut app, "\x13");
    assert!(fx.iter().any(|e| matches!(e, Effect::CheckFiles(p) if *p == want)), "{fx:?}");
    app.update(Msg::Done(Done::FilesChecked { paths: want.clone(), problem: None }), NOW);
    assert_eq!(app.create().map(|f| f.files.clone()), Some(want.clone()));
    let fx = press(&mut app, "\n");
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch { id, fetch: Fetch::CreateRun { body }, .. }) => {
                assert!(body.get("attachments").is_none(), "files go up once the run exists");
                Some(*id)
            }
            _ => None,
        })
        .expect("the request is sent");
    let fx = app.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Done(Ok(vec!["run-new".into()])) }),
        NOW,
    );
    // The new run opens, the first file going up over it.
    assert!(app.create().is_none() && app.run().is_some_and(|r| r.run_id == "run-new"));
    let first = uploads(&fx);
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].1.as_str(), first[0].2.as_str()), ("run-new", "/data/a.jpg"));
    assert_eq!(app.upload().map(|u| u.queue.clone()), Some(vec![want[1].clone()]));
    let fx = app.update(
        Msg::Worker(WorkerResponse { id: first[0].0, event: WorkerEvent::Done(Ok(vec![])) }),
        NOW,
    );
    let second = uploads(&fx);
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].2, "/data/my notes.txt");
    // A failure keeps the run, and says where it stopped.
    app.update(
        Msg::Worker(WorkerResponse {
            id: second[0].0,
            event: WorkerEvent::UploadFailed { step: "uploading", error: ClientError::Timeout(30) },
        }),
        NOW,
    );
    let up = app.upload().expect("the prompt stays");
    assert!(up.error.as_ref().is_some_and(|e| e.contains("enter tries again")), "{:?}", up.error);
    press(&mut app, "\x1b");
    assert!(app.upload().is_none() && app.run().is_some_and(|r| r.run_id == "run-new"));
}
