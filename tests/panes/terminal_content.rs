//! What server data may do to the terminal: control and bidi characters never reach it raw,
//! a metadata key with a tab in it keeps the columns, and every pane at 40×10 is usable or
//! says the terminal is too small.

use crate::common;

use std::sync::Arc;

use crate::common::render::draw;
use common::keys::press;
use common::rows::*;
use common::run_fixture;
use serde_json::json;
use tofui::app::{App, Effect, Msg};
use tofui::worker::{WorkerEvent, WorkerRequest, WorkerResponse};

/// Characters that must never reach the terminal.
fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
        || matches!(c, '\u{200b}' | '\u{feff}')
}

fn assert_clean(app: &App, what: &str) -> String {
    let t = draw(app);
    for c in t.backend().buffer().content() {
        assert!(!c.symbol().chars().any(forbidden), "{what}: raw {:?} drawn", c.symbol());
    }
    t.backend().to_string()
}

const EVIL: &str = "SN-\u{202e}1234\u{202c}\u{2066}x\u{2069}\u{7}\u{1b}[2J\u{200b}";

/// A list whose first row carries bidi overrides and escapes in every text field.
fn evil_list(w: u16, h: u16) -> App {
    let mut app = app(w, h);
    let (id, _) = list_request(&app.start()).expect("list");
    let mut p = page(0..5, false);
    let r = &mut p.rows[0];
    r.serial = EVIL.into();
    r.procedure = Some(Arc::from(EVIL));
    r.station = Some(Arc::from(EVIL));
    r.part = Some(Arc::from(EVIL));
    r.operator = Some(Arc::from(EVIL));
    app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(p)) }), NOW);
    app
}

/// Opens the run (the fixture, with `meta` as its metadata and evil names) from the list.
fn open_run(app: &mut App, meta: serde_json::Value) {
    let fx = press(app, "\n");
    let Some(Effect::Send(WorkerRequest::Fetch { id, .. })) = fx.into_iter().next() else {
        panic!("run fetch")
    };
    let mut run = run_fixture::run();
    run.summary.metadata = meta.as_object().cloned();
    run.summary.unit.serial_number = EVIL.into();
    run.summary.docstring = Some(EVIL.into());
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Run { run: Ok(Box::new(run)), logs_follow: false },
        }),
        NOW,
    );
}

/// Opens the metadata editor on the selected row, answering with `meta` (unless the run is
/// cached).
#[test]
fn bidi_overrides_and_escapes_from_the_server_never_reach_the_terminal() {
    let mut app = evil_list(120, 30);
    let screen = assert_clean(&app, "list");
    let row = screen.lines().nth(3).unwrap_or_default();
    assert!(row.contains("SN-") && row.contains("1234") && row.contains("B20"), "{screen}");
    let meta = json!({ EVIL: EVIL, "shift": "A" });
    open_run(&mut app, meta.clone());
    for tab in ["1", "2", "3", "4", "5", "6"] {
        press(&mut app, tab);
        assert_clean(&app, &format!("run tab {tab}"));
    }
    // The run is read already: the editor opens on it at once.
    press(&mut app, "\x1bm");
    assert!(app.editor().is_some(), "the editor is open");
    assert_clean(&app, "editor");
}

#[test]
fn a_metadata_key_with_control_characters_keeps_the_columns() {
    let mut app = evil_list(80, 24);
    editor_with(&mut app, json!({ "sh\tift\u{7}": "A", "station": "B", "日本": "C" }));
    let screen = assert_clean(&app, "editor");
    let col = |key: &str| {
        let line = screen.lines().find(|l| l.contains(key)).unwrap_or_else(|| panic!("{key}"));
        let at = line.find("string").expect("type column");
        unicode_width::UnicodeWidthStr::width(&line[..at])
    };
    assert!(screen.contains("sh\u{2409}ift\u{2407}"), "the tab is shown:\n{screen}");
    assert_eq!(col("sh\u{2409}ift"), col("station"), "\n{screen}");
    assert_eq!(col("日本"), col("station"), "wide characters too\n{screen}");
}

/// Each pane at 40×10: `(name, keys from the list, what must be readable)`; `R` starts from
/// the open run, `M` from the open metadata editor.
const PANES: [(&str, &str, &[&str]); 14] = [
    ("list", "", &["SN-01199", "✗ FAIL"]),
    ("help", "?", &["down", "j/k scroll"]),
    ("filter", "/outcome:fail", &["/ outcome:fail"]),
    ("form", "F", &["Outcome"]),
    ("command", ":w mine", &[":w mine"]),
    ("delete", "  D", &["Delete 2 runs?", "SN-01199"]),
    ("run_tree", "R", &["rail_3v3", "3.52 V"]),
    ("run_logs", "R2", &["ERROR", "lib/power.py"]),
    ("run_attachments", "R3", &["scope_capture", "report.pdf", "2.5 MB"]),
    ("run_sub_units", "R4", &["PSU-00012"]),
    ("run_metadata", "R5", &["fixture", "FX-1"]),
    ("run_info", "R6", &["Outcome", "PCB-MAIN"]),
    ("upload", "R3u", &["file:"]),
    ("editor", "M", &["fixture", "FX-12", "shift", "23.4 number"]),
];

#[test]
fn every_pane_at_40x10_is_usable_or_says_the_terminal_is_too_small() {
    for (name, keys, want) in PANES {
        let mut app = evil_list(40, 10);
        let meta = json!({ "shift": "A", "fixture": "FX-12" });
        let keys = if let Some(rest) = keys.strip_prefix('R') {
            open_run(&mut app, meta.clone());
            rest
        } else if keys == "M" {
            editor_with(&mut app, meta.clone());
            ""
        } else {
            keys
        };
        press(&mut app, keys);
        let screen = assert_clean(&app, name);
        for w in want {
            assert!(screen.contains(w), "{name}: {w:?} is not readable:\n{screen}");
        }
        insta::assert_snapshot!(format!("{name}_40x10"), screen);
    }
}
