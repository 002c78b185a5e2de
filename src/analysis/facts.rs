//! The runs as facts: one fixed-size row of small integers per run ([`RunFact`], 40 bytes),
//! strings interned once per distinct value, metadata values in one column per key. Built page
//! by page from `/v2/runs` rows; a run seen again (offset paging repeats rows when runs are
//! added during a load) replaces its earlier row, so the facts never depend on page order.

use std::collections::HashMap;

use super::failures::FailureFacts;
use super::intern::{Interner, RunIds};
pub(crate) use super::metadata::MetaColumn;
pub use super::outcome::{SampleClass, Verdict};
use crate::api::RunSummary;

/// Index of a run in [`Facts`]: dense, in the order its id was first seen.
pub type RunIdx = u32;

/// `started_ms` of a run that has neither a start nor a creation time.
pub const NO_TIME: i64 = i64::MIN;
/// `duration_ms` of a run whose duration is unknown.
pub const NO_DURATION: u32 = u32::MAX;

pub(crate) const HOUR_MS: i64 = 3_600_000;
pub(crate) const DAY_MS: i64 = 24 * HOUR_MS;

/// One run. Dimension fields are codes into [`Facts`]' dictionaries; code 0 is "none". The
/// dimensions with few values (procedures, versions, stations, operators, revisions) take two
/// bytes: past 65,534 distinct values the rest share the code [`MANY`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunFact {
    /// `started_at`, else `created_at`, in ms since the epoch; [`NO_TIME`] when neither.
    pub started_ms: i64,
    /// [`NO_DURATION`] when unknown; saturates at 49 days.
    pub duration_ms: u32,
    pub unit: u32,
    /// The (unit, procedure) pair the run is an attempt of; yields are counted per pair.
    pub pair: u32,
    pub batch: u32,
    pub procedure: u16,
    pub version: u16,
    pub station: u16,
    pub operator: u16,
    pub revision: u16,
    pub verdict: Verdict,
    pub sample: SampleClass,
}

/// The code shared by the values of a two-byte dimension past its 65,534th.
pub(crate) const MANY: u16 = u16::MAX;

fn narrow(code: u32) -> u16 {
    code.min(u32::from(MANY)) as u16
}

impl RunFact {
    const PLACEHOLDER: RunFact = RunFact {
        started_ms: NO_TIME,
        duration_ms: NO_DURATION,
        unit: 0,
        pair: u32::MAX,
        batch: 0,
        procedure: 0,
        version: 0,
        station: 0,
        operator: 0,
        revision: 0,
        verdict: Verdict::NotLoaded,
        sample: SampleClass::Production,
    };

    /// Counted by TofuPilot's yield rules: a production unit's run with a verdict other than
    /// ABORTED.
    pub fn is_counted(&self) -> bool {
        self.sample == SampleClass::Production
            && matches!(
                self.verdict,
                Verdict::Pass | Verdict::Fail | Verdict::Error | Verdict::Timeout
            )
    }

    pub fn duration(&self) -> Option<u32> {
        (self.duration_ms != NO_DURATION).then_some(self.duration_ms)
    }
}

/// A dictionary whose key may differ from what is shown (a station's id and its name).
#[derive(Debug, Default, Clone)]
pub(crate) struct Dict {
    pub keys: Interner,
    pub labels: HashMap<u32, Box<str>>,
}

impl Dict {
    /// Code 0 is "none": the empty key.
    pub(crate) fn new() -> Self {
        let mut d = Dict::default();
        d.keys.intern("");
        d
    }

    pub(crate) fn code(&mut self, key: &str, label: Option<&str>) -> u32 {
        let c = self.keys.intern(key);
        if let Some(l) = label.filter(|l| *l != key && !l.is_empty()) {
            self.labels.entry(c).or_insert_with(|| l.into());
        }
        c
    }

    pub(crate) fn label(&self, code: u32) -> &str {
        self.labels.get(&code).map(|b| &**b).unwrap_or_else(|| self.keys.resolve(code))
    }
}

/// More keys than this are not tracked (a key per serial would cost 4 bytes a run each); the
/// keys left out are named by [`Facts::dropped_metadata_keys`].
pub const MAX_METADATA_KEYS: usize = 32;

/// Fixed dimensions' dictionaries, in [`Facts::dicts`].
pub(crate) const PROCEDURE: usize = 0;
pub(crate) const VERSION: usize = 1;
pub(crate) const STATION: usize = 2;
pub(crate) const OPERATOR: usize = 3;
pub(crate) const REVISION: usize = 4;
pub(crate) const BATCH: usize = 5;
/// Between a part's number and its revision in a revision's key.
pub(crate) const PART_REV: char = '\u{1f}';

