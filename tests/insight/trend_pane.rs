//! The measurement trend pane (issue 15): `t` on a measurement in the run tree shows every value
//! of it over the view's filter, from the real server. Over the demo factory, the trend of
//! `rail_3v3` on fixture FX-12 shows its drift toward the lower limit; a measurement that is
//! not numeric says so. Screens at 80×24 and 160×48, NO_COLOR and ASCII.

use crate::common;

use common::drive::Driven;
use common::insight::demo;
use common::render::assert_no_colour;
use common::*;
use crossterm::event::KeyCode;
use tofui::app::App;

fn loaded(a: &App) -> bool {
    a.trend().is_some_and(|t| !t.loading())
}

/// The first run of `query` opened, every node of its tree open, the cursor on the
/// measurement `name`.
async fn on_measurement(s: &TestServer, query: &str, name: &str, w: u16, h: u16) -> Driven {
    let mut d = Driven::start(s, w, h);
    d.until("the list", |a| a.list().loaded).await;
    d.filter(query).await;
    d.open_on_measurement(name).await;
    d
}

/// The number after `label` on the status line.
fn after(screen: &str, label: &str) -> f64 {
    let status = screen.lines().rev().nth(1).expect("status");
    let rest =
        &status[status.find(label).unwrap_or_else(|| panic!("{label}: {status}")) + label.len()..];
    let word = rest.split_whitespace().next().expect("number");
    word.parse().unwrap_or_else(|_| panic!("{word}: {status}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drifting_fixture_shows_its_drift() {
    let s = demo().await;
    let mut d = on_measurement(&s, "meta.fixture=FX-12", "rail_3v3", 160, 48).await;
    d.keys("t");
    d.until("the trend", loaded).await;
    let screen = d.screen();
    let t = d.app.trend().expect("pane");
    assert!(t.stats.n > 50, "{screen}");
    assert!(screen.contains(&format!("n {} ·", t.stats.n)), "{screen}");
    assert!(screen.contains("limits 3.2 – 3.4"), "{screen}");
    // What the user reads: the newer half sits well below the older, the slope points down.
    let older = after(&screen, "older half");
    let newer = after(&screen, "newer half");
    assert!(newer < older - 0.03, "older {older}, newer {newer}\n{screen}");
    assert!(after(&screen, "drift") < 0.0, "{screen}");
    // Its slope cannot be chance: when it reaches the lower limit, with the interval.
    let status = screen.lines().rev().nth(1).expect("status");
    assert!(status.contains("reaches 3.2 V in ~") && status.contains("95 % CI"), "{status}");
    // Failing points are marked, and the legend names the station and the marks.
    assert!(screen.contains("✗ failed") && screen.contains("• Line 1 FCT"), "{screen}");
    // esc: back in the run tree.
    d.key(KeyCode::Esc);
    assert!(d.app.trend().is_none() && d.app.run().is_some());
}

/// `enter` on the trend lists exactly the runs whose value failed, each failing; `esc` brings
/// the trend back as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_lists_the_runs_of_the_failed_values_and_esc_comes_back() {
    let s = demo().await;
    let mut d = on_measurement(&s, "meta.fixture=FX-12", "rail_3v3", 160, 48).await;
    d.keys("t");
    d.until("the trend", loaded).await;
    let failures = d.app.trend().expect("pane").stats.failures as usize;
    assert!(failures > 3, "the drifting fixture fails: {failures}");
    d.key(KeyCode::Enter);
    assert!(d.app.trend().is_none(), "the list is on screen");
    d.until("the drilled list", |a| a.list().loaded && !a.list().is_loading()).await;
    let rows = &d.app.list().rows;
    assert_eq!(rows.len(), failures, "{}", d.screen());
    assert!(rows.iter().all(|r| r.outcome != Some(tofui::api::RunOutcome::Pass)));
    let line = d.app.list().query.to_line();
    assert!(line.starts_with("meta.fixture=FX-12") && line.contains(" id:"), "{line}");
    assert!(d.screen().contains(&format!("{failures} runs of failed rail_3v3 values")));
    d.key(KeyCode::Esc);
    let t = d.app.trend().expect("the trend is back");
    assert_eq!(t.stats.failures as usize, failures);
}

/// Another fixture, the same measurement: no drift to speak of.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_steady_fixture_shows_none() {
    let s = demo().await;
    let mut d = on_measurement(&s, "meta.fixture=FX-11", "rail_3v3", 160, 48).await;
    d.keys("t");
    d.until("the trend", loaded).await;
    let screen = d.screen();
    let (older, newer) = (after(&screen, "older half"), after(&screen, "newer half"));
    assert!((newer - older).abs() < 0.01, "older {older}, newer {newer}\n{screen}");
    let status = screen.lines().rev().nth(1).expect("status");
    assert!(!status.contains("reaches"), "no prediction for a steady fixture\n{screen}");
    let row =
        screen.lines().find(|l| l.contains("• Line 1 FCT ") && l.contains("V ")).expect("row");
    assert!(row.trim_end_matches([' ', '"']).ends_with('—'), "{row}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_measurement_that_is_not_numeric_says_so() {
    let s = demo().await;
    let mut d = on_measurement(&s, "proc:\"PCB Functional Test\"", "selftest_passed", 80, 24).await;
    d.keys("t");
    d.until("the trend", loaded).await;
    let screen = d.screen();
    assert!(screen.contains("selftest_passed is not numeric"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trend_screens() {
    let s = demo().await;
    for (w, h) in [(80, 24), (160, 48)] {
        let mut d = on_measurement(&s, "proc:\"PCB Functional Test\"", "rail_3v3", w, h).await;
        d.keys("t");
        d.until("the trend", loaded).await;
        insta::assert_snapshot!(format!("trend_{w}x{h}"), d.screen());
        // s: the points by fixture, each with its own mark in the legend.
        d.keys("s");
        let screen = d.screen();
        assert!(screen.contains("points by fixture"), "{screen}");
        for fx in ["FX-11", "FX-12", "FX-21", "FX-22"] {
            assert!(screen.contains(fx), "{fx} in the legend\n{screen}");
        }
        assert_no_colour(&mut d.app);
        d.app.settings_mut().no_color = false;
        d.app.settings_mut().glyphs = tofui::app::Glyphs::Ascii;
        let screen = d.screen();
        assert!(screen.lines().all(|l| l.is_ascii()), "{screen}");
        insta::assert_snapshot!(format!("trend_{w}x{h}_ascii"), screen);
    }
}

/// Issue 25 item 8 at 80×24: the chart is too narrow for the per-series table under its
/// legend, so the table runs across the whole width under the chart: each fixture's n (as the
/// legend counts it), mean, σ, Cpk, failures, drift per day and when it reaches a limit, whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_80x24_the_series_table_is_readable() {
    let s = demo().await;
    let mut d = on_measurement(&s, "proc:\"PCB Functional Test\"", "rail_3v3", 80, 24).await;
    d.keys("t");
    d.until("the trend", loaded).await;
    d.keys("s"); // by fixture
    let screen = d.screen();
    let lines: Vec<&str> = screen.lines().collect();
    let head = lines.iter().position(|l| l.contains("series")).expect("the table's header");
    for word in ["n", "mean", "Cpk", "failed", "drift/day", "reaches"] {
        assert!(lines[head].split_whitespace().any(|w| w.trim_matches('"') == word), "{word}");
    }
    let t = d.app.trend().expect("pane");
    assert_eq!(t.split_name(), "fixture");
    for (k, g) in t.groups.iter().enumerate() {
        let row = lines[head + 1 + k];
        let words: Vec<&str> = row.split_whitespace().collect();
        assert!(row.contains(&g.label), "{}: {row}", g.label);
        assert!(words.contains(&g.n.to_string().as_str()), "n {} in {row}", g.n);
        assert!(words.contains(&g.failures.to_string().as_str()), "{row}");
        assert!(!row.contains('…'), "nothing cut: {row}");
    }
    let fx12 = t.groups.iter().position(|g| g.label == "FX-12").expect("FX-12");
    assert!(lines[head + 1 + fx12].contains("3.2 in ~"), "FX-12's prediction: {screen}");
}

/// Issue 26: a trend whose runs are the local cache's (the server could not be reached) says
/// so in its header, with their age, as the yield and the Pareto do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trend_over_the_caches_runs_says_it_is_offline() {
    let s = demo().await;
    let mut d = on_measurement(&s, "meta.fixture=FX-12", "rail_3v3", 80, 24).await;
    d.keys("t");
    let id = d.app.trend().and_then(|t| t.load.pending).expect("the trend asks for its runs");
    let synced_ms = d.app.shared().now_ms() - 3 * 3_600_000;
    let event = tofui::worker::WorkerEvent::PopulationCached { synced_ms };
    d.msg(tofui::app::Msg::Worker(tofui::worker::WorkerResponse { id, event }));
    d.until("the trend", loaded).await;
    let screen = d.screen();
    let title = screen.lines().nth(1).unwrap_or_default();
    assert!(title.contains("OFFLINE · cached 3h ago"), "{screen}");
}
