//! The other procedures: PSU burn-in (four slots per rack execution), RF module calibration,
//! and the system test of a gateway built from a main board and a PSU.

use fastrand::Rng;
use serde_json::{Value, json};

use super::body::*;
use super::flow::RunContext;
use super::story::{Defect, Fault};
use crate::api::create::*;
use crate::api::*;

use LogLevel::{Critical, Debug, Error, Info};

pub(super) fn burn_in(c: &RunContext, rng: &mut Rng) -> Body {
    let mut b = Body::new("tests/burnin.py");
    b.open_run(c, "PSU Burn-in");
    b.begin();
    let cold = round(12.0 + normal(rng) * 0.03, 3);
    b.log_in(Debug, "E-load set to 2.0 A", "lib/eload.py", 44);
    let ms = vec![ranged("output_voltage_cold", cold, 11.7, 12.3, "V")];
    b.end("Pre-check", PhaseOutcome::Pass, 4_000 + rng.i64(0..1_500), ms, 0, None);

    b.begin();
    b.log(Info, "Load stepped to 85 %, chamber at 45 °C", 40);
    let stop_at = 2_400_000 + rng.i64(0..3_600_000);
    let mut t = 0;
    let vout = match (c.fault, defect(c.fault, Defect::VoutLow)) {
        (_, Some(x)) => x + normal(rng) * 0.02,
        (Fault::Marginal(0), _) => just_past(rng, 11.7, 12.3, 0.33),
        _ => 12.0 + normal(rng) * 0.04,
    };
    let vout = round(vout, 3);
    let ripple = match (c.fault, defect(c.fault, Defect::Ripple)) {
        (_, Some(x)) => x + normal(rng) * 2.0,
        (Fault::Marginal(1), _) => just_past(rng, 0.0, 80.0, 1.0),
        _ => 38.0 + normal(rng) * 7.0,
    };
    let ripple = round(ripple.max(5.0), 1);
    for k in 1..=3 {
        let at = k * 1_800_000;
        if matches!(c.fault, Fault::Timeout | Fault::Error) && at > stop_at {
            break;
        }
        b.wait(at - t);
        t = at;
        let temp = 52.0 + rng.f64() * 6.0;
        let msg = format!("t+{} min: Vout {:.2} V, case {temp:.1} °C", k * 30, vout);
        b.log(Debug, msg, 71);
    }
    match c.fault {
        Fault::Timeout => {
            b.wait(stop_at - t);
            b.log_in(
                Error,
                "Electronic load stopped responding (SCPI timeout)",
                "lib/eload.py",
                77,
            );
            b.end("Burn-in 2h @ 85%", PhaseOutcome::Error, stop_at + 30_000, vec![], 0, None);
            b.fail(RunOutcome::Timeout);
            b.skip("Final check", None);
        }
        Fault::Error => {
            b.wait(stop_at - t);
            let msg = "Over-temperature shutdown: slot sensor reads 98 °C";
            b.log_in(Critical, msg, "lib/chamber.py", 120);
            b.log(Error, "Burn-in interrupted by the rack controller", 81);
            b.end("Burn-in 2h @ 85%", PhaseOutcome::Error, stop_at + 2_000, vec![], 0, None);
            b.fail(RunOutcome::Error);
            b.skip("Final check", None);
        }
        _ => {
            b.wait(7_190_000 - t);
            let pass = ripple <= 80.0 && (11.7..=12.3).contains(&vout);
            if !pass {
                let msg = format!("Output out of spec: {vout:.3} V, ripple {ripple:.1} mV");
                b.log(Error, msg, 64);
                b.fail(RunOutcome::Fail);
            }
            let ms = vec![
                ranged("output_voltage", vout, 11.7, 12.3, "V"),
                at_most("ripple_pp", ripple, 80.0, "mV"),
                regulation(rng, vout),
            ];
            b.end("Burn-in 2h @ 85%", phase_outcome(pass), 7_200_000, ms, 0, None);
            b.begin();
            let eff = round(89.0 + normal(rng) * 0.8, 1);
            let ms = vec![at_least("efficiency", eff, 85.0, "%")];
            b.end("Final check", PhaseOutcome::Pass, 3_000 + rng.i64(0..1_000), ms, 0, None);
        }
    }
    b.close_run();
    b
}

