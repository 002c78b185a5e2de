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
    // Quit in the middle of a flash: the screen is not left in reverse video.
    if REVERSED.swap(false, std::sync::atomic::Ordering::Relaxed) {
        let _ = alert(false, false);
    }
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

/// What stands between tofui and the terminal, for sequences that must reach the terminal
/// itself: a multiplexer keeps OSC 52 to itself unless it is wrapped for passing through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Multiplexer {
    None,
    /// `TMUX` is set.
    Tmux,
    /// GNU screen: `STY` is set, or `TERM` is `screen…` outside tmux.
    Screen,
}

impl Multiplexer {
    /// From `TMUX`, `STY` and `TERM`. tmux first: it sets `TERM=screen…` too, and a screen
    /// started inside tmux is rarer than the other way round.
    pub(crate) fn detect(tmux: Option<&str>, sty: Option<&str>, term: Option<&str>) -> Self {
        let set = |v: Option<&str>| v.is_some_and(|v| !v.is_empty());
        if set(tmux) {
            Multiplexer::Tmux
        } else if set(sty) || term.is_some_and(|t| t.starts_with("screen")) {
            Multiplexer::Screen
        } else {
            Multiplexer::None
        }
    }

    fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok();
        Multiplexer::detect(var("TMUX").as_deref(), var("STY").as_deref(), var("TERM").as_deref())
    }
}

/// Base64 characters per DCS piece for GNU screen, which drops longer strings (its buffer
/// is 768 bytes in older versions).
const SCREEN_CHUNK: usize = 76;

/// The OSC 52 sequence that sets the clipboard to `text` (terminals pass it on, also over
/// SSH), as it must be sent through `mux`:
/// - tmux: the plain sequence (taken when `set-clipboard on`), then the same in tmux's
///   passthrough `ESC P tmux; … ESC \` with every ESC doubled (taken when
///   `allow-passthrough on`); with both on the clipboard is set twice to the same text.
/// - screen: in DCS strings `ESC P … ESC \`, 76 base64 characters each; screen passes each
///   one's content on, and the terminal sees one OSC 52.
pub(crate) fn osc52(text: &str, mux: Multiplexer) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text);
    let plain = format!("\x1b]52;c;{b64}\x07");
    match mux {
        Multiplexer::None => plain,
        Multiplexer::Tmux => {
            format!("{plain}\x1bPtmux;{}\x1b\\", plain.replace('\x1b', "\x1b\x1b"))
        }
        Multiplexer::Screen => {
            // base64 is ASCII, so byte chunks are whole characters.
            let pieces: Vec<&str> = b64
                .as_bytes()
                .chunks(SCREEN_CHUNK)
                .map(|c| std::str::from_utf8(c).unwrap_or_default())
                .collect();
            format!("\x1bP\x1b]52;c;{}\x07\x1b\\", pieces.join("\x1b\\\x1bP"))
        }
    }
}

/// A flash has the screen in reverse video.
static REVERSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Rings the bell (`bell`) or turns the screen's reverse video on or off (DECSCNM), for
/// live mode's alert.
pub fn alert(bell: bool, reverse: bool) -> io::Result<()> {
    let mut out = io::stdout();
    if !bell {
        REVERSED.store(reverse, std::sync::atomic::Ordering::Relaxed);
    }
    let seq = match (bell, reverse) {
        (true, _) => "\x07",
        (false, true) => "\x1b[?5h",
        (false, false) => "\x1b[?5l",
    };
    out.write_all(seq.as_bytes())?;
    out.flush()
}

/// Whether the terminal can take OSC 52, from `WT_SESSION` (which Windows Terminal sets):
/// everywhere but Windows yes (terminals that ignore it do so harmlessly, and over SSH the
/// far terminal decides); on Windows only in Windows Terminal, since the old console window
/// (conhost) drops the sequence without a word.
pub(crate) fn copy_available(windows: bool, wt_session: Option<&str>) -> bool {
    !windows || wt_session.is_some_and(|v| !v.is_empty())
}

/// `copy_available` for this process.
pub fn can_copy() -> bool {
    copy_available(cfg!(windows), std::env::var("WT_SESSION").ok().as_deref())
}

pub fn copy(text: &str) -> io::Result<()> {
    let mut out = io::stdout();
    out.write_all(osc52(text, Multiplexer::from_env()).as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_terminal_gets_osc52_as_is() {
        assert_eq!(osc52("SN-42", Multiplexer::None), "\x1b]52;c;U04tNDI=\x07");
    }

    #[test]
    fn tmux_gets_it_plain_and_wrapped_with_every_esc_doubled() {
        assert_eq!(
            osc52("SN-42", Multiplexer::Tmux).as_bytes(),
            b"\x1b]52;c;U04tNDI=\x07\x1bPtmux;\x1b\x1b]52;c;U04tNDI=\x07\x1b\\"
        );
    }

    #[test]
    fn screen_gets_it_in_dcs_strings_of_76_base64_characters() {
        assert_eq!(
            osc52("SN-42", Multiplexer::Screen).as_bytes(),
            b"\x1bP\x1b]52;c;U04tNDI=\x07\x1b\\"
        );
        // 120 bytes: 160 base64 characters, in pieces of 76, 76 and 8.
        let text = "x".repeat(120);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&text);
        let (a, rest) = b64.split_at(76);
        let (b, c) = rest.split_at(76);
        assert_eq!(c.len(), 8);
        let want = format!("\x1bP\x1b]52;c;{a}\x1b\\\x1bP{b}\x1b\\\x1bP{c}\x07\x1b\\");
        assert_eq!(osc52(&text, Multiplexer::Screen), want);
        // Every DCS string is short enough for screen.
        let got = osc52(&text, Multiplexer::Screen);
        for piece in got.split("\x1bP").skip(1) {
            assert!(piece.len() <= SCREEN_CHUNK + 12, "{piece:?}");
        }
    }

    #[test]
    fn on_windows_only_windows_terminal_can_copy() {
        assert!(copy_available(false, None), "Unix: always (the terminal decides)");
        assert!(copy_available(true, Some("5c5d4b0c-0f4e-4d9b-8a5e-1c2b3d4e5f60")));
        assert!(!copy_available(true, None), "the old console");
        assert!(!copy_available(true, Some("")));
    }

    #[test]
    fn the_multiplexer_from_tmux_sty_and_term() {
        let d = Multiplexer::detect;
        let tmux = Some("/tmp/tmux-0/default,123,0");
        assert_eq!(d(tmux, None, Some("screen-256color")), Multiplexer::Tmux);
        assert_eq!(d(tmux, None, Some("tmux-256color")), Multiplexer::Tmux);
        assert_eq!(d(None, Some("1234.pts-0.host"), Some("xterm")), Multiplexer::Screen);
        assert_eq!(d(None, None, Some("screen.xterm-256color")), Multiplexer::Screen);
        assert_eq!(d(Some(""), Some(""), Some("xterm-256color")), Multiplexer::None);
        assert_eq!(d(None, None, None), Multiplexer::None);
    }
}
