//! Facts: interning, replacement of a run seen again, metadata columns, memory.

use serde_json::json;
use tofui::analysis::*;
use tofui::api::RunOutcome;

use crate::support::*;

#[test]
fn a_run_fact_is_small() {
    assert_eq!(std::mem::size_of::<RunFact>(), 40);
}

#[test]
fn fields_and_labels() {
    let mut f = Facts::new(0);
    let i = f.add_run(
        &run("r1", "SN-1", "FAIL", 90)
            .version("1.2")
            .operator("ana")
            .batch("B7")
            .revision("C")
            .duration("PT1M30.5S")
            .meta("fixture", json!("FX-03"))
            .meta("temperature", json!(21.5))
            .meta("rework", json!(true))
            .meta("empty", json!(null))
            .build(),
    );
    let j = f.add_run(&run("r2", "SN-2", "PASS", 0).no_station().build());
    let r = *f.run(i);
    assert_eq!(r.verdict, Verdict::Fail);
    assert_eq!(r.started_ms, T0 + 90 * MIN);
    assert_eq!(r.duration(), Some(90_500));
    assert_eq!(f.run(j).duration(), None);
    assert_eq!(f.unit_serial(r.unit), "SN-1");
    assert_eq!(f.value_label(Dim::Station, f.code(i, Dim::Station)), "A");
    assert_eq!(f.value_key(Dim::Station, f.code(i, Dim::Station)), "st-A");
    assert_eq!(f.value_label(Dim::Station, f.code(j, Dim::Station)), "user");
    assert_eq!(f.value_label(Dim::Operator, f.code(i, Dim::Operator)), "ana");
    assert_eq!(f.value_key(Dim::Operator, f.code(i, Dim::Operator)), "op-ana");
    assert_eq!(f.value_label(Dim::Operator, f.code(j, Dim::Operator)), "(none)");
    assert_eq!(f.value_label(Dim::Batch, f.code(i, Dim::Batch)), "B7");
    assert_eq!(f.value_label(Dim::Revision, f.code(i, Dim::Revision)), "C");
    assert_eq!(f.value_label(Dim::ProcedureVersion, f.code(i, Dim::ProcedureVersion)), "1.2");
    assert_eq!(f.value_label(Dim::Procedure, f.code(i, Dim::Procedure)), "P");
    assert_eq!(f.code(i, Dim::HourOfDay), 1);
    let keys: Vec<_> = f.metadata_keys().collect();
    // serde_json's map is ordered by key; null values are no value.
    assert_eq!(keys, ["fixture", "rework", "temperature"]);
    let temp = f.metadata_dim("temperature").unwrap();
    assert_eq!(f.value_label(temp, f.code(i, temp)), "21.5");
    let rework = f.metadata_dim("rework").unwrap();
    assert_eq!(f.value_label(rework, f.code(i, rework)), "true");
    assert_eq!(f.code(j, rework), 0);
    assert_eq!(f.dim_name(temp), "temperature");
    let dims = f.dims();
    assert_eq!(dims[0], Dim::Station);
    assert_eq!(dims.len(), 3 + 7);
    assert_eq!(f.run_id(i), "r1");
    assert_eq!(f.find_run("r2"), Some(j));
}

#[test]
fn a_run_seen_again_replaces_itself() {
    let mut f = Facts::new(0);
    f.add_runs(&[run("r1", "SN-1", "FAIL", 0).fixture("FX-1").build()]);
    f.add_runs(&[run("r1", "SN-1", "PASS", 0).build(), run("r2", "SN-2", "PASS", 1).build()]);
    assert_eq!(f.loaded_runs(), 2);
    assert_eq!(f.runs().len(), 2);
    assert_eq!(f.run(0).verdict, Verdict::Pass);
    // The metadata went with the old row.
    let fx = f.metadata_dim("fixture").unwrap();
    assert_eq!(f.code(0, fx), 0);
    assert_eq!(f.pair_count(), 2);
}

