//! Measurement statistics: limits from validators, mean/σ/Cp/Cpk against textbook examples,
//! near-limit counts, non-numeric rows, retries, the histogram, series by station.

use serde_json::json;
use tofui::analysis::*;
use tofui::api::crossrun::MeasurementRow;
use tofui::api::{MeasurementType, Validator};

use crate::support::*;

fn limits(v: Vec<Validator>) -> ParsedLimits {
    limits_from_validators(&v)
}

#[test]
fn limits_from_each_operator() {
    let l = |lower, upper| Limits { lower, upper };
    assert_eq!(limits(vec![validator(">=", json!(3.2))]).limits, l(Some(3.2), None));
    assert_eq!(limits(vec![validator(">", json!(3))]).limits, l(Some(3.0), None));
    assert_eq!(limits(vec![validator("<", json!(55))]).limits, l(None, Some(55.0)));
    assert_eq!(limits(vec![validator("<=", json!(55.5))]).limits, l(None, Some(55.5)));
    assert_eq!(
        limits(vec![validator("range", json!([17.5, 16.5]))]).limits,
        l(Some(16.5), Some(17.5))
    );
    assert_eq!(limits(vec![validator("==", json!(4))]).limits, l(Some(4.0), Some(4.0)));
    // Several: the tightest of each side.
    let p = limits(vec![
        validator(">=", json!(3.0)),
        validator(">=", json!(3.1)),
        validator("<=", json!(3.5)),
        validator("range", json!([2.0, 3.4])),
    ]);
    assert_eq!(p, ParsedLimits { limits: l(Some(3.1), Some(3.4)), ignored: 0 });
    // Not limits: a non-decisive band, `in`, `!=`, a regex, a string, an expression, a bad range.
    let mut warn = validator("<=", json!(3.35));
    warn.is_decisive = Some(false);
    let expr =
        Validator { expression: "x > 2".into(), is_expression_only: true, ..Default::default() };
    let p = limits(vec![
        warn,
        validator("in", json!([1, 2])),
        validator("!=", json!(0)),
        validator("matches", json!("^ok")),
        validator(">=", json!("3.2")),
        expr,
        validator("range", json!([1])),
        validator(">=", json!(1.0)),
    ]);
    assert_eq!(p, ParsedLimits { limits: l(Some(1.0), None), ignored: 7 });
}

#[test]
fn cp_cpk_match_the_nist_handbook_example() {
    // NIST/SEMATECH e-Handbook of Statistical Methods, §6.1.6 "What is Process Capability?":
    // USL = 20, LSL = 8, μ = 16, σ = 2 give Cp = (20 − 8)/(6·2) = 1.0,
    // Cpu = (20 − 16)/(3·2) = 0.6667, Cpl = (16 − 8)/(3·2) = 1.3333, Cpk = 0.6667.
    // 14, 16, 18 have mean 16 and sample standard deviation exactly 2.
    let mut f = Facts::new(0);
    let mut s = MeasurementSeries::new(Some("Power".into()), "x");
    let rows: Vec<_> = [14.0, 16.0, 18.0]
        .iter()
        .enumerate()
        .map(|(i, v)| {
            value_row(&format!("m{i}"), &format!("r{i}"), "x", T0 + i as i64 * MIN, *v, 8.0, 20.0)
        })
        .collect();
    s.add_rows(&mut f, &rows);
    let st = s.stats(&TrendOptions::default());
    assert_eq!(st.n, 3);
    assert_close(st.mean.unwrap(), 16.0);
    assert_close(st.std_dev.unwrap(), 2.0);
    assert_close(st.cp.unwrap(), 1.0);
    assert_close(st.cpk.unwrap(), 2.0 / 3.0);
    assert_eq!(st.capability, Capability::Full);
    assert_eq!(st.limits, Limits { lower: Some(8.0), upper: Some(20.0) });
    assert_eq!((st.min, st.max), (Some(14.0), Some(18.0)));
    let lines = st.sigma_lines().unwrap();
    assert_close(lines[0], 10.0);
    assert_close(lines[2], 22.0);
}

#[test]
fn cp_cpk_off_centre_one_sided_and_undefined() {
    // An off-centre process (a common textbook exercise): μ = 130, σ = 8, LSL = 100, USL = 150:
    // Cp = 50/48, Cpk = min(20, 30)/24.
    let lim = Limits { lower: Some(100.0), upper: Some(150.0) };
    let (cp, cpk, c) = capability(3, 130.0, 8.0, &lim);
    assert_close(cp.unwrap(), 50.0 / 48.0);
    assert_close(cpk.unwrap(), 20.0 / 24.0);
    assert_eq!(c, Capability::Full);
    // One limit: Cpk from that side; Cp undefined.
    let (cp, cpk, c) = capability(3, 130.0, 8.0, &Limits { lower: None, upper: Some(150.0) });
    assert_eq!((cp, c), (None, Capability::OneSided));
    assert_close(cpk.unwrap(), 20.0 / 24.0);
    let (_, cpk, _) = capability(3, 130.0, 8.0, &Limits { lower: Some(100.0), upper: None });
    assert_close(cpk.unwrap(), 30.0 / 24.0);
    // A mean outside the limits gives a negative Cpk.
    assert!(capability(3, 160.0, 8.0, &lim).1.unwrap() < 0.0);
    assert_eq!(capability(3, 1.0, 1.0, &Limits::default()), (None, None, Capability::NoLimits));
    assert_eq!(capability(1, 130.0, 0.0, &lim), (None, None, Capability::TooFewValues));
    assert_eq!(capability(5, 130.0, 0.0, &lim), (None, None, Capability::NoSpread));
}

