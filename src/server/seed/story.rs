//! The stories hidden in the demo data and their knobs, among ordinary random variation:
//!
//! 1. Fixture FX-12 on Line 1 FCT: its `rail_3v3` reading drifts from 3.30 V toward the
//!    3.20 V lower limit over the last two weeks, so its failures rise toward the end.
//! 2. Line 2 FCT times out in the Communication phase (UART echo) 4–5× as often as Line 1.
//!    (The FCT's other faults are drawn as on every procedure.)
//! 3. Retests: a failed unit comes back on the same procedure minutes later. A false failure
//!    (one reading just past a limit) passes then; a real defect fails again the same way,
//!    and is either repaired (`rework: true`) and passes, or scrapped.
//! 4. Units flow across procedures: see `flow`.

use fastrand::Rng;

use super::catalog::{self, LINE2_FCT};

pub(super) const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

// ---- 1: the drifting fixture ------------------------------------------------------------

pub(super) const DRIFT_FIXTURE: &str = "FX-12";
pub(super) const DRIFT_DAYS: i64 = 14;
pub(super) const RAIL_MEAN: f64 = 3.30;
pub(super) const RAIL_SIGMA: f64 = 0.02;
/// Where FX-12's `rail_3v3` mean and spread are at the anchor (the lower limit is 3.20 V): a
/// wearing sense contact reads lower and noisier, fast at first, then levelling off.
pub(super) const DRIFT_END_MEAN: f64 = 3.20;
pub(super) const DRIFT_END_SIGMA: f64 = 0.028;

/// Mean and standard deviation of the `rail_3v3` reading of a board on `fixture` at `at_ms`.
pub(super) fn rail_3v3(fixture: &str, at_ms: i64, anchor_ms: i64) -> (f64, f64) {
    let since = at_ms - (anchor_ms - DRIFT_DAYS * DAY);
    if fixture != DRIFT_FIXTURE || since <= 0 {
        return (RAIL_MEAN, RAIL_SIGMA);
    }
    let f = (since as f64 / (DRIFT_DAYS * DAY) as f64).min(1.0);
    let f = 1.0 - (1.0 - f) * (1.0 - f);
    (RAIL_MEAN + (DRIFT_END_MEAN - RAIL_MEAN) * f, RAIL_SIGMA + (DRIFT_END_SIGMA - RAIL_SIGMA) * f)
}

// ---- faults --------------------------------------------------------------------------------

