//! Views as tabs, headless: each keeps its rows, selection and scroll; background views load
//! on their own; `:w NAME` and friends change them and ask for the config to be written; key
//! overrides change what the footer and `?` show.

use crate::common;

use common::keys::press;
use common::render::{text, text_at};
use common::rows::*;
use tofui::app::{App, Done, Effect, Mode, Msg};
use tofui::config::{KeyOverride, ViewConfig};
use tofui::worker::{Fetch, Slot, WorkerEvent, WorkerRequest, WorkerResponse};

/// The list requests among effects: (request id, view id, query line).
fn requests(fx: &[Effect]) -> Vec<(u64, u32, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch {
                id,
                slot: Slot::List(v),
                fetch: Fetch::Runs(r),
            }) => Some((*id, *v, r.query.to_line())),
            _ => None,
        })
        .collect()
}

fn answer(app: &mut App, id: u64, n: usize, more: bool) {
    app.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page(0..n, more))) }),
        NOW,
    );
}

fn three_views() -> App {
    let mut app = app(80, 24);
    app.set_views(&[
        ViewConfig::new("All runs", ""),
        ViewConfig::new("Failures", "outcome:fail,error,timeout"),
        ViewConfig::new("Last 24 h", "since:24h"),
    ]);
    let first = requests(&app.start());
    assert_eq!(
        first.iter().map(|r| r.2.as_str()).collect::<Vec<_>>(),
        [""],
        "the visible view first, alone"
    );
    let id = first[0].0;
    let rest = requests(&app.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page(0..100, true))) }),
        NOW,
    ));
    assert_eq!(
        rest.iter().map(|r| r.2.as_str()).collect::<Vec<_>>(),
        ["outcome:FAIL,ERROR,TIMEOUT", "since:24h"],
        "then every other view loads"
    );
    answer(&mut app, rest[0].0, 37, false);
    answer(&mut app, rest[1].0, 12, false);
    app
}

#[test]
fn each_view_keeps_its_rows_selection_and_scroll() {
    let mut app = three_views();
    for _ in 0..40 {
        press(&mut app, "j");
    }
    let (sel, off) = (app.list().selected, app.list().offset);
    assert!(off > 0);
    let fx = press(&mut app, "2");
    assert_eq!(app.runs.active, 1);
    assert_eq!(app.list().rows.len(), 37, "shown at once from what was loaded");
    assert_eq!(requests(&fx).len(), 1, "and refreshed in the background");
    press(&mut app, "jjj");
    press(&mut app, "\t");
    assert_eq!(app.runs.active, 2);
    let fx = press(&mut app, "1");
    assert_eq!((app.list().selected, app.list().offset), (sel, off), "view 1 as it was left");
    let (id, view, _) = requests(&fx)[0].clone();
    press(&mut app, "2");
    assert_eq!(app.list().selected, 3);
    // The refresh of view 1 lands there, not on screen.
    press(&mut app, "3");
    answer(&mut app, id, 5, false);
    assert_eq!(app.list().rows.len(), 12, "view 3 untouched");
    assert_eq!(app.runs.views[0].saved.as_ref().map(|l| l.rows.len()), Some(5));
    assert_eq!(app.runs.views[0].id, view);
}

#[test]
fn w_name_saves_the_typed_filter_as_a_new_view_and_asks_to_write_the_config() {
    let mut app = three_views();
    press(&mut app, "/");
    let fx = press(&mut app, "outcome:pass\n");
    let (id, _, line) = requests(&fx)[0].clone();
    assert_eq!(line, "outcome:PASS");
    answer(&mut app, id, 20, false);
    let fx = press(&mut app, ":w Passing\n");
    let saved = fx
        .iter()
        .find_map(|e| if let Effect::SaveViews(v) = e { Some(v.clone()) } else { None })
        .expect("config write asked");
    let names: Vec<&str> = saved.iter().map(|e| e.view.name.as_str()).collect();
    assert_eq!(names, ["All runs", "Failures", "Last 24 h", "Passing"]);
    assert_eq!(saved[3].view.query, "outcome:PASS");
    assert_eq!(saved[0].view.query, "", "the first view keeps its own filter");
    assert_eq!(app.runs.active, 3);
    assert_eq!(app.list().rows.len(), 20, "the new tab shows the rows already loaded");
    app.update(Msg::Done(Done::ViewsSaved(Ok("/tmp/config.toml".into()))), NOW);
    assert_eq!(app.runs.views[3].origin.as_deref(), Some("Passing"));
    // Rename, move, delete — each written.
    let fx = press(&mut app, ":rename Passes\n");
    assert!(fx.iter().any(|e| matches!(e, Effect::SaveViews(v) if v[3].view.name == "Passes" && v[3].origin.as_deref() == Some("Passing"))));
    press(&mut app, ":move 1\n");
    assert_eq!(
        app.runs.views.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        ["Passes", "All runs", "Failures", "Last 24 h"]
    );
    press(&mut app, ":delete\n");
    assert_eq!(app.runs.views.len(), 3);
    assert_eq!(app.list().query.to_line(), "", "now on All runs");
    // Mistakes are explained where they were typed.
    press(&mut app, ":frobnicate\n");
    assert_eq!(app.mode(), Mode::Command);
    assert!(
        app.command().and_then(|c| c.error.clone()).is_some_and(|e| e.contains("unknown command"))
    );
}

