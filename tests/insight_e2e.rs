//! The insight panes in the real binary, in a pseudo-terminal, against the embedded server
//! over HTTP with the demo factory: from a filtered view, open the yield, the Pareto, the
//! explain view and a measurement's trend; drill down from a bar and from an explain row into
//! the runs behind it and come back each time; quit with the terminal restored.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DurationRound, TimeDelta, Utc};
use common::*;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use tofui::server::seed::{SeedOptions, seed};

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("non-zero")
}

struct Tui {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _dir: tempfile::TempDir,
}

impl Tui {
    fn start(url: &str) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 })
            .expect("pty");
        let dir = tempfile::tempdir().expect("dir");
        let bin = std::env::var_os("TOFUI_E2E_BIN")
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_tofui").into());
        let mut cmd = CommandBuilder::new(bin);
        cmd.env("TOFUPILOT_URL", url);
        cmd.env("TOFUPILOT_API_KEY", USER_KEY);
        cmd.env("TOFUI_LOG_FILE", dir.path().join("tofui.log"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        cmd.env("TOFUI_CONFIG", "/nonexistent/tofui-test-config.toml");
        let child = pty.slave.spawn_command(cmd).expect("spawn tofui");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(24), nz(80), 0)));
        let p = parser.clone();
        std::thread::spawn(move || {
            let _keep_master_open = pty.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().expect("parser").process(&buf[..n]);
            }
        });
        Tui { parser, writer, child, _dir: dir }
    }

    fn screen(&self) -> String {
        self.parser.lock().expect("parser").screen().contents()
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let t0 = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if t0.elapsed() > Duration::from_secs(30) {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush");
        // Separate keys from what follows, so a lone ESC is not read as Alt+key.
        std::thread::sleep(Duration::from_millis(80));
    }

    fn wait_exit(&mut self) {
        let t0 = Instant::now();
        while self.child.try_wait().expect("wait").is_none() {
            assert!(t0.elapsed() < Duration::from_secs(10), "tofui did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(100));
        let p = self.parser.lock().expect("parser");
        assert!(!p.screen().alternate_screen(), "left the alternate screen");
        assert!(!p.screen().hide_cursor(), "cursor shown again");
    }
}

const FILTER: &str = "proc:\"PCB Functional Test\"";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_pane_from_a_filtered_view_drill_down_and_back() {
    let anchor = Utc::now().duration_trunc(TimeDelta::hours(1)).expect("hour");
    let s = TestServer::start_with(move |st| {
        let opts = SeedOptions { runs: tofui::serve::DEMO_RUNS, seed: 42, anchor };
        seed(st, &opts).expect("seed");
    })
    .await;
    let url = s.running.url.clone();
    let handle = tokio::task::spawn_blocking(move || {
        let mut t = Tui::start(&url);
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

        // Explain the bar: the likeliest cause first; enter on it, esc back.
        t.send("e");
        t.wait_for("the explain view", |s| {
            s.contains("Explain") && s.contains("likely cause: fixture FX-12")
        });
        t.send("\r");
        t.wait_for("the runs on FX-12", |s| {
            s.contains("on fixture FX-12") && s.contains("Outcome")
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
    });
    handle.await.expect("the PTY test");
}