/// A defect of the unit itself: it shows the same way on every run until repaired.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Defect {
    /// FCT: the 3V3 rail is low or high (a wrong regulator resistor).
    RailLow,
    RailHigh,
    /// FCT: the self-test finds a flash CRC mismatch.
    SelfTest,
    /// FCT: a missing thermal pad; the board overheats under load.
    Thermal,
    /// ICT: a solder bridge between 3V3 and GND.
    Short,
    /// ICT: a wrong resistor value placed at R17.
    WrongPart,
    /// RF calibration: the PA cannot reach its output power.
    PaLow,
    /// Burn-in: output voltage sags, or ripple is too high.
    VoutLow,
    Ripple,
    /// System test: the Ethernet link only comes up at 100 Mb/s; the RF link is weak.
    LinkDown,
    RssiLow,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct RealDefect {
    pub kind: Defect,
    /// The unit's own reading for the defect, repeated (with a little noise) on a retest.
    pub value: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Fault {
    None,
    /// A false failure: reading `which` of the procedure lands just past a limit; a retest
    /// passes.
    Marginal(u8),
    Real(RealDefect),
    /// A phase waits for an answer that never comes.
    Timeout,
    /// The test script itself fails (an instrument is gone).
    Error,
    /// The operator stops the run.
    Aborted,
}

/// Chances per 10,000 runs, first match wins.
fn pick(rng: &mut Rng, table: &[(u32, Fault)]) -> Fault {
    let mut x = rng.u32(0..10_000);
    for (chance, f) in table {
        if x < *chance {
            return *f;
        }
        x -= chance;
    }
    Fault::None
}

fn real(kind: Defect, value: f64) -> Fault {
    Fault::Real(RealDefect { kind, value })
}

/// Story 2: the share of FCT runs whose Communication phase times out, by station. They come
/// at a steady rate (see `CommTimeouts`), so even a small seed shows the ratio.
pub(super) fn comm_timeout_rate(station: usize) -> f64 {
    if station == LINE2_FCT { 0.045 } else { 0.009 }
}

/// Spreads a station's timeouts evenly over its runs, with jitter: each run adds the rate, and
/// a timeout comes when the total reaches one; it then falls by 0.75–1.25.
#[derive(Default)]
pub(super) struct CommTimeouts([f64; catalog::STATIONS.len()]);

impl CommTimeouts {
    pub(super) fn next(&mut self, rng: &mut Rng, station: usize) -> bool {
        let debt = &mut self.0[station];
        *debt += comm_timeout_rate(station);
        let due = *debt >= 1.0;
        if due {
            *debt -= 0.75 + rng.f64() / 2.0;
        }
        due
    }
}

/// What goes wrong on a run of procedure `proc` at `station` (most often nothing).
pub(super) fn draw(rng: &mut Rng, proc: usize) -> Fault {
    use Defect::*;
    let v = rng.f64();
    match proc {
        catalog::FCT => pick(
            rng,
            &[
                (20, Fault::Marginal(0)),
                (200, Fault::Marginal(1)),
                (200, Fault::Marginal(2)),
                (10, real(RailLow, 3.02 + v * 0.12)),
                (5, real(RailHigh, 3.43 + v * 0.07)),
                (220, real(SelfTest, 0.0)),
                (140, real(Thermal, 2.5 + v * 0.4)),
                (90, Fault::Error),
                (90, Fault::Aborted),
            ],
        ),
        catalog::ICT => pick(
            rng,
            &[
                (400, Fault::Marginal(0)),
                (200, real(Short, 0.3 + v * 2.5)),
                (110, real(WrongPart, if v < 0.5 { 8.2 } else { 12.0 })),
                (100, Fault::Error),
                (50, Fault::Aborted),
            ],
        ),
        catalog::BURN_IN => pick(
            rng,
            &[
                (220, Fault::Marginal(0)),
                (220, Fault::Marginal(1)),
                (200, real(VoutLow, 11.2 + v * 0.35)),
                (160, real(Ripple, 92.0 + v * 35.0)),
                (100, Fault::Timeout),
                (60, Fault::Error),
            ],
        ),
        catalog::RF_CAL => pick(
            rng,
            &[
                (520, Fault::Marginal(0)),
                (450, real(PaLow, 15.3 + v * 0.9)),
                (80, Fault::Error),
                (40, Fault::Aborted),
            ],
        ),
        _ => pick(
            rng,
            &[
                (420, Fault::Marginal(0)),
                (300, real(LinkDown, 0.0)),
                (200, real(RssiLow, -74.0 + v * 4.0)),
                (100, Fault::Timeout),
                (50, Fault::Error),
                (40, Fault::Aborted),
            ],
        ),
    }
}

// ---- 3: retests and repairs ----------------------------------------------------------------

/// Chance in 100 that a failed unit is retested.
pub(super) const RETEST_CHANCE: u8 = 93;
/// Chance in 100 that a unit failing twice with a real defect is repaired (else scrapped).
pub(super) const REPAIR_CHANCE: u8 = 65;

pub(super) fn retest_delay(rng: &mut Rng) -> i64 {
    4 * MINUTE + rng.i64(0..40 * MINUTE)
}

pub(super) fn repair_delay(rng: &mut Rng) -> i64 {
    5 * HOUR + rng.i64(0..30 * HOUR)
}

// ---- 4: the flow between procedures --------------------------------------------------------

/// From a passed ICT to the board's FCT.
pub(super) fn ict_to_fct(rng: &mut Rng) -> i64 {
    30 * MINUTE + rng.i64(0..10 * HOUR)
}

/// Chance in 100 that a board passing FCT is built into a gateway (the rest ship as spares).
pub(super) const ASSEMBLY_CHANCE: u8 = 55;

pub(super) fn fct_to_system(rng: &mut Rng) -> i64 {
    3 * HOUR + rng.i64(0..30 * HOUR)
}

/// What starts a new unit when no unit is waiting: a main board at ICT, an RF module at RF
/// calibration, four PSUs in the burn-in rack (weights).
pub(super) const NEW_BOARD: u32 = 10;
pub(super) const NEW_RF_MODULE: u32 = 6;
pub(super) const NEW_PSU_BATCH: u32 = 1;
