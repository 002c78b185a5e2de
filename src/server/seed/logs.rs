//! The everyday chatter of each test script: the lines that fill a run's log between the
//! lines that matter. Static text, so a million of them cost no formatting.

use fastrand::Rng;

use super::catalog::Kind;
use crate::api::LogLevel;

type Line = (LogLevel, &'static str, &'static str, i64);

use LogLevel::{Debug as D, Info as I, Warning as W};

pub struct Chatter {
    common: &'static [Line],
    /// Extra lines of a run that went wrong: register dumps, retries, diagnostics.
    trouble: &'static [Line],
}

impl Chatter {
    pub fn pick(
        &self,
        rng: &mut Rng,
        failing: bool,
    ) -> (LogLevel, &'static str, &'static str, i64) {
        let list = if failing && rng.bool() { self.trouble } else { self.common };
        let (level, msg, file, line) = &list[rng.usize(0..list.len())];
        (level.clone(), msg, file, *line)
    }
}

pub fn chatter(kind: Kind) -> &'static Chatter {
    match kind {
        Kind::Functional => &FUNCTIONAL,
        Kind::InCircuit => &IN_CIRCUIT,
        Kind::BurnIn => &BURN_IN,
        Kind::RfCal => &RF_CAL,
        Kind::System => &SYSTEM,
    }
}

const SHARED_TROUBLE: &[Line] = &[
    (D, "Dumping status registers", "lib/diag.py", 31),
    (D, "STATUS 0x04 = 0x1F, FAULT 0x05 = 0x02", "lib/diag.py", 38),
    (W, "Instrument reply slow (412 ms), retrying read 1/3", "lib/visa.py", 140),
    (D, "Saving diagnostic snapshot", "lib/diag.py", 52),
    (I, "Operator notified on station display", "lib/ui.py", 33),
    (D, "Re-reading the last value for the report", "lib/report.py", 77),
];

static FUNCTIONAL: Chatter = Chatter {
    common: &[
        (D, "DMM range set to 10 V DC", "lib/dmm.py", 44),
        (D, "Relay K3 closed (3V3 sense)", "lib/fixture.py", 120),
        (D, "Relay K4 closed (5V0 sense)", "lib/fixture.py", 120),
        (D, "PSU channel 1 current limit 500 mA", "lib/power.py", 22),
        (D, "I2C scan: 0x20 0x48 0x50 0x68", "lib/i2c.py", 61),
        (D, "GPIO expander 0x20 configured", "lib/i2c.py", 80),
        (I, "Barcode label verified", "tests/functional.py", 20),
        (D, "Thermocouple T1 reads ambient", "lib/thermal.py", 15),
        (D, "Firmware banner received", "lib/uart.py", 150),
        (I, "Fixture lid closed, vacuum OK", "lib/fixture.py", 71),
        (D, "Averaging 16 samples", "lib/dmm.py", 58),
    ],
    trouble: SHARED_TROUBLE,
};

static IN_CIRCUIT: Chatter = Chatter {
    common: &[
        (D, "Nail bed contact check: 212/212 probes", "lib/ict.py", 40),
        (D, "Guard points applied for R17", "lib/ict.py", 92),
        (D, "Measuring at 1 kHz, 100 mV", "lib/lcr.py", 30),
        (D, "Discharging bulk capacitors", "lib/ict.py", 55),
        (I, "Board outline matches revision", "tests/ict.py", 18),
        (D, "JTAG chain: 1 device, IDCODE 0x4BA00477", "lib/jtag.py", 64),
        (D, "Open/short matrix 48x48 loaded", "lib/ict.py", 25),
    ],
    trouble: SHARED_TROUBLE,
};

static BURN_IN: Chatter = Chatter {
    common: &[
        (D, "Chamber setpoint 45 °C held", "lib/chamber.py", 40),
        (D, "E-load CC mode, slew 1 A/us", "lib/eload.py", 30),
        (D, "Fan tray at 60 %", "lib/chamber.py", 66),
        (I, "Slot thermocouple attached", "tests/burnin.py", 22),
        (D, "Logging interval 15 min", "tests/burnin.py", 30),
    ],
    trouble: SHARED_TROUBLE,
};

static RF_CAL: Chatter = Chatter {
    common: &[
        (D, "VSA reference level +20 dBm", "lib/vsa.py", 52),
        (D, "Cable loss table applied (1.8 dB)", "lib/vsa.py", 70),
        (D, "Shield box door closed", "lib/fixture.py", 71),
        (D, "Writing calibration table to EEPROM", "tests/rf_cal.py", 88),
        (I, "Reference oscillator locked", "lib/vsa.py", 35),
    ],
    trouble: SHARED_TROUBLE,
};

static SYSTEM: Chatter = Chatter {
    common: &[
        (D, "Console at 115200 baud", "lib/console.py", 20),
        (D, "DHCP lease 10.0.8.x obtained", "lib/net.py", 42),
        (D, "Fan speed 2400 rpm", "lib/system.py", 61),
        (I, "Enclosure interlock closed", "lib/fixture.py", 71),
        (D, "Watchdog kicked", "lib/system.py", 90),
        (D, "Syslog forwarding to test host", "lib/net.py", 77),
    ],
    trouble: SHARED_TROUBLE,
};
