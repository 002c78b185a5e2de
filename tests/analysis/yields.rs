//! Yield by TofuPilot's rules on a dataset where every count is known.

use serde_json::json;
use tofui::analysis::*;

use crate::support::*;

/// Procedure P on stations A and B (fixtures F1, F2), one unit also on procedure Q.
///
/// | pair  | counted runs (in order)        | first | last | first station |
/// |-------|--------------------------------|-------|------|---------------|
/// | U1·P  | PASS(A)                        | pass  | pass | A             |
/// | U2·P  | FAIL(A), PASS(B)               | fail  | pass | A             |
/// | U3·P  | ERROR(B), FAIL(B)              | fail  | fail | B             |
/// | U4·P  | (ABORTED(A)), PASS(B)          | pass  | pass | B             |
/// | U5·P  | TIMEOUT(A)                     | fail  | fail | A             |
/// | U1·Q  | FAIL(A), PASS(A)               | fail  | pass | A             |
///
/// Not counted: U4's ABORTED run, golden/failing/ignored units' runs, a run with no outcome.
pub fn dataset() -> Vec<tofui::api::RunSummary> {
    vec![
        run("r01", "U1", "PASS", 10).fixture("F1").build(),
        run("r02", "U2", "FAIL", 20).fixture("F1").build(),
        run("r03", "U2", "PASS", 60 * 24 + 5).station("B").fixture("F2").build(),
        run("r04", "U3", "ERROR", 30).station("B").fixture("F2").build(),
        run("r05", "U3", "FAIL", 40).station("B").fixture("F2").build(),
        run("r06", "U4", "ABORTED", 50).fixture("F1").build(),
        run("r07", "U4", "PASS", 60 * 24 + 10).station("B").fixture("F2").build(),
        run("r08", "U5", "TIMEOUT", 60 * 24 * 2 + 1).fixture("F1").build(),
        run("r09", "U1", "FAIL", 60 * 24 + 30).procedure("Q").fixture("F2").build(),
        run("r10", "U1", "PASS", 60 * 24 + 40).procedure("Q").fixture("F1").build(),
        run("r11", "G1", "FAIL", 15).sample("golden").build(),
        run("r12", "F1", "PASS", 16).sample("failing").build(),
        run("r13", "I1", "FAIL", 17).sample("ignored").build(),
        run("r14", "U6", "RUNNING", 18).build(),
    ]
}

fn facts() -> Facts {
    let mut f = Facts::new(0);
    f.add_runs(&dataset());
    f
}

#[test]
fn totals_follow_the_rules() {
    let r = yield_report(&facts(), &YieldOptions::default());
    let c = r.total.count;
    assert_eq!((c.units, c.runs, c.first_pass, c.final_pass), (6, 9, 2, 4));
    assert_close(c.first_pass_yield().unwrap(), 2.0 / 6.0);
    assert_close(c.final_yield().unwrap(), 4.0 / 6.0);
    assert_close(c.retest_load().unwrap(), 1.5);
    assert_eq!(c.failed_first_pass(), 4);
    assert_eq!(r.distinct_units, 5);
    assert_eq!(r.not_counted, NotCounted { aborted: 1, samples: 3, no_outcome: 1 });
}

#[test]
fn split_by_station_assigns_a_pair_to_its_first_counted_run_and_adds_up() {
    let f = facts();
    let r = yield_report(&f, &YieldOptions { split: Some(Dim::Station), ..Default::default() });
    let rows: Vec<_> = r.rows.iter().map(|r| (r.label.as_str(), r.count)).collect();
    assert_eq!(
        rows,
        vec![
            ("A", YieldCount { units: 4, runs: 6, first_pass: 1, final_pass: 3 }),
            // U4's ABORTED run on A does not count: its first counted run is on B.
            ("B", YieldCount { units: 2, runs: 3, first_pass: 1, final_pass: 1 }),
        ]
    );
    let sum = r.rows.iter().fold(YieldCount::default(), |mut s, r| {
        s.units += r.count.units;
        s.runs += r.count.runs;
        s.first_pass += r.count.first_pass;
        s.final_pass += r.count.final_pass;
        s
    });
    assert_eq!(sum, r.total.count);
}

#[test]
fn split_by_a_metadata_key_and_costliest_first() {
    let f = facts();
    let fixture = f.metadata_dim("fixture").unwrap();
    let r = yield_report(&f, &YieldOptions { split: Some(fixture), ..Default::default() });
    // F1: U1·P (pass), U2·P (fail first), U5·P (fail); F2: U3·P (fail), U1·Q (first run r09 on
    // F2: fail), U4·P (first counted r07 on F2: pass).
    let rows: Vec<_> = r
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.count.units, r.count.failed_first_pass()))
        .collect();
    // Equal failed first passes (2 each) and equal units: by label.
    assert_eq!(rows, vec![("F1", 3, 2), ("F2", 3, 2)]);
    // Golden, failing, ignored and no-outcome runs carry no fixture: no "(none)" row.
    assert!(r.rows.iter().all(|r| r.label != "(none)"));
}

#[test]
fn rows_sort_by_failed_first_passes_then_units() {
    let mut f = Facts::new(0);
    f.add_runs(&[
        run("a1", "U1", "FAIL", 1).station("Few").build(),
        run("b1", "U2", "PASS", 1).station("Many").build(),
        run("b2", "U3", "PASS", 2).station("Many").build(),
        run("b3", "U4", "FAIL", 3).station("Many").build(),
        run("c1", "U5", "FAIL", 3).station("Bad").build(),
        run("c2", "U6", "FAIL", 4).station("Bad").build(),
    ]);
    let r = yield_report(&f, &YieldOptions { split: Some(Dim::Station), ..Default::default() });
    let labels: Vec<_> = r.rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["Bad", "Many", "Few"]);
}