/// Everything the analysis panes compute from, filled page by page.
#[derive(Debug, Clone)]
pub struct Facts {
    pub(crate) utc_offset_ms: i64,
    pub(crate) ids: RunIds,
    pub(crate) runs: Vec<RunFact>,
    pub(crate) loaded: usize,
    pub(crate) units: Interner,
    pub(crate) dicts: [Dict; 6],
    /// Per unit, its first procedure and their pair; a unit tested by more procedures has the
    /// others' pairs in `more_pairs`. One procedure per unit is the common case: 8 bytes a
    /// unit instead of a hash map entry per pair.
    pub(crate) unit_pairs: Vec<(u32, u32)>,
    pub(crate) more_pairs: HashMap<u64, u32>,
    pub(crate) pair_count: u32,
    pub(crate) meta_keys: Interner,
    pub(crate) meta: Vec<MetaColumn>,
    pub(crate) dropped_keys: Vec<String>,
    pub(crate) fail: FailureFacts,
}

impl Default for Facts {
    fn default() -> Self {
        Self::new(0)
    }
}

impl Facts {
    /// `utc_offset_minutes`: the local time the hour-of-day dimension and the day buckets use
    /// (a shift is local; the facts hold UTC).
    pub fn new(utc_offset_minutes: i32) -> Self {
        let mut units = Interner::new();
        units.intern("");
        Facts {
            utc_offset_ms: i64::from(utc_offset_minutes) * 60_000,
            ids: RunIds::default(),
            runs: Vec::new(),
            loaded: 0,
            units,
            dicts: std::array::from_fn(|_| Dict::new()),
            unit_pairs: Vec::new(),
            more_pairs: HashMap::new(),
            pair_count: 0,
            meta_keys: Interner::new(),
            meta: Vec::new(),
            dropped_keys: Vec::new(),
            fail: FailureFacts::default(),
        }
    }

    pub fn utc_offset_ms(&self) -> i64 {
        self.utc_offset_ms
    }

    /// The index of run `id`, holding a placeholder until its row arrives (its phases may come
    /// first).
    pub fn run_slot(&mut self, id: &str) -> RunIdx {
        let idx = self.ids.intern(id);
        if idx as usize == self.runs.len() {
            self.runs.push(RunFact::PLACEHOLDER);
            for col in &mut self.meta {
                col.codes.push(0);
                col.runs_per_value[0] += 1;
            }
        }
        idx
    }

    pub fn find_run(&self, id: &str) -> Option<RunIdx> {
        self.ids.get(id)
    }

