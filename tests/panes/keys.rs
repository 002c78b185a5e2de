//! One key scheme across the app, as k9s and lazygit users expect: `q`/`esc` go back one level,
//! `Q` and `:q` quit from anywhere (asking first when edits would be lost), a destructive key
//! never shares its letter with a harmless one on a neighbouring tab, `?` documents it all and
//! remapping still works.

use crate::common;

use crate::common::render::text as screen;
use common::rows::*;
use common::run_fixture;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tofui::app::{App, Effect, Mode, Msg};
use tofui::config::KeyOverride;
use tofui::worker::{Fetch, Slot, WorkerEvent, WorkerRequest, WorkerResponse};

fn key(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)), NOW)
}

fn code(app: &mut App, c: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)), NOW)
}

/// An app with the fixture run open on its phases tab.
fn opened() -> App {
    let mut app = app(120, 40);
    let (id, _) = list_request(&app.start()).expect("list");
    let mut p = page(0..5, false);
    p.rows[0].id = "run-fixture-1".into();
    app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(p)) }), NOW);
    let fx = code(&mut app, KeyCode::Enter);
    let Some(Effect::Send(WorkerRequest::Fetch { id, slot: Slot::Run, fetch: Fetch::Run { .. } })) =
        fx.into_iter().next()
    else {
        panic!("run fetch")
    };
    let run = WorkerEvent::Run { run: Ok(Box::new(run_fixture::run())), logs_follow: false };
    app.update(Msg::Worker(WorkerResponse { id, event: run }), NOW);
    assert_eq!(app.mode(), Mode::Tree);
    app
}

const NEIGHBOURS: [Mode; 5] =
    [Mode::List, Mode::Tree, Mode::Logs, Mode::Attachments, Mode::RunOther];

#[test]
fn a_destructive_key_is_never_a_harmless_one_on_a_neighbouring_tab() {
    let keymap = opened().shared().keymap().clone();
    let keys_of = |m: Mode, pick: &dyn Fn(&str) -> bool| -> Vec<String> {
        keymap
            .describe(m, false)
            .into_iter()
            .filter(|(_, l)| pick(l))
            .flat_map(|(k, _)| k.split('/').map(str::to_string).collect::<Vec<_>>())
            .collect()
    };
    let destructive: Vec<String> =
        NEIGHBOURS.iter().flat_map(|m| keys_of(*m, &|l| l == "delete")).collect();
    assert!(destructive.contains(&"D".to_string()), "{destructive:?}");
    for m in NEIGHBOURS {
        let harmless = keys_of(m, &|l| l != "delete");
        for d in &destructive {
            assert!(!harmless.contains(d), "{d} deletes on one tab and is harmless on {m:?}");
        }
    }
}

#[test]
fn q_goes_back_one_level_and_capital_q_or_colon_q_quits() {
    let mut app = opened();
    // Chart → tree → list, one level per `q`.
    key(&mut app, 'f');
    key(&mut app, 'n'); // power_sweep, a series
    code(&mut app, KeyCode::Enter);
    assert_eq!(app.mode(), Mode::Chart);
    assert!(key(&mut app, 'q').is_empty());
    assert_eq!(app.mode(), Mode::Tree, "q closes the chart");
    key(&mut app, '2');
    assert!(key(&mut app, 'q').is_empty());
    assert_eq!((app.mode(), app.run().is_none()), (Mode::List, true), "q leaves the run");
    // On the list there is no level above: q quits.
    assert_eq!(key(&mut app, 'q'), vec![Effect::Quit]);

    let mut app = opened();
    assert_eq!(key(&mut app, 'Q'), vec![Effect::Quit], "Q quits from deep views");
    let mut app = opened();
    key(&mut app, ':');
    assert_eq!(app.mode(), Mode::Command);
    key(&mut app, 'q');
    assert_eq!(code(&mut app, KeyCode::Enter), vec![Effect::Quit], ":q quits from the run view");
    let mut app = opened();
    code(&mut app, KeyCode::Esc);
    key(&mut app, ':');
    key(&mut app, 'q');
    assert_eq!(code(&mut app, KeyCode::Enter), vec![Effect::Quit], ":q quits from the list");
    // Another command in the run view is explained, not lost.
    let mut app = opened();
    key(&mut app, ':');
    "w x".chars().for_each(|c| drop(key(&mut app, c)));
    assert!(code(&mut app, KeyCode::Enter).is_empty());
    assert_eq!(app.mode(), Mode::Command, "the line stays with its error");
}

