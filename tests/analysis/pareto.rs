//! The failure Pareto and the two-way table: attribution to the first failing step, retries
//! on and off, ERROR against FAIL, ABORTED, samples, page order, the fallback through whole
//! runs.

use tofui::analysis::*;
use tofui::api::crossrun::{MeasurementRow, PhaseRow};
use tofui::api::{Measurement, Outcome, Phase, PhaseOutcome, RunDetail, RunSummary};

use crate::support::*;

/// | run | outcome | station | what the rows say                                          |
/// |-----|---------|---------|------------------------------------------------------------|
/// | R1  | FAIL    | A | Power FAIL @1: rail_5v0 and rail_3v3 fail; Comms FAIL @5 later     |
/// | R2  | FAIL    | A | Power FAIL @1: rail_3v3                                            |
/// | R3  | ERROR   | B | Comms ERROR @3                                                     |
/// | R4  | TIMEOUT | B | nothing                                                            |
/// | R5  | FAIL    | A | Power try 0 FAIL @1 (rail_5v0), try 1 FAIL @2 final (rail_3v3)     |
/// | R6  | PASS    | A | Power try 0 FAIL @1 (rail_5v0), then passed                        |
/// | R7  | ABORTED | A | Power FAIL @1, no measurement                                      |
/// | R8  | FAIL    | A | golden unit: Power FAIL @1 rail_3v3                                |
/// | R9  | FAIL    | B | Self-test FAIL @4, no measurement                                  |
/// | R10 | PASS    | B | nothing                                                            |
/// | R11 | FAIL    | B | Comms FAIL @3, no measurement                                      |
pub fn runs() -> Vec<RunSummary> {
    vec![
        run("R1", "U1", "FAIL", 0).build(),
        run("R2", "U2", "FAIL", 0).build(),
        run("R3", "U3", "ERROR", 0).station("B").build(),
        run("R4", "U4", "TIMEOUT", 0).station("B").build(),
        run("R5", "U5", "FAIL", 0).build(),
        run("R6", "U6", "PASS", 0).build(),
        run("R7", "U7", "ABORTED", 0).build(),
        run("R8", "G1", "FAIL", 0).sample("golden").build(),
        run("R9", "U9", "FAIL", 0).station("B").build(),
        run("R10", "U10", "PASS", 0).station("B").build(),
        run("R11", "U11", "FAIL", 0).station("B").build(),
    ]
}

pub fn phases(with_retries: bool) -> Vec<PhaseRow> {
    let mut v = vec![
        phase("R1", "Power", "FAIL", 1, 0, true),
        phase("R1", "Comms", "FAIL", 5, 0, true),
        phase("R2", "Power", "FAIL", 1, 0, true),
        phase("R3", "Comms", "ERROR", 3, 0, true),
        phase("R5", "Power", "FAIL", 2, 1, true),
        phase("R7", "Power", "FAIL", 1, 0, true),
        phase("R8", "Power", "FAIL", 1, 0, true),
        phase("R9", "Self-test", "FAIL", 4, 0, true),
        phase("R11", "Comms", "FAIL", 3, 0, true),
    ];
    if with_retries {
        v.push(phase("R5", "Power", "FAIL", 1, 0, false));
        v.push(phase("R6", "Power", "FAIL", 1, 0, false));
    }
    v
}

pub fn measurements(with_retries: bool) -> Vec<MeasurementRow> {
    let mut v = vec![
        fail_meas("R1", "Power", "rail_5v0", 1, 0, true),
        fail_meas("R1", "Power", "rail_3v3", 1, 0, true),
        fail_meas("R2", "Power", "rail_3v3", 1, 0, true),
        fail_meas("R5", "Power", "rail_3v3", 2, 1, true),
        fail_meas("R8", "Power", "rail_3v3", 1, 0, true),
    ];
    if with_retries {
        v.push(fail_meas("R5", "Power", "rail_5v0", 1, 0, false));
        v.push(fail_meas("R6", "Power", "rail_5v0", 1, 0, false));
    }
    v
}

