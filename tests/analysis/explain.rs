//! Explain a failure mode: a planted cause ranks first, a 1-of-1 fluke never does, and small
//! numbers say so.

use serde_json::json;
use tofui::analysis::*;

use crate::support::*;

const OPS: [&str; 4] = ["ana", "bo", "cy", "di"];

/// 200 runs: fixture FX-(i%4+1), FX-1/FX-2 on station S1 and FX-3/FX-4 on S2; operators,
/// batches and hours spread evenly over the fixtures. `fails(i)` says which runs fail
/// `Power › rail_3v3`.
fn factory(fails: impl Fn(usize) -> bool) -> Facts {
    let mut f = Facts::new(0);
    for i in 0..200usize {
        let id = format!("r{i:03}");
        let fx = i % 4 + 1;
        let outcome = if fails(i) { "FAIL" } else { "PASS" };
        let minute = ((i / 4) % 24) as i64 * 60 + (i / 96) as i64;
        f.add_runs(&[run(&id, &id, outcome, minute)
            .station(if fx <= 2 { "S1" } else { "S2" })
            .fixture(&format!("FX-{fx}"))
            .operator(OPS[(i / 4) % 4])
            .batch(if (i / 8) % 2 == 0 { "B1" } else { "B2" })
            .meta("shift", json!(if (i / 16) % 2 == 0 { "day" } else { "night" }))
            .build()]);
        if fails(i) {
            f.add_measurements(&[fail_meas(&id, "Power", "rail_3v3", minute, 0, true)]);
        }
    }
    f
}

fn rail(f: &Facts) -> ModeFilter {
    let phase = f.phase_code("Power").unwrap();
    let measurement = f.measurement_code("rail_3v3").unwrap();
    ModeFilter::Mode(FailureMode::Measurement { phase, measurement })
}

fn heads(e: &Explanation) -> Vec<(String, String, Evidence)> {
    e.dims
        .iter()
        .map(|d| {
            let b = d.best().unwrap();
            (d.name.clone(), b.label.clone(), b.evidence)
        })
        .collect()
}

/// FX-3 fails 15 of its 50 runs; FX-2 and FX-4 once each; and one extra run by operator
/// `zed` on FX-1, at 20h, fails too: a 1-of-1 fluke with the highest lift of all.
fn planted_fixture() -> Facts {
    let mut f = factory(|i| (i % 4 == 2 && i < 60) || i == 1 || i == 3);
    f.add_runs(&[run("zed-1", "Z1", "FAIL", 20 * 60)
        .station("S1")
        .fixture("FX-1")
        .operator("zed")
        .batch("B1")
        .meta("shift", json!("day"))
        .build()]);
    f.add_measurements(&[fail_meas("zed-1", "Power", "rail_3v3", 20 * 60, 0, true)]);
    f
}

#[test]
fn the_planted_fixture_ranks_first_and_the_fluke_does_not() {
    let f = planted_fixture();
    let e = explain(&f, &rail(&f), &ExplainOptions::default());
    assert_eq!((e.failures, e.tested, e.too_few_failures), (18, 201, false));
    let h = heads(&e);
    assert_eq!(h[0], ("fixture".into(), "FX-3".into(), Evidence::Strong));
    assert_eq!(h[1], ("station".into(), "S2".into(), Evidence::Strong));
    assert!(h[2..].iter().all(|(_, _, ev)| *ev != Evidence::Strong), "{h:?}");

    let fx = &e.dims[0].values[0];
    assert_eq!((fx.failures, fx.tested), (15, 50));
    assert_close(fx.failure_share, 15.0 / 18.0);
    assert_close(fx.tested_share, 50.0 / 201.0);
    assert_close(fx.lift, (15.0 / 18.0) / (50.0 / 201.0));
    assert!(fx.p_adjusted < 1e-4, "{}", fx.p_adjusted);
    assert_eq!(fx.caveat, None);

    // The fluke: the highest lift anywhere, but one run: flagged, and not first.
    let op = e.dims.iter().find(|d| d.dim == Dim::Operator).unwrap();
    let zed = op.best().unwrap();
    assert_eq!((zed.label.as_str(), zed.failures, zed.tested), ("zed", 1, 1));
    assert!(zed.lift > fx.lift);
    assert_eq!((zed.evidence, zed.caveat), (Evidence::Weak, Some(Caveat::TooFewRuns)));
    assert!(e.sentence(op).ends_with("— too few runs to tell"), "{}", e.sentence(op));

    let s = e.sentence(&e.dims[0]);
    assert!(
        s.starts_with(
            "83 % of Power › rail_3v3 failures come from fixture FX-3, which tested 25 % of runs: 3."
        ),
        "{s}"
    );
    assert!(s.ends_with("(15 of 18 failures, 50 of 201 runs)"), "{s}");
}

