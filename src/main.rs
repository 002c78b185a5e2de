use clap::Parser;

use clap::CommandFactory;
use tofui::cli::{Cli, Command, ConfigCommand};

fn init_logging(cli: &Cli) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TOFUI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    if cli.print_server
        || matches!(
            cli.command,
            Some(
                Command::Serve(_)
                    | Command::Config { .. }
                    | Command::Cache { .. }
                    | Command::Completions { .. }
            )
        )
    {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
        return;
    }
    let path = tofui::logfile::path(cli.log_file.as_deref());
    let file = path
        .parent()
        .map(std::fs::create_dir_all)
        .and_then(|_| tofui::logfile::RotatingLog::open(&path, tofui::logfile::LOG_MAX_BYTES).ok());
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
        Some(Command::Serve(args)) => tofui::serve::serve(*args).await,
        None if cli.print_server => tofui::serve::serve(tofui::serve::demo_args()).await,
        Some(Command::Config { action }) => config_command(action, config_flag.as_deref()),
        Some(Command::Cache { ref action }) => tofui::dashboard::cache::command(&cli, action).await,
        Some(Command::Runs { ref action }) => {
            std::process::exit(tofui::scripts::command(&cli, action).await);
        }
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
