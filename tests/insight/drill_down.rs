//! Drilling down (issue 15): `enter` on a Pareto bar or an explain row shows the runs list
//! filtered to exactly the runs behind it — the filter line says how (the view's filter and
//! `id:`) — and `esc` brings the pane back as it was, the list's filter with it. Over the demo
//! factory served by the real server.

use crate::common;

use std::collections::HashSet;

use common::drive::Driven;
use common::insight::demo;
use common::rows::NOW;
use crossterm::event::KeyCode;
use tofui::app::App;

const FCT: &str = "proc:\"PCB Functional Test\"";

fn list_ids(a: &App) -> HashSet<String> {
    a.list().rows.iter().map(|r| r.id.to_string()).collect()
}

fn loaded(a: &App) -> bool {
    a.list().loaded && !a.list().is_loading()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_lists_the_runs_behind_a_bar_and_esc_comes_back() {
    let s = demo().await;
    let mut d = Driven::start(&s, 120, 40);
    d.until("the list", |a| a.list().loaded).await;
    d.filter(FCT).await;
    let fct_rows = d.app.list().rows.len();
    d.keys("P");
    d.until("the Pareto", |a| a.pareto().is_some_and(|p| !p.loading())).await;
    d.keys("j");
    let (bar, cursor) = {
        let p = d.app.pareto().expect("pane");
        (p.report.bars[1].clone(), p.rows.cursor)
    };
    d.key(KeyCode::Enter);
    assert!(d.app.pareto().is_none(), "the list is on screen");
    d.until("the drilled list", loaded).await;
    // Exactly the bar's runs, each failing; the filter line shows the view's filter and ids.
    let ids = list_ids(&d.app);
    assert_eq!(ids.len(), bar.count as usize, "{}", d.screen());
    assert!(d.app.list().rows.iter().all(|r| {
        r.outcome.as_ref().is_some_and(|o| !matches!(o, tofui::api::RunOutcome::Pass))
    }));
    let line = d.app.list().query.to_line();
    assert!(line.starts_with(FCT) && line.contains(" id:"), "{line}");
    let screen = d.screen();
    assert!(screen.contains(&format!("{} runs of {}", bar.count, bar.label)), "{screen}");
    // The footer says what q does here: back, not quit.
    let footer = screen.lines().last().unwrap_or_default();
    assert!(footer.contains("q back") && !footer.contains("q quit"), "{footer}");
    // esc: the Pareto as it was, the list's filter back.
    d.key(KeyCode::Esc);
    let p = d.app.pareto().expect("the Pareto is back");
    assert_eq!((p.rows.cursor, p.report.bars[1].count), (cursor, bar.count));
    assert_eq!(d.app.list().query.to_line(), FCT);
    d.until("the list again", loaded).await;
    assert_eq!(d.app.list().rows.len(), fct_rows);

    // e, then enter on the first row: the failing runs of the likeliest cause.
    d.keys("e");
    let (dim, value) = {
        let e = d.app.explain().expect("explain");
        let dim = &e.report.dims[0];
        (dim.name.clone(), dim.best().expect("value").clone())
    };
    d.key(KeyCode::Enter);
    d.until("the drilled list", loaded).await;
    assert_eq!(list_ids(&d.app).len(), value.failures as usize, "{}", d.screen());
    let screen = d.screen();
    assert!(screen.contains(&format!("on {dim} {}", value.label)), "{screen}");
    // q (not only esc) comes back too, to the explain pane over the Pareto.
    d.keys("q");
    assert!(d.app.explain().is_some() && d.app.pareto().is_some());
    d.key(KeyCode::Esc);
    d.key(KeyCode::Esc);
    assert!(d.app.pareto().is_none());
    // With nothing drilled, q on the list quits as always (asks nothing: no edits).
    let fx = d.app.update(
        tofui::app::Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('q'),
            crossterm::event::KeyModifiers::NONE,
        )),
        NOW,
    );
    assert!(fx.iter().any(|e| matches!(e, tofui::app::Effect::Quit)));
}

/// `enter` on a yield row: the runs of that station, as a field of the filter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_on_a_yield_row_lists_its_station() {
    let s = demo().await;
    let mut d = Driven::start(&s, 120, 40);
    d.until("the list", |a| a.list().loaded).await;
    d.filter(FCT).await;
    d.keys("%");
    d.until("the yield", |a| a.yields().is_some_and(|y| !y.loading())).await;
    let (split, label) = {
        let y = d.app.yields().expect("pane");
        (y.split_name(), y.report.rows[0].label.clone())
    };
    assert_eq!(split, "station");
    d.keys("j");
    d.keys("k");
    d.key(KeyCode::Enter);
    d.until("the drilled list", loaded).await;
    let line = d.app.list().query.to_line();
    assert!(line.contains(&format!("station:\"{label}\"")), "{line}");
    let rows = &d.app.list().rows;
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.station.as_deref() == Some(label.as_str())), "{}", d.screen());
    d.key(KeyCode::Esc);
    assert!(d.app.yields().is_some());
    assert_eq!(d.app.list().query.to_line(), FCT);
}