fn regulation(rng: &mut Rng, vout: f64) -> MeasurementCreate {
    MeasurementCreate {
        aggregations: Some(vec![
            AggregationCreate {
                kind: "avg".into(),
                outcome: None,
                value: Some(json!(vout)),
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
        ..at_most("load_regulation", round(rng.f64() * 0.8, 3), 1.0, "%")
    }
}

pub(super) fn rf_cal(c: &RunContext, rng: &mut Rng) -> Body {
    let mut b = Body::new("tests/rf_cal.py");
    b.open_run(c, "RF Calibration");
    b.begin();
    b.log_in(Debug, "Connecting VSA at TCPIP0::10.0.8.5", "lib/vsa.py", 20);
    if c.fault == Fault::Error {
        let msg = "Traceback (most recent call last): VisaIOError: VSA not found";
        b.log_in(Critical, msg, "lib/vsa.py", 28);
        b.end("Connect", PhaseOutcome::Error, 1_000, vec![], 0, None);
        b.fail(RunOutcome::Error);
        b.skip("Calibrate PA", None);
        b.skip("Verify EVM", None);
        b.close_run();
        return b;
    }
    b.end("Connect", PhaseOutcome::Pass, 800 + rng.i64(0..400), vec![], 0, None);

    b.begin();
    let pout = match (c.fault, defect(c.fault, Defect::PaLow)) {
        (_, Some(x)) => x + normal(rng) * 0.05,
        (Fault::Marginal(_), _) => just_past(rng, 16.5, 17.5, 0.5),
        _ => 17.0 + normal(rng) * 0.12,
    };
    let pout = round(pout, 2);
    let pass = (16.5..=17.5).contains(&pout);
    b.log(Debug, format!("PA bias trimmed, output {pout:.2} dBm at 2440 MHz"), 70);
    if !pass {
        b.log(Error, format!("PA output {pout:.2} dBm outside 16.5..17.5 dBm"), 102);
        b.fail(RunOutcome::Fail);
    }
    let freqs: Vec<f64> = (0..12).map(|k| 2400.0 + k as f64 * 7.0).collect();
    let gain: Vec<f64> = freqs.iter().map(|_| round(pout + (rng.f64() - 0.5) * 0.2, 2)).collect();
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
    let ms = vec![ranged("tx_power", pout, 16.5, 17.5, "dBm"), sweep];
    b.end("Calibrate PA", phase_outcome(pass), 3_500 + rng.i64(0..1_500), ms, 0, None);

    if c.fault == Fault::Aborted {
        b.stop();
        b.skip("Verify EVM", None);
    } else {
        b.begin();
        let evm = round(1.6 + normal(rng) * 0.25, 2);
        b.log(Debug, "Cal table CRC 0x5A3C written", 95);
        let ms = vec![at_most("evm", evm, 3.0, "%")];
        b.end("Verify EVM", PhaseOutcome::Pass, 1_200 + rng.i64(0..400), ms, 0, None);
    }
    b.close_run();
    b
}

pub(super) fn system(c: &RunContext, rng: &mut Rng) -> Body {
    let mut b = Body::new("tests/system.py");
    b.open_run(c, "System Test");
    if !c.sub_units.is_empty() {
        b.log(Info, format!("Assembly {} contains {}", c.serial, c.sub_units.join(", ")), 18);
    }
    b.begin();
    b.log_in(Debug, "Power applied, waiting for login prompt", "lib/console.py", 40);
    if c.fault == Fault::Timeout {
        b.wait(60_000);
        b.log(Error, "Boot timed out after 60 s: no login prompt on the console", 52);
        b.end("Boot", PhaseOutcome::Error, 60_000, vec![], 0, None);
        b.fail(RunOutcome::Timeout);
        for p in ["Power budget", "Network", "RF link"] {
            b.skip(p, None);
        }
        b.close_run();
        return b;
    }
    let boot = round(12.0 + normal(rng) * 1.2, 1);
    b.wait((boot * 1000.0) as i64);
    b.log_in(Info, "Login prompt seen", "lib/console.py", 61);
    let ms = vec![at_most("boot_time", boot, 25.0, "s")];
    b.end("Boot", PhaseOutcome::Pass, (boot * 1000.0) as i64 + 200, ms, 0, None);
    if c.fault == Fault::Aborted {
        b.stop();
        for p in ["Power budget", "Network", "RF link"] {
            b.skip(p, None);
        }
        b.close_run();
        return b;
    }

    b.begin();
    let watts = match c.fault {
        Fault::Marginal(_) => just_past(rng, 15.0, 24.0, 1.0),
        _ => 19.0 + normal(rng) * 1.0,
    };
    let watts = round(watts, 2);
    let psu = round(12.0 + normal(rng) * 0.04, 3);
    b.log(Debug, "Stress load started on all cores", 70);
    let ok = watts <= 24.0;
    if !ok {
        b.log(Error, format!("Input power {watts:.2} W above the 24 W budget"), 77);
        b.fail(RunOutcome::Fail);
    }
    let ms =
        vec![at_most("input_power", watts, 24.0, "W"), ranged("psu_vout", psu, 11.7, 12.3, "V")];
    b.end("Power budget", phase_outcome(ok), 15_000 + rng.i64(0..5_000), ms, 0, None);

    b.begin();
    b.log_in(Debug, "Bringing up eth0", "lib/net.py", 30);
    if c.fault == Fault::Error {
        let msg = "Traceback (most recent call last): ConnectionResetError: console lost";
        b.log_in(Critical, msg, "lib/console.py", 99);
        b.end("Network", PhaseOutcome::Error, 2_000, vec![], 0, None);
        b.fail(RunOutcome::Error);
        b.skip("RF link", None);
        b.close_run();
        return b;
    }
    let link =
        if defect(c.fault, Defect::LinkDown).is_some() { "100baseT-FD" } else { "1000baseT-FD" };
    let ok = link == "1000baseT-FD";
    if !ok {
        b.log(Error, "Ethernet negotiated 100baseT-FD, expected 1000baseT-FD", 88);
        b.fail(RunOutcome::Fail);
    }
    let ms = vec![
        measurement("eth_link", json!(link), None, vec![v("==", json!("1000baseT-FD"))], ok),
        at_most("ping_loss", 0.0, 1.0, "%"),
    ];
    b.end("Network", phase_outcome(ok), 8_000 + rng.i64(0..4_000), ms, 0, None);

    b.begin();
    let rssi = match defect(c.fault, Defect::RssiLow) {
        Some(x) => x + normal(rng) * 0.8,
        None => -48.0 + normal(rng) * 2.5,
    };
    let rssi = round(rssi, 1);
    b.log_in(Debug, "Pairing with the reference node", "lib/radio.py", 50);
    let ok = rssi >= -65.0;
    if !ok {
        b.log(Error, format!("RSSI {rssi:.1} dBm below -65 dBm: check the RF module"), 112);
        b.fail(RunOutcome::Fail);
    }
    let ms = vec![at_least("rssi", rssi, -65.0, "dBm")];
    b.end("RF link", phase_outcome(ok), 6_000 + rng.i64(0..3_000), ms, 0, None);
    b.close_run();
    b
}
