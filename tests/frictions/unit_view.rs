//! The unit view: its genealogy drawn as a tree whose siblings can be told apart (item 5), its
//! section header showing the active section at any width (item 6).

use crossterm::event::KeyCode;
use tofui::api::catalog::UnitDetail;
use tofui::app::glyphs::Glyphs;
use tofui::app::{App, Effect};
use tofui::model::{TreeUnit, UnitAnswer, UnitData};
use tofui::worker::{Fetch, WorkerEvent, WorkerRequest};

use crate::common::rows::*;
use crate::support::*;

fn node(serial: &str, part: &str, depth: usize, here: bool) -> TreeUnit {
    TreeUnit { serial: serial.into(), part: Some(part.into()), depth, here }
}

/// A gateway with a PSU and a main board (this unit) fitted, an RF module on the board.
pub fn gateway_board() -> UnitData {
    let unit = UnitDetail { serial_number: "SN-00415".into(), ..Default::default() };
    UnitData {
        unit,
        runs: (0..6).map(row).collect(),
        tree: vec![
            node("SYS-00101", "GW-100", 0, false),
            node("PSU-00233", "PSU-12V", 1, false),
            node("SN-00415", "PCB-MAIN", 1, true),
            node("RF-00240", "RF-MOD", 2, false),
        ],
        ..Default::default()
    }
}

/// A `w`×`h` unit view of `data`, opened the way a user does (`U`, the serial, enter).
pub fn unit_open(w: u16, h: u16, data: UnitData) -> App {
    let mut a = app(w, h);
    a.start();
    let fx = press(&mut a, &format!("U{}\n", data.unit.serial_number));
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch { id, fetch: Fetch::Unit { .. }, .. }) => Some(*id),
            _ => None,
        })
        .expect("the unit asked for");
    answer(&mut a, id, WorkerEvent::Unit(Ok(UnitAnswer::Found(Box::new(data)))));
    a
}

/// The line of the screen holding `serial`, from its first non-blank character after the
/// panel's border.
fn tree_line(screen: &str, serial: &str) -> String {
    let line = screen.lines().find(|l| l.contains(serial)).unwrap_or_default();
    line.to_string()
}

#[test]
fn genealogy_siblings_tee_and_the_last_closes_in_unicode_and_ascii() {
    let mut a = unit_open(120, 40, gateway_board());
    code(&mut a, KeyCode::Tab); // to the genealogy
    let s = screen(&a);
    assert!(tree_line(&s, "PSU-00233").contains("├ PSU-00233"), "{s}");
    assert!(tree_line(&s, "SN-00415  PCB-MAIN").contains("└ SN-00415"), "{s}");
    assert!(tree_line(&s, "RF-00240").contains("  └ RF-00240"), "{s}");
    a.settings_mut().glyphs = Glyphs::Ascii;
    let s = screen(&a);
    assert!(tree_line(&s, "PSU-00233").contains("|- PSU-00233"), "{s}");
    assert!(tree_line(&s, "SN-00415  PCB-MAIN").contains("`- SN-00415"), "{s}");
    assert!(tree_line(&s, "RF-00240").contains("   `- RF-00240"), "{s}");
    assert!(!tree_line(&s, "PSU-00233").contains("+ PSU"), "no mark shared with PASS");
}

/// The panel's title line (the one naming the genealogy section, long or short).
fn header_line(screen: &str) -> String {
    let at = |l: &&str| l.contains("Genealogy (") || l.contains("G 4");
    screen.lines().find(at).unwrap_or_default().to_string()
}

#[test]
fn the_section_header_always_shows_the_active_section_in_full() {
    let mut data = gateway_board();
    data.unit.attachments =
        serde_json::from_value(serde_json::json!([{"id": "a1", "name": "cal.pdf"}]))
            .expect("attachments");
    for (w, h) in [(120, 40), (80, 24), (160, 48)] {
        let mut a = unit_open(w, h, data.clone());
        for (tabs, active) in [(1, "Genealogy (4)"), (2, "Metadata (0)"), (3, "Files (1)")] {
            code(&mut a, KeyCode::Tab);
            let line = header_line(&screen(&a));
            assert!(line.contains(active), "{w}x{h}, after {tabs} tab: {line}");
            assert!(!line.contains('…'), "{w}x{h}: nothing cut: {line}");
        }
        code(&mut a, KeyCode::Tab); // back to the runs
    }
}
