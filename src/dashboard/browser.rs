//! Opening a link in the web browser: the platform's opener, started detached with no
//! terminal attached (its output would draw over the dashboard).

/// Whether a browser can be shown: on Linux and the BSDs only in a graphical session (an SSH
/// login to a line PC has neither `DISPLAY` nor `WAYLAND_DISPLAY`).
pub(crate) fn available() -> bool {
    if cfg!(any(target_os = "macos", windows)) {
        return std::env::var_os("SSH_CONNECTION").is_none();
    }
    let set = |k| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    set("DISPLAY") || set("WAYLAND_DISPLAY")
}

/// Opens `url` with the platform's opener (the `open` crate: `xdg-open` and the like, detached
/// with no terminal attached, as their output would draw over the dashboard; ShellExecuteW on
/// Windows, so nothing re-parses the link). The crate waits briefly to see a launcher fail, so
/// it runs off the event loop; a failure is logged.
pub(crate) fn open(url: &str) -> std::io::Result<()> {
    let url = url.to_string();
    std::thread::Builder::new()
        .name("browser".into())
        .spawn(move || {
            if let Err(e) = open::that_detached(&url) {
                tracing::warn!("cannot open the browser: {e}");
            }
        })
        .map(drop)
}
