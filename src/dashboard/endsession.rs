//! Logoff and shutdown on Windows, told to a hidden window.
//!
//! The console's own CTRL_LOGOFF_EVENT and CTRL_SHUTDOWN_EVENT do not reach a process that has
//! user32.dll loaded (Windows then counts it as a GUI program; see SetConsoleCtrlHandler's
//! documentation), and tofui has: crossterm reads keys through it. Such a process is told by
//! WM_QUERYENDSESSION and WM_ENDSESSION, sent to its top-level windows; so a thread keeps an
//! invisible one. On WM_ENDSESSION the event loop is told, and the thread waits there: Windows
//! ends the process once the window procedure returns, so it does not return, and the process
//! ends itself (edits kept, terminal restored) or is ended at Windows' timeout (5 s or more).
//!
//! The only `unsafe` in the crate: these are Win32 calls with no safe wrapper in the crates
//! already in the tree (windows-sys, which tokio and mio use, declares them).

use std::sync::OnceLock;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use windows_sys::Win32::Foundation::{HWND, LPARAM, LRESULT, WPARAM};
use windows_sys::Win32::System::LibraryLoader::GetModuleHandleW;
use windows_sys::Win32::UI::WindowsAndMessaging::{
    CreateWindowExW, DefWindowProcW, DispatchMessageW, GetMessageW, MSG, RegisterClassW,
    TranslateMessage, WM_ENDSESSION, WM_QUERYENDSESSION, WNDCLASSW,
};

/// Where the window procedure tells the event loop; set once, before the window exists.
static ENDING: OnceLock<UnboundedSender<()>> = OnceLock::new();

unsafe extern "system" fn window_proc(hwnd: HWND, msg: u32, w: WPARAM, l: LPARAM) -> LRESULT {
    match msg {
        // May the session end? Yes: tofui keeps what it must when it does.
        WM_QUERYENDSESSION => 1,
        // It ends (w is TRUE; FALSE means another program refused).
        WM_ENDSESSION if w != 0 => {
            if let Some(tx) = ENDING.get() {
                let _ = tx.send(());
            }
            loop {
                std::thread::park();
            }
        }
        // SAFETY: the arguments are the ones Windows passed in.
        _ => unsafe { DefWindowProcW(hwnd, msg, w, l) },
    }
}

/// Starts the hidden window's thread; the receiver gets one message when the session ends.
/// None when there is no window (the log says why).
pub(super) fn listen() -> Option<UnboundedReceiver<()>> {
    let (tx, rx) = unbounded_channel();
    ENDING.set(tx).ok()?;
    let spawned = std::thread::Builder::new().name("endsession".into()).spawn(|| {
        let class: Vec<u16> = "tofui-endsession\0".encode_utf16().collect();
        // SAFETY: plain Win32 calls with valid arguments: the class name outlives the window
        // (this thread runs until the process ends), and MSG is plain data.
        unsafe {
            let instance = GetModuleHandleW(std::ptr::null());
            let wc = WNDCLASSW {
                lpfnWndProc: Some(window_proc),
                hInstance: instance,
                lpszClassName: class.as_ptr(),
                ..std::mem::zeroed()
            };
            if RegisterClassW(&wc) == 0 {
                tracing::warn!("no window for logoff and shutdown: RegisterClassW failed");
                return;
            }
            // Top-level (no parent) so that it is told; never shown.
            let hwnd = CreateWindowExW(
                0,
                class.as_ptr(),
                class.as_ptr(),
                0,
                0,
                0,
                0,
                0,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                instance,
                std::ptr::null(),
            );
            if hwnd.is_null() {
                tracing::warn!("no window for logoff and shutdown: CreateWindowExW failed");
                return;
            }
            let mut msg: MSG = std::mem::zeroed();
            while GetMessageW(&mut msg, std::ptr::null_mut(), 0, 0) > 0 {
                TranslateMessage(&msg);
                DispatchMessageW(&msg);
            }
        }
    });
    spawned.ok().map(|_| rx)
}