#[test]
fn help_documents_the_scheme() {
    let app = opened();
    let help = app.shared().keymap().describe(Mode::Tree, false);
    let has = |k: &str, l: &str| help.iter().any(|(keys, label)| keys == k && *label == l);
    assert!(has("esc/q/backspace", "back"), "{help:?}");
    assert!(has("Q/ctrl-c", "quit"), "{help:?}");
    assert!(has("D", "delete"), "{help:?}");
    assert!(help.iter().any(|(k, l)| k == ":" && l.contains(":q quits")), "{help:?}");
}

#[test]
fn remapping_still_works() {
    let mut app = opened();
    let o = |mode: &str, action: &str, k: &str| KeyOverride {
        mode: mode.into(),
        action: action.into(),
        keys: vec![k.into()],
        line: 1,
    };
    let problems = app.remap_keys(&[o("tree", "back", "h"), o("tree", "quit", "X")]);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(key(&mut app, 'q').is_empty() && app.mode() == Mode::Tree, "q was remapped away");
    key(&mut app, 'h');
    assert_eq!(app.mode(), Mode::List);
    let mut app = opened();
    app.remap_keys(&[o("tree", "quit", "X")]);
    assert_eq!(key(&mut app, 'X'), vec![Effect::Quit]);
}

#[test]
fn help_scrolls_at_80x24_and_shows_every_key_of_the_mode() {
    for (mode, mut app) in [(Mode::List, app(80, 24)), (Mode::Tree, opened())] {
        if mode == Mode::List {
            let (id, _) = list_request(&app.start()).expect("list");
            let p = page(0..5, false);
            app.update(Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(p)) }), NOW);
        } else {
            app.update(Msg::Resize(80, 24), NOW);
        }
        let wanted = app.shared().keymap().describe(mode, false);
        key(&mut app, '?');
        let first = screen(&app);
        assert!(
            first.contains("j/k scroll"),
            "too many keys for 24 rows: says it scrolls\n{first}"
        );
        let mut seen = first.clone();
        for _ in 0..wanted.len() {
            key(&mut app, 'j');
            seen.push_str(&screen(&app));
        }
        let last = screen(&app);
        assert!(last.contains(&format!("of {}", wanted.len())), "{last}");
        for (k, l) in &wanted {
            let line = seen.lines().find(|s| s.contains(&format!(" {k}  ")));
            assert!(
                line.is_some_and(|s| s.contains(&l[..l.len().min(10)])),
                "{mode:?}: `{k}` {l} never shown:\n{last}"
            );
        }
        code(&mut app, KeyCode::Esc);
        assert_eq!(app.mode(), mode);
    }
}

/// The upload prompt starts with a directory; a whole path typed after it replaces it, and
/// `~` is the home directory.
#[test]
fn an_absolute_upload_path_replaces_the_prefilled_directory() {
    use tofui::app::upload::effective_path;
    assert_eq!(effective_path("/tmp/x//tmp/x/file", None), "/tmp/x/file");
    assert_eq!(
        effective_path("/work/dir/~/photos/a.png", Some("/home/ann")),
        "/home/ann/photos/a.png"
    );
    assert_eq!(effective_path("~", Some("/home/ann/")), "/home/ann");
    assert_eq!(effective_path("/work/dir/board.bin", Some("/home/ann")), "/work/dir/board.bin");
    assert_eq!(effective_path("/work/dir/a~b", Some("/home/ann")), "/work/dir/a~b");

    let mut app = opened();
    key(&mut app, '3');
    key(&mut app, 'u');
    assert_eq!(app.mode(), Mode::UploadPrompt);
    "/tmp/x/file.bin".chars().for_each(|c| drop(key(&mut app, c)));
    let fx = code(&mut app, KeyCode::Enter);
    let sent = fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch { fetch: Fetch::Upload { path, .. }, .. }) => {
            Some(path.clone())
        }
        _ => None,
    });
    assert_eq!(sent, Some("/tmp/x/file.bin".into()), "not the prefill then the typed path");
}

#[test]
fn colon_server_says_where_the_data_comes_from_without_the_key() {
    let mut app = opened();
    code(&mut app, KeyCode::Esc);
    key(&mut app, ':');
    "server".chars().for_each(|c| drop(key(&mut app, c)));
    code(&mut app, KeyCode::Enter);
    let flash = app.flash().unwrap_or_default().to_string();
    assert!(flash.contains("http://127.0.0.1:3000") && flash.contains("--print-server"), "{flash}");
}
