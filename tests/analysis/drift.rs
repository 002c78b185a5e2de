//! Drift prediction (issue 25): a known slope in, the day it reaches the limit out; never for
//! a slope that could be zero.

use tofui::analysis::*;

use crate::support::*;

/// Twice a day for 20 days, noise of ±0.002 alternating.
fn series(start: f64, per_day: f64) -> Vec<(f64, f64)> {
    (0..40)
        .map(|i| {
            let days = i as f64 / 2.0;
            let noise = if i % 2 == 0 { 0.002 } else { -0.002 };
            ((T0 + i * DAY / 2) as f64, start + per_day * days + noise)
        })
        .collect()
}

#[test]
fn a_known_slope_reaches_the_lower_limit_on_the_known_day() {
    // 3.30 V falling 0.005 V/day: after 19.5 days at 3.2025, the 3.2 V limit half a day later.
    let d = Drift::fit(&series(3.30, -0.005)).expect("a line");
    assert!((d.slope_per_day + 0.005).abs() < 2e-4, "{d:?}");
    assert!(d.significant() && d.interval.0 < -0.005 && d.interval.1 > -0.005, "{d:?}");
    let limits = Limits { lower: Some(3.2), upper: Some(3.4) };
    let r = d.reaches(&limits).expect("a prediction");
    assert_eq!(r.limit, 3.2);
    assert!((r.days - 0.5).abs() < 0.2, "{r:?}");
    // Rising toward the upper limit: the other side.
    let up = Drift::fit(&series(3.30, 0.002)).expect("a line");
    let r = up.reaches(&limits).expect("a prediction");
    assert_eq!(r.limit, 3.4);
    assert!((r.days - (3.4 - 3.339) / 0.002).abs() < 3.0, "{r:?}");
}

#[test]
fn no_prediction_for_a_flat_or_noisy_series() {
    let limits = Limits { lower: Some(3.2), upper: Some(3.4) };
    let flat = Drift::fit(&series(3.30, 0.0)).expect("a line");
    assert!(!flat.significant(), "{flat:?}");
    assert_eq!(flat.reaches(&limits), None);
    // A slope smaller than the noise can tell: its interval holds 0.
    let noisy: Vec<(f64, f64)> = (0..10)
        .map(|i| {
            ((T0 + i * DAY) as f64, 3.3 + if i % 3 == 0 { 0.05 } else { -0.03 } + 1e-5 * i as f64)
        })
        .collect();
    let d = Drift::fit(&noisy).expect("a line");
    assert!(d.interval.0 < 0.0 && d.interval.1 > 0.0, "{d:?}");
    assert_eq!(d.reaches(&limits), None);
    // Two points: no interval, no line.
    assert_eq!(Drift::fit(&series(3.3, -0.01)[..2]), None);
}
