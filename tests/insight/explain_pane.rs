//! The explain pane (issue 15): over the demo factory served by the real server, `e` on a
//! Pareto bar ranks every dimension by how concentrated that failure is in one of its values,
//! and the demo's planted causes come first: fixture FX-12 for `rail_3v3`, station Line 2 FCT
//! for the Communication timeouts. Small numbers say so. Screens at 80×24 and 160×48.

use crate::common;

use common::drive::Driven;
use common::insight::demo;
use common::render::assert_no_colour;
use common::*;
use crossterm::event::KeyCode;
use tofui::app::App;

fn loaded(a: &App) -> bool {
    a.pareto().is_some_and(|p| !p.loading() && !p.load.reached_loading())
}

/// The Pareto of the FCT runs, the cursor on the bar whose label `pick` accepts.
async fn pareto_on(s: &TestServer, w: u16, h: u16, pick: impl Fn(&str) -> bool) -> Driven {
    pareto_of(s, "proc:\"PCB Functional Test\"", w, h, pick).await
}

/// The Pareto of the runs `query` matches, the cursor on the bar whose label `pick` accepts.
async fn pareto_of(
    s: &TestServer,
    query: &str,
    w: u16,
    h: u16,
    pick: impl Fn(&str) -> bool,
) -> Driven {
    let mut d = Driven::start(s, w, h);
    d.until("the list", |a| a.list().loaded).await;
    d.filter(query).await;
    d.keys("P");
    d.until("the Pareto", loaded).await;
    let bars: Vec<String> =
        d.app.pareto().expect("pane").report.bars.iter().map(|b| b.label.clone()).collect();
    let i = bars.iter().position(|l| pick(l)).unwrap_or_else(|| panic!("no such bar: {bars:?}"));
    for _ in 0..i {
        d.keys("j");
    }
    d
}