#[test]
fn live_mode_marks_a_background_view_with_new_failures() {
    let mut app = three_views();
    app.set_live(Some(5_000));
    let fx = app.update(Msg::Tick, NOW + 5_000);
    let live: Vec<(u64, u32)> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch { id, slot: Slot::Live(v), .. }) => Some((*id, *v)),
            _ => None,
        })
        .collect();
    assert_eq!(live.len(), 3, "every view polls");
    let failures_view = app.runs.views[1].id;
    let (id, _) =
        live.iter().find(|(_, v)| *v == failures_view).copied().expect("poll of Failures");
    let mut p = page(0..0, false);
    let mut r = row(1);
    r.id = "new-failure".into();
    r.outcome = Some(tofui::api::RunOutcome::Fail);
    r.created_ms = Some(NOW + 4_000);
    p.rows.push(r);
    app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(p)) }), NOW + 5_100);
    assert!(app.runs.views[1].new_failures);
    let tabs: String = text(&app).lines().nth(1).unwrap_or_default().to_string();
    insta::assert_snapshot!("tab_bar_80x24", tabs);
    assert!(tabs.contains("2 Failures 38 !"), "{tabs}");
    press(&mut app, "2");
    assert!(!app.runs.views[1].new_failures, "seen");
    // Back on view 1, an answer for view 2 that brings nothing new does not mark it again.
    let fx = press(&mut app, "1");
    let (id, _, _) = requests(&fx)[0].clone();
    let fx = press(&mut app, "2");
    let refresh = requests(&fx);
    press(&mut app, "1");
    answer(&mut app, id, 100, true);
    if let Some((rid, _, _)) = refresh.first() {
        answer(&mut app, *rid, 38, false);
    }
    assert!(!app.runs.views[1].new_failures);
}

#[test]
fn key_overrides_change_the_keys_shown_and_report_conflicts_with_their_line() {
    let mut app = three_views();
    let o = |mode: &str, action: &str, keys: &[&str], line: usize| KeyOverride {
        mode: mode.into(),
        action: action.into(),
        keys: keys.iter().map(|k| k.to_string()).collect(),
        line,
    };
    let problems = app.remap_keys(&[
        o("list", "open", &["l"], 3),
        o("list", "refresh", &["l"], 4),
        o("list", "teleport", &["t"], 5),
        o("lst", "open", &["o"], 6),
        o("list", "quit", &["ctrl-q"], 7),
        o("list", "sort", &["hyper-s"], 8),
    ]);
    let lines: Vec<usize> = problems.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [4, 5, 6, 8], "{problems:?}");
    assert!(problems[0].1.contains("bound twice") && problems[0].1.contains("line 3"));
    let footer = app.shared().keymap().describe(Mode::List, true);
    assert!(footer.iter().any(|(k, l)| k == "l" && *l == "open"), "{footer:?}");
    assert!(footer.iter().any(|(k, l)| k == "ctrl-q" && *l == "quit"), "{footer:?}");
    assert!(!footer.iter().any(|(k, _)| k == "enter"), "enter no longer opens");
    // `quit` remapped takes the list's `q` too: it quits no more.
    let fx = press(&mut app, "q");
    assert!(!fx.iter().any(|e| matches!(e, Effect::Quit)), "{fx:?}");
    // And it works.
    let fx = press(&mut app, "l");
    assert!(matches!(fx.first(), Some(Effect::Send(WorkerRequest::Fetch { slot: Slot::Run, .. }))));
}

#[test]
fn quit_remapped_onto_q_leaves_the_lists_q_going_back_from_a_drill_down() {
    use tofui::app::action::Action;
    let mut app = three_views();
    let quit = KeyOverride {
        mode: "list".into(),
        action: "quit".into(),
        keys: vec!["q".into(), "Q".into()],
        line: 1,
    };
    assert!(app.remap_keys(&[quit]).is_empty());
    let action = |c| app.shared().keymap().action(Mode::List, &common::keys::key_event(c));
    assert_eq!(action('q'), Some(Action::BackOrQuit), "q: back on a drill-down, else quit");
    assert_eq!(action('Q'), Some(Action::Quit));
    let help = app.shared().keymap().describe(Mode::List, false);
    assert!(help.iter().any(|(k, l)| k == "q/Q" && *l == "quit"), "{help:?}");
}

