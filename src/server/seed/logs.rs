//! The everyday chatter of each test script: the lines that fill a run's log between the
//! lines that matter. Static text, so millions of them cost no formatting; a run walks each
//! list from a random point, so its lines rarely repeat.

use super::catalog::Kind;
use crate::api::LogLevel;

pub(super) type Line = (LogLevel, &'static str, &'static str, i64);

use LogLevel::{Debug as D, Info as I, Warning as W};

pub(super) struct Chatter {
    /// Lines of any run, at any time.
    common: &'static [Line],
    /// Lines of a run that went wrong, after it did: diagnostics, dumps, retries.
    trouble: &'static [Line],
}

impl Chatter {
    pub(super) fn common(&self, n: usize) -> Line {
        self.common[n % self.common.len()].clone()
    }

    pub(super) fn trouble(&self, n: usize) -> Line {
        self.trouble[n % self.trouble.len()].clone()
    }
}

pub(super) fn chatter(kind: Kind) -> &'static Chatter {
    match kind {
        Kind::Functional => &FUNCTIONAL,
        Kind::InCircuit => &IN_CIRCUIT,
        Kind::BurnIn => &BURN_IN,
        Kind::RfCal => &RF_CAL,
        Kind::System => &SYSTEM,
    }
}

const TROUBLE: &[Line] = &[
    (D, "Dumping status registers", "lib/diag.py", 31),
    (D, "STATUS 0x04 = 0x1F", "lib/diag.py", 38),
    (W, "Instrument reply slow, retry 1/3", "lib/visa.py", 140),
    (D, "FAULT 0x05 = 0x02", "lib/diag.py", 39),
    (D, "Saving diagnostic snapshot", "lib/diag.py", 52),
    (I, "Operator notified on display", "lib/ui.py", 33),
    (D, "Re-reading last value", "lib/report.py", 77),
    (D, "Snapshot saved to /var/diag", "lib/diag.py", 60),
    (D, "Supply currents logged", "lib/diag.py", 71),
    (W, "Retry budget exhausted", "lib/retry.py", 22),
    (D, "Fixture state: clamped", "lib/fixture.py", 140),
    (D, "Failure bin: HW", "lib/report.py", 90),
];

static FUNCTIONAL: Chatter = Chatter {
    common: &[
        (D, "DMM range 10 V DC", "lib/dmm.py", 44),
        (D, "Relay K3 closed", "lib/fixture.py", 120),
        (D, "Relay K4 closed", "lib/fixture.py", 120),
        (D, "PSU ch1 limit 500 mA", "lib/power.py", 22),
        (D, "I2C scan: 0x20 0x48 0x50 0x68", "lib/i2c.py", 61),
        (D, "GPIO expander configured", "lib/i2c.py", 80),
        (D, "Thermocouple T1 OK", "lib/thermal.py", 15),
        (D, "Firmware banner received", "lib/uart.py", 150),
        (D, "Averaging 16 samples", "lib/dmm.py", 58),
        (I, "Step limits from limits.yaml", "tests/functional.py", 30),
        (D, "Relay K3 open", "lib/fixture.py", 124),
    ],
    trouble: TROUBLE,
};

static IN_CIRCUIT: Chatter = Chatter {
    common: &[
        (D, "Probe contact 212/212", "lib/ict.py", 40),
        (D, "Guard points applied", "lib/ict.py", 92),
        (D, "LCR at 1 kHz, 100 mV", "lib/lcr.py", 30),
        (D, "Discharging bulk caps", "lib/ict.py", 55),
        (I, "Board outline matches", "tests/ict.py", 18),
        (D, "JTAG IDCODE 0x4BA00477", "lib/jtag.py", 64),
        (D, "Open/short matrix loaded", "lib/ict.py", 25),
        (D, "Nets tested: 48", "lib/ict.py", 110),
    ],
    trouble: TROUBLE,
};

static BURN_IN: Chatter = Chatter {
    common: &[
        (D, "Chamber at 45 °C", "lib/chamber.py", 40),
        (D, "E-load CC mode", "lib/eload.py", 30),
        (D, "Fan tray at 60 %", "lib/chamber.py", 66),
        (D, "Slot thermocouple OK", "tests/burnin.py", 22),
        (D, "Rack door closed", "lib/chamber.py", 80),
    ],
    trouble: TROUBLE,
};

static RF_CAL: Chatter = Chatter {
    common: &[
        (D, "VSA ref level +20 dBm", "lib/vsa.py", 52),
        (D, "Cable loss 1.8 dB applied", "lib/vsa.py", 70),
        (D, "Shield box closed", "lib/fixture.py", 71),
        (D, "Cal table in EEPROM", "tests/rf_cal.py", 88),
        (I, "Reference locked", "lib/vsa.py", 35),
        (D, "RBW 100 kHz", "lib/vsa.py", 58),
    ],
    trouble: TROUBLE,
};

static SYSTEM: Chatter = Chatter {
    common: &[
        (D, "Console at 115200 baud", "lib/console.py", 20),
        (D, "DHCP lease obtained", "lib/net.py", 42),
        (D, "Fan 2400 rpm", "lib/system.py", 61),
        (D, "Watchdog kicked", "lib/system.py", 90),
        (D, "Syslog to test host", "lib/net.py", 77),
        (I, "Interlock closed", "lib/fixture.py", 71),
    ],
    trouble: TROUBLE,
};