fn heads(a: &App) -> Vec<(String, String)> {
    let e = a.explain().expect("explain pane");
    e.report
        .dims
        .iter()
        .map(|d| (d.name.clone(), d.best().map(|v| v.label.clone()).unwrap_or_default()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_stories_rank_first() {
    let s = demo().await;
    let mut d = pareto_on(&s, 160, 48, |l| l.ends_with("rail_3v3")).await;
    d.keys("e");
    let h = heads(&d.app);
    assert_eq!(h[0], ("fixture".to_string(), "FX-12".to_string()), "{h:?}");
    let screen = d.screen();
    assert!(screen.contains("likely cause: fixture FX-12"), "{screen}");
    // The first row says how much of the failures and of the runs FX-12 had.
    let e = d.app.explain().expect("pane");
    let v = e.report.dims[0].best().expect("value");
    let share = format!("{:.0}%", v.failure_share * 100.0);
    let counts = format!("{}/{}", v.failures, e.report.failures);
    let row = screen.lines().find(|l| l.starts_with("\" fixture")).expect("row");
    let words: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&words[3..5], &[share.as_str(), counts.as_str()], "{row}");
    assert!(row.contains("likely cause"), "{row}");
    // esc: the Pareto as it was.
    d.key(KeyCode::Esc);
    assert!(d.app.explain().is_none() && d.app.pareto().is_some());

    let mut d = pareto_on(&s, 160, 48, |l| l.starts_with("Communication")).await;
    d.keys("e");
    let h = heads(&d.app);
    assert_eq!(h[0], ("station".to_string(), "Line 2 FCT".to_string()), "{h:?}");
}

fn drift_loaded(a: &App) -> bool {
    a.explain().is_some_and(|e| e.drift.as_ref().is_some_and(|t| !t.loading()))
}

/// Issue 25 item 9: explain on a measurement failure predicts the drift of the likely cause's
/// series: FX-12's rail_3v3 falls (its slope's interval excludes 0) and reaches the lower limit
/// in a number of days the pane says, with the interval; the same days as the series' own line
/// over its values. A failure that is not a measurement has no prediction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_predicts_the_drift_of_a_measurement_failure() {
    let s = demo().await;
    for (w, h) in [(160, 48), (80, 24)] {
        let mut d = pareto_on(&s, w, h, |l| l.ends_with("rail_3v3")).await;
        d.keys("e");
        let screen = d.screen();
        assert!(screen.contains("drift: reading every rail_3v3 value"), "{screen}");
        d.until("the drift", drift_loaded).await;
        let screen = d.screen();
        let e = d.app.explain().expect("pane");
        let t = e.drift.as_deref().expect("values loaded");
        assert_eq!(t.split_name(), "fixture", "split as the likely cause");
        // The prediction from FX-12's own values, fitted here by hand.
        let fx12 = t.groups.iter().find(|g| g.label == "FX-12").expect("FX-12 series");
        let n = fx12.points.len() as f64;
        let (mx, my) = fx12.points.iter().fold((0.0, 0.0), |(a, b), p| (a + p.0 / n, b + p.1 / n));
        let (sxy, sxx) = fx12.points.iter().fold((0.0, 0.0), |(a, b), p| {
            (a + (p.0 - mx) * (p.1 - my), b + (p.0 - mx) * (p.0 - mx))
        });
        let slope = sxy / sxx;
        let newest = fx12.points.iter().map(|p| p.0).fold(f64::MIN, f64::max);
        let days = (3.2 - (my + slope * (newest - mx))) / (slope * 86_400_000.0);
        assert!(slope < 0.0 && days > 0.0, "FX-12 falls toward 3.2 V: {days}");
        let want = format!(
            "drift: FX-12 rail_3v3 reaches 3.2 V in ~{}",
            tofui::analysis::format_sig(days, 2)
        );
        assert!(screen.contains(&want), "{want}\n{screen}");
        assert!(screen.contains("V/day (95 % CI"), "the interval is given: {screen}");
        d.key(KeyCode::Esc);
    }
    let mut d = pareto_on(&s, 160, 48, |l| l.starts_with("Communication")).await;
    d.keys("e");
    assert!(d.app.explain().is_some_and(|e| e.drift.is_none()));
    assert!(!d.screen().contains("drift:"), "{}", d.screen());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_screens() {
    let s = demo().await;
    for (w, h) in [(80, 24), (160, 48)] {
        let mut d = pareto_on(&s, w, h, |l| l.ends_with("rail_3v3")).await;
        d.keys("e");
        d.until("the drift", drift_loaded).await;
        insta::assert_snapshot!(format!("explain_{w}x{h}"), d.screen());
        // j: the next dimension, its values listed under the table (at 160×48).
        d.keys("j");
        let screen = d.screen();
        let second = d.app.explain().map(|e| e.report.dims[1].name.clone()).expect("pane");
        assert!(screen.contains("dimension 2/"), "{screen}");
        if h == 48 {
            assert!(screen.contains(&format!(" {second}: ")), "{screen}");
        }
        assert_no_colour(&mut d.app);
        d.app.settings_mut().no_color = false;
        d.app.settings_mut().glyphs = tofui::app::Glyphs::Ascii;
        let screen = d.screen();
        assert!(screen.lines().all(|l| l.is_ascii()), "{screen}");
        insta::assert_snapshot!(format!("explain_{w}x{h}_ascii"), screen);
    }
}

/// A failure mode with a handful of failures says its numbers are too small.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_few_failures_say_so() {
    let s = demo().await;
    let mut d = pareto_of(&s, "proc:\"RF Calibration\" since:7d", 80, 24, |_| true).await;
    let smallest = d.app.pareto().map(|p| p.report.bars.len() - 1).expect("bars");
    for _ in 0..smallest {
        d.keys("j");
    }
    let n = d.app.pareto().map(|p| p.report.bars[smallest].count).expect("bar");
    assert!(n < 5, "the smallest FCT failure mode has {n} failures");
    d.keys("e");
    let screen = d.screen();
    assert!(screen.contains(&format!("only {n} failures: too few to tell")), "{screen}");
    assert!(screen.contains("too few failures"), "{screen}");
}

/// `e` on a failing measurement in the run tree: the Pareto of the list's filter loads, and
/// that measurement's failures come explained over it; esc shows the Pareto, esc the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e_on_a_failing_measurement_in_the_run_tree_explains_it() {
    let s = demo().await;
    let mut d = Driven::start(&s, 120, 40);
    d.until("the list", |a| a.list().loaded).await;
    d.filter("proc:\"PCB Functional Test\" meta.fixture=FX-12 outcome:fail").await;
    d.key(KeyCode::Enter);
    d.until("the run", |a| a.run().is_some_and(|r| r.loaded().is_some())).await;
    d.keys("f");
    d.keys("e");
    d.until("the explain pane", |a| a.explain().is_some()).await;
    let e = d.app.explain().expect("pane");
    assert!(e.report.label.ends_with("rail_3v3"), "{}", e.report.label);
    assert!(e.report.failures > 0);
    let screen = d.screen();
    assert!(screen.contains("Explain Power-on › rail_3v3"), "{screen}");
    d.key(KeyCode::Esc);
    assert!(d.app.explain().is_none() && d.app.pareto().is_some());
    d.key(KeyCode::Esc);
    assert!(d.app.pareto().is_none() && d.app.run().is_some());
}
