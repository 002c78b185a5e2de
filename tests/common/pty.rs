//! The pty harness: the real binary in a pseudo-terminal of 80x24, its screen read through a
//! VT100 parser. One copy for every end-to-end test, with one timeout and one key pause; the
//! benches take it too (`#[path]`), at their own size and writing keys without the pause.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// How long a test waits for what it expects on screen (or for the binary to exit).
pub const WAIT: Duration = Duration::from_secs(30);
/// The pause after each `send`, so a lone ESC is not read as Alt+key.
pub const KEY_PAUSE: Duration = Duration::from_millis(80);

/// The binary under test: the one cargo built for this test run, or the one named by
/// `TOFUI_E2E_BIN` (set by `dist/build-portable` to run this suite against the portable release
/// build). Read here, by the test harness only; the product never looks at it.
pub fn tofui_bin() -> std::ffi::OsString {
    std::env::var_os("TOFUI_E2E_BIN")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_tofui").into())
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("non-zero")
}

pub struct Tui {
    pub parser: Arc<Mutex<vt100::Parser>>,
    pub raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    pub dir: tempfile::TempDir,
    pub log: PathBuf,
}

impl Tui {
    pub fn start_with_key(url: &str, key: &str, args: &[&str]) -> Tui {
        Tui::start_env(url, key, args, &[])
    }

    pub fn start_env(url: &str, key: &str, args: &[&str], env: &[(&str, &str)]) -> Tui {
        Tui::start_program(Path::new(&tofui_bin()), url, key, args, env)
    }

    /// `program` in a fresh 80x24 terminal: no config, cache or colour setting of the machine
    /// running the tests (unless `env` gives one), its log in a temporary folder.
    pub fn start_program(
        program: &Path,
        url: &str,
        key: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Tui {
        Tui::start_sized(program, url, key, args, env, (80, 24))
    }

    /// As [`Tui::start_program`], in a terminal of `cols`×`rows`.
    pub fn start_sized(
        program: &Path,
        url: &str,
        key: &str,
        args: &[&str],
        env: &[(&str, &str)],
        (cols, rows): (u16, u16),
    ) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("pty");
        let dir = tempfile::tempdir().expect("dir");
        let log = dir.path().join("tofui.log");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TOFUPILOT_URL", url);
        cmd.env("TOFUPILOT_API_KEY", key);
        cmd.env("TOFUI_LOG_FILE", &log);
        cmd.env("TOFUI_LOG", "debug");
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        // No config from the machine running the tests, unless a test gives one.
        cmd.env("TOFUI_CONFIG", "/nonexistent/tofui-test-config.toml");
        // Nor a cache of theirs, and none left behind, unless a test gives a folder.
        cmd.env("TOFUI_CACHE_DIR", dir.path().join("cache"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn tofui");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
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
        Tui { parser, raw, writer, child, dir, log }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().expect("parser").screen().contents()
    }

    /// The screen once `ok` holds; fails the test after [`WAIT`].
    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let t0 = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if t0.elapsed() > WAIT {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Writes `keys`, then pauses [`KEY_PAUSE`].
    pub fn send(&mut self, keys: &str) {
        self.write(keys);
        std::thread::sleep(KEY_PAUSE);
    }

    /// Writes `keys` and returns at once: no pause (a bench timing what follows).
    pub fn write(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush");
    }

    /// Types `text` as a barcode scanner does: a character a millisecond, then Enter.
    pub fn scan(&mut self, text: &str) {
        for c in text.chars() {
            self.write(c.encode_utf8(&mut [0u8; 4]));
            std::thread::sleep(Duration::from_millis(1));
        }
        self.write("\r");
    }

    /// `q`, and the program exits with success.
    pub fn quit(&mut self) {
        self.send("q");
        assert!(self.wait_exit().success(), "tofui quits with success");
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let t0 = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().expect("wait") {
                // Let the reader catch the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return st;
            }
            assert!(t0.elapsed() < WAIT, "tofui did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends the program a signal with `kill` (`-HUP`: its terminal hung up; `-9`: killed
    /// without warning).
    #[cfg(unix)]
    pub fn signal(&self, signal: &str) {
        let pid = self.child.process_id().expect("pid");
        let sent = std::process::Command::new("kill").args([signal, &pid.to_string()]).status();
        assert!(sent.expect("kill").success());
    }

    /// After exit: back on the main screen, cursor shown, mouse reporting off.
    pub fn assert_restored(&self) {
        let p = self.parser.lock().expect("parser");
        assert!(!p.screen().alternate_screen(), "left the alternate screen");
        assert!(!p.screen().hide_cursor(), "cursor shown again");
        assert_eq!(
            p.screen().mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse reporting off"
        );
    }
}
