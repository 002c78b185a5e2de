//! The run generator: plausible test runs whose failures make physical sense — a rail out of
//! its limits, a self-test that returns false, a phase that times out, an operator abort.

use chrono::{DateTime, Duration, TimeZone, Utc};
use fastrand::Rng;
use serde_json::{Map, Value, json};

use super::Catalog;
use super::catalog::{self, Kind, PROCEDURES};
use crate::api::create::*;
use crate::api::*;

pub struct Planned {
    pub request: RunCreate,
    pub station_id: String,
    pub created_at_ms: i64,
    pub sample: Option<&'static str>,
    pub attachments: Vec<(String, String)>,
    pub part: usize,
}

pub struct Generator<'a> {
    cat: &'a Catalog,
    total: usize,
    index: usize,
    anchor_ms: i64,
    next_serial: [u32; 3],
    /// Recently failed serials per part, to be retested.
    failed: [Vec<String>; 3],
    /// RF modules already calibrated, to be fitted into main boards as sub-units.
    rf_modules: Vec<String>,
    execution: Option<(String, u32)>,
}

enum Fault {
    None,
    RailLow,
    RailHigh,
    SelfTest,
    Error,
    Timeout,
    Aborted,
}

const SPAN_MS: i64 = 30 * 86_400_000;

