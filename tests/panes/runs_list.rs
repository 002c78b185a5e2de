//! What the screen shows in each state of the list, at 80×24 and 120×30, with and without
//! colour. Rendered through ratatui's TestBackend; the text is compared with insta snapshots.

use crate::common;

use crate::common::render::{draw, text};
use common::rows::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};
use tofui::app::{App, Blocked, Msg, Session};
use tofui::worker::{ClientError, WorkerEvent, WorkerResponse};

fn key(app: &mut App, c: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)), NOW);
}

fn typed(app: &mut App, s: &str) {
    s.chars().for_each(|c| key(app, KeyCode::Char(c)));
}

/// An app at `w`×`h` showing `rows` rows (more to come).
fn with_rows(w: u16, h: u16, rows: usize) -> App {
    let mut a = app(w, h);
    let (id, _) = list_request(&a.start()).expect("request");
    a.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page(0..rows, true))) }),
        NOW,
    );
    a
}

#[test]
fn loading() {
    let mut a = app(80, 24);
    a.start();
    insta::assert_snapshot!(text(&a));
}

#[test]
fn data_wide() {
    let mut a = with_rows(120, 30, 100);
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Char('j'));
    insta::assert_snapshot!(text(&a));
}

#[test]
fn data_narrow_80x24() {
    let a = with_rows(80, 24, 100);
    insta::assert_snapshot!(text(&a));
}

#[test]
fn empty_for_a_filter() {
    let mut a = with_rows(80, 24, 10);
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "outcome:aborted batch:B99");
    let fx = a.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), NOW);
    let (id, _) = list_request(&fx).expect("request");
    a.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page(0..0, false))) }),
        NOW,
    );
    insta::assert_snapshot!(text(&a));
}

#[test]
fn error_on_first_load() {
    let mut a = app(80, 24);
    let (id, _) = list_request(&a.start()).expect("request");
    let e = ClientError::Status { status: 500, message: "database is locked".into() };
    a.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Err(e)) }), NOW + 2_000);
    insta::assert_snapshot!(text(&a));
}

#[test]
fn stale_rows_while_retrying() {
    let mut a = with_rows(80, 24, 100);
    let fx =
        a.update(Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE)), NOW + 40_000);
    let (id, _) = list_request(&fx).expect("refresh");
    let e = ClientError::Unreachable("Connection refused (os error 111)".into());
    a.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Retrying {
                attempt: 3,
                delay: std::time::Duration::from_secs(4),
                error: e,
            },
        }),
        NOW + 40_000,
    );
    let screen = text(&a);
    assert!(screen.contains("STALE") && screen.contains("updated 40s ago"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn filter_line_with_an_error() {
    let mut a = with_rows(80, 24, 100);
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "outcome:fail duration>quick");
    key(&mut a, KeyCode::Enter);
    insta::assert_snapshot!(text(&a));
}

#[test]
fn form() {
    let mut a = with_rows(80, 24, 100);
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "outcome:fail,error part:PCB-MAIN since:24h");
    key(&mut a, KeyCode::Tab);
    insta::assert_snapshot!(text(&a));
}

#[test]
fn help_overlay() {
    let mut a = with_rows(80, 24, 100);
    key(&mut a, KeyCode::Char('?'));
    insta::assert_snapshot!(text(&a));
}

#[test]
fn no_key_screen() {
    let a = App::new(
        Session {
            url: "https://www.tofupilot.app".into(),
            demo: false,
            blocked: Some(Blocked::NoKey),
        },
        NOW,
        utc(),
        (80, 24),
    );
    let screen = text(&a);
    assert!(screen.contains("TOFUPILOT_API_KEY"));
    insta::assert_snapshot!(screen);
}

