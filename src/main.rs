use std::path::PathBuf;

use clap::Parser;

use clap::CommandFactory;
use tofui::cli::{Cli, Command, ConfigCommand};

/// The log file: never the terminal while the dashboard draws on it.
fn log_path(cli: &Cli) -> PathBuf {
    cli.log_file.clone().unwrap_or_else(|| {
        dirs::state_dir()
            .or_else(dirs::cache_dir)
            .unwrap_or_else(std::env::temp_dir)
            .join("tofui")
            .join("tofui.log")
    })
}

fn init_logging(cli: &Cli) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TOFUI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    if matches!(
        cli.command,
        Some(Command::Serve(_) | Command::Config { .. } | Command::Completions { .. })
    ) {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
        return;
    }
    let path = log_path(cli);
    let file = path
        .parent()
        .map(std::fs::create_dir_all)
        .and_then(|_| std::fs::OpenOptions::new().create(true).append(true).open(&path).ok());
    if let Some(file) = file {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .init();
    }
}

fn config_command(action: ConfigCommand, flag: Option<&std::path::Path>) -> color_eyre::Result<()> {
    let path = tofui::config::path(flag);
    match action {
        ConfigCommand::Path => println!("{}", path.display()),
        ConfigCommand::Init => {
            let written = tofui::config::write::write_new(&path, tofui::config::EXAMPLE)
                .map_err(|e| color_eyre::eyre::eyre!(e))?;
            if !written {
                color_eyre::eyre::bail!("{} exists already; it was left as it is", path.display());
            }
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    init_logging(&cli);
    tofui::terminal::install_hooks();
    let config_flag = cli.config.clone();
    let result = match cli.command {
        Some(Command::Serve(args)) => tofui::serve::serve(args).await,
        Some(Command::Config { action }) => config_command(action, config_flag.as_deref()),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "tofui", &mut std::io::stdout());
            Ok(())
        }
        None => tofui::dashboard::run(cli).await,
    };
    if let Err(e) = result {
        // A user-facing error: what happened and the causes, no backtrace noise.
        eprintln!("tofui: {e:#}");
        std::process::exit(1);
    }
}