#[test]
fn config_problems_show_in_the_footer_with_file_and_line() {
    let mut app = three_views();
    app.settings_mut().config_problems = vec!["/home/op/.config/tofui/config.toml:7: unknown key `colour`".into(), "/home/op/.config/tofui/config.toml:9: theme = \"dark\" is not one of: default, light, none".into()];
    // Drawn wider than the app was told, so the whole message fits on the status line.
    let status = text_at(&app, 120, 24).lines().nth(22).unwrap_or_default().to_string();
    assert!(status.contains("config: /home/op/.config/tofui/config.toml:7: unknown key `colour` (+1 more in the log)"), "{status}");
}

/// `x` or `/` on a saved view changes what it lists: the tab and the title say so, and `X`
/// brings the saved filter back. `/` adds a clause rather than gluing text onto the last one.
#[test]
fn a_changed_view_is_marked_and_x_capital_restores_it() {
    let mut app = three_views();
    press(&mut app, "2");
    let s = text(&app);
    assert!(s.contains("2 Failures 37"), "{s}");
    press(&mut app, "x");
    let s = text(&app);
    assert!(s.contains("2 Failures*") && s.contains("all runs"), "{s}");
    let fx = press(&mut app, "X");
    assert_eq!(requests(&fx)[0].2, "outcome:FAIL,ERROR,TIMEOUT");
    let s = text(&app);
    assert!(!s.contains("Failures*"), "{s}");
    // `/` opens with the filter and a space: typed words are one more clause.
    press(&mut app, "/");
    let fx = press(&mut app, "SN-01\n");
    let line = &requests(&fx)[0].2;
    assert_eq!(line, "outcome:FAIL,ERROR,TIMEOUT SN-01", "{line}");
    assert!(text(&app).contains("2 Failures*"));
}

#[test]
fn a_new_failure_found_by_live_mode_keeps_its_mark_in_the_failures_tab() {
    let mut app = three_views();
    app.set_live(Some(5_000));
    let fx = app.update(Msg::Tick, NOW + 5_000);
    let failures_view = app.runs.views[1].id;
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Send(WorkerRequest::Fetch { id, slot: Slot::Live(v), .. })
                if *v == failures_view =>
            {
                Some(*id)
            }
            _ => None,
        })
        .expect("poll of Failures");
    let mut fresh = row(1);
    fresh.id = "new-failure".into();
    fresh.outcome = Some(tofui::api::RunOutcome::Fail);
    fresh.created_ms = Some(NOW + 4_000);
    let mut p = page(0..0, false);
    p.rows.push(fresh.clone());
    app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(p)) }), NOW + 5_100);
    // Switching to the tab refreshes it; the answer still lists the new failure.
    let fx = press(&mut app, "2");
    let (rid, _, _) = requests(&fx).first().cloned().expect("the tab refreshes");
    let mut p = page(0..10, false);
    p.rows.insert(0, fresh);
    app.update(Msg::Worker(WorkerResponse { id: rid, event: WorkerEvent::Runs(Ok(p)) }), NOW);
    let screen = text(&app);
    let first_row: String = screen.lines().nth(3).unwrap_or_default().into();
    assert!(first_row.starts_with("\"*"), "the new failure is marked: {first_row}");
    let second: String = screen.lines().nth(4).unwrap_or_default().into();
    assert!(!second.starts_with("\"*"), "only it: {second}");
}

#[test]
fn a_failed_write_leaves_the_view_marked_as_not_saved() {
    let mut app = three_views();
    press(&mut app, "/");
    press(&mut app, "outcome:pass\n");
    assert!(app.runs.modified(0));
    let fx = press(&mut app, ":w\n");
    let saved = fx
        .iter()
        .find_map(|e| if let Effect::SaveViews(v) = e { Some(v.clone()) } else { None })
        .expect("config write asked");
    assert_eq!(saved[0].view.query, "outcome:PASS");
    assert_eq!(saved[1].view.query, "outcome:fail,error,timeout", "the others as saved");
    assert!(!app.runs.modified(0), "counts as saved while the write is on its way");
    app.update(Msg::Done(Done::ViewsSaved(Err("disk full".into()))), NOW);
    assert!(app.runs.modified(0), "the file does not have it: still marked *");
    assert!(text(&app).contains("views not saved: disk full"));
}
