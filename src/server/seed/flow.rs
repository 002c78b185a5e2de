//! Units through the factory. Runs fill time slots spread evenly over the 30 days before the
//! anchor; each slot goes to the unit that has waited longest for its next test, else to a new
//! unit. A main board is tested at ICT, then at FCT with a calibrated RF module fitted (a
//! sub-unit), and about half the boards are then built with a burnt-in PSU into a gateway
//! (`SYS-…`) for the system test: three levels of genealogy. A failed unit comes back minutes
//! later; a real defect fails again and is then repaired or scrapped (see `story`).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use fastrand::Rng;

use super::Catalog;
use super::body::Body;
use super::catalog::*;
use super::story::{self, Fault, RealDefect};
use super::{board, modules};
use crate::api::create::*;

pub(super) const SPAN_MS: i64 = 30 * story::DAY;

pub(super) struct Planned {
    pub request: RunCreate,
    pub station_id: String,
    pub created_at_ms: i64,
    pub sample: Option<&'static str>,
    pub attachments: Vec<(String, String)>,
}

/// What a procedure's script knows about the run it is making.
pub(super) struct RunContext<'a> {
    pub serial: &'a str,
    pub version: &'static str,
    pub station: usize,
    pub fixture: &'static str,
    /// When the run starts (roughly), for the drift.
    pub at_ms: i64,
    pub anchor_ms: i64,
    pub fault: Fault,
    pub sub_units: &'a [String],
    pub rework: bool,
}

/// One run's place: its index, when it starts (before any clamping to the anchor), what and
/// where.
#[derive(Clone, Copy)]
pub(super) struct Place {
    pub i: usize,
    pub now: i64,
    pub proc: usize,
    pub station: usize,
    pub fixture: usize,
}

#[derive(Clone)]
pub(super) struct Unit {
    pub(super) serial: String,
    pub(super) part: usize,
    pub(super) revision: &'static str,
    pub(super) batch: usize,
    pub(super) defect: Option<RealDefect>,
    /// Failed runs in a row on the current procedure.
    pub(super) fails: u8,
    /// The next run follows a repair.
    pub(super) rework: bool,
    /// Sub-units fitted into it, listed on each of its runs from then on.
    pub(super) children: Vec<String>,
    /// Procedure, station and fixture of its last run: a retest usually goes there again.
    pub(super) bench: Option<(usize, usize, usize)>,
}

struct Job {
    due: i64,
    order: u64,
    unit: Unit,
}

impl PartialEq for Job {
    fn eq(&self, o: &Self) -> bool {
        (self.due, self.order) == (o.due, o.order)
    }
}
impl Eq for Job {}
impl PartialOrd for Job {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
/// Earliest due first out of a `BinaryHeap`.
impl Ord for Job {
    fn cmp(&self, o: &Self) -> Ordering {
        (o.due, o.order).cmp(&(self.due, self.order))
    }
}

pub(super) struct Generator<'a> {
    pub(super) cat: &'a Catalog,
    total: usize,
    index: usize,
    pub(super) anchor_ms: i64,
    step: i64,
    next_serial: [u32; 4],
    /// Units waiting for a run, per procedure.
    queues: [BinaryHeap<Job>; 5],
    order: u64,
    /// Burn-in slots planned with the first slot of their rack execution.
    ready: VecDeque<Planned>,
    /// Calibrated RF modules and burnt-in PSUs waiting to be fitted, with when they are ready.
    pub(super) rf_modules: VecDeque<(String, i64)>,
    pub(super) psus: VecDeque<(String, i64)>,
    comm_timeouts: story::CommTimeouts,
    pub(super) golden: bool,
    pub(super) failing: bool,
}

impl<'a> Generator<'a> {
    pub(super) fn new(cat: &'a Catalog, total: usize, anchor_ms: i64) -> Self {
        Generator {
            cat,
            total: total.max(1),
            index: 0,
            anchor_ms,
            step: (SPAN_MS / total.max(1) as i64).max(1),
            next_serial: [0; 4],
            queues: Default::default(),
            order: 0,
            ready: VecDeque::new(),
            rf_modules: VecDeque::new(),
            psus: VecDeque::new(),
            comm_timeouts: Default::default(),
            golden: false,
            failing: false,
        }
    }

    pub(super) fn next(&mut self, rng: &mut Rng) -> Planned {
        let i = self.index;
        self.index += 1;
        if let Some(p) = self.ready.pop_front() {
            return p;
        }
        let nominal =
            self.anchor_ms - SPAN_MS + i as i64 * self.step + rng.i64(0..self.step) - 60_000;
        if let Some(proc) = self.due(nominal) {
            if proc == BURN_IN {
                return self.burn_in_batch(rng, i, nominal);
            }
            let job = self.queues[proc].pop().expect("a due job");
            return self.test(rng, i, nominal, proc, job.unit);
        }
        let w = rng.u32(0..story::NEW_BOARD + story::NEW_RF_MODULE + story::NEW_PSU_BATCH);
        if w < story::NEW_BOARD {
            let u = self.new_unit(MAIN_BOARD, i);
            self.test(rng, i, nominal, ICT, u)
        } else if w < story::NEW_BOARD + story::NEW_RF_MODULE {
            let u = self.new_unit(RF_MODULE, i);
            self.test(rng, i, nominal, RF_CAL, u)
        } else {
            self.burn_in_batch(rng, i, nominal)
        }
    }

    /// The procedure whose longest-waiting unit is due by `now` and can still finish before
    /// the anchor.
    fn due(&self, now: i64) -> Option<usize> {
        (0..PROCEDURES.len())
            .filter_map(|p| self.queues[p].peek().map(|j| (j.due, p)))
            .filter(|(due, p)| self.can_start(*p, *due, now))
            .min()
            .map(|(_, p)| p)
    }

