//! The real binary in a pseudo-terminal against the embedded server over HTTP: first frame,
//! scrolling past a page boundary, a filter, the help overlay, quitting (and SIGHUP) with the
//! terminal restored.

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
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _dir: tempfile::TempDir,
    log: std::path::PathBuf,
}

impl Tui {
    fn start(url: &str, args: &[&str]) -> Tui {
        Tui::start_with_key(url, USER_KEY, args)
    }

    fn start_with_key(url: &str, key: &str, args: &[&str]) -> Tui {
        let pty = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).expect("pty");
        let dir = tempfile::tempdir().expect("dir");
        let log = dir.path().join("tofui.log");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_tofui"));
        cmd.args(args);
        cmd.env("TOFUPILOT_URL", url);
        cmd.env("TOFUPILOT_API_KEY", key);
        cmd.env("TOFUI_LOG_FILE", &log);
        cmd.env("TOFUI_LOG", "debug");
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        let child = pty.slave.spawn_command(cmd).expect("spawn tofui");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(24), nz(80), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let _keep_master_open = pty.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().expect("parser").process(&buf[..n]);
                r.lock().expect("raw").extend_from_slice(&buf[..n]);
            }
        });
        Tui { parser, raw, writer, child, _dir: dir, log }
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
            if t0.elapsed() > Duration::from_secs(20) {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush");
        // Separate keys from what follows, so a lone ESC is not read as Alt+key.
        std::thread::sleep(Duration::from_millis(60));
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let t0 = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().expect("wait") {
                // Let the reader catch the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return st;
            }
            assert!(t0.elapsed() < Duration::from_secs(10), "tofui did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// After exit: back on the main screen, cursor shown, mouse reporting off.
    fn assert_restored(&self) {
        let p = self.parser.lock().expect("parser");
        assert!(!p.screen().alternate_screen(), "left the alternate screen");
        assert!(!p.screen().hide_cursor(), "cursor shown again");
        assert_eq!(p.screen().mouse_protocol_mode(), vt100::MouseProtocolMode::None, "mouse reporting off");
    }
}

/// The selected-row position and the count of loaded rows from the status line ("12/200").
fn position(screen: &str) -> Option<(usize, usize)> {
    let status = screen.lines().rev().nth(1)?;
    let word = status.split_whitespace().find(|w| w.contains('/') && w.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
    let (a, b) = word.split_once('/')?;
    Some((a.replace(',', "").parse().ok()?, b.replace(',', "").parse().ok()?))
}

async fn server(runs: usize) -> TestServer {
    let anchor = Utc::now().duration_trunc(TimeDelta::hours(1)).expect("hour");
    TestServer::start_with(move |st| {
        seed(st, &SeedOptions { runs, seed: 11, anchor }).expect("seed");
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_frame_scroll_filter_and_quit() {
    let s = server(320).await;
    let url = s.running.url.clone();
    let handle = tokio::task::spawn_blocking(move || {
        let mut t = Tui::start(&url, &[]);
        let first = t.wait_for("the first page", |s| s.contains("SN-") && position(s) == Some((1, 100)));
        assert!(first.contains("Outcome") && first.contains("all runs"), "{first}");
        assert!(!first.contains(USER_KEY), "the key is never drawn");

        // Past the page boundary: G goes to the last loaded row; the next page is already there
        // or comes; again, and the third page arrives.
        t.send("G");
        t.wait_for("the second page", |s| position(s).is_some_and(|(_, n)| n >= 200));
        t.send("G");
        let s2 = t.wait_for("row 200 selected", |s| position(s).is_some_and(|(sel, n)| sel >= 200 && n >= 300));
        assert!(s2.contains("SN-"));
        t.send("g");
        t.wait_for("back at the top", |s| position(s).is_some_and(|(sel, _)| sel == 1));

        // A filter: every visible row is a failure.
        t.send("/");
        t.wait_for("the filter line", |s| s.lines().any(|l| l.starts_with("/ ")));
        t.send("outcome:fail,error");
        t.send("\r");
        let filtered = t.wait_for("the filtered list", |s| s.contains("outcome:FAIL,ERROR") && position(s).is_some());
        let rows: Vec<&str> = filtered.lines().skip(2).take(20).filter(|l| l.contains("SN-") || l.contains("PSU-") || l.contains("RF-")).collect();
        assert!(!rows.is_empty(), "{filtered}");
        assert!(rows.iter().all(|l| l.contains("FAIL") || l.contains("ERROR")), "{filtered}");

        // A bad filter is explained and changes nothing.
        t.send("/");
        t.send(" since:tomorrow");
        t.send("\r");
        let bad = t.wait_for("the error", |s| s.contains("not a time"));
        assert!(bad.contains("^^^^^^^^"), "caret under the word: {bad}");
        t.send("\x1b");
        t.send("?");
        t.wait_for("the help overlay", |s| s.contains("Keys: runs list") && s.contains("copy link"));
        t.send("\x1b");

        t.send("q");
        let status = t.wait_exit();
        assert!(status.success(), "exit status {status:?}");
        t.assert_restored();
        let log = std::fs::read_to_string(&t.log).unwrap_or_default();
        assert!(!log.contains(USER_KEY), "the key is never logged");
        let raw = t.raw.lock().expect("raw").clone();
        assert!(!String::from_utf8_lossy(&raw).contains(USER_KEY));
    });
    handle.await.expect("tui test");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_restores_the_terminal() {
    let s = server(20).await;
    let url = s.running.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut t = Tui::start(&url, &["--live", "2"]);
        t.wait_for("rows", |s| s.contains("SN-") && s.contains("LIVE 2s"));
        let pid = t.child.process_id().expect("pid");
        let ok = std::process::Command::new("kill").args(["-HUP", &pid.to_string()]).status().expect("kill");
        assert!(ok.success());
        t.wait_exit();
        t.assert_restored();
    })
    .await
    .expect("tui test");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_key_is_explained_not_a_stack_trace() {
    let s = server(5).await;
    let url = s.running.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut t = Tui::start_with_key(&url, "wrong-key", &[]);
        let screen = t.wait_for("the explanation", |s| s.contains("The API key was rejected"));
        assert!(screen.contains("TOFUPILOT_API_KEY") && !screen.contains("wrong-key"), "{screen}");
        t.send("q");
        assert!(t.wait_exit().success());
        t.assert_restored();
    })
    .await
    .expect("tui test");
}