#[test]
fn bad_rows_and_unknown_outcomes_show_as_such() {
    let mut a = app(80, 24);
    let (id, _) = list_request(&a.start()).expect("request");
    let mut p = page(0..3, false);
    p.rows[0].outcome = Some(tofui::api::RunOutcome::Unknown("RUNNING".into()));
    p.rows[1] = tofui::model::RunRow {
        problem: Some("unreadable row: invalid type: integer `7`".into()),
        ..tofui::model::RunRow::blank("run-bad")
    };
    a.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(p)) }), NOW);
    let screen = text(&a);
    assert!(screen.contains("? RUNNING") && screen.contains("unreadable row"));
    insta::assert_snapshot!(screen);
}

/// The style of the first cell on row `y` whose symbol starts `word`.
fn style_of(t: &Terminal<TestBackend>, y: u16, word: &str) -> ratatui::style::Style {
    let buf = t.backend().buffer();
    let first = word.chars().next().expect("word").to_string();
    (0..buf.area.width)
        .map(|x| &buf[(x, y)])
        .find(|c| c.symbol() == first)
        .map(|c| c.style())
        .expect("word on the row")
}

#[test]
fn colour_and_no_color() {
    let mut a = with_rows(80, 24, 100);
    // Screen rows: title, view tabs, header, then the runs; the first (selected, reversed)
    // passed, the second failed.
    let t = draw(&a);
    assert_eq!(style_of(&t, 4, "✗").fg, Some(Color::Red));
    assert!(style_of(&t, 3, "✓").add_modifier.contains(Modifier::REVERSED));
    a.settings_mut().no_color = true;
    let t = draw(&a);
    let buf = t.backend().buffer();
    for y in 0..24 {
        for x in 0..80 {
            let c = &buf[(x, y)];
            assert!(
                matches!(c.fg, Color::Reset) && matches!(c.bg, Color::Reset),
                "colour at {x},{y}: {:?}",
                c
            );
        }
    }
    // Still readable: outcome words, and the selection by reverse video.
    assert!(style_of(&t, 3, "✓").add_modifier.contains(Modifier::REVERSED));
    insta::assert_snapshot!(t.backend().to_string());
}

#[test]
fn absolute_dates_in_utc_when_configured() {
    let mut a = with_rows(80, 24, 5);
    a.settings_mut().absolute_dates = true;
    let screen = text(&a);
    // Every row, not only the selected one: 11:58:30 and 11:28:30 UTC.
    assert!(screen.contains("11-26 11:58:30") && screen.contains("11-26 11:28:30"), "{screen}");
    assert!(!screen.contains(" ago "), "{screen}");
}

/// A long serial shows whole (a cut one reads as another unit); everything else that is cut
/// ends in `…`, counted in display cells, and the procedure keeps its version.
#[test]
fn nothing_is_cut_without_a_mark_and_a_serial_never() {
    for (w, h) in [(80, 24), (60, 20)] {
        let mut a = app(w, h);
        let (id, _) = list_request(&a.start()).expect("request");
        let mut p = page(0..3, false);
        p.rows[0].serial = "SN-HUGE-0001-X".into();
        p.rows[1].procedure = Some("試験 PCB Functional Test".into());
        p.rows[2].batch = Some("B2026-11-LONG".into());
        a.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(p)) }), NOW);
        let screen = text(&a);
        let lines: Vec<&str> = screen.lines().collect();
        assert!(lines[3].contains("SN-HUGE-0001-X"), "{w}x{h}:\n{screen}");
        assert!(lines[4].contains("試験 PCB") && lines[4].contains("… v1.5"), "{w}x{h}:\n{screen}");
        if w == 80 {
            // Station before batch (issue 24 item 12): with a long serial, batch gives way.
            assert!(lines[3].contains("Line 2 FCT"), "{w}x{h}:\n{screen}");
        }
        for l in &lines[3..6] {
            let drawn = l.split('"').nth(1).unwrap_or_default();
            assert_eq!(tofui_width(drawn), w as usize, "{l}");
        }
    }
}

fn tofui_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}