#[test]
fn mean_and_sd_keep_their_digits_far_from_zero() {
    let (n, m, s) = mean_sd([2400.001, 2400.002, 2400.003].into_iter());
    assert_eq!(n, 3);
    assert!((m.unwrap() - 2400.002).abs() < 1e-9);
    assert!((s.unwrap() - 0.001).abs() < 1e-9);
    assert_eq!(mean_sd(std::iter::once(5.0)), (1, Some(5.0), None));
    assert_eq!(mean_sd(std::iter::empty()), (0, None, None));
}

fn series(rows: &[MeasurementRow]) -> (Facts, MeasurementSeries) {
    let mut f = Facts::new(0);
    let mut s = MeasurementSeries::new(None, "x");
    s.add_rows(&mut f, rows);
    (f, s)
}

#[test]
fn near_limit_failures_and_out_of_limits() {
    // Window [0, 10]: within 1 of a limit counts; a value outside does not.
    let vals = [0.5, 1.0, 5.0, 9.5, 11.0, -0.1, 8.99];
    let rows: Vec<_> = vals
        .iter()
        .enumerate()
        .map(|(i, v)| value_row(&format!("m{i}"), "r", "x", T0 + i as i64, *v, 0.0, 10.0))
        .collect();
    let (_, s) = series(&rows);
    let st = s.stats(&TrendOptions::default());
    assert_eq!(st.near_limit, Some(3)); // 0.5, 1.0, 9.5
    assert_eq!((st.failures, st.out_of_limits), (2, 2));
    // One limit: no window to measure 10 % of.
    let one = MeasurementRow {
        validators: Some(vec![validator("<=", json!(10))]),
        ..value_row("m9", "r", "x", T0 + 100, 9.9, 0.0, 10.0)
    };
    let (_, s) = series(&[one]);
    assert_eq!(s.stats(&TrendOptions::default()).near_limit, None);
}

#[test]
fn non_numeric_rows_retries_and_repeats() {
    let mut rows = vec![
        value_row("a", "r1", "x", T0, 1.0, 0.0, 10.0),
        value_row("b", "r2", "x", T0 + 1, 3.0, 0.0, 10.0),
        MeasurementRow {
            value: None,
            bool_value: Some(true),
            measurement_type: Some(MeasurementType::Boolean),
            ..value_row("c", "r3", "x", T0 + 2, 0.0, 0.0, 10.0)
        },
        MeasurementRow {
            value: Some(f64::NAN),
            ..value_row("d", "r4", "x", T0 + 3, 0.0, 0.0, 10.0)
        },
        MeasurementRow {
            is_final_attempt: false,
            ..value_row("e", "r5", "x", T0 + 4, 9.0, 0.0, 10.0)
        },
        value_row("f", "r6", "other", T0 + 5, 100.0, 0.0, 10.0),
    ];
    // Page repeated: its rows replace themselves.
    rows.push(value_row("b", "r2", "x", T0 + 1, 3.0, 0.0, 10.0));
    let (_, s) = series(&rows);
    assert_eq!(s.skipped_rows, 1);
    let st = s.stats(&TrendOptions::default());
    assert_eq!((st.n, st.non_numeric), (2, 2));
    assert_close(st.mean.unwrap(), 2.0);
    let st = s.stats(&TrendOptions { include_retries: true });
    assert_eq!(st.n, 3);
    assert_close(st.mean.unwrap(), 13.0 / 3.0);
}

#[test]
fn current_limits_are_the_newest_and_a_change_is_flagged() {
    let (_, s) = series(&[
        value_row("new", "r2", "x", T0 + 10, 3.3, 3.2, 3.4),
        value_row("old", "r1", "x", T0, 3.3, 3.0, 3.6),
    ]);
    let st = s.stats(&TrendOptions::default());
    assert_eq!(st.limits, Limits { lower: Some(3.2), upper: Some(3.4) });
    assert!(st.limits_vary);
    let (_, s) = series(&[value_row("a", "r1", "x", T0, 3.3, 3.2, 3.4)]);
    assert!(!s.stats(&TrendOptions::default()).limits_vary);
}

