//! The real binary in a pseudo-terminal against the embedded server: `T` triages five demo
//! failures (three presets from the config, one more preset, one typed), `z` undoes the last,
//! and the runs are checked through the API, not through tofui.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DurationRound, TimeDelta, Utc};
use common::*;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use tofui::server::seed::{SeedOptions, seed};

struct Tui {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Tui {
    fn start(url: &str, config: &std::path::Path) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 })
            .expect("pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_tofui"));
        cmd.env("TOFUPILOT_URL", url);
        cmd.env("TOFUPILOT_API_KEY", USER_KEY);
        cmd.env("TERM", "xterm-256color");
        cmd.env("TOFUI_CONFIG", config);
        cmd.env("TOFUI_LOG_FILE", config.with_file_name("tofui.log"));
        let child = pty.slave.spawn_command(cmd).expect("spawn tofui");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let nz = |n| std::num::NonZeroU16::new(n).expect("non-zero");
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
        Tui { parser, writer, child }
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let t0 = Instant::now();
        loop {
            let s = self.parser.lock().expect("parser").screen().contents();
            if ok(&s) {
                return s;
            }
            assert!(t0.elapsed() < Duration::from_secs(20), "timed out waiting for {what}:\n{s}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(60));
    }

    fn quit(&mut self) {
        self.send("Q");
        let t0 = Instant::now();
        while self.child.try_wait().expect("wait").is_none() {
            assert!(t0.elapsed() < Duration::from_secs(10), "tofui did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
        let p = self.parser.lock().expect("parser");
        assert!(!p.screen().alternate_screen(), "left the alternate screen");
    }
}

const CONFIG: &str = "[triage]\nkey = \"disposition\"\npresets = [\"fixture\", \"retest\", \"real failure\", \"software\", \"cable\"]\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_five_demo_failures_undo_one_and_check_through_the_api() {
    let anchor = Utc::now().duration_trunc(TimeDelta::hours(1)).expect("hour");
    let s = TestServer::start_with(move |st| {
        seed(st, &SeedOptions { runs: 100, seed: 11, anchor }).expect("seed");
    })
    .await;
    // The failing runs in list order (newest first), as the API has them.
    let (_, page) = s.get("/runs?limit=100&include_metadata=true").await;
    let rows = page["data"].as_array().expect("rows");
    assert_eq!(rows.len(), 100);
    let failing: Vec<(String, String)> = rows
        .iter()
        .filter(|r| ["FAIL", "ERROR", "TIMEOUT"].contains(&r["outcome"].as_str().unwrap_or("")))
        .filter(|r| r["metadata"].get("disposition").is_none())
        .map(|r| {
            let serial = r["unit"]["serial_number"].as_str().expect("serial").to_string();
            (r["id"].as_str().expect("id").to_string(), serial)
        })
        .collect();
    assert!(failing.len() >= 6, "the demo has failures to triage: {}", failing.len());
    let n = failing.len();
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, CONFIG).expect("config");
    let url = s.running.url.clone();
    let expect = failing.clone();
    tokio::task::spawn_blocking(move || {
        let mut t = Tui::start(&url, &config);
        t.wait_for("the list", |s| s.contains("All runs 100"));
        t.send("T");
        for (k, key) in ["1", "2", "3", "5", "t"].iter().enumerate() {
            let (_, serial) = &expect[k];
            let at = format!("Triage {} of {n}", k + 1);
            t.wait_for(&at, |s| {
                s.contains(&at) && s.contains(serial.as_str()) && s.contains("5 cable")
            });
            if *key == "t" {
                t.send("t");
                t.wait_for("the prompt", |s| s.contains("disposition:"));
                t.send("operator error");
                t.send("\r");
            } else {
                t.send(key);
            }
        }
        let at = format!("Triage 6 of {n}");
        t.wait_for(&at, |s| s.contains(&at) && s.contains("5 recorded"));
        t.send("\x1b");
        t.wait_for("the list", |s| s.contains(&format!("5 of {n} recorded")));
        t.send("z");
        t.wait_for("the undo preview", |s| {
            s.contains("Undo the triage of") && s.contains("disposition (was operator error)")
        });
        t.send("\r");
        t.wait_for("the undo", |s| s.contains("undone:"));
        t.quit();
    })
    .await
    .expect("tui test");
    // Checked through the API.
    let want = ["fixture", "retest", "real failure", "cable"];
    for ((id, _), d) in failing.iter().zip(want) {
        let (_, run) = s.get(&format!("/runs/{id}")).await;
        assert_eq!(run["metadata"]["disposition"], d, "{id}");
    }
    let (_, undone) = s.get(&format!("/runs/{}", failing[4].0)).await;
    assert!(undone["metadata"].get("disposition").is_none(), "undone: {}", undone["metadata"]);
    for (id, _) in &failing[5..] {
        let (_, run) = s.get(&format!("/runs/{id}")).await;
        assert!(run["metadata"].get("disposition").is_none(), "{id} untouched");
    }
}
