//! The insight panes' population (issue 25): they compute over the view's filter without its
//! outcome and `id:` clauses, say what was set aside, and a trend opened from a drill-down list
//! uses the population the drill-down came from. The numbers on screen are checked against an
//! independent count of the server's runs.

use crate::common;

use std::collections::HashMap;

use crate::common::render::text as screen;
use common::drive::Driven;
use common::rows::{NOW, app};
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use serde_json::Value;
use tofui::app::{App, Effect, Msg};
use tofui::worker::{Fetch, ListRequest, Slot, WorkerRequest};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// The analysis request among `fx`.
fn analysis_request(fx: &[Effect]) -> Option<(u64, ListRequest)> {
    fx.iter().find_map(|e| match e {
        Effect::Send(WorkerRequest::Fetch {
            id,
            slot: Slot::Population,
            fetch: Fetch::Population { req, .. } | Fetch::Trend { req, .. },
        }) => Some((*id, (**req).clone())),
        _ => None,
    })
}

/// The runs an insight pane opened with `pane_key` over a list filtered by `line` asks for.
fn population_of(line: &str, pane_key: char) -> (String, App) {
    let mut a = app(120, 30);
    a.start();
    a.runs.list.query = tofui::query::parse(line).expect("query");
    let (_, req) = analysis_request(&a.update(key(pane_key), NOW)).expect("the pane loads");
    (req.query.to_line(), a)
}

const BASES: [&str; 6] = [
    "",
    "station:\"Line 2 FCT\"",
    "proc:\"PCB Functional Test\" batch:B12",
    "meta.fixture=FX-12",
    "part:PCB-MAIN rev:A",
    "started>2026-11-01",
];
const OUTCOMES: [&str; 5] = ["pass", "fail", "error", "timeout", "aborted"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// An outcome clause (and an `id:` clause) added to the view's filter does not change
    /// the runs the yield and Pareto compute over, so none of their statistics change.
    #[test]
    fn an_outcome_clause_does_not_change_the_population(
        base in 0..BASES.len(),
        outcomes in proptest::sample::subsequence(OUTCOMES.to_vec(), 1..=3),
        ids in proptest::collection::vec("[a-f0-9]{8}", 0..3),
        pane in prop_oneof![Just('%'), Just('P')],
    ) {
        let (plain, _) = population_of(BASES[base], pane);
        let mut line = format!("{} outcome:{}", BASES[base], outcomes.join(","));
        if !ids.is_empty() {
            line.push_str(&format!(" id:{}", ids.join(",")));
        }
        let (with, a) = population_of(&line, pane);
        prop_assert_eq!(&with, &plain);
        let l = match pane {
            '%' => &a.yields().expect("yield").load,
            _ => &a.pareto().expect("pareto").load,
        };
        let note = l.note.clone().unwrap_or_default();
        let aside = if ids.is_empty() { "outcome set aside" } else { "outcome and id: set aside" };
        prop_assert!(note.starts_with(aside), "{}", note);
    }
}

async fn server(runs: usize) -> TestServer {
    TestServer::seeded(runs, 11).await
}

/// (units, runs, first passes, final passes) by hand from every run's JSON: production runs
/// with a PASS, FAIL, ERROR or TIMEOUT outcome, attempts per (serial, procedure) in start order.
async fn yield_by_hand(s: &TestServer) -> (u32, u32, u32, u32) {
    let mut runs: Vec<Value> = Vec::new();
    loop {
        let (_, page) = s.get(&format!("/runs?limit=100&cursor={}", runs.len())).await;
        runs.extend(page["data"].as_array().expect("data").iter().cloned());
        if !page["meta"]["has_more"].as_bool().unwrap_or(false) {
            break;
        }
    }
    // (serial, procedure) → [(started_at, id, outcome)]
    type Attempts = Vec<(String, String, String)>;
    let mut pairs: HashMap<(String, String), Attempts> = HashMap::new();
    for r in &runs {
        let outcome = r["outcome"].as_str().unwrap_or("");
        if !matches!(outcome, "PASS" | "FAIL" | "ERROR" | "TIMEOUT")
            || !r["unit"]["sample"].is_null()
        {
            continue;
        }
        let pair = (
            r["unit"]["serial_number"].as_str().expect("serial").to_string(),
            r["procedure"]["id"].as_str().expect("procedure").to_string(),
        );
        let at = r["started_at"].as_str().unwrap_or("").to_string();
        let id = r["id"].as_str().expect("id").to_string();
        pairs.entry(pair).or_default().push((at, id, outcome.to_string()));
    }
    let mut c = (0, 0, 0, 0);
    for attempts in pairs.values_mut() {
        attempts.sort();
        c.0 += 1;
        c.1 += attempts.len() as u32;
        c.2 += u32::from(attempts[0].2 == "PASS");
        c.3 += u32::from(attempts[attempts.len() - 1].2 == "PASS");
    }
    c
}