#[test]
fn attempts_are_ordered_by_start_then_run_id() {
    let mut f = Facts::new(0);
    // Same start: "x-a" comes before "x-b", so the first attempt is the FAIL.
    f.add_runs(&[run("x-b", "U1", "PASS", 5).build(), run("x-a", "U1", "FAIL", 5).build()]);
    let c = yield_report(&f, &YieldOptions::default()).total.count;
    assert_eq!((c.first_pass, c.final_pass), (0, 1));
    // A later-arriving earlier run becomes the first attempt.
    f.add_runs(&[run("x-0", "U1", "PASS", 1).build()]);
    let c = yield_report(&f, &YieldOptions::default()).total.count;
    assert_eq!((c.units, c.runs, c.first_pass, c.final_pass), (1, 3, 1, 1));
}

#[test]
fn daily_series_and_throughput() {
    let f = facts();
    let r =
        yield_report(&f, &YieldOptions { window: Some((T0, T0 + 3 * DAY)), ..Default::default() });
    assert_eq!(r.buckets.size, BucketSize::Day);
    assert_eq!((r.buckets.start_ms, r.buckets.count), (T0, 4));
    // Day 0: U1·P pass, U2·P fail, U3·P fail. Day 1: U4·P (first counted run r07) pass, U1·Q
    // fail. Day 2: U5·P fail.
    let units: Vec<_> = r.total.series.iter().map(|c| (c.units, c.first_pass)).collect();
    assert_eq!(units, [(3, 1), (2, 1), (1, 0), (0, 0)]);
    let fpy = r.total.first_pass_series();
    assert_close(fpy[0].unwrap(), 1.0 / 3.0);
    assert_eq!(fpy[3], None);
    // 5 distinct units over 3 days.
    assert_close(r.units_per_day(), 5.0 / 3.0);
    assert_close(r.units_per_hour(), 5.0 / 72.0);
}

#[test]
fn short_windows_bucket_by_hour_in_local_time() {
    let mut f = Facts::new(120); // UTC+2
    f.add_runs(&[
        run("a", "U1", "PASS", 0).build(),      // 02:00 local
        run("b", "U2", "FAIL", 59).build(),     // 02:59
        run("c", "U3", "PASS", 61).build(),     // 03:01
        run("d", "U4", "PASS", 5 * 60).build(), // 07:00
    ]);
    let r = yield_report(&f, &YieldOptions::default());
    assert_eq!(r.buckets.size, BucketSize::Hour);
    assert_eq!((r.buckets.start_ms, r.buckets.count), (T0, 6));
    let units: Vec<_> = r.total.series.iter().map(|c| c.units).collect();
    assert_eq!(units, [2, 1, 0, 0, 0, 1]);
    // Days start at local midnight: 22:00 UTC the day before.
    let b = Buckets::covering(T0 + HOUR, T0 + 5 * DAY, None, 2 * HOUR);
    assert_eq!((b.size, b.start_ms), (BucketSize::Day, T0 - 2 * HOUR));
    assert_eq!(b.index(T0 + 22 * HOUR), Some(1));
    // Weeks start on a local Monday.
    let w = Buckets::covering(T0 + 3 * DAY, T0 + 400 * DAY, None, 0);
    assert_eq!((w.size, w.start_ms), (BucketSize::Week, T0));
}

#[test]
fn split_by_hour_of_day_uses_the_offset() {
    let mut f = Facts::new(-60); // UTC-1
    f.add_runs(&[
        run("a", "U1", "FAIL", 30).build(), // 23:30 local
        run("b", "U2", "PASS", 90).build(), // 00:30 local
    ]);
    let r = yield_report(&f, &YieldOptions { split: Some(Dim::HourOfDay), ..Default::default() });
    let rows: Vec<_> = r.rows.iter().map(|r| (r.label.as_str(), r.count.units)).collect();
    assert_eq!(rows, [("23h", 1), ("00h", 1)]);
}

#[test]
fn nothing_counted_is_an_empty_report() {
    let mut f = Facts::new(0);
    f.add_runs(&[run("a", "G", "PASS", 1).sample("golden").build()]);
    let r = yield_report(&f, &YieldOptions { split: Some(Dim::Station), ..Default::default() });
    assert_eq!(r.total.count, YieldCount::default());
    assert_eq!(r.total.count.first_pass_yield(), None);
    assert!(r.rows.is_empty());
    assert_eq!(r.buckets.count, 0);
    assert_eq!(r.not_counted.samples, 1);
}

#[test]
fn a_metadata_split_shows_runs_without_the_key_as_none() {
    let mut f = Facts::new(0);
    f.add_runs(&[
        run("a", "U1", "PASS", 1).meta("shift", json!("night")).build(),
        run("b", "U2", "FAIL", 2).build(),
    ]);
    let shift = f.metadata_dim("shift").unwrap();
    let r = yield_report(&f, &YieldOptions { split: Some(shift), ..Default::default() });
    let rows: Vec<_> = r.rows.iter().map(|r| (r.label.as_str(), r.count.units)).collect();
    assert_eq!(rows, [("(none)", 1), ("night", 1)]);
}
