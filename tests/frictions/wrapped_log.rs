//! Item 11: at 80×24 the selected log line (in triage, the line that explains the failure)
//! is wrapped under itself, so a message longer than its column can be read whole.

use crate::common::meta_server::{press, setup};
use crate::support::screen;

/// The screen's text with its rows joined, spaces squeezed: what can be read on it.
fn readable(s: &str) -> String {
    let text: String = s.lines().map(|l| l.trim_matches('"')).collect::<Vec<_>>().join(" ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_selected_log_line_is_wrapped_in_triage_at_80x24() {
    let (mut a, mut server) = setup(80, 24);
    press(&mut a, &mut server, "T");
    let s = screen(&a);
    // The explaining line, 41 characters, in a 37-column message column.
    let msg = "rail_3v3 = 3.520 V outside [3.200, 3.400]";
    let t = a.triage().and_then(|t| t.run.as_ref()).and_then(|r| r.loaded()).expect("shown");
    let at = t.logs.visible[t.logs.view.cursor] as usize;
    assert_eq!(t.log_lines()[at].message, msg, "the cursor rests on the explaining line");
    assert!(readable(&s).contains(msg), "readable whole:\n{s}");
    assert!(!s.contains("outside [3.200, 3…"), "not cut:\n{s}");
}
