//! Signals that end the dashboard.
//!
//! On Windows the console's own: the window closed (CTRL_CLOSE_EVENT), logoff and shutdown.
//! tokio's listeners (no new dependency) hold the handler thread for these, so Windows waits
//! for the process to end (up to its timeout, 5 s for a closed window) instead of killing it
//! as the handler returns: the event loop ends, unsaved edits go to the recovery file and the
//! terminal is restored, as on SIGHUP. Logoff and shutdown also come as window messages
//! (`endsession`), the way they reach a process with user32.dll loaded. Ctrl-C is a key in
//! raw mode, not a signal.

/// SIGHUP and SIGTERM (Windows: close, logoff, shutdown) end the dashboard the normal way,
/// restoring the terminal.
pub(super) struct Signals {
    #[cfg(unix)]
    hup: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(windows)]
    close: Option<tokio::signal::windows::CtrlClose>,
    #[cfg(windows)]
    logoff: Option<tokio::signal::windows::CtrlLogoff>,
    #[cfg(windows)]
    shutdown: Option<tokio::signal::windows::CtrlShutdown>,
    #[cfg(windows)]
    session: Option<tokio::sync::mpsc::UnboundedReceiver<()>>,
}

/// Waits for `s`'s next signal; never, when it could not be listened for.
#[cfg(any(unix, windows))]
async fn next<S>(s: Option<&mut S>, recv: impl AsyncFnOnce(&mut S)) {
    match s {
        Some(s) => recv(s).await,
        None => std::future::pending().await,
    }
}

impl Signals {
    pub(super) fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                hup: signal(SignalKind::hangup()).ok(),
                term: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(windows)]
        {
            use tokio::signal::windows;
            Signals {
                close: windows::ctrl_close().ok(),
                logoff: windows::ctrl_logoff().ok(),
                shutdown: windows::ctrl_shutdown().ok(),
                session: super::endsession::listen(),
            }
        }
        #[cfg(not(any(unix, windows)))]
        Signals {}
    }

    /// The next signal, named for the log.
    pub(super) async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        let what = tokio::select! {
            _ = next(self.hup.as_mut(), async |s| { s.recv().await; }) => "SIGHUP",
            _ = next(self.term.as_mut(), async |s| { s.recv().await; }) => "SIGTERM",
        };
        #[cfg(windows)]
        let what = tokio::select! {
            _ = next(self.close.as_mut(), async |s| { s.recv().await; }) => "the console window closed",
            _ = next(self.logoff.as_mut(), async |s| { s.recv().await; }) => "logoff",
            _ = next(self.shutdown.as_mut(), async |s| { s.recv().await; }) => "shutdown",
            _ = next(self.session.as_mut(), async |s| { s.recv().await; }) => "the session ended (logoff or shutdown)",
        };
        #[cfg(not(any(unix, windows)))]
        let what = std::future::pending::<&'static str>().await;
        what
    }
}
