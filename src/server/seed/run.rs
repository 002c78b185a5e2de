//! A planned run made into the `POST /v2/runs` body, and what happens to its unit next: on to
//! the next procedure, back for a retest, to rework, or to the scrap bin.

use fastrand::Rng;
use serde_json::{Map, json};

use super::body::{Body, round, t};
use super::catalog::*;
use super::flow::{Generator, Place, Planned, Unit};
use super::logs;
use super::story::{self, Fault};
use crate::api::create::*;
use crate::api::*;

impl Generator<'_> {
    pub(super) fn finish(
        &mut self,
        rng: &mut Rng,
        s: Place,
        unit: Unit,
        fault: Fault,
        body: Body,
        start: i64,
    ) -> Planned {
        let spec = &PROCEDURES[s.proc];
        let outcome = body.outcome.clone();
        let end = start + body.duration();
        let (phases, logs, sequences) = body.finish(start, logs::chatter(spec.kind), rng);
        let mut metadata = Map::new();
        let shift = match (start / 3_600_000) % 24 {
            6..=13 => "A",
            14..=21 => "B",
            _ => "C",
        };
        metadata.insert("shift".into(), json!(shift));
        metadata.insert("fixture".into(), json!(STATIONS[s.station].fixtures[s.fixture]));
        metadata.insert("temperature".into(), json!(round(21.0 + rng.f64() * 6.0, 1)));
        if unit.rework {
            metadata.insert("rework".into(), json!(true));
        }
        let who = rng.usize(0..OPERATORS.len() + DECLARED_OPERATORS.len());
        let operated_by = match OPERATORS.get(who) {
            Some(op) => op.email,
            None => DECLARED_OPERATORS[who - OPERATORS.len()],
        };
        let request = RunCreate {
            outcome: Strict(outcome.clone()),
            procedure_id: self.cat.procedures[s.proc].clone(),
            deployment_id: None,
            client_run_ref: None,
            execution_id: None,
            slot_key: None,
            slot_name: None,
            procedure_version: Some(self.version(s.proc, s.i).into()),
            operated_by: Some(operated_by.into()),
            started_at: t(start),
            ended_at: t(end),
            serial_number: unit.serial.clone(),
            part_number: Some(PARTS[unit.part].number.into()),
            revision_number: Some(unit.revision.into()),
            batch_number: Some(format!("B{:02}", unit.batch)),
            sub_units: if unit.children.is_empty() { None } else { Some(unit.children.clone()) },
            docstring: None,
            phases: Some(phases),
            sequences: if sequences.is_empty() { None } else { Some(sequences) },
            logs: Some(logs),
            metadata: Some(metadata),
            unit_metadata: None,
            config: None,
            secrets: None,
        };
        let attachments = if s.i % 40 == 7 {
            vec![(
                "scope_capture.csv".to_string(),
                format!("t_us,v\n0,0.00\n10,{:.2}\n20,3.30\n", 1.5 + rng.f64()),
            )]
        } else {
            vec![]
        };
        let sample = self.sample(s, &outcome, fault);
        self.after(rng, s, unit, &outcome, fault, end);
        Planned {
            request,
            station_id: self.cat.stations[s.station].clone(),
            created_at_ms: end + 1_500,
            sample,
            attachments,
        }
    }

    /// The first board to pass FCT is the golden sample; the first unit with a real defect the
    /// failing one; run 17's unit is ignored.
    fn sample(&mut self, s: Place, outcome: &RunOutcome, fault: Fault) -> Option<&'static str> {
        if !self.golden && s.proc == FCT && *outcome == RunOutcome::Pass {
            self.golden = true;
            return Some("golden");
        }
        if !self.failing && matches!(fault, Fault::Real(_)) && outcome.failing_or_aborted() {
            self.failing = true;
            return Some("failing");
        }
        (s.i == 17).then_some("ignored")
    }

    fn after(
        &mut self,
        rng: &mut Rng,
        s: Place,
        mut unit: Unit,
        outcome: &RunOutcome,
        fault: Fault,
        end: i64,
    ) {
        unit.bench = Some((s.proc, s.station, s.fixture));
        unit.rework = false;
        if *outcome == RunOutcome::Pass {
            unit.defect = None;
            unit.fails = 0;
            match s.proc {
                ICT => self.schedule(FCT, end + story::ict_to_fct(rng), unit),
                FCT if rng.u8(0..100) < story::ASSEMBLY_CHANCE => {
                    let mut gateway = self.new_unit(GATEWAY, s.i);
                    gateway.children.push(unit.serial);
                    self.schedule(SYSTEM, end + story::fct_to_system(rng), gateway);
                }
                RF_CAL => self.rf_modules.push_back((unit.serial, end)),
                BURN_IN => self.psus.push_back((unit.serial, end)),
                _ => {}
            }
            return;
        }
        unit.fails += 1;
        if let Fault::Real(d) = fault {
            unit.defect = Some(d);
            if unit.fails >= 2 {
                // The same failure twice: off to rework, or scrapped.
                if rng.u8(0..100) < story::REPAIR_CHANCE {
                    unit.defect = None;
                    unit.fails = 0;
                    unit.rework = true;
                    self.schedule(s.proc, end + story::repair_delay(rng), unit);
                }
                return;
            }
        }
        if unit.fails < 4 && rng.u8(0..100) < story::RETEST_CHANCE {
            self.schedule(s.proc, end + story::retest_delay(rng), unit);
        }
    }
}
