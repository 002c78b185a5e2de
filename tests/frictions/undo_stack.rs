//! Item 8: undo is a session stack (at least 20 changes): `z` walks it back newest first, and
//! the preview says which change it undoes and how many remain after it.

use serde_json::json;
use tofui::app::{App, Effect};
use tofui::worker::{Fetch, WorkerEvent, WorkerRequest};

use crate::support::*;

/// The requests writing metadata among `fx`: (id, run, changes).
fn writes(fx: &[Effect]) -> Vec<(u64, serde_json::Map<String, serde_json::Value>)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch {
                id,
                fetch: Fetch::UpdateMetadata { changes, .. },
                ..
            }) => Some((*id, changes.clone())),
            _ => None,
        })
        .collect()
}

/// Adds `key = v` to the selected run through the editor and answers the save.
fn save(a: &mut App, key: &str) {
    editor_with(a, json!({}));
    let sent = writes(&press(a, &format!("a{key}\tv\n\x13\n")));
    assert_eq!(sent.len(), 1, "{key} saved");
    answer(a, sent[0].0, WorkerEvent::Done(Ok(vec![])));
    assert!(a.editor().is_none(), "{key}: closed");
}

#[test]
fn z_walks_the_sessions_changes_back_newest_first() {
    let mut a = listing(120, 40, 10);
    for k in ["k1", "k2", "k3", "k4"] {
        save(&mut a, k);
    }
    assert_eq!(a.changes_to_undo(), 4);
    for (k, left) in [("k4", "3 more"), ("k3", "2 more"), ("k2", "1 more")] {
        press(&mut a, "z");
        let s = screen(&a);
        let want = format!("Undo the metadata edit of SN-01200 ({k}) ({left} to undo after it)?");
        assert!(s.contains(&want), "{want}\n{s}");
        let sent = writes(&press(&mut a, "\n"));
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].1.get(k), Some(&serde_json::Value::Null), "{k} removed again");
        answer(&mut a, sent[0].0, WorkerEvent::Done(Ok(vec![])));
    }
    press(&mut a, "z");
    assert!(screen(&a).contains("(k1) (the last change to undo)?"), "{}", screen(&a));
    press(&mut a, "\x1b");
    assert_eq!(a.changes_to_undo(), 1, "esc keeps it");
}

#[test]
fn the_stack_holds_at_least_twenty_changes() {
    let mut a = listing(120, 40, 10);
    for i in 0..25 {
        save(&mut a, &format!("key{i}"));
    }
    assert_eq!(a.changes_to_undo(), 25);
    press(&mut a, "z");
    assert!(screen(&a).contains("(key24) (24 more to undo after it)"), "{}", screen(&a));
}
