//! Item 14: `m`, `D`, `T` (and the other change keys) on a read-only session, or after the
//! server refused the change with 403, say why instead of doing nothing.

use serde_json::json;
use tofui::app::App;
use tofui::worker::{ClientError, WorkerEvent};

use crate::support::*;

fn said(app: &App) -> String {
    app.flash().unwrap_or_default().to_string()
}

#[test]
fn change_keys_on_a_read_only_session_say_it_is_read_only() {
    let mut a = listing(100, 30, 10);
    a.set_readonly();
    for (k, what) in [("m", "edit metadata"), ("D", "delete"), ("T", "dispositions"), ("z", "undo")]
    {
        assert!(press(&mut a, k).is_empty(), "{k} sends nothing");
        let s = said(&a);
        assert!(s.starts_with(&format!("{k}: read-only")) && s.contains(what), "{k}: {s}");
        assert!(screen(&a).contains("read-only"), "on screen");
    }
    assert!(a.editor().is_none() && a.delete().is_none() && a.triage().is_none());
}

#[test]
fn a_refused_delete_or_edit_says_why_when_its_key_is_pressed_again() {
    let mut a = listing(100, 30, 10);
    let id = first_request(&press(&mut a, "D\n"));
    let refused = ClientError::Forbidden("stations cannot delete runs".into());
    answer(&mut a, id, WorkerEvent::Done(Err(refused)));
    press(&mut a, "j"); // the flash of the refusal itself is gone from the test's view
    assert!(press(&mut a, "D").is_empty() && a.delete().is_none());
    let s = said(&a);
    assert!(s.contains("may not delete runs") && s.contains("403"), "{s}");

    editor_with(&mut a, json!({}));
    let id = first_request(&press(&mut a, "ak\tv\n\x13\n"));
    answer(&mut a, id, WorkerEvent::Done(Err(ClientError::Forbidden("read only".into()))));
    press(&mut a, "\x1by"); // close the editor, dropping the edit
    for k in ["m", "T", "z"] {
        assert!(press(&mut a, k).is_empty(), "{k}");
        let s = said(&a);
        assert!(s.contains("may not edit metadata") && s.contains("403"), "{k}: {s}");
    }
}