#[test]
fn phases_before_their_run_hold_a_placeholder() {
    let mut f = Facts::new(0);
    f.add_phases(&[phase("r9", "Power", "FAIL", 1, 0, true)]);
    assert_eq!((f.runs().len(), f.loaded_runs()), (1, 0));
    assert_eq!(f.run(0).verdict, Verdict::NotLoaded);
    assert_eq!(f.failure_mode(0, &FailureOptions::default()), None);
    f.add_runs(&[run("r9", "SN", "FAIL", 0).build()]);
    assert_eq!(f.loaded_runs(), 1);
    let p = f.phase_code("Power").unwrap();
    assert_eq!(
        f.failure_mode(0, &FailureOptions::default()),
        Some(FailureMode::Phase { phase: p, error: false })
    );
}

#[test]
fn outcomes_and_samples_map_to_bytes() {
    assert_eq!(Verdict::from_outcome(Some(&RunOutcome::Timeout)), Verdict::Timeout);
    assert_eq!(Verdict::from_outcome(Some(&RunOutcome::parse("RUNNING"))), Verdict::Unknown);
    assert_eq!(Verdict::from_outcome(None), Verdict::Unknown);
    let mut f = Facts::new(0);
    let a = f.add_run(&run("a", "U", "PASS", 0).sample("weird").build());
    let b = f.add_run(&run("b", "U", "ERROR", 0).build());
    assert_eq!(f.run(a).sample, SampleClass::Other);
    assert!(!f.run(a).is_counted());
    assert!(f.run(b).is_counted());
}

#[test]
fn metadata_keys_beyond_the_cap_are_named_not_tracked() {
    let mut f = Facts::new(0);
    let mut r = run("a", "U", "PASS", 0);
    for k in 0..MAX_METADATA_KEYS + 3 {
        r = r.meta(&format!("k{k:03}"), json!(k));
    }
    f.add_runs(&[r.build()]);
    assert_eq!(f.metadata_keys().count(), MAX_METADATA_KEYS);
    assert_eq!(f.dropped_metadata_keys().len(), 3);
}

#[test]
fn fifty_thousand_runs_fit_in_a_few_megabytes() {
    let mut f = Facts::new(0);
    let stations = ["Line 1", "Line 2", "Line 3"];
    let rows: Vec<_> = (0..50_000)
        .map(|i| {
            run(
                &uuid::Uuid::from_u128(i as u128 * 7919).to_string(),
                &format!("SN-{:06}", i / 2),
                "PASS",
                i,
            )
            .station(stations[i as usize % 3])
            .operator(["ana", "bo"][i as usize % 2])
            .batch(&format!("B{}", i / 1000))
            .fixture(&format!("FX-{}", i % 6))
            .meta("shift", json!(["day", "night"][(i / 480) as usize % 2]))
            .build()
        })
        .collect();
    for page in rows.chunks(100) {
        f.add_runs(page);
    }
    assert_eq!(f.loaded_runs(), 50_000);
    let bytes = f.heap_bytes();
    // Facts 40 B, a UUID 17 B + 4 B offset + table, the serial and its index, two metadata
    // columns: about 110 B a run with the arrays' growth slack (they double), about 90 B
    // without it.
    assert!(bytes < 120 * 50_000, "{bytes} bytes");
    eprintln!("50,000 runs: {:.1} MB, {} B/run", bytes as f64 / 1e6, bytes / 50_000);
    // Told how many to expect, no slack.
    let mut g = Facts::new(0);
    g.reserve(50_000);
    g.add_runs(&rows);
    let reserved = g.heap_bytes();
    eprintln!("reserved: {:.1} MB, {} B/run", reserved as f64 / 1e6, reserved / 50_000);
    // 40 B of fact, 26 B of id, 10 B for the serial shared by two runs, 5 B of pair, 8 B of
    // metadata codes.
    assert!(reserved < 95 * 50_000, "{reserved} bytes");
}