fn facts(with_retries: bool) -> Facts {
    let mut f = Facts::new(0);
    f.add_runs(&runs());
    f.add_phases(&phases(with_retries));
    f.add_measurements(&measurements(with_retries));
    f
}

fn bars(p: &Pareto) -> Vec<(&str, u32)> {
    p.bars.iter().map(|b| (b.label.as_str(), b.count)).collect()
}

#[test]
fn final_attempts_by_mode() {
    let f = facts(true);
    let p = pareto(&f, &ParetoOptions::default());
    assert_eq!(
        bars(&p),
        [
            ("Power › rail_3v3", 3), // R1 (first by name), R2, R5 (its final attempt)
            ("Comms", 1),            // R11: FAIL, apart from R3's ERROR
            ("Comms (ERROR)", 1),    // R3
            ("Self-test", 1),        // R9
            ("no failing step (TIMEOUT)", 1), // R4
        ]
    );
    assert_eq!((p.events, p.failing_runs, p.recovered_runs, p.aborted_runs), (7, 7, 0, 0));
    // Counted: all but R7 (ABORTED) and R8 (golden).
    assert_eq!(p.counted_runs, 9);
    assert_close(p.bars[0].share, 3.0 / 7.0);
    let cumulative: Vec<_> = p.bars.iter().map(|b| b.cumulative).collect();
    for (c, e) in cumulative.iter().zip([3.0, 4.0, 5.0, 6.0, 7.0]) {
        assert_close(*c, e / 7.0);
    }
    assert!(p.other.is_none());
    // Fetched without retries, the default Pareto is the same.
    assert_eq!(pareto(&facts(false), &ParetoOptions::default()).bars, p.bars);
}

#[test]
fn retries_move_a_failure_to_its_first_attempt_and_count_recovered_runs() {
    let f = facts(true);
    let opts = ParetoOptions {
        failures: FailureOptions { include_retries: true, ..Default::default() },
        ..Default::default()
    };
    let p = pareto(&f, &opts);
    assert_eq!(
        bars(&p),
        [
            ("Power › rail_3v3", 2), // R1, R2
            ("Power › rail_5v0", 2), // R5's first attempt, R6 (recovered)
            ("Comms", 1),
            ("Comms (ERROR)", 1),
            ("Self-test", 1),
            ("no failing step (TIMEOUT)", 1),
        ]
    );
    assert_eq!((p.events, p.failing_runs, p.recovered_runs), (8, 7, 1));
    let drill = p.bars[1].drill;
    let ids: Vec<_> =
        f.drill_runs(&drill, &opts.failures).into_iter().map(|r| f.run_id(r).to_string()).collect();
    assert_eq!(ids, ["R5", "R6"]);
}

#[test]
fn aborted_runs_only_when_asked() {
    let f = facts(false);
    let opts = ParetoOptions {
        failures: FailureOptions { include_aborted: true, ..Default::default() },
        by: ParetoBy::Phase,
        ..Default::default()
    };
    let p = pareto(&f, &opts);
    assert_eq!(
        bars(&p),
        [("Power", 4), ("Comms", 2), ("Self-test", 1), ("no failing step (TIMEOUT)", 1)]
    );
    assert_eq!((p.events, p.aborted_runs), (8, 1));
    let p = pareto(&f, &ParetoOptions { by: ParetoBy::Phase, ..Default::default() });
    assert_eq!(bars(&p)[..2], [("Power", 3), ("Comms", 2)]);
    assert_eq!(p.aborted_runs, 0);
}