#[test]
fn histogram_bins_by_freedman_diaconis_on_round_edges() {
    // 1..=100: IQR 49.5 (type 7), width 2·49.5/100^(1/3) = 21.3 → 50.
    let values: Vec<(f64, bool)> = (1..=100).map(|i| (f64::from(i), i > 95)).collect();
    let lim = Limits { lower: Some(0.0), upper: Some(95.0) };
    let h = Histogram::build(&values, &lim, 40).unwrap();
    assert_eq!((h.start, h.width), (0.0, 50.0));
    assert_eq!(h.counts, [49, 50, 1]);
    assert_eq!(h.failing, [0, 4, 1]);
    assert!(h.lower_on_scale && h.upper_on_scale);
    // Capped at 2 bins: the next 1-2-5 step up.
    let h = Histogram::build(&values, &lim, 2).unwrap();
    assert_eq!((h.start, h.width, h.counts.clone()), (0.0, 100.0, vec![99, 1]));
    assert_eq!(h.counts.iter().sum::<u32>(), 100);
}

#[test]
fn histogram_reaches_out_to_a_near_limit_only() {
    // Values 3.28..3.32; LSL 3.2 is two spans away: in range; USL 10 is far: off scale.
    let values: Vec<(f64, bool)> = (0..=4).map(|i| (3.28 + f64::from(i) * 0.01, false)).collect();
    let h = Histogram::build(&values, &Limits { lower: Some(3.2), upper: Some(10.0) }, 50).unwrap();
    assert!(h.start <= 3.2 && h.lower_on_scale);
    assert!(!h.upper_on_scale && h.end() < 4.0);
    assert_eq!(h.counts.iter().sum::<u32>(), 5);
    // One value repeated: one narrow bin around it.
    let h = Histogram::build(&[(5.0, false); 3], &Limits::default(), 50).unwrap();
    assert_eq!(h.counts.iter().sum::<u32>(), 3);
    assert!(h.start <= 5.0 && h.end() >= 5.0);
    assert!(Histogram::build(&[], &Limits::default(), 50).is_none());
}

#[test]
fn quantiles_interpolate_like_r_type_7() {
    let mut xs = [4.0, 1.0, 3.0, 2.0];
    assert_close(quantile(&mut xs, 0.25), 1.75);
    assert_close(quantile(&mut xs, 0.5), 2.5);
    assert_close(quantile(&mut xs, 1.0), 4.0);
}

#[test]
fn series_by_station_with_drift() {
    let mut f = Facts::new(0);
    f.add_runs(&[
        run("a1", "U1", "PASS", 0).station("A").build(),
        run("a2", "U2", "PASS", 0).station("A").build(),
        run("a3", "U3", "FAIL", 0).station("A").build(),
        run("b1", "U4", "PASS", 0).station("B").build(),
    ]);
    let mut s = MeasurementSeries::new(None, "x");
    s.add_rows(
        &mut f,
        &[
            // A drifts down 0.05 per day.
            value_row("1", "a1", "x", T0, 3.30, 3.2, 3.4),
            value_row("2", "a2", "x", T0 + DAY, 3.25, 3.2, 3.4),
            value_row("3", "a3", "x", T0 + 2 * DAY, 3.15, 3.2, 3.4),
            value_row("4", "b1", "x", T0 + DAY, 3.30, 3.2, 3.4),
            value_row("5", "c1", "x", T0 + DAY, 3.31, 3.2, 3.4),
        ],
    );
    let g = point_groups(&s, &f, &TrendOptions::default(), Some(Dim::Station), 8);
    let names: Vec<_> = g.iter().map(|g| (g.label.as_str(), g.n, g.failures)).collect();
    assert_eq!(names, [("A", 3, 1), ("(run not loaded)", 1, 0), ("B", 1, 0)]);
    assert_close(g[0].slope_per_day.unwrap(), -0.075);
    assert_eq!(g[0].failing, [((T0 + 2 * DAY) as f64, 3.15)]);
    assert_eq!(g[0].points[0], (T0 as f64, 3.30));
    assert_eq!(g[2].slope_per_day, None);
    // Two series at most: the largest and "other".
    let g = point_groups(&s, &f, &TrendOptions::default(), Some(Dim::Station), 2);
    let names: Vec<_> = g.iter().map(|g| (g.label.as_str(), g.code.is_some(), g.n)).collect();
    assert_eq!(names, [("A", true, 3), ("other", false, 2)]);
    let all = point_groups(&s, &f, &TrendOptions::default(), None, 8);
    assert_eq!((all.len(), all[0].n), (1, 5));
    assert_close(slope(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]).unwrap(), 2.0);
}

/// A limit on a bin's edge marks that bin however the edge's sum rounds (3.2 + 0.2 is a hair
/// above 3.4), and a limit on the last bin's end marks the last bin.
#[test]
fn a_limit_on_a_bin_edge_marks_its_bin() {
    let h = Histogram {
        start: 3.2,
        width: 0.2,
        counts: vec![3, 1, 1],
        failing: vec![0; 3],
        limits: Limits { lower: Some(3.2), upper: Some(3.4) },
        lower_on_scale: true,
        upper_on_scale: true,
    };
    let edge = h.start + h.width;
    assert!(edge > 3.4, "the sum that hid the mark: {edge}");
    assert_eq!((h.limit_bin(h.limits.lower), h.limit_bin(h.limits.upper)), (Some(0), Some(1)));
    assert_eq!(h.limit_bin(Some(3.8)), Some(2));
    assert_eq!((h.limit_bin(Some(3.1)), h.limit_bin(Some(3.9))), (None, None));
}
