use std::path::PathBuf;

use clap::Parser;

use tofui::cli::{Cli, Command};

/// The log file: never the terminal while the dashboard draws on it.
fn log_path(cli: &Cli) -> PathBuf {
    cli.log_file.clone().unwrap_or_else(|| dirs::state_dir().or_else(dirs::cache_dir).unwrap_or_else(std::env::temp_dir).join("tofui").join("tofui.log"))
}

fn init_logging(cli: &Cli) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TOFUI_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    if matches!(cli.command, Some(Command::Serve(_))) {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
        return;
    }
    let path = log_path(cli);
    let file = path.parent().map(std::fs::create_dir_all).and_then(|_| std::fs::OpenOptions::new().create(true).append(true).open(&path).ok());
    if let Some(file) = file {
        tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false).with_writer(std::sync::Mutex::new(file)).init();
    }
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    init_logging(&cli);
    let result = match cli.command {
        Some(Command::Serve(args)) => tofui::serve::serve(args).await,
        None => tofui::dashboard::run(cli).await,
    };
    if let Err(e) = result {
        // A user-facing error: what happened and the causes, no backtrace noise.
        eprintln!("tofui: {e:#}");
        std::process::exit(1);
    }
}
