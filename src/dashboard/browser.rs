//! Opening a link in the web browser: the platform's opener, started detached with no
//! terminal attached (its output would draw over the dashboard).

use std::process::{Command, Stdio};

/// The program that opens a link here.
fn opener() -> (&'static str, &'static [&'static str]) {
    if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    }
}

/// Whether a browser can be shown: on Linux and the BSDs only in a graphical session (an SSH
/// login to a line PC has neither `DISPLAY` nor `WAYLAND_DISPLAY`).
pub(crate) fn available() -> bool {
    if cfg!(any(target_os = "macos", windows)) {
        return std::env::var_os("SSH_CONNECTION").is_none();
    }
    let set = |k| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    set("DISPLAY") || set("WAYLAND_DISPLAY")
}

pub(crate) fn open(url: &str) -> std::io::Result<()> {
    let (program, args) = opener();
    Command::new(program)
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        // Reaped when it ends, so no zombie is left behind.
        .map(|mut child| drop(std::thread::spawn(move || child.wait())))
}
