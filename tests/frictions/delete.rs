//! Item 9: the delete confirmation names each run by serial, procedure and start time (a unit
//! has several runs; a serial alone does not say which).

use crate::support::*;

#[test]
fn the_confirmation_names_serial_procedure_and_start() {
    let mut a = listing(100, 30, 10);
    press(&mut a, "  D"); // rows 0 and 1 marked
    let s = screen(&a);
    // Row 0: SN-01200, PCB Functional Test, started NOW − 90 s (11-26 11:58:30 UTC); row 1:
    // SN-01199, In-Circuit Test, half an hour earlier.
    for want in [
        "SN-01200 · PCB Functional Test · started 11-26 11:58:30",
        "SN-01199 · In-Circuit Test · started 11-26 11:28:30",
    ] {
        assert!(s.contains(want), "{want}\n{s}");
    }
    press(&mut a, "\x1b");
    // The run view names its run the same way.
    let mut r = run_open();
    press(&mut r, "D");
    let s = screen(&r);
    assert!(s.contains("PCB Functional Test · started 11-26 10:00:00"), "{s}");
}