#[test]
fn by_station_with_tested_runs_and_a_filter() {
    let f = facts(false);
    let p = pareto(&f, &ParetoOptions { by: ParetoBy::Dim(Dim::Station), ..Default::default() });
    let rows: Vec<_> = p.bars.iter().map(|b| (b.label.as_str(), b.count, b.tested)).collect();
    // A: R1 R2 R5 fail of R1 R2 R5 R6 counted; B: R3 R4 R9 R11 of R3 R4 R9 R10 R11.
    assert_eq!(rows, [("B", 4, Some(5)), ("A", 3, Some(4))]);
    let comms = f.phase_code("Comms").unwrap();
    let p = pareto(
        &f,
        &ParetoOptions {
            by: ParetoBy::Dim(Dim::Station),
            filter: ModeFilter::Phase(comms),
            ..Default::default()
        },
    );
    assert_eq!(bars(&p), [("B", 2)]);
    let ids: Vec<_> = f
        .drill_runs(&p.bars[0].drill, &FailureOptions::default())
        .into_iter()
        .map(|r| f.run_id(r))
        .collect();
    assert_eq!(ids, ["R3", "R11"]);
    let by_verdict = pareto(
        &f,
        &ParetoOptions { filter: ModeFilter::Verdict(Verdict::Timeout), ..Default::default() },
    );
    assert_eq!(bars(&by_verdict), [("no failing step (TIMEOUT)", 1)]);
}

#[test]
fn top_n_and_other() {
    let f = facts(false);
    let p = pareto(&f, &ParetoOptions { top: 2, ..Default::default() });
    assert_eq!(bars(&p), [("Power › rail_3v3", 3), ("Comms", 1)]);
    let o = p.other.unwrap();
    assert_eq!((o.groups, o.count), (3, 3));
    assert_close(o.share, 3.0 / 7.0);
    assert_close(p.bars[1].cumulative + o.share, 1.0);
}

#[test]
fn page_order_does_not_matter() {
    let want = pareto(&facts(true), &ParetoOptions::default());
    let mut f = Facts::new(0);
    let (mut ph, mut me, mut rs) = (phases(true), measurements(true), runs());
    ph.reverse();
    me.reverse();
    rs.reverse();
    // Measurements first, then phases, the runs last, each page backwards and one repeated.
    f.add_measurements(&me[..3]);
    f.add_phases(&ph);
    f.add_measurements(&me);
    f.add_runs(&rs[..5]);
    f.add_runs(&rs);
    let got = pareto(&f, &ParetoOptions::default());
    assert_eq!(bars(&got), bars(&want));
    assert_eq!(got.events, want.events);
}

#[test]
fn measurements_alone_imply_their_phase() {
    let mut f = Facts::new(0);
    f.add_runs(&runs());
    f.add_measurements(&measurements(false));
    let p = pareto(&f, &ParetoOptions::default());
    // Without phase rows, R3, R9, R11 have no recorded step.
    assert_eq!(bars(&p)[0], ("Power › rail_3v3", 3));
    assert_eq!(bars(&p)[1], ("no failing step (FAIL)", 2));
}

fn detail(s: RunSummary, phases: Vec<(&str, PhaseOutcome, i64, i64, Vec<&str>)>) -> RunDetail {
    let phases = phases
        .into_iter()
        .map(|(name, outcome, minute, retry, failing)| Phase {
            name: name.into(),
            outcome: Some(outcome),
            started_at: Some(at(T0 + minute * MIN)),
            retry_count: retry,
            measurements: failing
                .into_iter()
                .map(|m| Measurement {
                    name: m.into(),
                    outcome: Some(Outcome::Fail),
                    ..Default::default()
                })
                .chain([Measurement {
                    name: "ok".into(),
                    outcome: Some(Outcome::Pass),
                    ..Default::default()
                }])
                .collect(),
            ..Default::default()
        })
        .collect();
    RunDetail { summary: s, phases: Some(phases), ..Default::default() }
}

