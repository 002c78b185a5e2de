//! The run view on screen: header, tree (every measurement type), chart, logs with a filter
//! and a search, attachments with a download, info; at 80×24 and 160×48, with and without
//! colour.

use crate::common;

use crate::common::render::{draw, text};
use common::keys::press;
use common::rows::*;
use common::run_fixture;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use tofui::app::{App, Effect, Msg};
use tofui::worker::{Fetch, Slot, WorkerEvent, WorkerRequest, WorkerResponse};

fn opened(w: u16, h: u16) -> App {
    // The fixture started 2 h before NOW.
    opened_with(w, h, run_fixture::run())
}

fn both_sizes(name: &str, keys: &str, check: impl Fn(&str, u16)) {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = opened(w, h);
        press(&mut app, keys);
        let screen = text(&app);
        check(&screen, w);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    }
}

#[test]
fn header_and_tree_with_every_row_kind() {
    both_sizes("tree_all_open", "+", |s, w| {
        for want in [
            "SN-00042 [golden]",
            "PCB Functional Test v2.1.1",
            "[Main]",
            "rail_3v3",
            "3.52 V",
            "limit x <= 3.4",
            "marginal",
            "avg",
            "3.31 V",
            "true",
            "0x00",
            "{\"cal\":[1,2]",
            "▤ 1×5 pts",
            "retry 1",
            "ERROR",
            "—",
        ] {
            assert!(s.contains(want), "missing {want:?}:\n{s}");
        }
        if w >= 160 {
            for want in [
                "x >= 3.2 ✓ · x <= 3.4 ✗",
                "(marginal)",
                "{\"cal\":[1,2],\"fw\":\"2.1.0\"}",
                "- SKIP",
            ] {
                assert!(s.contains(want), "missing {want:?}:\n{s}");
            }
        }
    });
}

#[test]
fn tree_as_opened_failures_first() {
    both_sizes("tree_default", "", |s, _| assert!(s.contains("▾") && s.contains("▸")));
}

#[test]
fn chart_with_limits_and_units() {
    both_sizes("chart", "fn\n", |s, _| {
        assert!(
            s.contains("frequency (MHz)") && s.contains("min 16.5") && s.contains("max 17.5"),
            "{s}"
        )
    });
}

#[test]
fn logs_filtered_and_searched() {
    both_sizes("logs", "2d/rail\n", |s, _| {
        assert!(s.contains("\"rail\" match 1 of 3") && !s.contains("Fixture clamped"), "{s}")
    });
}

#[test]
fn phase_logs() {
    both_sizes("phase_logs", "fl", |s, _| {
        assert!(
            s.contains("phase Power-on") && s.contains("4/7 lines") && s.contains("› after it"),
            "{s}"
        )
    });
}

#[test]
fn attachments_with_a_download_in_progress() {
    for (w, h) in [(80, 24), (160, 48)] {
        let mut app = opened(w, h);
        press(&mut app, "3");
        let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), NOW);
        let Some(Effect::Send(WorkerRequest::Fetch {
            id,
            slot: Slot::Download(_),
            fetch: Fetch::Download { .. },
        })) = fx.into_iter().next()
        else {
            panic!("download")
        };
        app.update(
            Msg::Worker(WorkerResponse {
                id,
                event: WorkerEvent::Progress { received: 617, total: Some(1234) },
            }),
            NOW + 5_000,
        );
        let screen = text(&app);
        assert!(
            screen.contains("█████░░░░░  50%")
                && screen.contains("2.5 MB")
                && screen.contains("report"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("attachments_{w}x{h}"), screen);
    }
}

#[test]
fn info_sub_units_and_metadata() {
    both_sizes("info", "6", |s, w| {
        assert!(
            s.contains("Alice Martin")
                && s.contains("dut_voltage")
                && (w < 160 || s.contains("wifi_password  ••••")),
            "{s}"
        )
    });
    both_sizes("sub_units", "4", |s, _| assert!(s.contains("PSU-00012")));
    both_sizes("metadata", "5", |s, _| assert!(s.contains("temperature") && s.contains("boolean")));
}

