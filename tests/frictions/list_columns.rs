//! Item 12: the list's columns share the width by priority (serial and outcome never cut,
//! station before batch, a long station whole where the screen has room) and a footer that
//! cannot show every key ends in `? more`.

use std::sync::Arc;

use tofui::api::RunOutcome;
use tofui::app::App;
use tofui::model::RunsPage;
use tofui::worker::WorkerEvent;

use crate::common::rows::*;
use crate::support::*;

fn with_station(w: u16, h: u16, station: &str) -> App {
    let mut a = app(w, h);
    let (id, _) = list_request(&a.start()).expect("list");
    let mut p: RunsPage = page(0..10, false);
    p.rows[0].station = Some(Arc::from(station));
    p.rows[0].outcome = Some(RunOutcome::Pass);
    answer(&mut a, id, WorkerEvent::Runs(Ok(p)));
    a
}

#[test]
fn at_80x24_station_and_batch_show_and_the_footer_says_more() {
    let a = listing(80, 24, 10);
    let s = screen(&a);
    let lines: Vec<&str> = s.lines().collect();
    let head = lines[2];
    assert!(head.contains("Station") && head.contains("Batch"), "{s}");
    assert!(lines[3].contains("SN-01200") && lines[3].contains("PASS"), "{s}");
    assert!(lines[3].contains("Line 2 FCT") && lines[3].contains("B20"), "{s}");
    let footer = lines[lines.len() - 1].trim_matches('"').trim_end();
    assert!(footer.ends_with("? more"), "{footer}");
    assert!(footer.contains("% yield"), "{footer}");
}

#[test]
fn at_160x48_a_long_station_is_whole() {
    let a = with_station(160, 48, "Final Test Bench");
    let s = screen(&a);
    assert!(s.contains("Final Test Bench") && !s.contains("Final Test Be…"), "{s}");
    let footer = s.lines().last().unwrap_or_default().to_string();
    assert!(!footer.contains("more"), "every key fits: {footer}");
}

#[test]
fn at_40x10_every_serial_and_outcome_is_whole() {
    let mut a = app(40, 10);
    let (id, _) = list_request(&a.start()).expect("list");
    let mut p: RunsPage = page(0..10, false);
    for (i, r) in p.rows.iter_mut().enumerate() {
        r.serial = format!("SYS-{:05}", 200 + i).into();
        r.outcome = Some(if i % 2 == 0 { RunOutcome::Timeout } else { RunOutcome::Pass });
    }
    answer(&mut a, id, WorkerEvent::Runs(Ok(p.clone())));
    let s = screen(&a);
    let rows: Vec<&str> = s.lines().skip(3).take(5).collect();
    for (r, line) in p.rows.iter().zip(&rows) {
        assert!(line.contains(&*r.serial), "{} cut: {s}", r.serial);
        let outcome =
            if matches!(r.outcome, Some(RunOutcome::Timeout)) { "TIMEOUT" } else { "PASS" };
        assert!(line.contains(outcome), "{s}");
    }
}