#[test]
fn lift_alone_would_have_put_the_fluke_first() {
    let f = planted_fixture();
    let e = explain(&f, &rail(&f), &ExplainOptions::default());
    let max_lift = e
        .dims
        .iter()
        .flat_map(|d| d.values.iter().map(move |v| (v.lift, d.name.as_str(), v.label.as_str())))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap();
    assert_eq!((max_lift.1, max_lift.2), ("operator", "zed"));
    assert_ne!(e.dims[0].name, "operator");
}

#[test]
fn a_station_wide_mode_ranks_the_station_before_either_fixture() {
    // 10 failures on each of S2's fixtures, none elsewhere: same lift for S2 and for FX-3,
    // but S2 holds all 20.
    let f = factory(|i| (i % 4 == 2 || i % 4 == 3) && i < 40);
    let e = explain(&f, &rail(&f), &ExplainOptions::default());
    let h = heads(&e);
    assert_eq!(h[0], ("station".into(), "S2".into(), Evidence::Strong));
    // FX-3: 10 of its 50 runs against 10 % overall could still be chance, looking at every
    // value of every dimension at once.
    assert_eq!((h[1].0.as_str(), h[1].2), ("fixture", Evidence::Weak));
    assert_eq!(e.dims[1].values[0].caveat, Some(Caveat::CouldBeChance));
    assert_close(e.dims[0].values[0].lift, e.dims[1].values[0].lift);
    assert!(e.dims[0].values[0].ln_p < e.dims[1].values[0].ln_p);
}

#[test]
fn too_few_failures_say_so() {
    let f = factory(|i| i % 4 == 2 && i < 16);
    let e = explain(&f, &rail(&f), &ExplainOptions::default());
    assert_eq!((e.failures, e.too_few_failures), (4, true));
    for d in &e.dims {
        for v in &d.values {
            assert_ne!(v.evidence, Evidence::Strong, "{} {}", d.name, v.label);
            assert_eq!(v.caveat, Some(Caveat::TooFewFailures));
        }
    }
    let fx = e.dims.iter().find(|d| d.name == "fixture").unwrap();
    assert!(e.sentence(fx).ends_with("— too few failures to tell"), "{}", e.sentence(fx));
}

