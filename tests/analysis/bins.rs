//! Numeric metadata binned (issue 25): a key with many numeric values becomes a handful of
//! quantile bins with round edges, tested as one family; revisions are told apart by part.

use proptest::prelude::*;
use serde_json::json;
use tofui::analysis::*;

use crate::support::*;

/// 300 runs of procedure P, temperature 20.0–29.9 °C in tenths (100 values, 3 runs each); runs
/// at 28 °C and above fail one time in two on Power › rail_3v3, the rest one in fifty.
fn hot_runs_fail() -> Facts {
    let mut f = Facts::new(0);
    for i in 0..300i64 {
        let t = 20.0 + (i % 100) as f64 / 10.0;
        let id = format!("r{i:03}");
        let fail = if t >= 28.0 { i % 2 == 0 } else { i % 50 == 7 };
        let r = run(&id, &id, if fail { "FAIL" } else { "PASS" }, i).meta("temperature", json!(t));
        f.add_runs(&[r.build()]);
        if fail {
            f.add_measurements(&[fail_meas(&id, "Power", "rail_3v3", i, 0, true)]);
        }
    }
    f
}

fn is_125(step: f64) -> bool {
    let m = step / 10f64.powf(step.log10().floor());
    [1.0, 2.0, 5.0].iter().any(|x| (m - x).abs() < 1e-9)
}

#[test]
fn a_numeric_key_with_many_values_is_a_few_round_bins() {
    let f = hot_runs_fail();
    let dim = f.metadata_dim("temperature").expect("key");
    let n = f.dim_size(dim) - 1;
    assert!((3..=BINS).contains(&n), "{n} bins");
    let labels: Vec<_> = (1..=n as u32).map(|c| f.value_label(dim, c).into_owned()).collect();
    assert!(labels[0].starts_with("< ") && labels[n - 1].starts_with("≥ "), "{labels:?}");
    // About equal runs per bin, each run in the bin its temperature falls in.
    let mut per_bin = vec![0; n + 1];
    for r in 0..300u32 {
        let code = f.code(r, dim);
        let (lo, hi) = f.meta_range(dim, code).expect("a bin");
        let t = 20.0 + f64::from(r % 100) / 10.0;
        assert!(lo <= t + 1e-9 && t < hi, "{t} in {lo}..{hi}");
        per_bin[code as usize] += 1;
    }
    assert!(per_bin[1..].iter().all(|&k| k >= 30), "{per_bin:?}");
    // The yield splits by bin: one row each.
    let y = yield_report(&f, &YieldOptions { split: Some(dim), ..Default::default() });
    assert_eq!(y.rows.len(), n);
}

/// 100 temperatures with 3 runs each could never be a cause (too few runs each) and flooded
/// the correction; binned, the hot bin is named as the likely cause.
#[test]
fn explain_names_the_hot_bin_as_the_likely_cause() {
    let f = hot_runs_fail();
    let power = f.phase_code("Power").expect("phase");
    let rail = f.measurement_code("rail_3v3").expect("measurement");
    let mode = ModeFilter::Mode(FailureMode::Measurement { phase: power, measurement: rail });
    let x = explain(&f, &mode, &ExplainOptions::default());
    let d = &x.dims[0];
    assert_eq!(d.name, "temperature");
    let best = d.best().expect("a value");
    assert_eq!(best.evidence, Evidence::Strong, "{}", x.sentence(d));
    assert!(best.label.starts_with("≥ 2"), "{}", best.label);
    assert!(x.sentence(d).contains(&format!("from temperature {}", best.label)));
}

/// A key with few numeric values (a shift number), whole numbers that read as names (fixture
/// 1–20) or any text stays as it is; 20 readings of a current are binned.
#[test]
fn few_values_names_or_text_are_not_binned() {
    let mut f = Facts::new(0);
    for i in 0..40i64 {
        let id = format!("r{i}");
        let r = run(&id, &id, "PASS", i)
            .meta("shift", json!(i % 3))
            .meta("fixture", json!(format!("{}", i % 20)))
            .meta("current", json!(0.5 + (i % 20) as f64 / 100.0))
            .meta("lot", json!(if i == 0 { "L-7".to_string() } else { format!("{i}") }));
        f.add_runs(&[r.build()]);
    }
    for (key, values) in [("shift", 3), ("fixture", 20), ("current", 20), ("lot", 40)] {
        let dim = f.metadata_dim(key).expect("key");
        let binned = key == "current";
        assert_eq!(f.meta_range(dim, 1).is_some(), binned, "{key}");
        if !binned {
            assert_eq!(f.dim_size(dim) - 1, values, "{key}");
        }
    }
}

#[test]
fn revisions_are_told_apart_by_part() {
    let mut f = Facts::new(0);
    f.add_runs(&[
        run("a", "U1", "PASS", 0).part("PCB-MAIN").revision("A").build(),
        run("b", "U2", "FAIL", 1).part("RF-FE").revision("A").build(),
        run("c", "U3", "PASS", 2).part("RF-FE").revision("A").build(),
    ]);
    let y = yield_report(&f, &YieldOptions { split: Some(Dim::Revision), ..Default::default() });
    let mut rows: Vec<_> = y.rows.iter().map(|r| (r.label.clone(), r.count.units)).collect();
    rows.sort();
    assert_eq!(rows, [("PCB-MAIN A".to_string(), 1), ("RF-FE A".to_string(), 2)]);
    let code = y.rows.iter().find(|r| r.label == "RF-FE A").and_then(|r| r.code).expect("row");
    assert_eq!(f.part_revision(code), ("RF-FE", "A"));
}

proptest! {
    /// Whatever the values, the edges are increasing multiples of one 1-2-5 step inside the
    /// values, and there are at most BINS − 1 of them.
    #[test]
    fn edges_sit_on_a_1_2_5_grid(
        mut xs in proptest::collection::vec((-1e4f64..1e4, 1u32..20), 11..200),
    ) {
        xs.sort_by(|a, b| a.0.total_cmp(&b.0));
        xs.dedup_by(|a, b| a.0 == b.0);
        let (edges, step) = quantile_edges(&xs);
        prop_assert!(is_125(step), "{}", step);
        prop_assert!(edges.len() < BINS);
        for w in edges.windows(2) {
            prop_assert!(w[0] < w[1]);
        }
        for e in &edges {
            prop_assert!(((e / step).round() * step - e).abs() <= step * 1e-9);
            prop_assert!(*e > xs[0].0 && *e <= xs[xs.len() - 1].0);
        }
    }
}