fn t(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn v(op: &str, expected: Value) -> ValidatorCreate {
    ValidatorCreate {
        operator: Some(op.into()),
        expected_value: Some(expected),
        ..Default::default()
    }
}

fn measurement(
    name: &str,
    value: Value,
    units: Option<&str>,
    validators: Vec<ValidatorCreate>,
    pass: bool,
) -> MeasurementCreate {
    MeasurementCreate {
        name: name.into(),
        outcome: Strict(if pass { Outcome::Pass } else { Outcome::Fail }),
        x_axis: None,
        y_axis: None,
        measured_value: Some(value),
        units: units.map(Value::from),
        lower_limit: None,
        upper_limit: None,
        validators: if validators.is_empty() { None } else { Some(validators) },
        aggregations: None,
        docstring: None,
    }
}

fn ranged(name: &str, x: f64, lo: f64, hi: f64, units: &str) -> MeasurementCreate {
    measurement(
        name,
        json!(x),
        Some(units),
        vec![v(">=", json!(lo)), v("<=", json!(hi))],
        lo <= x && x <= hi,
    )
}

struct PhaseBuilder {
    phases: Vec<PhaseCreate>,
    logs: Vec<LogCreate>,
    clock: i64,
}

impl PhaseBuilder {
    fn log(&mut self, level: LogLevel, msg: impl Into<String>, file: &str, line: i64) {
        self.clock += 7;
        self.logs.push(LogCreate {
            level: Strict(level),
            timestamp: t(self.clock),
            message: msg.into(),
            source_file: file.into(),
            line_number: line,
        });
    }

    fn phase(
        &mut self,
        name: &str,
        outcome: PhaseOutcome,
        ms: i64,
        measurements: Vec<MeasurementCreate>,
        retry: i64,
        seq: Option<&str>,
    ) {
        let start = self.clock;
        self.clock += ms;
        self.phases.push(PhaseCreate {
            name: name.into(),
            outcome: Strict(outcome),
            started_at: t(start),
            ended_at: t(self.clock),
            docstring: None,
            measurements: if measurements.is_empty() { None } else { Some(measurements) },
            retry_count: if retry > 0 { Some(retry) } else { None },
            sequence_path: seq.map(str::to_string),
        });
        self.clock += 50;
    }

    fn skip_rest(&mut self, names: &[&str]) {
        for n in names {
            self.phase(n, PhaseOutcome::Skip, 0, vec![], 0, None);
        }
    }
}

fn thermal_sweep(rng: &mut Rng, hot: bool) -> MeasurementCreate {
    let n = 16;
    let time: Vec<f64> = (0..n).map(|i| (i * 15) as f64).collect();
    let start = 24.0 + rng.f64();
    let slope = if hot { 2.6 } else { 1.4 + rng.f64() * 0.4 };
    let temp: Vec<f64> =
        time.iter().map(|s| round(start + slope * (s / 15.0) + rng.f64() * 0.3, 2)).collect();
    let max = temp.iter().cloned().fold(f64::MIN, f64::max);
    let pass = max <= 55.0;
    MeasurementCreate {
        name: "thermal_rise".into(),
        outcome: Strict(if pass { Outcome::Pass } else { Outcome::Fail }),
        x_axis: Some(AxisCreate {
            data: time,
            units: Some("s".into()),
            name: Some("time".into()),
            ..Default::default()
        }),
        y_axis: Some(vec![AxisCreate {
            data: temp.clone(),
            units: Some("°C".into()),
            name: Some("board temperature".into()),
            validators: Some(vec![v("<=", json!(55.0))]),
            aggregations: Some(vec![AggregationCreate {
                kind: "max".into(),
                outcome: Some(Strict(if pass { Outcome::Pass } else { Outcome::Fail })),
                value: Some(json!(max)),
                unit: Some("°C".into()),
                validators: Some(vec![v("<=", json!(55.0))]),
            }]),
            ..Default::default()
        }]),
        measured_value: None,
        units: None,
        lower_limit: None,
        upper_limit: None,
        validators: None,
        aggregations: None,
        docstring: None,
    }
}

impl<'a> Generator<'a> {
    pub fn new(cat: &'a Catalog, total: usize, anchor_ms: i64) -> Self {
        Generator {
            cat,
            total,
            index: 0,
            anchor_ms,
            next_serial: [0; 3],
            failed: Default::default(),
            rf_modules: Vec::new(),
            execution: None,
        }
    }

    fn pick_procedure(rng: &mut Rng) -> usize {
        let total: u32 = PROCEDURES.iter().map(|p| p.weight).sum();
        let mut x = rng.u32(0..total);
        for (i, p) in PROCEDURES.iter().enumerate() {
            if x < p.weight {
                return i;
            }
            x -= p.weight;
        }
        0
    }

    fn serial(&mut self, rng: &mut Rng, part: usize) -> String {
        if !self.failed[part].is_empty() && rng.u8(0..4) == 0 {
            let i = rng.usize(0..self.failed[part].len());
            return self.failed[part].swap_remove(i);
        }
        self.next_serial[part] += 1;
        format!("{}{:05}", catalog::PARTS[part].serial_prefix, self.next_serial[part])
    }

    pub fn next(&mut self, rng: &mut Rng) -> Planned {
        let i = self.index;
        self.index += 1;
        let p_index = Self::pick_procedure(rng);
        let spec = &PROCEDURES[p_index];
        let part = spec.part;
        let serial = self.serial(rng, part);
        let station_i = spec.stations[rng.usize(0..spec.stations.len())];
        // Spread runs evenly over the last 30 days, newest last.
        let step = SPAN_MS / self.total.max(1) as i64;
        let start = self.anchor_ms - SPAN_MS + i as i64 * step + rng.i64(0..step.max(1)) - 60_000;
        let hour = (start / 3_600_000) % 24;
        let shift = match hour {
            6..=13 => "A",
            14..=21 => "B",
            _ => "C",
        };
        let version = spec.versions
            [((i * spec.versions.len()) / self.total.max(1)).min(spec.versions.len() - 1)];
        let roll = rng.u32(0..1000);
        let fault = match roll {
            0..=44 => Fault::RailLow,
            45..=69 => Fault::RailHigh,
            70..=109 => Fault::SelfTest,
            110..=129 => Fault::Error,
            130..=144 => Fault::Timeout,
            145..=159 => Fault::Aborted,
            _ => Fault::None,
        };
        let revs = catalog::PARTS[part].revisions;
        let revision = revs[((i * revs.len()) / self.total.max(1)).min(revs.len() - 1)];
        let batch = format!("B{:02}", 1 + (i * 20) / self.total.max(1));
        let mut b = PhaseBuilder { phases: vec![], logs: vec![], clock: start };
        let file = match spec.kind {
            Kind::Functional => "tests/functional.py",
            Kind::InCircuit => "tests/ict.py",
            Kind::BurnIn => "tests/burnin.py",
            Kind::RfCal => "tests/rf_cal.py",
        };
        b.log(LogLevel::Info, format!("Starting {} {version} on {serial}", spec.name), file, 12);
        b.log(
            LogLevel::Debug,
            format!("Fixture FX-{:02} clamped, DUT powered", 1 + station_i),
            "lib/fixture.py",
            88,
        );
        let mut outcome = RunOutcome::Pass;
        let mut sequences = None;
        let mut sub_units = None;
        let with_sequences = spec.kind == Kind::Functional && version != "v2.0.0";
        let seq = |name: &'static str| if with_sequences { Some(name) } else { None };
        match spec.kind {
            Kind::Functional | Kind::InCircuit => {
                let v33 = match fault {
                    Fault::RailLow => 3.05 + rng.f64() * 0.1,
                    Fault::RailHigh => 3.42 + rng.f64() * 0.08,
                    _ => 3.3 + (rng.f64() - 0.5) * 0.12,
                };
                let v50 = 5.0 + (rng.f64() - 0.5) * 0.2;
                let current = 180.0 + rng.f64() * 40.0;
                let rails_ok = (3.2..=3.4).contains(&v33);
                // One board in twenty needs a second power-on attempt before it comes up.
                if rng.u8(0..20) == 0 && rails_ok {
                    b.log(
                        LogLevel::Warning,
                        "Rail 3V3 did not settle within 200 ms, retrying power-on",
                        "lib/power.py",
                        41,
                    );
                    b.phase(
                        "Power-on",
                        PhaseOutcome::Fail,
                        900,
                        vec![ranged("rail_3v3", round(v33 - 0.4, 3), 3.2, 3.4, "V")],
                        0,
                        seq("power"),
                    );
                    b.phase(
                        "Power-on",
                        PhaseOutcome::Pass,
                        850,
                        vec![
                            ranged("rail_3v3", round(v33, 3), 3.2, 3.4, "V"),
                            ranged("rail_5v0", round(v50, 3), 4.85, 5.15, "V"),
                            ranged("idle_current", round(current, 1), 120.0, 250.0, "mA"),
                        ],
                        1,
                        seq("power"),
                    );
                } else {
                    let outcome_p = if rails_ok { PhaseOutcome::Pass } else { PhaseOutcome::Fail };
                    b.phase(
                        "Power-on",
                        outcome_p,
                        850 + rng.i64(0..200),
                        vec![
                            ranged("rail_3v3", round(v33, 3), 3.2, 3.4, "V"),
                            ranged("rail_5v0", round(v50, 3), 4.85, 5.15, "V"),
                            ranged("idle_current", round(current, 1), 120.0, 250.0, "mA"),
                        ],
                        0,
                        seq("power"),
                    );
                }
                if !rails_ok {
                    outcome = RunOutcome::Fail;
                    b.log(
                        LogLevel::Error,
                        format!("rail_3v3 = {v33:.3} V outside [3.200, 3.400] V"),
                        "lib/power.py",
                        57,
                    );
                }
                let selftest = !matches!(fault, Fault::SelfTest);
                b.phase(
                    "Self-test",
                    if selftest { PhaseOutcome::Pass } else { PhaseOutcome::Fail },
                    2_000 + rng.i64(0..500),
                    vec![
                        measurement(
                            "selftest_passed",
                            json!(selftest),
                            None,
                            vec![v("==", json!(true))],
                            selftest,
                        ),
                        measurement(
                            "selftest_code",
                            json!(if selftest { "0x00" } else { "0x1F" }),
                            None,
                            vec![],
                            true,
                        ),
                    ],
                    0,
                    seq("power"),
                );
                if !selftest {
                    outcome = RunOutcome::Fail;
                    b.log(
                        LogLevel::Error,
                        "Self-test returned 0x1F: flash CRC mismatch",
                        "tests/functional.py",
                        133,
                    );
                }
                match fault {
                    Fault::Error => {
                        b.log(LogLevel::Critical, "Traceback (most recent call last): SerialException: could not open port /dev/ttyUSB0", "lib/uart.py", 210);
                        b.phase("Communication", PhaseOutcome::Error, 300, vec![], 0, seq("comms"));
                        outcome = RunOutcome::Error;
                    }
                    Fault::Timeout => {
                        b.log(
                            LogLevel::Error,
                            "Communication phase timed out after 30 s waiting for UART echo",
                            "lib/uart.py",
                            188,
                        );
                        b.phase(
                            "Communication",
                            PhaseOutcome::Error,
                            30_000,
                            vec![],
                            0,
                            seq("comms"),
                        );
                        outcome = RunOutcome::Timeout;
                    }
                    Fault::Aborted => {
                        b.log(LogLevel::Warning, "Operator pressed STOP", "lib/ui.py", 19);
                        outcome = RunOutcome::Aborted;
                        b.skip_rest(&["Communication"]);
                    }
                    _ => {
                        let fw = if version == "v2.0.0" { "2.0.4" } else { "2.1.0" };
                        b.phase(
                            "Communication",
                            PhaseOutcome::Pass,
                            1_200 + rng.i64(0..300),
                            vec![
                                measurement(
                                    "uart_loopback",
                                    json!(true),
                                    None,
                                    vec![v("==", json!(true))],
                                    true,
                                ),
                                measurement(
                                    "firmware_version",
                                    json!(fw),
                                    None,
                                    vec![v("in", json!(["2.0.4", "2.1.0"]))],
                                    true,
                                ),
                                ranged("i2c_scan_devices", 4.0, 4.0, 4.0, "devices"),
                            ],
                            0,
                            seq("comms"),
                        );
                    }
                }
                if spec.kind == Kind::Functional
                    && matches!(outcome, RunOutcome::Pass | RunOutcome::Fail)
                {
                    let hot = rng.u8(0..30) == 0;
                    let m = thermal_sweep(rng, hot);
                    let pass = m.outcome.0 == Outcome::Pass;
                    if !pass {
                        outcome = RunOutcome::Fail;
                        b.log(
                            LogLevel::Error,
                            "Board temperature exceeded 55 °C during load",
                            "tests/functional.py",
                            171,
                        );
                    }
                    b.phase(
                        "Thermal load",
                        if pass { PhaseOutcome::Pass } else { PhaseOutcome::Fail },
                        240_000,
                        vec![m],
                        0,
                        None,
                    );
                    if !self.rf_modules.is_empty() && rng.u8(0..3) == 0 {
                        let m = self.rf_modules.swap_remove(rng.usize(0..self.rf_modules.len()));
                        sub_units = Some(vec![m]);
                    }
                }
                if with_sequences {
                    // A sequence is judged on the last attempt of each of its phases.
                    let seq_outcome = |ph: &[PhaseCreate], names: &[&str]| {
                        let last: Vec<&PhaseCreate> = names
                            .iter()
                            .filter_map(|n| ph.iter().rfind(|p| p.name == *n))
                            .collect();
                        if last.iter().any(|p| p.outcome.0 == PhaseOutcome::Error) {
                            SequenceOutcome::Error
                        } else if last.iter().all(|p| p.outcome.0 == PhaseOutcome::Skip) {
                            SequenceOutcome::Skip
                        } else if last.iter().any(|p| p.outcome.0 == PhaseOutcome::Fail) {
                            SequenceOutcome::Fail
                        } else {
                            SequenceOutcome::Pass
                        }
                    };
                    sequences = Some(vec![
                        SequenceCreate {
                            path: "power".into(),
                            name: "Power and self-test".into(),
                            source: Some("sequences/power.yaml".into()),
                            outcome: Strict(seq_outcome(&b.phases, &["Power-on", "Self-test"])),
                            started_at: None,
                            ended_at: None,
                        },
                        SequenceCreate {
                            path: "comms".into(),
                            name: "Communication".into(),
                            source: Some("sequences/comms.yaml".into()),
                            outcome: Strict(seq_outcome(&b.phases, &["Communication"])),
                            started_at: None,
                            ended_at: None,
                        },
                    ]);
                }
            }
            Kind::BurnIn => {
                let slot = match &mut self.execution {
                    Some((_, n)) if *n < 4 => {
                        *n += 1;
                        *n
                    }
                    _ => {
                        self.execution = Some((format!("exec-{i:06}"), 1));
                        1
                    }
                };
                let ripple = match fault {
                    Fault::RailHigh | Fault::RailLow => 95.0 + rng.f64() * 30.0,
                    _ => 20.0 + rng.f64() * 40.0,
                };
                let vout = match fault {
                    Fault::RailLow => 11.2 + rng.f64() * 0.3,
                    _ => 12.0 + (rng.f64() - 0.5) * 0.2,
                };
                let pass = ripple <= 80.0 && (11.7..=12.3).contains(&vout);
                let mut ms = vec![
                    ranged("output_voltage", round(vout, 3), 11.7, 12.3, "V"),
                    ranged("ripple_pp", round(ripple, 1), 0.0, 80.0, "mV"),
                ];
                ms.push(MeasurementCreate {
                    aggregations: Some(vec![
                        AggregationCreate {
                            kind: "avg".into(),
                            outcome: None,
                            value: Some(json!(round(vout, 3))),
                            unit: Some("V".into()),
                            validators: None,
                        },
                        AggregationCreate {
                            kind: "std".into(),
                            outcome: None,
                            value: Some(json!(round(rng.f64() * 0.02, 4))),
                            unit: Some("V".into()),
                            validators: None,
                        },
                    ]),
                    ..measurement(
                        "load_regulation",
                        json!(round(rng.f64() * 0.8, 3)),
                        Some("%"),
                        vec![v("<=", json!(1.0))],
                        true,
                    )
                });
                match fault {
                    Fault::Timeout | Fault::Error => {
                        b.log(
                            LogLevel::Error,
                            "Electronic load stopped responding (SCPI timeout)",
                            "lib/eload.py",
                            77,
                        );
                        b.phase(
                            "Burn-in 2h @ 85%",
                            PhaseOutcome::Error,
                            7_200_000,
                            vec![],
                            0,
                            None,
                        );
                        outcome = if matches!(fault, Fault::Timeout) {
                            RunOutcome::Timeout
                        } else {
                            RunOutcome::Error
                        };
                    }
                    _ => {
                        b.phase(
                            "Burn-in 2h @ 85%",
                            if pass { PhaseOutcome::Pass } else { PhaseOutcome::Fail },
                            7_200_000,
                            ms,
                            0,
                            None,
                        );
                        if !pass {
                            outcome = RunOutcome::Fail;
                            b.log(
                                LogLevel::Error,
                                format!("Output out of spec: {vout:.2} V, ripple {ripple:.0} mV"),
                                file,
                                64,
                            );
                        }
                    }
                }
                let (exec, _) = self.execution.clone().unwrap_or_default();
                let mut req = self.request(
                    rng,
                    p_index,
                    serial.clone(),
                    version,
                    revision,
                    &batch,
                    shift,
                    outcome.clone(),
                    b,
                    station_i,
                );
                req.execution_id = Some(exec);
                req.slot_key = Some(format!("slot-{slot}"));
                req.slot_name = Some(format!("Slot {slot}"));
                return self.plan(req, station_i, None, vec![]);
            }
            Kind::RfCal => {
                let pout = match fault {
                    Fault::RailLow | Fault::RailHigh => 15.2 + rng.f64(),
                    _ => 17.0 + (rng.f64() - 0.5) * 0.8,
                };
                let pass = (16.5..=17.5).contains(&pout);
                let freqs: Vec<f64> = (0..12).map(|k| 2400.0 + k as f64 * 7.0).collect();
                let gain: Vec<f64> =
                    freqs.iter().map(|_| round(pout + (rng.f64() - 0.5) * 0.4, 2)).collect();
                let sweep = MeasurementCreate {
                    x_axis: Some(AxisCreate {
                        data: freqs,
                        units: Some("MHz".into()),
                        name: Some("frequency".into()),
                        ..Default::default()
                    }),
                    y_axis: Some(vec![AxisCreate {
                        data: gain,
                        units: Some("dBm".into()),
                        name: Some("output power".into()),
                        validators: Some(vec![v("range", json!([16.5, 17.5]))]),
                        ..Default::default()
                    }]),
                    ..measurement("power_sweep", Value::Null, None, vec![], pass)
                };
                b.phase(
                    "Calibrate PA",
                    if pass { PhaseOutcome::Pass } else { PhaseOutcome::Fail },
                    6_000,
                    vec![ranged("tx_power", round(pout, 2), 16.5, 17.5, "dBm"), sweep],
                    0,
                    None,
                );
                if pass {
                    self.rf_modules.push(serial.clone());
                } else {
                    outcome = RunOutcome::Fail;
                    b.log(
                        LogLevel::Error,
                        format!("PA output {pout:.2} dBm outside 16.5..17.5 dBm"),
                        file,
                        102,
                    );
                }
            }
        }
        b.log(
            if outcome == RunOutcome::Pass { LogLevel::Info } else { LogLevel::Warning },
            format!("Run finished: {outcome}"),
            file,
            240,
        );
        let mut req = self
            .request(rng, p_index, serial, version, revision, &batch, shift, outcome, b, station_i);
        req.sequences = sequences;
        req.sub_units = sub_units;
        let attachments = if i % 40 == 7 {
            vec![(
                "scope_capture.csv".to_string(),
                format!("t_us,v\n0,0.00\n10,{:.2}\n20,3.30\n", 1.5 + rng.f64()),
            )]
        } else {
            vec![]
        };
        let sample = match i {
            3 => Some("golden"),
            11 => Some("failing"),
            17 => Some("ignored"),
            _ => None,
        };
        self.plan(req, station_i, sample, attachments)
    }

    #[allow(clippy::too_many_arguments)]
    fn request(
        &self,
        rng: &mut Rng,
        p: usize,
        serial: String,
        version: &str,
        revision: &str,
        batch: &str,
        shift: &str,
        outcome: RunOutcome,
        b: PhaseBuilder,
        station_i: usize,
    ) -> RunCreate {
        let started =
            b.phases.first().map(|p| p.started_at.timestamp_millis()).unwrap_or(b.clock) - 500;
        let ended = b.clock + 300;
        let mut metadata = Map::new();
        metadata.insert("shift".into(), json!(shift));
        metadata.insert("fixture".into(), json!(format!("FX-{:02}", 1 + station_i)));
        metadata.insert("temperature".into(), json!(round(21.0 + rng.f64() * 6.0, 1)));
        if rng.u8(0..20) == 0 {
            metadata.insert("rework".into(), json!(true));
        }
        let who = rng.usize(0..catalog::OPERATORS.len() + catalog::DECLARED_OPERATORS.len());
        let operated_by = if who < catalog::OPERATORS.len() {
            catalog::OPERATORS[who].email
        } else {
            catalog::DECLARED_OPERATORS[who - catalog::OPERATORS.len()]
        };
        RunCreate {
            outcome: Strict(outcome),
            procedure_id: self.cat.procedures[p].clone(),
            deployment_id: None,
            client_run_ref: None,
            execution_id: None,
            slot_key: None,
            slot_name: None,
            procedure_version: Some(version.into()),
            operated_by: Some(operated_by.into()),
            started_at: t(started),
            ended_at: t(ended),
            serial_number: serial,
            part_number: Some(catalog::PARTS[PROCEDURES[p].part].number.into()),
            revision_number: Some(revision.into()),
            batch_number: Some(batch.into()),
            sub_units: None,
            docstring: None,
            phases: Some(b.phases),
            sequences: None,
            logs: Some(b.logs),
            metadata: Some(metadata),
            unit_metadata: None,
            config: None,
            secrets: None,
        }
    }

    fn plan(
        &self,
        request: RunCreate,
        station_i: usize,
        sample: Option<&'static str>,
        attachments: Vec<(String, String)>,
    ) -> Planned {
        let created_at_ms = request.ended_at.timestamp_millis() + 1_500;
        let part = catalog::PARTS
            .iter()
            .position(|x| Some(x.number) == request.part_number.as_deref())
            .unwrap_or(0);
        Planned {
            request,
            station_id: self.cat.stations[station_i].clone(),
            created_at_ms,
            sample,
            attachments,
            part,
        }
    }

    /// Remembers failed units so some come back for a retest.
    pub fn created(&mut self, planned: &Planned) {
        if planned.request.outcome.0.is_failure() && self.failed[planned.part].len() < 50 {
            self.failed[planned.part].push(planned.request.serial_number.clone());
        }
    }
}

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
