//! The failure × station table (`w`, issue 25) over the demo factory: its verdicts are computed
//! over every value whatever the terminal's width (folding is display only, `h`/`l` scroll
//! sideways), each cell carries the numbers explain gives that value, headers read apart at 80
//! columns, and `enter` on a cell lists that cell's runs.

use crate::common;
use crate::common::insight::pareto_over;

use crate::common::render::text;
use common::drive::Driven;
use common::insight::demo;
use common::rows::NOW;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tofui::analysis::{CrossTab, Dim, Evidence};
use tofui::app::{App, Msg};
use tofui::worker::WorkerEvent;

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// The Pareto opened with `P` on a `w`×`h` screen, given `events`, then `w`.
fn two_way(w: u16, h: u16, events: &[WorkerEvent]) -> App {
    let mut a = pareto_over(w, h, events);
    a.update(key('w'), NOW);
    a
}

fn table(a: &App) -> CrossTab {
    a.pareto().and_then(|p| p.two_way.clone()).expect("the two-way table")
}

/// The row of `label` and the column of `value`.
fn cell(t: &CrossTab, label: &str, value: &str) -> (usize, usize) {
    let r = t.rows.iter().position(|r| r.label == label).expect(label);
    let c = t.cols.iter().position(|c| c.label == value).expect(value);
    (r, c)
}

/// At 80, 120 and 160 columns (and any size between), the table is the same, and the cell of
/// Line 2 FCT's Communication errors reads the same on the status line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verdicts_do_not_change_with_the_terminal_width() {
    let s = demo().await;
    let events = common::insight::load(&s.running.url).await;
    let wide = table(&two_way(160, 48, &events));
    let (r, c) = cell(&wide, "Communication (ERROR)", "Line 2 FCT");
    let stat = wide.stat(r, c).expect("failures there");
    let want = format!(
        "{} of {} on Line 2 FCT ({} of {} runs): {:.1}×",
        stat.failures, wide.rows[r].total, stat.tested, wide.rows[r].tested, stat.lift
    );
    for w in [80, 120, 160] {
        let mut a = two_way(w, 24, &events);
        assert_eq!(table(&a), wide, "at {w} columns");
        for _ in 0..r {
            a.update(key('j'), NOW);
        }
        for _ in 0..c {
            a.update(key('l'), NOW);
        }
        let screen = text(&a);
        let status = screen.lines().rev().nth(1).expect("status");
        assert!(status.contains(&want), "at {w}: want {want}\n{screen}");
    }
    let mut runner = TestRunner::new(Config { cases: 24, ..Config::default() });
    runner
        .run(&(60u16..260, 16u16..70), |(w, h)| {
            prop_assert_eq!(table(&two_way(w, h, &events)), wide.clone());
            Ok(())
        })
        .expect("the same table at every size");
}

/// `w` and explain give one cell the same numbers and the same verdict: every cell of the
/// station table against the explanation of its row's failure mode.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_way_and_explain_agree_on_every_cell() {
    let s = demo().await;
    let events = common::insight::load(&s.running.url).await;
    let mut a = two_way(160, 48, &events);
    let t = table(&a);
    let mut cells = 0;
    let mut strong = 0;
    for (i, row) in t.rows.iter().enumerate() {
        a.update(key('e'), NOW);
        let x = a.explain().expect("explain").report.clone();
        assert_eq!(x.label, row.label);
        assert_eq!((x.failures, x.tested), (row.total, row.tested), "{}", row.label);
        let station = x.dims.iter().find(|d| d.dim == Dim::Station).expect("station");
        for (j, stat) in row.stats.iter().enumerate() {
            let Some(stat) = stat else { continue };
            let v = station.values.iter().find(|v| v.code == t.cols[j].code).expect("value");
            assert_eq!(v, stat, "{} on {}", row.label, t.cols[j].label);
            cells += 1;
            strong += usize::from(stat.evidence == Evidence::Strong);
            assert_eq!(
                row.hot.is_some(),
                row.stats.iter().flatten().any(|s| s.evidence == Evidence::Strong)
            );
        }
        a.update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)), NOW);
        assert!(i + 1 == t.rows.len() || a.pareto().is_some_and(|p| p.rows.cursor == i));
        a.update(key('j'), NOW);
    }
    assert!(cells > 20 && strong >= 1, "{cells} cells, {strong} likely causes");
}

/// At 80 columns every header reads apart ("Lin…ICT", "Lin…FCT"), `l` scrolls to the columns
/// off screen and says how many are left of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_read_apart_at_80_columns_and_l_scrolls_sideways() {
    let s = demo().await;
    let events = common::insight::load(&s.running.url).await;
    let mut a = two_way(80, 24, &events);
    let t = table(&a);
    assert!(t.cols.len() > 5, "more stations than fit");
    let screen = text(&a);
    let header = screen.lines().nth(4).expect("header");
    let names: Vec<&str> = header.trim_matches('"').split_whitespace().skip(2).collect();
    let shown: Vec<&str> = names.iter().copied().filter(|n| !n.ends_with('▸')).collect();
    let mut unique = shown.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), shown.len(), "{header}");
    assert!(header.contains("Lin…ICT") && header.contains("Lin…FCT"), "{header}");
    for _ in 0..t.cols.len() {
        a.update(key('l'), NOW);
    }
    let p = a.pareto().expect("pane");
    assert_eq!(p.cols.cursor, t.cols.len() - 1);
    let screen = text(&a);
    let header = screen.lines().nth(4).expect("header");
    assert!(header.contains(&format!("◂{} ", p.cols.offset)) && p.cols.offset > 0, "{header}");
    assert_eq!(table(&a), t, "scrolling changes nothing but the view");
}

/// `enter` on a cell lists exactly the runs of that cell: the failures of that mode on that
/// station, each failing, each on that station.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_on_a_cell_lists_its_runs() {
    let s = demo().await;
    let mut d = Driven::start(&s, 160, 48);
    d.until("the list", |a| a.list().loaded).await;
    d.keys("P");
    d.until("the Pareto", |a| a.pareto().is_some_and(|p| !p.loading())).await;
    d.keys("w");
    let t = table(&d.app);
    let (r, c) = cell(&t, "Communication (ERROR)", "Line 2 FCT");
    for _ in 0..r {
        d.keys("j");
    }
    for _ in 0..c {
        d.keys("l");
    }
    let want = t.rows[r].cells[c] as usize;
    assert!(want < t.rows[r].total as usize, "the cell is less than its row");
    d.key(KeyCode::Enter);
    d.until("the drilled list", |a| a.list().loaded && !a.list().is_loading()).await;
    let rows = &d.app.list().rows;
    assert_eq!(rows.len(), want, "{}", d.screen());
    for row in rows {
        assert_eq!(row.station.as_deref(), Some("Line 2 FCT"));
        let (_, run) = s.get(&format!("/runs/{}", row.id)).await;
        let comms = run["phases"]
            .as_array()
            .expect("phases")
            .iter()
            .any(|p| p["name"] == "Communication" && p["outcome"] == "ERROR");
        assert!(comms, "{} failed in Communication", row.id);
    }
    assert!(
        d.screen().contains(&format!("{want} runs of Communication (ERROR) on station Line 2 FCT"))
    );
}