fn pct(a: u32, b: u32) -> String {
    format!("{:.1}%", f64::from(a) * 100.0 / f64::from(b))
}

/// `%` from the Failures view: the yield of every run, not 0 %, and the header says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yield_from_a_failures_view_counts_the_passing_runs_too() {
    let s = server(400).await;
    let total = yield_by_hand(&s).await;
    let mut d = Driven::start(&s, 120, 30);
    d.until("the list", |a| a.list().loaded).await;
    d.filter("outcome:fail,error,timeout").await;
    d.keys("%");
    d.until("the yield", |a| a.yields().is_some_and(|y| !y.loading())).await;
    let screen = d.screen();
    let c = d.app.yields().expect("pane").report.total.count;
    assert_eq!((c.units, c.runs, c.first_pass, c.final_pass), total, "{screen}");
    let want = format!(
        "{} runs · first-pass {} · final {}",
        tofui::ui::format::count(total.1 as usize),
        pct(total.2, total.0),
        pct(total.3, total.0)
    );
    assert!(screen.contains(&want), "want {want}\n{screen}");
    assert!(
        screen.contains("all runs · outcome set aside: yield needs the passing runs"),
        "{screen}"
    );
}

/// A trend opened from the list of a trend's failed values (a drill-down) is computed over the
/// runs the drill-down came from, every value, not over the failing ones; the header says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trend_from_a_drill_down_uses_the_drill_downs_source() {
    let s = crate::common::insight::demo().await;
    let loaded = |a: &App| a.trend().is_some_and(|t| !t.loading());
    let mut d = Driven::start(&s, 160, 48);
    d.until("the list", |a| a.list().loaded).await;
    d.filter("meta.fixture=FX-12").await;
    d.open_on_measurement("rail_3v3").await;
    d.keys("t");
    d.until("the trend", loaded).await;
    let whole = d.app.trend().expect("trend").stats.clone();
    assert!(whole.failures > 3 && whole.n > whole.failures * 2, "{whole:?}");
    // enter: the runs of the failed values; one opened, its rail_3v3, t.
    d.key(KeyCode::Enter);
    d.until("the drilled list", |a| a.list().loaded && !a.list().is_loading()).await;
    assert!(d.app.list().query.to_line().contains("id:"));
    d.open_on_measurement("rail_3v3").await;
    d.keys("t");
    d.until("the trend again", loaded).await;
    let screen = d.screen();
    let again = &d.app.trend().expect("trend").stats;
    assert_eq!((again.n, again.failures), (whole.n, whole.failures), "{screen}");
    assert_eq!(again.cpk, whole.cpk);
    assert!(screen.contains("meta.fixture=FX-12 · the drill-down's source"), "{screen}");
}

/// The window keys (`1` `7` `3` `9` days, `0` the filter's own) load the population again over
/// that window without editing the view's filter; the header, the footer and `?` say so.
#[test]
fn window_keys_change_the_window_without_editing_the_filter() {
    for pane in ['%', 'P'] {
        let line = "station:\"Line 2 FCT\" outcome:fail";
        let (first, mut a) = population_of(line, pane);
        assert_eq!(first, "station:\"Line 2 FCT\"");
        let hint = if pane == '%' { "7 last 7 days" } else { "1 7 3 9 0: window" };
        assert!(screen(&a).contains(hint), "the footer\n{}", screen(&a));
        for (k, days, heading) in [('7', 7, "last 7 days"), ('3', 30, "last 30 days")] {
            let (_, req) = analysis_request(&a.update(key(k), NOW)).expect("loads again");
            let day = 86_400_000;
            assert_eq!(req.query.started.min, Some(tofui::query::TimeSpec::Ago(days * day)));
            assert_eq!(req.query.stations, ["Line 2 FCT"]);
            assert!(req.query.outcomes.is_empty());
            let s = screen(&a);
            assert!(
                s.contains(&format!("station:\"Line 2 FCT\" · {heading} · outcome set aside")),
                "{s}"
            );
        }
        assert_eq!(a.runs.list.query.to_line(), tofui::query::parse(line).unwrap().to_line());
        let (_, req) = analysis_request(&a.update(key('0'), NOW)).expect("loads again");
        assert_eq!(req.query.started.min, None);
        a.update(key('?'), NOW);
        let help = screen(&a);
        assert!(help.contains("last 90 days") && help.contains("the filter's window"), "{help}");
    }
}