    fn can_start(&self, proc: usize, due: i64, now: i64) -> bool {
        due <= now && due + PROCEDURES[proc].max_ms + 2_000 <= self.anchor_ms
    }

    pub(super) fn new_unit(&mut self, part: usize, i: usize) -> Unit {
        self.next_serial[part] += 1;
        let spec = &PARTS[part];
        let revs = spec.revisions;
        Unit {
            serial: format!("{}{:05}", spec.serial_prefix, self.next_serial[part]),
            part,
            revision: revs[((i * revs.len()) / self.total).min(revs.len() - 1)],
            batch: 1 + (i * 20) / self.total,
            defect: None,
            fails: 0,
            rework: false,
            children: Vec::new(),
            bench: None,
        }
    }

    pub(super) fn schedule(&mut self, proc: usize, due: i64, unit: Unit) {
        self.order += 1;
        self.queues[proc].push(Job { due, order: self.order, unit });
    }

    pub(super) fn version(&self, proc: usize, i: usize) -> &'static str {
        let vs = PROCEDURES[proc].versions;
        vs[((i * vs.len()) / self.total).min(vs.len() - 1)]
    }

    /// A retest mostly goes back to the same station and fixture.
    fn bench(&self, rng: &mut Rng, proc: usize, unit: &Unit) -> (usize, usize) {
        match unit.bench {
            Some((p, s, f)) if p == proc && rng.u8(0..100) < 60 => (s, f),
            _ => {
                let stations = PROCEDURES[proc].stations;
                let s = stations[rng.usize(0..stations.len())];
                (s, rng.usize(0..STATIONS[s].fixtures.len()))
            }
        }
    }

    /// Fits what the unit is built from when its procedure is where that happens.
    fn fit(&mut self, proc: usize, unit: &mut Unit, now: i64) {
        let pool = match proc {
            FCT if unit.children.is_empty() => &mut self.rf_modules,
            SYSTEM if unit.children.len() == 1 => &mut self.psus,
            _ => return,
        };
        if pool.front().is_some_and(|(_, ready)| *ready <= now)
            && let Some((serial, _)) = pool.pop_front()
        {
            unit.children.push(serial);
        }
    }

    fn body(&self, rng: &mut Rng, s: Place, unit: &Unit, fault: Fault) -> Body {
        let c = RunContext {
            serial: &unit.serial,
            version: self.version(s.proc, s.i),
            station: s.station,
            fixture: STATIONS[s.station].fixtures[s.fixture],
            at_ms: s.now,
            anchor_ms: self.anchor_ms,
            fault,
            sub_units: &unit.children,
            rework: unit.rework,
        };
        match PROCEDURES[s.proc].kind {
            Kind::Functional => board::functional(&c, rng),
            Kind::InCircuit => board::in_circuit(&c, rng),
            Kind::BurnIn => modules::burn_in(&c, rng),
            Kind::RfCal => modules::rf_cal(&c, rng),
            Kind::System => modules::system(&c, rng),
        }
    }

    fn fault(&mut self, rng: &mut Rng, proc: usize, station: usize, unit: &Unit) -> Fault {
        match unit.defect {
            Some(d) => Fault::Real(d),
            None if proc == FCT && self.comm_timeouts.next(rng, station) => Fault::Timeout,
            None => story::draw(rng, proc),
        }
    }

    fn test(&mut self, rng: &mut Rng, i: usize, now: i64, proc: usize, mut unit: Unit) -> Planned {
        self.fit(proc, &mut unit, now);
        let (station, fixture) = self.bench(rng, proc, &unit);
        let s = Place { i, now, proc, station, fixture };
        let fault = self.fault(rng, proc, station, &unit);
        let body = self.body(rng, s, &unit, fault);
        let start = now.min(self.anchor_ms - body.duration() - 2_000);
        self.finish(rng, s, unit, fault, body, start)
    }

    /// Four PSUs in the rack at once: units waiting for a burn-in first, then new ones.
    fn burn_in_batch(&mut self, rng: &mut Rng, i: usize, now: i64) -> Planned {
        let mut units = Vec::with_capacity(4);
        while units.len() < 4
            && self.queues[BURN_IN].peek().is_some_and(|j| self.can_start(BURN_IN, j.due, now))
        {
            units.push(self.queues[BURN_IN].pop().expect("a due job").unit);
        }
        while units.len() < 4 {
            units.push(self.new_unit(PSU, i));
        }
        let station = PROCEDURES[BURN_IN].stations[0];
        let drafts: Vec<(Place, Unit, Fault, Body)> = units
            .into_iter()
            .enumerate()
            .map(|(k, u)| {
                let s = Place { i: i + k, now, proc: BURN_IN, station, fixture: 0 };
                let fault = self.fault(rng, BURN_IN, station, &u);
                let body = self.body(rng, s, &u, fault);
                (s, u, fault, body)
            })
            .collect();
        let longest = drafts.iter().map(|d| d.3.duration()).max().unwrap_or(0);
        let start = now.min(self.anchor_ms - longest - 2_000);
        let exec = format!("exec-{i:06}");
        let mut first = None;
        for (slot, (s, unit, fault, body)) in drafts.into_iter().enumerate() {
            let mut p = self.finish(rng, s, unit, fault, body, start);
            p.request.execution_id = Some(exec.clone());
            p.request.slot_key = Some(format!("slot-{}", slot + 1));
            p.request.slot_name = Some(format!("Slot {}", slot + 1));
            match first {
                None => first = Some(p),
                Some(_) => self.ready.push_back(p),
            }
        }
        first.expect("four slots")
    }
}
