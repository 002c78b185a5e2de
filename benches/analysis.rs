//! How long each analysis report takes on 50,000 runs held in memory (no I/O): ingest, yield,
//! Pareto, the two-way table, explain, measurement statistics, histogram, series. Prints only;
//! the panes' budgets over HTTP are `cargo bench --bench insight`'s.
//!
//! `cargo bench --bench analysis`

#[allow(dead_code)]
#[path = "../tests/analysis/support.rs"]
mod support;

use std::time::Instant;

use serde_json::json;
use support::*;
use tofui::analysis::*;

fn main() {
    let n = 50_000i64;
    let stations = ["Line 1", "Line 2", "Line 3", "Line 4"];
    let runs: Vec<_> = (0..n)
        .map(|i| {
            let outcome = match i % 17 {
                0 => "FAIL",
                5 => "ERROR",
                9 => "TIMEOUT",
                12 if i % 3 == 0 => "ABORTED",
                _ => "PASS",
            };
            run(
                &uuid::Uuid::from_u128(i as u128 * 7919).to_string(),
                &format!("SN-{:06}", i * 7 / 10),
                outcome,
                i,
            )
            .station(stations[i as usize % 4])
            .operator(["ana", "bo", "cy"][i as usize % 3])
            .batch(&format!("B{}", i / 2000))
            .fixture(&format!("FX-{}", i % 8))
            .meta("shift", json!(["day", "night"][(i / 480) as usize % 2]))
            .build()
        })
        .collect();
    let phases: Vec<_> = runs
        .iter()
        .filter(|r| r.outcome.as_ref().is_some_and(|o| o.failing_or_aborted()))
        .enumerate()
        .map(|(k, r)| phase(&r.id, ["Power", "Comms", "Thermal"][k % 3], "FAIL", 0, 0, true))
        .collect();
    let meas: Vec<_> = phases
        .iter()
        .filter(|p| p.name == "Power")
        .map(|p| fail_meas(&p.run_id, "Power", "rail_3v3", 0, 0, true))
        .collect();

    let t = Instant::now();
    let mut f = Facts::new(0);
    for page in runs.chunks(100) {
        f.add_runs(page);
    }
    f.add_phases(&phases);
    f.add_measurements(&meas);
    let ingest = t.elapsed();

    let time = |name: &str, run: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..10 {
            run();
        }
        eprintln!("{name:<24} {:>8.2} ms", t.elapsed().as_secs_f64() * 100.0);
    };
    eprintln!(
        "ingest 50,000 runs        {:>8.2} ms (total, in pages of 100)",
        ingest.as_secs_f64() * 1e3
    );
    eprintln!("facts                     {:>8.2} MB", f.heap_bytes() as f64 / 1e6);
    time("yield", &mut || {
        yield_report(&f, &YieldOptions::default());
    });
    time("yield by station", &mut || {
        yield_report(&f, &YieldOptions { split: Some(Dim::Station), ..Default::default() });
    });
    time("pareto", &mut || {
        pareto(&f, &ParetoOptions::default());
    });
    let tab = CrossTabOptions {
        failures: FailureOptions::default(),
        rows_by: ParetoBy::Mode,
        dim: Dim::Station,
    };
    time("two-way table", &mut || {
        crosstab(&f, &tab);
    });
    time("explain (all dims)", &mut || {
        explain(&f, &ModeFilter::Any, &ExplainOptions::default());
    });
    let mut s = MeasurementSeries::new(None, "x");
    let rows: Vec<_> = (0..n)
        .map(|i| {
            value_row(
                &format!("m{i}"),
                &f.run_id(i as u32),
                "x",
                T0 + i * MIN,
                3.3 + (i % 100) as f64 * 1e-3,
                3.2,
                3.4,
            )
        })
        .collect();
    s.add_rows(&mut f, &rows);
    time("measurement stats", &mut || {
        s.stats(&TrendOptions::default());
    });
    time("histogram", &mut || {
        s.histogram(&TrendOptions::default(), 60);
    });
    time("series by station", &mut || {
        point_groups(&s, &f, &TrendOptions::default(), Some(Dim::Station), 8);
    });
}
