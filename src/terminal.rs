//! The terminal while the dashboard runs: raw mode, alternate screen, mouse; and getting all
//! of that undone on every way out (normal exit, error, panic, SIGHUP/SIGTERM).

use std::io::{self, BufWriter, Stdout, Write};

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

/// Puts the terminal back as it was. Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), DisableMouseCapture, LeaveAlternateScreen, cursor::Show);
}

/// Enters the dashboard's terminal mode and makes a panic restore it before the message is
/// printed, so the message is readable and the shell usable.
pub fn setup() -> io::Result<Term> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
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
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

pub fn copy(text: &str) -> io::Result<()> {
    let mut out = io::stdout();
    out.write_all(osc52(text).as_bytes())?;
    out.flush()
}
