//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "tofui", version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("TOFUI_GIT_COMMIT"), ")"), about = "A fast, keyboard-driven terminal dashboard for TofuPilot test runs")]
pub struct Cli {
    /// TofuPilot instance root, e.g. https://www.tofupilot.app or a self-hosted URL (`/api` is appended).
    #[arg(long, env = "TOFUPILOT_URL", global = true)]
    pub url: Option<String>,
    /// Read the API key from this file (else TOFUPILOT_API_KEY).
    #[arg(long, value_name = "FILE", global = true)]
    pub api_key_file: Option<PathBuf>,
    /// Trust this CA certificate (PEM) too, for a self-hosted instance.
    #[arg(long, value_name = "FILE", global = true)]
    pub ca_cert: Option<PathBuf>,
    /// Start in live mode, polling for new runs every SECONDS.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub live: Option<u64>,
    /// Where attachments are saved (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub download_dir: Option<PathBuf>,
    /// No colours (also when NO_COLOR is set).
    #[arg(long)]
    pub no_color: bool,
    /// ASCII only: `+-|` borders, `*` chart points, no symbols (automatic for TERM=linux,
    /// vt100, vt220, dumb; config `symbols`).
    #[arg(long)]
    pub ascii: bool,
    /// Run against the embedded demo server with its demo data (no account needed).
    #[arg(long)]
    pub demo: bool,
    /// With --demo: start only the demo server, print its URL and API key (for the SDK, curl
    /// or another tofui) and serve until Ctrl-C.
    #[arg(long, requires = "demo")]
    pub print_server: bool,
    /// The config file (default ~/.config/tofui/config.toml; also TOFUI_CONFIG).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// The config profile to use (else the config's default_profile).
    #[arg(long, value_name = "NAME", global = true)]
    pub profile: Option<String>,
    /// Where the log goes (default: tofui.log in the user's state folder).
    #[arg(long, value_name = "FILE", env = "TOFUI_LOG_FILE")]
    pub log_file: Option<PathBuf>,
    /// Never change anything: every mutation is hidden and refused.
    #[arg(long, global = true)]
    pub readonly: bool,
    /// Keep nothing between sessions: no local cache is read or written (config `cache`).
    #[arg(long)]
    pub no_cache: bool,
    /// Open the unit view of this serial number at start (any case).
    #[arg(long, value_name = "SN")]
    pub serial: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the TofuPilot API v2 from a local SQLite database.
    Serve(Box<ServeArgs>),
    /// The configuration file.
    Config {
        #[command(subcommand)]
        action: ConfigCommand,
    },
    /// The local cache of this instance and key: where it is, what it holds, clearing it.
    Cache {
        #[command(subcommand)]
        action: CacheCommand,
    },
    /// Runs for scripts: list with the dashboard's filter language, read one, create one.
    /// Never prompts; exit 0 done, 1 the server or the network failed, 2 bad usage or input.
    Runs {
        #[command(subcommand)]
        action: RunsCommand,
    },
    /// Print a shell completion script: tofui completions bash > ~/.local/share/bash-completion/completions/tofui
    Completions { shell: clap_complete::Shell },
}

#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// List runs: `tofui runs ls outcome:fail since:24h station:"Line 2"` (the dashboard's
    /// filter language). JSON, JSON lines, CSV, or a table on a terminal.
    Ls(RunsLs),
    /// One run, as the API gives it with --json.
    Get {
        /// The run's id.
        id: String,
        /// The run as the API gives it.
        #[arg(long)]
        json: bool,
    },
    /// Create a run from the API's run-create JSON (a file, or - for stdin); prints its id.
    Create {
        /// The run-create JSON: a file, or - to read stdin.
        #[arg(long, value_name = "FILE|-")]
        json: String,
        /// A client_run_ref: sending it again (a retry) never makes a second run.
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
    },
}

#[derive(Debug, Args, Clone)]
pub struct RunsLs {
    /// Filter words, as typed in the dashboard's `/` (e.g. outcome:fail since:24h).
    #[arg(value_name = "FILTER", allow_hyphen_values = false)]
    pub filter: Vec<String>,
    /// The API's rows, as one JSON array.
    #[arg(long, group = "format")]
    pub json: bool,
    /// The API's rows, one JSON object a line.
    #[arg(long, group = "format")]
    pub jsonl: bool,
    /// The columns of `:export` as CSV.
    #[arg(long, group = "format")]
    pub csv: bool,
    /// The `metadata.KEY` columns of --csv (and of the tab-separated output): these keys, in
    /// this order. Default: every key of the first page (a key first seen later gets none).
    #[arg(long, value_name = "KEY,KEY", value_delimiter = ',')]
    pub metadata: Option<Vec<String>>,
    /// At most N runs (default 50).
    #[arg(long, value_name = "N", conflicts_with = "all", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
    /// Every run the filter matches, page after page.
    #[arg(long)]
    pub all: bool,
    /// The order: started (default), created, duration, outcome, serial, part or revision;
    /// `:asc` or `:desc` after it (default desc).
    #[arg(long, value_name = "FIELD[:asc|:desc]")]
    pub sort: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Print the cache file of this instance and key.
    Path,
    /// What it holds and how big it is.
    Stats,
    /// Delete it (`--all`: every instance's and key's).
    Clear {
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print where the config is read from.
    Path,
    /// Write a commented example config there (never over an existing file).
    Init,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on. Only loopback addresses unless --public is given.
    #[arg(long, default_value = "127.0.0.1:3000")]
    pub addr: String,
    /// SQLite database file (created if missing).
    #[arg(long, default_value = "tofui-server.sqlite3")]
    pub db: PathBuf,
    /// API key with full access; replaces the stored one (one is generated on first start).
    /// Prefer --user-key-file or TOFUI_USER_KEY: a flag shows in `ps`.
    #[arg(long, env = "TOFUI_USER_KEY", hide_env_values = true)]
    pub user_key: Option<String>,
    /// Read the user key from this file (its first line).
    #[arg(long, conflicts_with = "user_key")]
    pub user_key_file: Option<PathBuf>,
    /// API key of a station: sees only its procedures' runs, writes only runs. Replaces the
    /// stored one (one is generated on first start).
    #[arg(long, env = "TOFUI_STATION_KEY", hide_env_values = true)]
    pub station_key: Option<String>,
    /// Read the station key from this file (its first line).
    #[arg(long, conflicts_with = "station_key")]
    pub station_key_file: Option<PathBuf>,
    /// The URL clients reach this server at, for upload and download links (needed when
    /// listening on 0.0.0.0; a request's Host header is never trusted for them).
    #[arg(long)]
    pub public_url: Option<String>,
    /// Fill an empty database with this many demo runs.
    #[arg(long)]
    pub seed_runs: Option<usize>,
    /// Seed of the demo data: the same seed gives the same runs.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Also add one huge run (2,000 phases, 50,000 measurements, 200,000 log lines).
    #[arg(long)]
    pub seed_huge: bool,
    /// Allow listening on a non-loopback address.
    #[arg(long)]
    pub public: bool,
}
