//! The terminal while the dashboard runs: raw mode, alternate screen, mouse; getting all of
//! that undone on every way out (normal exit, error, SIGHUP/SIGTERM, a panic of the UI); and
//! the clipboard.
//!
//! Not `ratatui::init`: its panic hook restores the terminal on a panic in any thread, so a
//! worker task that panics (and that the runtime contains) would leave the dashboard drawing
//! on a terminal in line mode; and its backend writes unbuffered.

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::OnceLock;
use std::thread::ThreadId;

use base64::Engine;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Output is buffered so a frame leaves in one write, not one per cell run.
pub type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// The thread that draws, once the dashboard has the terminal.
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// Puts the terminal back as it was. Safe to call more than once; each step is tried even
/// when one before it failed.
pub(crate) fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), DisableMouseCapture, LeaveAlternateScreen, cursor::Show);
}

/// color-eyre's error and panic reports. A panic of the thread that draws restores the
/// terminal first, so the report is readable and the shell usable; a panic of any other
/// thread while the dashboard runs goes to the log, leaving the screen to the dashboard.
pub fn install_hooks() {
    let (panic_hook, eyre_hook) =
        color_eyre::config::HookBuilder::default().display_env_section(false).into_hooks();
    // Installed once per process; a second call keeps the first.
    let _ = eyre_hook.install();
    let report = panic_hook.into_panic_hook();
    std::panic::set_hook(Box::new(move |info| match UI_THREAD.get() {
        Some(ui) if *ui != std::thread::current().id() => {
            tracing::error!("a background thread panicked: {info}");
        }
        Some(_) => {
            restore();
            report(info);
        }
        None => report(info),
    }));
}

/// Enters the dashboard's terminal mode; from now on this thread is the one that draws.
pub fn setup() -> io::Result<Term> {
    let _ = UI_THREAD.set(std::thread::current().id());
    enable_raw_mode()?;
    let mut out = io::stdout();
    if let Err(e) = execute!(out, EnterAlternateScreen, EnableMouseCapture, cursor::Hide) {
        restore();
        return Err(e);
    }
    Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(1 << 16, out)))
}

/// Restores the terminal when dropped (errors and early returns included).
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// The OSC 52 sequence that sets the clipboard; terminals and tmux pass it on, also over SSH.
pub(crate) fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

pub fn copy(text: &str) -> io::Result<()> {
    let mut out = io::stdout();
    out.write_all(osc52(text).as_bytes())?;
    out.flush()
}
