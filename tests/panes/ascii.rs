//! The screen in ASCII (the Linux console, VT100/VT220, `--ascii`): runs list, run view,
//! chart and help at 80×24 are drawn with `+-|` borders, `*` chart points and ASCII
//! symbols only, with nothing else moved.

use crate::common;

use crate::common::render::text;
use common::keys::press;
use common::rows::*;
use common::run_fixture;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tofui::app::{App, Effect, Glyphs, Msg};
use tofui::worker::{WorkerEvent, WorkerRequest, WorkerResponse};

/// The list at 80×24 with 100 rows (more to come), glyphs as given.
fn list(glyphs: Glyphs) -> App {
    let mut a = app(80, 24);
    a.settings_mut().glyphs = glyphs;
    let (id, _) = list_request(&a.start()).expect("request");
    a.update(
        Msg::Worker(WorkerResponse { id, event: WorkerEvent::Runs(Ok(page(0..100, true))) }),
        NOW,
    );
    a
}

/// The fixture run opened from the list.
fn run_view(glyphs: Glyphs) -> App {
    let mut a = list(glyphs);
    let fx = a.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), NOW);
    let Some(Effect::Send(WorkerRequest::Fetch { id, .. })) = fx.into_iter().next() else {
        panic!("fetch")
    };
    a.update(
        Msg::Worker(WorkerResponse {
            id,
            event: WorkerEvent::Run { run: Ok(Box::new(run_fixture::run())), logs_follow: false },
        }),
        NOW,
    );
    a
}

/// Every character on screen is ASCII, and the Unicode screen differs only where a symbol
/// was: the same text in the same places.
fn check(ascii: &str, unicode: &str) {
    check_up_to(ascii, unicode, |_| None);
}

/// As `check`, each line only up to the column `stop` gives for its Unicode text (the limits,
/// whose verdicts are words in ASCII).
fn check_up_to(ascii: &str, unicode: &str, stop: impl Fn(&str) -> Option<usize>) {
    let odd: String = ascii.chars().filter(|c| !c.is_ascii()).collect();
    assert!(odd.is_empty(), "not ASCII: {odd:?}\n{ascii}");
    assert!(!unicode.is_ascii(), "the Unicode screen has symbols to replace:\n{unicode}");
    for (a, u) in ascii.lines().zip(unicode.lines()) {
        assert_eq!(a.chars().count(), u.chars().count(), "same width:\n{a}\n{u}");
        let upto = stop(u).map_or(usize::MAX, |b| u[..b].chars().count());
        for (ca, cu) in a.chars().zip(u.chars()).take(upto) {
            assert!(ca == cu || !cu.is_ascii(), "only symbols change:\n{a}\n{u}");
        }
    }
}

#[test]
fn runs_list_80x24() {
    let (a, u) = (text(&list(Glyphs::Ascii)), text(&list(Glyphs::Unicode)));
    check(&a, &u);
    assert!(a.contains("+ PASS") && a.contains("x FAIL"), "outcomes keep a mark:\n{a}");
    insta::assert_snapshot!(a);
}

#[test]
fn run_view_tree_80x24() {
    let mut a = run_view(Glyphs::Ascii);
    let mut u = run_view(Glyphs::Unicode);
    press(&mut a, "+");
    press(&mut u, "+");
    let (a, u) = (text(&a), text(&u));
    check_up_to(&a, &u, |line| line.find("x >=").or_else(|| line.find("x <=")));
    assert!(a.contains("rail_3v3") && a.contains("limit x <= 3.4"), "{a}");
    // TERM=linux (issue 24 item 13): a limit's verdict is a word, limits are apart by `;`:
    // no `x` (the variable), `+` or `-` (signs) as marks.
    assert!(a.contains("x >= 3.2 PASS; x <="), "{a}");
    assert!(!a.contains("3.2 + ") && !a.contains("3.2 x ") && !a.contains("3.2 + -"), "{a}");
    insta::assert_snapshot!(a);
}

#[test]
fn chart_80x24_with_points_and_limit_lines() {
    let mut a = run_view(Glyphs::Ascii);
    let mut u = run_view(Glyphs::Unicode);
    press(&mut a, "fn\n");
    press(&mut u, "fn\n");
    let (a, u) = (text(&a), text(&u));
    let odd: String = a.chars().filter(|c| !c.is_ascii()).collect();
    assert!(odd.is_empty(), "not ASCII: {odd:?}\n{a}");
    assert!(u.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)), "braille in Unicode:\n{u}");
    assert!(a.contains("frequency (MHz)") && a.contains("min 16.5"), "{a}");
    // Inside the chart's frame: data points and limit lines, each on its own.
    let inside: String =
        a.lines().skip(3).take(17).flat_map(|l| l.chars().skip(8).take(70)).collect();
    assert!(inside.matches('*').count() >= 10, "the series as points:\n{a}");
    assert!(inside.contains("_____"), "the limits as lines:\n{a}");
    insta::assert_snapshot!(a);
}

#[test]
fn help_80x24_names_the_arrow_keys() {
    let mut a = list(Glyphs::Ascii);
    let mut u = list(Glyphs::Unicode);
    press(&mut a, "?");
    press(&mut u, "?");
    let (a, u) = (text(&a), text(&u));
    let odd: String = a.chars().filter(|c| !c.is_ascii()).collect();
    assert!(odd.is_empty(), "not ASCII: {odd:?}\n{a}");
    // Arrow keys by name: a `v` would read as the key v.
    assert!(u.contains("j/↓") && a.contains("j/Down") && a.contains("k/Up"), "{a}");
    assert!(a.contains("j/k scroll - esc closes"), "{a}");
    insta::assert_snapshot!(a);
}
