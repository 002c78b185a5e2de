//! Issue 14 item 3, the panes audited after the runs list: a value too long for its place is
//! cut with `…`, never silently at the edge — attachments, logs (rows and filter line),
//! sub-units, the metadata tab and editor, the info tab, at 80×24.

use crate::common;

use crate::common::render::text;
use common::keys::press;
use common::rows::*;
use serde_json::{Value, json};
use tofui::api::RunDetail;
use tofui::app::{App, Msg};
use tofui::worker::{WorkerEvent, WorkerResponse};

const FILE: &str =
    "scope_capture_of_the_main_rail_during_power_sequencing_at_minus_forty_degrees_chamber_B.csv";
const LOG: &str = "Starting PCB Functional Test on SN-00042 with fixture FX-7 on Line 1 FCT; rail checks follow, then the RF power sweep";
const PART: &str = "12 V supply, isolated, with the auxiliary 5 V standby rail and the fan controller daughterboard";
const NOTE: &str = "rework after the second failure: replaced U7 and reflowed the connector J3, then retested on the night shift";

fn long_run() -> RunDetail {
    let mut v: Value =
        serde_json::from_str(include_str!("../fixtures/run.json")).expect("fixture is JSON");
    v["attachments"][0]["name"] = json!(FILE);
    v["logs"][0]["message"] = json!(LOG);
    v["sub_units"][0]["part_name"] = json!(PART);
    v["metadata"]["note"] = json!(NOTE);
    serde_json::from_value(v).expect("a run")
}

fn opened() -> App {
    opened_with(80, 24, long_run())
}

/// Every row showing the start of `long` shows it whole, marks the cut, or goes on in the
/// rows under it (the selected log line is wrapped); at least one does.
fn marked_where_cut(screen: &str, long: &str) {
    let start: String = long.chars().take(12).collect();
    let lines: Vec<&str> = screen.lines().collect();
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let rows: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].contains(&start)).collect();
    assert!(!rows.is_empty(), "{start} shown:\n{screen}");
    for i in rows {
        let row = lines[i];
        let on: Vec<&str> = lines[i..].iter().map(|l| l.trim_matches('"')).collect();
        let wrapped = squeeze(&on.join(" ")).contains(&squeeze(long));
        assert!(
            row.contains(long) || row.contains('…') || wrapped,
            "cut without a mark: {row}\n{screen}"
        );
    }
}

#[test]
fn attachment_names_are_cut_with_a_mark() {
    let mut app = opened();
    press(&mut app, "3");
    marked_where_cut(&text(&app), FILE);
}

#[test]
fn log_lines_are_cut_with_a_mark() {
    let mut app = opened();
    press(&mut app, "2");
    marked_where_cut(&text(&app), LOG);
}

#[test]
fn sub_unit_part_names_are_cut_with_a_mark() {
    let mut app = opened();
    press(&mut app, "4");
    marked_where_cut(&text(&app), PART);
}

#[test]
fn metadata_values_are_cut_with_a_mark_in_the_tab() {
    let mut app = opened();
    press(&mut app, "5");
    marked_where_cut(&text(&app), NOTE);
}

#[test]
fn metadata_values_are_cut_with_a_mark_in_the_editor() {
    let mut app = opened();
    press(&mut app, "m");
    let screen = text(&app);
    assert!(screen.contains("Metadata of"), "the editor is open:\n{screen}");
    marked_where_cut(&screen, NOTE);
}

#[test]
fn the_list_status_line_and_footer_are_cut_with_a_mark_at_22_columns() {
    let mut app = app(22, 12);
    let (id, _) = list_request(&app.start()).expect("list");
    app.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page(0..10, true))) }),
        NOW,
    );
    press(&mut app, "   ");
    let screen = text(&app);
    let rows: Vec<&str> = screen.lines().collect();
    let (status, footer) = (rows[rows.len() - 2], rows[rows.len() - 1]);
    for row in [status, footer] {
        let shown = row.trim_matches('"');
        assert!(
            shown.ends_with(' ') || shown.ends_with('…'),
            "cut without a mark: {row}\n{screen}"
        );
    }
    assert!(status.contains("3 marked"), "{screen}");
}

fn list_at(w: u16, h: u16) -> App {
    let mut app = app(w, h);
    let (id, _) = list_request(&app.start()).expect("list");
    app.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page(0..10, false))) }),
        NOW,
    );
    app
}

#[test]
fn a_long_command_line_scrolls_to_what_is_typed_and_its_error_is_marked_when_cut() {
    let mut app = list_at(40, 12);
    press(&mut app, ":export /home/operator/reports/line-1/fct/november/yield_of_the_week.csv");
    let screen = text(&app);
    assert!(screen.contains("yield_of_the_week.csv"), "the end being typed is shown:\n{screen}");
    // Its help (or error) line under it.
    let rows: Vec<&str> = screen.lines().collect();
    let at = rows.iter().position(|r| r.contains("yield_of_the_week.csv")).expect("typed row");
    let help = rows[at + 1].trim_matches('"');
    assert!(help.ends_with(' ') || help.ends_with('…'), "cut without a mark: {help}\n{screen}");
}

#[test]
fn the_run_header_is_cut_with_a_mark_at_40_columns() {
    let app = opened_with(40, 12, long_run());
    let screen = text(&app);
    let head = screen.lines().nth(1).expect("header").trim_matches('"');
    assert!(head.contains("SN-00042"), "the serial whole: {head}");
    assert!(head.ends_with('…'), "cut without a mark: {head}\n{screen}");
}
