//! The demo factory: who works there, which stations and procedures it runs, what it builds.

pub struct Operator {
    pub email: &'static str,
    pub name: &'static str,
}

pub const ADMIN: Operator = Operator { email: "admin@demo.tofupilot.local", name: "Demo Admin" };

pub const OPERATORS: &[Operator] = &[
    Operator { email: "alice@demo.tofupilot.local", name: "Alice Martin" },
    Operator { email: "bob@demo.tofupilot.local", name: "Bob Nguyen" },
    Operator { email: "carol@demo.tofupilot.local", name: "Carol Schmidt" },
    Operator { email: "dave@demo.tofupilot.local", name: "Dave Okafor" },
];

/// Operators who type their name at the station instead of logging in.
pub const DECLARED_OPERATORS: &[&str] = &["night shift temp", "J. Rivera"];

pub const STATIONS: &[&str] =
    &["Line 1 ICT", "Line 1 FCT", "Line 2 FCT", "Burn-in Rack", "RF Bench"];

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Functional,
    InCircuit,
    BurnIn,
    RfCal,
}

pub struct ProcedureSpec {
    pub name: &'static str,
    pub kind: Kind,
    pub versions: &'static [&'static str],
    /// Indexes into `STATIONS`.
    pub stations: &'static [usize],
    /// Relative share of runs.
    pub weight: u32,
    pub part: usize,
}

pub const PROCEDURES: &[ProcedureSpec] = &[
    ProcedureSpec {
        name: "PCB Functional Test",
        kind: Kind::Functional,
        versions: &["v2.0.0", "v2.1.0", "v2.1.1"],
        stations: &[1, 2],
        weight: 45,
        part: 0,
    },
    ProcedureSpec {
        name: "In-Circuit Test",
        kind: Kind::InCircuit,
        versions: &["v1.4", "v1.5"],
        stations: &[0],
        weight: 25,
        part: 0,
    },
    ProcedureSpec {
        name: "PSU Burn-in",
        kind: Kind::BurnIn,
        versions: &["v3.0"],
        stations: &[3],
        weight: 15,
        part: 1,
    },
    ProcedureSpec {
        name: "RF Calibration",
        kind: Kind::RfCal,
        versions: &["v0.9", "v1.0"],
        stations: &[4],
        weight: 15,
        part: 2,
    },
];

pub struct PartSpec {
    pub number: &'static str,
    pub name: &'static str,
    pub revisions: &'static [&'static str],
    pub serial_prefix: &'static str,
}

pub const PARTS: &[PartSpec] = &[
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
];
