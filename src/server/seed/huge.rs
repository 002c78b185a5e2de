//! One enormous run for the detail view's benchmarks.

use chrono::{DateTime, Duration, Utc};
use fastrand::Rng;

use super::body::{ranged, round};
use super::catalog;
use crate::api::create::*;
use crate::api::*;

/// One enormous run for the detail view's benchmarks: 2,000 phases of 25 measurements each,
/// and 200,000 log lines.
pub fn huge_run(procedure_id: &str, anchor: DateTime<Utc>, rng: &mut Rng) -> RunCreate {
    let start = anchor - Duration::hours(30);
    let mut phases = Vec::with_capacity(2_000);
    for p in 0..2_000i64 {
        let ps = start + Duration::seconds(p * 50);
        let fail_phase = p % 97 == 13;
        let measurements = (0..25)
            .map(|m| {
                let x = 1.0 + rng.f64() * 0.1 + if fail_phase && m == 3 { 0.5 } else { 0.0 };
                ranged(&format!("channel_{m:02}"), round(x, 4), 0.95, 1.15, "V")
            })
            .collect();
        phases.push(PhaseCreate {
            name: format!("Step {p:04}"),
            outcome: Strict(if fail_phase { PhaseOutcome::Fail } else { PhaseOutcome::Pass }),
            started_at: ps,
            ended_at: ps + Duration::seconds(45),
            docstring: None,
            measurements: Some(measurements),
            retry_count: None,
            sequence_path: None,
        });
    }
    let levels = [
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Info,
        LogLevel::Info,
        LogLevel::Warning,
        LogLevel::Error,
        LogLevel::Critical,
    ];
    let logs = (0..200_000i64)
        .map(|k| LogCreate {
            level: Strict(levels[(k as usize * 7 + (k as usize / 13)) % levels.len()].clone()),
            timestamp: start + Duration::milliseconds(k * 500),
            message: format!("step {:04}: sample {k} read {:.4} V", k / 100, 1.0 + rng.f64() * 0.1),
            source_file: "tests/soak.py".into(),
            line_number: 10 + k % 300,
        })
        .collect();
    RunCreate {
        outcome: Strict(RunOutcome::Fail),
        procedure_id: procedure_id.into(),
        deployment_id: None,
        client_run_ref: None,
        execution_id: None,
        slot_key: None,
        slot_name: None,
        procedure_version: Some("soak-1".into()),
        operated_by: Some(catalog::OPERATORS[0].email.into()),
        started_at: start,
        ended_at: start + Duration::seconds(2_000 * 50),
        serial_number: "SN-HUGE-0001".into(),
        part_number: Some("PCB-MAIN".into()),
        revision_number: None,
        batch_number: None,
        sub_units: None,
        docstring: Some(
            "Soak test with every channel logged: the detail view's stress case".into(),
        ),
        phases: Some(phases),
        sequences: None,
        logs: Some(logs),
        metadata: None,
        unit_metadata: None,
        config: None,
        secrets: None,
    }
}
