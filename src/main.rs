use clap::Parser;
use color_eyre::eyre::Result;

use tofui::cli::{Cli, Command};

#[tokio::main]
async fn main() -> Result<()> {
    color_eyre::install()?;
    let cli = Cli::parse();
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).with_writer(std::io::stderr).init();
    match cli.command {
        Some(Command::Serve(args)) => tofui::serve::serve(args).await,
        None if cli.demo => {
            // The dashboard arrives with the next issues; until then --demo serves the demo API.
            tofui::serve::serve(tofui::serve::demo_args()).await
        }
        None => {
            eprintln!("The dashboard is not built yet. Try `tofui --demo` or `tofui serve --seed-runs 2000`.");
            std::process::exit(2);
        }
    }
}
