//! Not part of tofui: the dashboard with a seam that panics on cue, for `tests/e2e.rs` to
//! run in a pseudo-terminal. When the first rows are on their way to the screen, a
//! background thread panics (the dashboard must go on drawing, the terminal untouched); when
//! the selection moves off the first row, the UI itself panics (the terminal must be restored
//! and the report readable). Run with the dashboard's usual flags and environment.

use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = tofui::cli::Cli::parse();
    // The log, where a background panic is reported.
    if let Some(path) = &cli.log_file
        && let Ok(file) = std::fs::OpenOptions::new().create(true).append(true).open(path)
    {
        tracing_subscriber::fmt().with_ansi(false).with_writer(std::sync::Mutex::new(file)).init();
    }
    tofui::terminal::install_hooks();
    let mut background_panicked = false;
    let result = tofui::dashboard::run_with(cli, move |app| {
        if !background_panicked && !app.list().rows.is_empty() {
            background_panicked = true;
            let _ = std::thread::spawn(|| panic!("a background panic")).join();
        }
        if app.list().selected > 0 {
            panic!("a deliberate panic");
        }
    })
    .await;
    if let Err(e) = result {
        eprintln!("panic_restore: {e:#}");
        std::process::exit(1);
    }
}
