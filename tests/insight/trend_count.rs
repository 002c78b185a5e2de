//! The trend's n is the server's count (issue 25): on runs built for it — a value at the
//! window's first instant, 150 values at one instant (more than a page holds), retried phases,
//! and the newest run measured two minutes after it started — the trend counts exactly the
//! final values `/v2/measurements` lists for the procedure, phase and measurement, and a
//! boolean measurement's failures are counted.

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::drive::Driven;
use common::rows::NOW;
use common::*;
use serde_json::json;
use tofui::app::App;

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// 250 runs of procedure Rail: (run start, phase start) chosen for the edges of paging.
async fn built() -> TestServer {
    let s = TestServer::start().await;
    let proc_id = s.sdk.procedures().create().name("Rail").send().await.expect("procedure").id;
    let t0 = Utc.timestamp_millis_opt(NOW).single().expect("now") - Duration::days(2);
    for i in 0..250i64 {
        let (start, phase) = match i {
            // The window's first instant: measured as the run starts.
            0 => (t0, t0),
            // 150 values at one instant.
            1..=150 => (t0 + Duration::seconds(i), t0 + Duration::minutes(10)),
            // The newest run: measured two minutes after its start.
            249 => {
                let st = t0 + Duration::minutes(60);
                (st, st + Duration::minutes(2))
            }
            _ => {
                let st = t0 + Duration::minutes(20) + Duration::seconds(i * 10);
                (st, st + Duration::seconds(2))
            }
        };
        let value = if i % 17 == 3 { 3.1 } else { 3.3 + (i % 7) as f64 / 1000.0 };
        let meas = |v: f64, flag: bool| {
            json!([
                {"name": "v", "outcome": if (3.2..=3.4).contains(&v) {"PASS"} else {"FAIL"},
                 "measured_value": v, "units": "V",
                 "validators": [{"operator": ">=", "expected_value": 3.2},
                                {"operator": "<=", "expected_value": 3.4}]},
                {"name": "flag", "outcome": if flag {"PASS"} else {"FAIL"}, "measured_value": flag}
            ])
        };
        let flag = i % 10 != 5;
        let mut phases = vec![
            json!({"name": "Power", "outcome": if value < 3.2 || !flag {"FAIL"} else {"PASS"},
            "started_at": at(phase), "ended_at": at(phase + Duration::seconds(1)),
            "retry_count": i64::from(i % 25 == 9), "measurements": meas(value, flag)}),
        ];
        if i % 25 == 9 {
            // A failed attempt a retry passed: not a final value.
            phases.insert(0, json!({"name": "Power", "outcome": "FAIL", "retry_count": 0,
                "started_at": at(phase - Duration::milliseconds(500)),
                "ended_at": at(phase - Duration::milliseconds(200)), "measurements": meas(2.9, false)}));
        }
        let outcome = if value < 3.2 || !flag { "FAIL" } else { "PASS" };
        let body = json!({"outcome": outcome, "procedure_id": proc_id, "started_at": at(start),
            "ended_at": at(phase + Duration::seconds(30)), "serial_number": format!("SN-{i:04}"),
            "part_number": "PCB", "phases": phases});
        let (status, answer) =
            s.call(reqwest::Method::POST, "/runs", Some(&body.to_string())).await;
        assert!(status < 300, "{status}: {answer}");
    }
    s
}

/// What `/v2/measurements` lists of `name` (final attempts), and how many of them failed.
async fn server_count(s: &TestServer, name: &str) -> (u32, u32) {
    let (_, procs) = s.get("/procedures?limit=100").await;
    let id =
        procs["data"].as_array().expect("procedures")[0]["id"].as_str().expect("id").to_string();
    let (mut n, mut failed, mut cursor) = (0, 0, 0);
    loop {
        let path = format!(
            "/measurements?procedure_id={id}&measurement_name={name}&phase_names=Power\
             &exclude_retries=true&limit=100&cursor={cursor}"
        );
        let (status, page) = s.get(&path).await;
        assert_eq!(status, 200, "{page}");
        let rows = page["data"].as_array().expect("data");
        n += rows.len() as u32;
        failed += rows
            .iter()
            .filter(|r| r["measurement_outcome"] == "FAIL" || r["outcome"] == "FAIL")
            .count() as u32;
        if !page["meta"]["has_more"].as_bool().unwrap_or(false) {
            return (n, failed);
        }
        cursor = page["meta"]["next_cursor"].as_i64().unwrap_or(cursor + 100);
    }
}