#[test]
fn whole_runs_give_the_same_pareto_as_the_lists() {
    use PhaseOutcome::*;
    let mut f = Facts::new(0);
    let rs = runs();
    let d = |i: usize, p| detail(rs[i].clone(), p);
    for det in [
        d(
            0,
            vec![
                ("Power", Fail, 1, 0, vec!["rail_5v0", "rail_3v3"]),
                ("Comms", Fail, 5, 0, vec![]),
            ],
        ),
        d(1, vec![("Power", Fail, 1, 0, vec!["rail_3v3"])]),
        d(2, vec![("Comms", Error, 3, 0, vec![])]),
        d(3, vec![]),
        d(
            4,
            vec![("Power", Fail, 1, 0, vec!["rail_5v0"]), ("Power", Fail, 2, 1, vec!["rail_3v3"])],
        ),
        d(5, vec![("Power", Fail, 1, 0, vec!["rail_5v0"]), ("Power", Pass, 2, 1, vec![])]),
        d(6, vec![("Power", Fail, 1, 0, vec![])]),
        d(7, vec![("Power", Fail, 1, 0, vec!["rail_3v3"])]),
        d(8, vec![("Self-test", Fail, 4, 0, vec![])]),
        d(9, vec![("Power", Pass, 1, 0, vec![])]),
        d(10, vec![("Comms", Fail, 3, 0, vec![])]),
    ] {
        f.add_run_detail(&det);
    }
    let lists = facts(true);
    for failures in
        [FailureOptions::default(), FailureOptions { include_retries: true, include_aborted: true }]
    {
        let opts = ParetoOptions { failures, ..Default::default() };
        assert_eq!(bars(&pareto(&f, &opts)), bars(&pareto(&lists, &opts)), "{failures:?}");
    }
}

/// 40 runs on each of stations A, B, C; Power › rail_3v3 fails 12 times, all on B; Comms
/// fails 6 times, 2 per station.
fn planted() -> Facts {
    let mut f = Facts::new(0);
    for (s, station) in ["A", "B", "C"].iter().enumerate() {
        for i in 0..40 {
            let id = format!("{station}{i:02}");
            let (outcome, step) = match (s, i) {
                (1, 0..12) => ("FAIL", Some("rail")),
                (_, 20..22) => ("FAIL", Some("comms")),
                _ => ("PASS", None),
            };
            f.add_runs(&[run(&id, &id, outcome, i).station(station).build()]);
            match step {
                Some("rail") => {
                    f.add_measurements(&[fail_meas(&id, "Power", "rail_3v3", i, 0, true)])
                }
                Some(_) => f.add_phases(&[phase(&id, "Comms", "FAIL", i, 0, true)]),
                None => {}
            }
        }
    }
    f
}

#[test]
fn two_way_table_shows_the_station_a_mode_lives_on() {
    let f = planted();
    let opts = CrossTabOptions {
        failures: FailureOptions::default(),
        rows_by: ParetoBy::Mode,
        dim: Dim::Station,
    };
    let t = crosstab(&f, &opts);
    let cols: Vec<_> = t.cols.iter().map(|c| (c.label.as_str(), c.failures, c.tested)).collect();
    assert_eq!(cols, [("B", 14, 40), ("A", 2, 40), ("C", 2, 40)]);
    let rows: Vec<_> =
        t.rows.iter().map(|r| (r.label.as_str(), r.total, r.cells.clone(), r.hot)).collect();
    assert_eq!(
        rows,
        [("Power › rail_3v3", 12, vec![12, 0, 0], Some(0)), ("Comms", 6, vec![2, 2, 2], None),]
    );
    assert_close(t.lift(0, 0).unwrap(), 3.0);
    assert_close(t.lift(1, 0).unwrap(), 1.0);
    assert_eq!((t.events, t.tested), (18, 120));
    let cell = t.drill(0, 0).unwrap();
    assert_eq!(f.drill_runs(&cell, &FailureOptions::default()).len(), 12);

    // Every row and every column, whatever a screen holds: the cell's numbers are explain's.
    assert_eq!(t.rows[0].stats[0].as_ref().map(|s| (s.failures, s.tested)), Some((12, 40)));
    assert_eq!(t.rows[1].stats.iter().flatten().count(), 3);
}
