//! Opening a link in the web browser, through the `open` crate: `xdg-open` (then gio, …) on
//! Linux and the BSDs, `open` on macOS, and on Windows PowerShell's `Start-Process` with the
//! link passed in an environment variable (Explorer after it; under Wine, winebrowser), so no
//! shell re-parses it: a link with `&` arrives whole (`cmd /C start` cut it there). Started
//! detached, with no terminal attached (its output would draw over the dashboard).

/// Whether a browser can be shown: on Linux and the BSDs only in a graphical session (an SSH
/// login to a line PC has neither `DISPLAY` nor `WAYLAND_DISPLAY`).
pub(crate) fn available() -> bool {
    if cfg!(any(target_os = "macos", windows)) {
        return std::env::var_os("SSH_CONNECTION").is_none();
    }
    let set = |k| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    set("DISPLAY") || set("WAYLAND_DISPLAY")
}

/// Opens `url` from a thread of its own: the crate waits a moment for each launcher to fail
/// before trying the next, which the event loop must not. A failure goes to the log.
pub(crate) fn open(url: String) {
    std::thread::spawn(move || {
        if let Err(e) = open::that_detached(&url) {
            tracing::warn!("cannot open the browser: {e}");
        }
    });
}
