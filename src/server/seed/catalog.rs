//! The demo factory: who works there, which stations (and fixtures) and procedures it runs,
//! what it builds. A main board is tested at ICT, then at FCT with a calibrated RF module
//! fitted; some boards are then built into a gateway with a burnt-in PSU and system-tested.

pub(super) struct Operator {
    pub email: &'static str,
    pub name: &'static str,
}

pub(super) const ADMIN: Operator =
    Operator { email: "admin@demo.tofupilot.local", name: "Demo Admin" };

pub(super) const OPERATORS: &[Operator] = &[
    Operator { email: "alice@demo.tofupilot.local", name: "Alice Martin" },
    Operator { email: "bob@demo.tofupilot.local", name: "Bob Nguyen" },
    Operator { email: "carol@demo.tofupilot.local", name: "Carol Schmidt" },
    Operator { email: "dave@demo.tofupilot.local", name: "Dave Okafor" },
];

/// Operators who type their name at the station instead of logging in.
pub(super) const DECLARED_OPERATORS: &[&str] = &["night shift temp", "J. Rivera"];

pub(super) struct StationSpec {
    pub name: &'static str,
    /// The test fixtures mounted on the station (metadata `fixture`).
    pub fixtures: &'static [&'static str],
}

pub(super) const STATIONS: &[StationSpec] = &[
    StationSpec { name: "Line 1 ICT", fixtures: &["FX-10"] },
    StationSpec { name: "Line 1 FCT", fixtures: &["FX-11", "FX-12"] },
    StationSpec { name: "Line 2 FCT", fixtures: &["FX-21", "FX-22"] },
    StationSpec { name: "Burn-in Rack", fixtures: &["FX-30"] },
    StationSpec { name: "RF Bench", fixtures: &["FX-40"] },
    StationSpec { name: "Final Test Bench", fixtures: &["FX-50"] },
];

/// Indexes into `STATIONS` the stories refer to.
pub(super) const LINE1_FCT: usize = 1;
pub(super) const LINE2_FCT: usize = 2;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Functional,
    InCircuit,
    BurnIn,
    RfCal,
    System,
}

pub(super) struct ProcedureSpec {
    pub name: &'static str,
    pub kind: Kind,
    pub versions: &'static [&'static str],
    /// Indexes into `STATIONS`.
    pub stations: &'static [usize],
    /// The longest a run of it can take (ms), so one started near the anchor still ends
    /// before it.
    pub max_ms: i64,
}

pub(super) const PROCEDURES: &[ProcedureSpec] = &[
    ProcedureSpec {
        name: "PCB Functional Test",
        kind: Kind::Functional,
        versions: &["v2.0.0", "v2.1.0", "v2.1.1"],
        stations: &[LINE1_FCT, LINE2_FCT],
        max_ms: 320_000,
    },
    ProcedureSpec {
        name: "In-Circuit Test",
        kind: Kind::InCircuit,
        versions: &["v1.4", "v1.5"],
        stations: &[0],
        max_ms: 60_000,
    },
    ProcedureSpec {
        name: "PSU Burn-in",
        kind: Kind::BurnIn,
        versions: &["v3.0"],
        stations: &[3],
        max_ms: 7_300_000,
    },
    ProcedureSpec {
        name: "RF Calibration",
        kind: Kind::RfCal,
        versions: &["v0.9", "v1.0"],
        stations: &[4],
        max_ms: 40_000,
    },
    ProcedureSpec {
        name: "System Test",
        kind: Kind::System,
        versions: &["v1.0", "v1.1"],
        stations: &[5],
        max_ms: 200_000,
    },
];

/// Indexes into `PROCEDURES`.
pub(super) const FCT: usize = 0;
pub(super) const ICT: usize = 1;
pub(super) const BURN_IN: usize = 2;
pub(super) const RF_CAL: usize = 3;
pub(super) const SYSTEM: usize = 4;

pub(super) struct PartSpec {
    pub number: &'static str,
    pub name: &'static str,
    pub revisions: &'static [&'static str],
    pub serial_prefix: &'static str,
}

pub(super) const PARTS: &[PartSpec] = &[
    PartSpec {
        number: "PCB-MAIN",
        name: "Main controller board",
        revisions: &["A", "B", "C"],
        serial_prefix: "SN-",
    },
    PartSpec {
        number: "PSU-12V",
        name: "12 V power supply",
        revisions: &["1", "2"],
        serial_prefix: "PSU-",
    },
    PartSpec {
        number: "RF-FE",
        name: "RF front-end module",
        revisions: &["A"],
        serial_prefix: "RF-",
    },
    PartSpec {
        number: "GW-100",
        name: "Gateway assembly",
        revisions: &["1"],
        serial_prefix: "SYS-",
    },
];

/// Indexes into `PARTS`.
pub(super) const MAIN_BOARD: usize = 0;
pub(super) const PSU: usize = 1;
pub(super) const RF_MODULE: usize = 2;
pub(super) const GATEWAY: usize = 3;