    pub fn run_id(&self, run: RunIdx) -> std::borrow::Cow<'_, str> {
        self.ids.resolve(run)
    }

    /// Room for `runs` more runs without growing (the loader knows "~50,000"): growth doubles
    /// the arrays, so a hint can save up to half their memory. Units are not reserved: how
    /// many runs a unit has is not known ahead.
    pub fn reserve(&mut self, runs: usize) {
        self.runs.reserve(runs);
        self.ids.reserve(runs);
        for col in &mut self.meta {
            col.codes.reserve(runs);
        }
    }

    /// The id of a run's procedure (its [`RunFact::procedure`]).
    pub fn procedure_id(&self, procedure: u16) -> &str {
        self.dicts[PROCEDURE].keys.resolve(u32::from(procedure))
    }

    pub fn run(&self, run: RunIdx) -> &RunFact {
        &self.runs[run as usize]
    }

    /// Every run slot, placeholders included (their verdict is [`Verdict::NotLoaded`]).
    pub fn runs(&self) -> &[RunFact] {
        &self.runs
    }

    /// Runs whose row has arrived.
    pub fn loaded_runs(&self) -> usize {
        self.loaded
    }

    pub fn unit_serial(&self, unit: u32) -> &str {
        self.units.resolve(unit)
    }

    /// Number of (unit, procedure) pairs seen; `RunFact::pair` is below it.
    pub fn pair_count(&self) -> usize {
        self.pair_count as usize
    }

    fn pair_of(&mut self, unit: u32, procedure: u32) -> u32 {
        let u = unit as usize;
        if u >= self.unit_pairs.len() {
            self.unit_pairs.resize(u + 1, (u32::MAX, 0));
        }
        let (first, pair) = self.unit_pairs[u];
        if first == procedure {
            return pair;
        }
        let next = self.pair_count;
        if first == u32::MAX {
            self.unit_pairs[u] = (procedure, next);
        } else {
            let key = u64::from(unit) << 32 | u64::from(procedure);
            if let Some(&p) = self.more_pairs.get(&key) {
                return p;
            }
            self.more_pairs.insert(key, next);
        }
        self.pair_count += 1;
        next
    }

    pub fn unit_count(&self) -> usize {
        self.units.len()
    }

    /// Metadata keys seen after [`MAX_METADATA_KEYS`] were already tracked (up to 16 named).
    pub fn dropped_metadata_keys(&self) -> &[String] {
        &self.dropped_keys
    }

    pub fn add_runs<R: std::borrow::Borrow<RunSummary>>(&mut self, rows: &[R]) {
        for r in rows {
            self.add_row(r.borrow());
        }
        self.rebin();
    }

    pub fn add_run(&mut self, r: &RunSummary) -> RunIdx {
        let idx = self.add_row(r);
        self.rebin();
        idx
    }

    fn add_row(&mut self, r: &RunSummary) -> RunIdx {
        let idx = self.run_slot(&r.id);
        let d = &mut self.dicts;
        let procedure = d[PROCEDURE].code(&r.procedure.id, Some(&r.procedure.name));
        let version = r.procedure.version.as_ref().map_or(0, |v| d[VERSION].code(&v.tag, None));
        let station = match &r.created_by_station {
            Some(s) => d[STATION].code(&s.id, s.name.as_deref()),
            None => 0,
        };
        let operator = match &r.operated_by {
            Some(o) => {
                let label = o.name.as_deref().or(o.email.as_deref());
                let key = o.id.as_deref().or(o.email.as_deref()).or(o.name.as_deref());
                key.map_or(0, |k| d[OPERATOR].code(k, label))
            }
            None => 0,
        };
        // A revision is one of a part: `A` of PCB-MAIN is not `A` of RF-FE.
        let (part, rev) = (&r.unit.part.number, &r.unit.part.revision.number);
        let revision = match (part.is_empty(), rev.is_empty()) {
            (_, true) => 0,
            (true, false) => d[REVISION].code(rev, None),
            (false, false) => {
                d[REVISION].code(&format!("{part}{PART_REV}{rev}"), Some(&format!("{part} {rev}")))
            }
        };
        let batch = r.unit.batch.as_ref().map_or(0, |b| d[BATCH].code(&b.number, None));
        let unit = self.units.intern(&r.unit.serial_number);
        let pair = self.pair_of(unit, procedure);
        let started = r.started_at.or(r.created_at);
        let duration = r
            .duration
            .as_deref()
            .and_then(|s| crate::api::time::parse_duration_ms(s).ok())
            .or_else(|| Some((r.ended_at? - r.started_at?).num_milliseconds()));
        let fact = RunFact {
            started_ms: started.map_or(NO_TIME, |t| t.timestamp_millis()),
            duration_ms: duration
                .filter(|d| *d >= 0)
                .map_or(NO_DURATION, |d| d.min(i64::from(NO_DURATION - 1)) as u32),
            unit,
            pair,
            batch,
            procedure: narrow(procedure),
            version: narrow(version),
            station: narrow(station),
            operator: narrow(operator),
            revision: narrow(revision),
            verdict: Verdict::from_outcome(r.outcome.as_ref()),
            sample: SampleClass::from_sample(r.unit.sample.as_ref()),
        };
        let slot = &mut self.runs[idx as usize];
        if slot.verdict == Verdict::NotLoaded {
            self.loaded += 1;
        }
        *slot = fact;
        self.set_metadata(idx, r.metadata.as_ref());
        idx
    }

    /// Approximate heap bytes the facts hold (failure facts included).
    pub fn heap_bytes(&self) -> usize {
        let dicts: usize =
            self.dicts.iter().map(|d| d.keys.heap_bytes() + d.labels.len() * 40).sum();
        let meta: usize =
            self.meta.iter().map(|c| c.codes.capacity() * 4 + c.values.keys.heap_bytes()).sum();
        self.runs.capacity() * std::mem::size_of::<RunFact>()
            + self.ids.heap_bytes()
            + self.units.heap_bytes()
            + self.unit_pairs.capacity() * 8
            + self.more_pairs.capacity() * (16 + 1)
            + dicts
            + meta
            + self.fail.heap_bytes()
    }
}
