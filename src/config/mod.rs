//! The configuration file (`~/.config/tofui/config.toml`): profiles, views, theme, keys,
//! download directory, live interval, date format. A problem is reported with the file and
//! line and leaves the defaults for what it affects; a file that does not parse as TOML is
//! never rewritten. Views saved from the app are written back keeping the file's comments.

mod read;
pub mod write;

use std::path::{Path, PathBuf};

pub use read::parse;
pub use write::{ViewEntry, save_views};

/// The colour roles `[colors]` may set (`fail = "#ff5555"`).
pub(crate) const COLOR_ROLES: &[&str] =
    &["pass", "fail", "error", "warn", "accent", "dim", "key", "title_fg", "title_bg", "highlight"];

/// The columns a view's `columns` may list.
pub(crate) const COLUMNS: &[&str] =
    &["outcome", "started", "duration", "serial", "part", "procedure", "station", "batch"];

/// One problem in the file: the line (1-based) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// A saved view: a name, a filter line, a sort, optionally the columns shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewConfig {
    pub name: String,
    pub query: String,
    pub sort: Option<String>,
    pub order: Option<String>,
    pub columns: Option<Vec<String>>,
}

impl ViewConfig {
    /// A view of `query` with the list's own sort and columns.
    pub fn new(name: &str, query: &str) -> ViewConfig {
        ViewConfig {
            name: name.into(),
            query: query.into(),
            sort: None,
            order: None,
            columns: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub name: String,
    pub url: Option<String>,
    /// The environment variable holding the key.
    pub key_env: Option<String>,
    /// The file holding the key.
    pub key_file: Option<PathBuf>,
    pub views: Vec<ViewConfig>,
    /// The web app's address of a run on this instance (`{id}` is replaced).
    pub run_url: Option<String>,
}

/// One keymap override: in `mode`, `action` is bound to `keys` (replacing its defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyOverride {
    pub mode: String,
    pub action: String,
    pub keys: Vec<String>,
    pub line: usize,
}

/// What the config file sets, as written (the app's own `Settings` are what is applied).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileSettings {
    pub default_profile: Option<String>,
    pub profiles: Vec<Profile>,
    /// Views when no profile is in use.
    pub views: Vec<ViewConfig>,
    pub theme: Option<String>,
    /// Colour overrides: role → colour name or `#rrggbb`.
    pub colors: Vec<(String, String)>,
    pub keys: Vec<KeyOverride>,
    pub download_dir: Option<PathBuf>,
    pub live_seconds: Option<u64>,
    /// `relative` (default) or `absolute`.
    pub date_format: Option<String>,
    /// `local` (default) or `utc`.
    pub time_zone: Option<String>,
    /// `auto` (default: from TERM), `unicode` or `ascii`.
    pub symbols: Option<String>,
    /// `[triage] key`: the metadata key dispositions are written under.
    pub triage_key: Option<String>,
    /// `[triage] presets`: what the number keys record in the triage queue.
    pub triage_presets: Option<Vec<String>>,
    /// Live mode's alert on a new failure: `bell`, `flash` or `none` (default).
    pub alert: Option<String>,
    /// The web app's address of a run (`{id}` is replaced), where a profile gives none.
    pub run_url: Option<String>,
    /// `cache = false`: keep nothing between sessions.
    pub cache: Option<bool>,
    /// `cache_max_mb`: the local cache's bound.
    pub cache_max_mb: Option<u64>,
}

/// The configuration as read: what could be used, and what could not.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: PathBuf,
    pub settings: FileSettings,
    pub problems: Vec<Problem>,
    /// The file parses as TOML (or does not exist), so views may be written back.
    pub writable: bool,
}

impl Config {
    /// `file:line: message` for each problem.
    pub fn problem_lines(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| format!("{}:{}: {}", self.path.display(), p.line, p.message))
            .collect()
    }

    /// The profile in use: `--profile`, else `default_profile`, else none.
    pub fn profile(&self, wanted: Option<&str>) -> Result<Option<&Profile>, String> {
        let name = wanted.or(self.settings.default_profile.as_deref());
        match name {
            None => Ok(None),
            Some(n) => match self.settings.profiles.iter().find(|p| p.name == n) {
                Some(p) => Ok(Some(p)),
                None => {
                    let known: Vec<&str> =
                        self.settings.profiles.iter().map(|p| p.name.as_str()).collect();
                    Err(format!(
                        "no profile `{n}` in {}; profiles: {}",
                        self.path.display(),
                        if known.is_empty() { "none".into() } else { known.join(", ") }
                    ))
                }
            },
        }
    }
}

/// Where the config is read from: `--config`, else `TOFUI_CONFIG`, else the platform's
/// config directory (`$XDG_CONFIG_HOME` or `~/.config` on Linux, `%APPDATA%` on Windows,
/// `~/Library/Application Support` on macOS).
pub fn path(flag: Option<&Path>) -> PathBuf {
    if let Some(p) = flag {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("TOFUI_CONFIG").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::config_dir().unwrap_or_else(|| PathBuf::from(".")).join("tofui").join("config.toml")
}

/// Reads the config at `path`; a missing file is an empty config.
pub fn load(path: &Path) -> Config {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let (settings, problems, writable) = parse(&text);
            Config { path: path.to_path_buf(), settings, problems, writable }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Config { path: path.to_path_buf(), writable: true, ..Config::default() }
        }
        Err(e) => Config {
            path: path.to_path_buf(),
            problems: vec![Problem { line: 0, message: format!("cannot read it: {e}") }],
            writable: false,
            ..Config::default()
        },
    }
}

/// The commented example `tofui config init` writes.
pub const EXAMPLE: &str = include_str!("../../assets/config.example.toml");

/// The views when the config names none.
pub(crate) fn default_views() -> Vec<ViewConfig> {
    let v = ViewConfig::new;
    vec![
        v("All runs", ""),
        v("Failures", "outcome:fail,error,timeout"),
        v("Last 24 h", "since:24h"),
    ]
}

/// `~/x` → the home directory's `x`.
pub(crate) fn expand_home(p: &str) -> PathBuf {
    match p.strip_prefix("~/") {
        Some(rest) => dirs::home_dir().map(|h| h.join(rest)).unwrap_or_else(|| PathBuf::from(p)),
        None => PathBuf::from(p),
    }
}