#[test]
fn no_colour_anywhere_in_the_run_view() {
    for keys in ["+", "fn\n", "2/rail\n", "3"] {
        let mut app = opened(80, 24);
        app.settings_mut().no_color = true;
        press(&mut app, keys);
        let t = draw(&app);
        let buf = t.backend().buffer();
        for c in buf.content() {
            assert!(c.fg == Color::Reset && c.bg == Color::Reset, "colour after {keys:?}: {c:?}");
        }
        if keys == "+" {
            insta::assert_snapshot!("tree_no_color_80x24", t.backend().to_string());
        }
    }
}

#[test]
fn the_status_line_shows_the_whole_selected_log_message() {
    let mut app = opened(80, 24);
    press(&mut app, "2jj");
    let screen = text(&app);
    let rows: Vec<&str> = screen.lines().collect();
    let status = rows[rows.len() - 2];
    // The selected row is wrapped under itself (issue 24 item 11), nothing cut.
    let at = rows.iter().position(|r| r.contains("outside [3.200,")).expect("the row");
    assert!(rows[at + 1].trim_matches('"').trim_start().starts_with("3.400]"), "{screen}");
    assert!(!screen.contains("3.200, 3…"), "{screen}");
    assert!(status.contains("3/7 rail_3v3 = 3.520 V outside [3.200, 3.400]"), "{status}");
}

#[test]
fn the_info_tab_scrolls_to_its_last_line_and_back_visibly() {
    let mut app = opened(80, 24);
    press(&mut app, "6");
    let top = text(&app);
    press(&mut app, "G");
    let bottom = text(&app);
    assert!(bottom.contains("wifi_password") && !top.contains("wifi_password"), "{bottom}");
    press(&mut app, "k");
    let up = text(&app);
    assert_ne!(up, bottom, "k after G moves the tab");
    press(&mut app, "jj");
    assert_eq!(text(&app), bottom, "and j back, no further than the last line");
}

#[test]
fn the_logs_tab_keeps_the_cursor_on_screen_under_its_filter_line() {
    // 12 rows: 6 for the tab, its filter line and 5 log lines.
    let mut app = opened(80, 12);
    press(&mut app, "2G");
    let screen = text(&app);
    let body: Vec<&str> = screen.lines().skip(5).take(5).collect();
    assert!(body.iter().any(|l| l.contains("Run finished")), "the last line is drawn: {screen}");
    press(&mut app, "g");
    let screen = text(&app);
    assert!(screen.lines().nth(5).is_some_and(|l| l.contains("Starting")), "{screen}");
}

#[test]
fn enter_on_a_sub_unit_and_u_open_units() {
    let mut app = opened(80, 24);
    press(&mut app, "4");
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), NOW);
    let asked = unit_request(&fx).map(|(_, serial)| serial);
    assert_eq!(asked.as_deref(), Some("PSU-00012"), "the sub-unit under the cursor");
    assert!(app.unit().is_some());
    app.update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)), NOW);
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Char('U'), KeyModifiers::NONE)), NOW);
    let asked = unit_request(&fx).map(|(_, serial)| serial);
    assert_eq!(asked.as_deref(), Some("SN-00042"), "the run's own unit");
}

#[test]
fn an_upload_that_sent_more_than_the_file_had_shows_a_full_bar() {
    let mut app = opened(80, 24);
    press(&mut app, "3u");
    assert!(text(&app).contains("Upload an attachment"));
    press(&mut app, "/tmp/growing.log");
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), NOW);
    let Some(Effect::Send(WorkerRequest::Fetch { id, fetch: Fetch::Upload { .. }, .. })) =
        fx.into_iter().next()
    else {
        panic!("upload")
    };
    // The log file grew while it was sent.
    app.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Progress { received: 5_000, total: Some(1_234) },
        }),
        NOW,
    );
    let screen = text(&app);
    assert!(screen.contains(&format!("{} 100%", "█".repeat(20))), "{screen}");
}