#[test]
fn p_values_are_the_hypergeometric_tail() {
    // 10 runs: X tested 3, all failed; Y tested 7, one failed. F = 4.
    let mut f = Facts::new(0);
    for i in 0..10 {
        let id = format!("r{i}");
        let fail = i < 4;
        f.add_runs(&[run(&id, &id, if fail { "FAIL" } else { "PASS" }, i)
            .station(if i < 3 { "X" } else { "Y" })
            .build()]);
    }
    let opts =
        ExplainOptions { dims: Some(vec![Dim::Station]), min_failures: 1, ..Default::default() };
    let e = explain(&f, &ModeFilter::Any, &opts);
    let d = &e.dims[0];
    let x = &d.values[0];
    assert_eq!((x.label.as_str(), x.failures, x.tested), ("X", 3, 3));
    // P(X ≥ 3) = C(4,3)·C(6,0)/C(10,3) = 4/120; two values with failures: ×2.
    assert_close(x.p_value, 4.0 / 120.0);
    assert_close(x.p_adjusted, 8.0 / 120.0);
    assert_eq!((x.evidence, x.caveat), (Evidence::Weak, Some(Caveat::TooFewRuns)));
    assert_eq!(x.rate_interval, wilson_interval(3, 3, 1.96));
    let y = &d.values[1];
    assert_eq!((y.label.as_str(), y.evidence), ("Y", Evidence::None));
    assert_close(y.lift, (1.0 / 4.0) / (7.0 / 10.0));
    assert!(
        e.sentence(d).contains("75 % of all failures come from station X"),
        "{}",
        e.sentence(d)
    );
}

#[test]
fn a_timeout_outcome_can_be_explained() {
    let mut f = factory(|_| false);
    // Two more stations' worth of runs: S3 times out 8 of 20.
    for i in 0..20 {
        let id = format!("t{i}");
        f.add_runs(&[run(&id, &id, if i < 8 { "TIMEOUT" } else { "PASS" }, i)
            .station("S3")
            .build()]);
    }
    let e = explain(&f, &ModeFilter::Verdict(Verdict::Timeout), &ExplainOptions::default());
    assert_eq!(e.label, "TIMEOUT");
    assert_eq!(heads(&e)[0], ("station".into(), "S3".into(), Evidence::Strong));
    // The runs without a fixture are "(none)": they carry S3's timeouts too.
    let fx = e.dims.iter().find(|d| d.name == "fixture").unwrap();
    assert_eq!(fx.best().unwrap().label, "(none)");
}

/// The planted fixture, plus 200 runs of another procedure on a station of their own that never
/// fail this way: the mode is compared with the runs of its own procedure only, so that
/// station is not "no failure here" evidence for S1/S2, and the procedure is no cause.
#[test]
fn only_the_runs_of_the_failures_procedures_are_compared() {
    let mut f = planted_fixture();
    for i in 0..200usize {
        let id = format!("ict{i:03}");
        f.add_runs(&[run(&id, &id, "PASS", i as i64).procedure("ICT").station("S9").build()]);
    }
    let e = explain(&f, &rail(&f), &ExplainOptions::default());
    assert_eq!((e.failures, e.tested), (18, 201), "the other procedure's runs are left out");
    let h = heads(&e);
    assert_eq!(h[0], ("fixture".into(), "FX-3".into(), Evidence::Strong));
    let procedure = e.dims.iter().find(|d| d.dim == Dim::Procedure).unwrap();
    let best = procedure.best().unwrap();
    assert_eq!((best.failures, best.tested), (18, 201));
    assert_eq!(best.evidence, Evidence::None, "all the runs compared are of that procedure");
}

/// Only FX-3 fails: its station S2 holds exactly the same failures, so it is said to follow the
/// fixture rather than read as a second cause; with FX-4 failing too, the station holds more
/// and stands on its own.
#[test]
fn a_dimension_holding_the_same_failures_as_a_stronger_one_follows_it() {
    let f = factory(|i| i % 4 == 2 && i < 60);
    let e = explain(&f, &rail(&f), &ExplainOptions::default());
    assert_eq!((e.dims[0].name.as_str(), e.dims[0].same_as), ("fixture", None));
    let station = e.dims.iter().position(|d| d.dim == Dim::Station).unwrap();
    assert_eq!(e.dims[station].best().unwrap().label, "S2");
    assert_eq!(e.dims[station].same_as, Some(0), "S2's failures are FX-3's");

    let e = explain(&planted_fixture(), &rail(&planted_fixture()), &ExplainOptions::default());
    let station = e.dims.iter().find(|d| d.dim == Dim::Station).unwrap();
    assert_eq!(station.same_as, None, "S2 also holds FX-4's failure");
}
