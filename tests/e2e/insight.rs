//! The insight panes in the real binary, in a pseudo-terminal, against the embedded server
//! over HTTP with the demo factory: from a filtered view, open the yield, the Pareto, the
//! explain view and a measurement's trend; drill down from a bar and from an explain row into
//! the runs behind it and come back each time; quit with the terminal restored.

use crate::common;

use common::pty::Tui;
use common::*;

const FILTER: &str = "proc:\"PCB Functional Test\"";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_pane_from_a_filtered_view_drill_down_and_back() {
    let s = TestServer::seeded_at(tofui::serve::DEMO_RUNS, 42, this_hour()).await;
    let url = s.running.url.clone();
    let handle = tokio::task::spawn_blocking(move || {
        let mut t = Tui::start(&url, &[]);
        t.wait_for("the first page", |s| s.contains("SN-") || s.contains("RF-"));
        t.send("/");
        t.wait_for("the filter line", |s| s.lines().any(|l| l.starts_with("/ ")));
        t.send(FILTER);
        t.send("\r");
        t.wait_for("the filtered list", |s| {
            s.lines().next().is_some_and(|l| l.contains(FILTER)) && s.contains("PCB Function")
        });

        // The yield, and back.
        t.send("%");
        t.wait_for("the yield", |s| {
            s.contains("Yield · ") && s.contains("first-pass") && !s.contains("loaded…")
        });
        t.send("\r");
        // The filter line is cut at 80 columns here; the status line says what the runs are.
        t.wait_for("the runs of a station", |s| {
            s.contains("the runs of station") && s.contains("Outcome")
        });
        t.send("\x1b");
        t.wait_for("the yield again", |s| s.contains("Yield · "));
        t.send("\x1b");
        t.wait_for("the list", |s| s.contains("Started"));

        // The Pareto; enter on its first bar lists exactly its runs; esc comes back.
        t.send("P");
        let pareto = t.wait_for("the Pareto, loaded", |s| {
            s.contains("Failure Pareto")
                && s.contains("bar 1/")
                && !s.contains("loaded…")
                && !s.contains("loading failing")
                && !s.contains("reading which runs ran")
        });
        let first = pareto
            .lines()
            .nth(5)
            .map(|l| l.split("  ").next().unwrap_or("").trim().to_string())
            .expect("first bar");
        assert!(first.contains('›'), "{pareto}");
        t.send("\r");
        let drilled = t.wait_for("the runs of the bar", |s| {
            s.contains(&format!("runs of {first}")) && s.contains("Outcome")
        });
        // The filter line: the view's filter, then the runs' ids (cut at 80 columns).
        assert!(drilled.lines().next().is_some_and(|l| l.contains(FILTER)), "{drilled}");
        assert!(!drilled.contains("✓ PASS"), "only failing runs: {drilled}");
        t.send("\x1b");
        t.wait_for("the Pareto again", |s| s.contains("Failure Pareto") && s.contains(&first));

        // Explain the bar, the Pareto's phase read complete although a drill-down came in
        // between: over the runs that ran Power-on, the planted fixture FX-12 first (revision
        // PCB-MAIN C, confounded with it, follows it); enter on it, esc back.
        t.send("e");
        t.wait_for("the explain view", |s| {
            s.contains("Explain")
                && s.contains("likely cause: fixture FX-12")
                && s.contains("runs that ran Power-on")
        });
        t.send("\r");
        t.wait_for("the runs of the likeliest cause", |s| {
            s.contains("Outcome") && s.contains("on fixture FX-12")
        });
        t.send("q");
        t.wait_for("the explain view again", |s| {
            s.contains("Explain") && s.contains("dimension 1/")
        });
        t.send("\x1b");
        t.send("\x1b");
        t.wait_for("the list", |s| s.contains("Started"));

        // A run, its first failing measurement, its trend; esc back to the run.
        t.send("\r");
        t.wait_for("the run", |s| s.contains("Phases"));
        t.send("f");
        t.send("t");
        t.wait_for("the trend", |s| s.contains("Trend ") && s.contains(" values of "));
        t.send("\x1b");
        t.wait_for("the run again", |s| s.contains("Phases") && !s.contains("Trend "));
        t.send("Q");
        t.wait_exit();
        t.assert_restored();
    });
    handle.await.expect("the PTY test");
}
