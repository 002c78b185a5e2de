use clap::Parser;

use tofui::cli::{Cli, Command};

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).with_writer(std::io::stderr).init();
    let result = match cli.command {
        Some(Command::Serve(args)) => tofui::serve::serve(args).await,
        // The dashboard arrives with the next issues; until then --demo serves the demo API.
        None if cli.demo => tofui::serve::serve(tofui::serve::demo_args()).await,
        None => {
            eprintln!("The dashboard is not built yet. Try `tofui --demo` or `tofui serve --seed-runs 2000`.");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        // A user-facing error: what happened and the causes, no backtrace noise.
        eprintln!("tofui: {e:#}");
        std::process::exit(1);
    }
}
