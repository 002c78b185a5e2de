//! Axis ticks at 1-2-5 steps and labels with just enough digits.

use tofui::analysis::*;

use crate::support::*;

#[test]
fn steps_are_one_two_five() {
    for (raw, want) in [
        (0.3, 0.5),
        (1.0, 1.0),
        (1.1, 2.0),
        (2.5, 5.0),
        (7.0, 10.0),
        (0.0123, 0.02),
        (0.3 / 0.1, 5.0),
        (1000.0, 1000.0),
        (0.0, 1.0),
        (f64::NAN, 1.0),
    ] {
        assert_close(nice_step(raw), want);
    }
    assert_close(next_step(2.0), 5.0);
    assert_close(next_step(5.0), 10.0);
    assert_close(next_step(0.1), 0.2);
}

#[test]
fn ticks_within_a_range() {
    let t = Ticks::new(0.0, 10.0, 6);
    assert_eq!((t.step, t.values.clone()), (2.0, vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]));
    let t = Ticks::new(3.17, 3.43, 6);
    assert_eq!(t.values, [3.2, 3.3, 3.4]);
    assert_eq!(t.labels(), ["3.2", "3.3", "3.4"]);
    let t = Ticks::new(2396.15, 2477.0, 5);
    assert_eq!(t.labels(), ["2400", "2450"]);
    let t = Ticks::new(-0.27, 0.31, 7);
    assert_eq!(t.labels(), ["-0.2", "-0.1", "0.0", "0.1", "0.2", "0.3"]);
    assert!(Ticks::new(0.0, 1.0, 2).values.len() <= 2);
    assert_eq!(Ticks::new(5.0, 5.0, 6).values, [5.0]);
}

#[test]
fn covering_ticks_start_and_end_on_a_step() {
    let t = Ticks::covering(0.13, 0.87, 5);
    assert_eq!(t.values, [0.0, 0.5, 1.0]);
    let t = Ticks::covering(3.17, 3.43, 8);
    assert_eq!(t.values, [3.15, 3.2, 3.25, 3.3, 3.35, 3.4, 3.45]);
    assert_eq!(t.labels()[0], "3.15");
    let t = Ticks::covering(-3.0, 17.0, 6);
    assert_eq!(t.values, [-5.0, 0.0, 5.0, 10.0, 15.0, 20.0]);
}

#[test]
fn labels_carry_the_digits_of_the_step() {
    assert_eq!(format_tick(17.6105, 0.1), "17.6");
    assert_eq!(format_tick(2396.15, 50.0), "2396");
    assert_eq!(format_tick(0.05, 0.05), "0.05");
    assert_eq!(format_tick(-1e-17, 0.1), "0.0");
    assert_eq!(format_tick(2_500_000.0, 500_000.0), "2.5e6");
    assert_eq!(format_tick(3_000_000.0, 1_000_000.0), "3e6");
    assert_eq!(format_tick(0.00005, 0.00001), "5e-5");
    assert_eq!(decimals(0.2), 1);
    assert_eq!(decimals(0.1), 1);
    assert_eq!(decimals(0.05), 2);
    assert_eq!(decimals(20.0), 0);
    assert_eq!(format_sig(17.6105, 4), "17.61");
    assert_eq!(format_sig(2396.15, 4), "2396");
    assert_eq!(format_sig(0.000123456, 3), "0.000123");
    assert_eq!(format_sig(3.2, 4), "3.2");
    assert_eq!(format_sig(0.0, 4), "0");
}

#[test]
fn time_ticks_fall_on_whole_local_units() {
    let t = time_ticks(T0 + 10 * MIN, T0 + 6 * HOUR, 7, 0);
    let labels: Vec<_> = t.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["01:00", "02:00", "03:00", "04:00", "05:00", "06:00"]);
    assert_eq!(t[0].0, T0 + HOUR);
    // 30 days, 6 ticks at most: a week apart, at local midnight (UTC+2: 22:00 UTC).
    let t = time_ticks(T0, T0 + 30 * DAY, 6, 2 * HOUR);
    assert!(t.len() <= 6 && t.len() >= 4, "{t:?}");
    assert!(t.iter().all(|(ms, _)| (ms + 2 * HOUR) % DAY == 0));
    assert!(t.windows(2).all(|w| w[1].0 - w[0].0 == 7 * DAY));
    assert_eq!(t[0].1.len(), 5); // MM-DD
}