/// `t` on measurement `name` of the first run of procedure Rail.
async fn trend_of(s: &TestServer, name: &str) -> Driven {
    trend_at(s, name, 160, 48).await
}

async fn trend_at(s: &TestServer, name: &str, w: u16, h: u16) -> Driven {
    let mut d = Driven::start(s, w, h);
    d.until("the list", |a| a.list().loaded).await;
    d.filter("proc:Rail").await;
    d.open_on_measurement(name).await;
    d.keys("t");
    d.until("the trend", |a: &App| a.trend().is_some_and(|t| !t.loading())).await;
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trends_n_is_the_servers_count() {
    let s = built().await;
    let (n, failed) = server_count(&s, "v").await;
    assert_eq!(n, 250, "one final value per run");
    let d = trend_of(&s, "v").await;
    let st = &d.app.trend().expect("trend").stats;
    assert_eq!((st.n, st.failures), (n, failed), "{}", d.screen());
    assert!(d.screen().contains(&format!("n {n} ·")), "{}", d.screen());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_boolean_measurements_failures_are_counted() {
    let s = built().await;
    let (n, failed) = server_count(&s, "flag").await;
    assert!(failed > 10, "{failed}");
    let d = trend_of(&s, "flag").await;
    let st = &d.app.trend().expect("trend").stats;
    assert_eq!((st.non_numeric, st.failures), (n, failed));
    let screen = d.screen();
    assert!(screen.contains(&format!("({n} values, {failed} failed)")), "{screen}");
}

/// The final values of `v` as `/v2/measurements` lists them.
async fn server_values(s: &TestServer) -> Vec<f64> {
    let (_, procs) = s.get("/procedures?limit=100").await;
    let id = procs["data"][0]["id"].as_str().expect("id").to_string();
    let mut out = Vec::new();
    loop {
        let path = format!(
            "/measurements?procedure_id={id}&measurement_name=v&exclude_retries=true&limit=100\
             &cursor={}",
            out.len()
        );
        let (_, page) = s.get(&path).await;
        let rows = page["data"].as_array().expect("data");
        out.extend(
            rows.iter()
                .map(|r| r["value"].as_f64().or(r["measured_value"].as_f64()).expect("value")),
        );
        if !page["meta"]["has_more"].as_bool().unwrap_or(false) {
            return out;
        }
    }
}

/// At 80 (under the chart), 120 and 160 columns each series shows its n, mean, σ and drift per
/// day (the README's promise), the numbers those of the server's values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_series_shows_its_mean_sigma_and_drift_when_wide() {
    let s = built().await;
    let xs = server_values(&s).await;
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let sig = |x: f64| tofui::analysis::format_sig(x, 4);
    // At 80 columns the table runs under the chart, across the whole width.
    for (w, h) in [(80, 24), (120, 40), (160, 48)] {
        let d = trend_at(&s, "v", w, h).await;
        let screen = d.screen();
        assert!(screen.contains("drift/day"), "{w}: {screen}");
        let row = screen
            .lines()
            .find(|l| {
                l.contains(" • user ")
                    && l.contains(&format!(" {} ", xs.len()))
                    && l.contains(&sig(mean))
            })
            .unwrap_or_else(|| panic!("{w}: no series row with n and mean\n{screen}"));
        assert!(row.contains(&sig(sd)), "{w}: σ {} in {row}", sig(sd));
        assert!(row.contains(" V"), "{w}: a drift in V/day: {row}");
    }
}
