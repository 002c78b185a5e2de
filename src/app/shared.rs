//! What every pane may read: where the dashboard is connected, the keys, the settings, the
//! runs already fetched, the downloads, the clock and the screen. Panes change it only
//! through [`Ctx`](super::pane::Ctx).

use std::path::PathBuf;

use super::cache::RunStore;
use super::downloads::Download;
use super::glyphs::Glyphs;
use super::keymap::Keymap;
use crate::worker::RequestId;

/// Why the dashboard cannot show runs at all.
#[derive(Debug, Clone, PartialEq)]
pub enum Blocked {
    NoKey,
    Rejected(String),
}

/// Where the dashboard is connected; never holds the key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Session {
    /// Instance root as given (shown in the title and used for web links).
    pub url: String,
    pub demo: bool,
    pub blocked: Option<Blocked>,
}

/// The colours as the config names them (`theme`, `[colors]`); the UI turns them into a
/// palette, so the app holds no colour type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThemeChoice {
    /// `default`, `light` (or `none`, which also sets `no_color`).
    pub name: Option<String>,
    /// Role → colour name or `#rrggbb`.
    pub colors: Vec<(String, String)>,
}

pub struct Shared {
    pub session: Session,
    pub keymap: Keymap,
    /// `--readonly`: every mutation hidden and refused.
    pub readonly: bool,
    /// Live polling period when turned on with `L`.
    pub live_every_ms: i64,
    /// Every row's start as an absolute time (config `date_format = "absolute"`).
    pub absolute_dates: bool,
    pub no_color: bool,
    /// Unicode or ASCII only (`--ascii`, config `symbols`, or from `TERM`).
    pub glyphs: Glyphs,
    pub theme: ThemeChoice,
    /// Config problems to show (file:line: message).
    pub config_problems: Vec<String>,
    /// Where attachments are saved.
    pub download_dir: PathBuf,
    /// Where the upload prompt starts: the working directory when tofui started.
    pub start_dir: String,
    /// A web browser can be started here (a desktop session, not a bare SSH login).
    pub can_open_browser: bool,
    /// The terminal takes OSC 52 (everywhere but the old Windows console).
    pub can_copy: bool,
    /// `--serial SN`: the unit view opens at start.
    pub start_serial: Option<String>,
    /// Runs fetched (and being fetched ahead), with their logs (`App::runs` is the runs
    /// list's pane).
    pub run_cache: RunStore,
    /// The downloads of this session, shown in every run's attachments tab.
    pub downloads: Vec<Download>,
    /// Live mode's alert on new failures (config `alert`).
    pub alert: super::alert::Alerter,
    /// A short message in the footer, until the given time.
    pub flash: Option<(String, i64)>,
    pub now_ms: i64,
    pub tz: crate::model::Zone,
    pub size: (u16, u16),
    /// `[triage]`: the metadata key and the presets of the triage queue.
    pub triage: super::triage::TriageSettings,
    /// The session's metadata changes, newest last, to undo one by one (`z`).
    pub undo: Vec<super::undo::Undo>,
    /// Changes saved while the server could not be reached, waiting to be sent.
    pub outbox: super::outbox::Outbox,
    /// The config's `run_url`: the web app's address of a run, `{id}` where its id goes.
    pub run_url: Option<String>,
    next_id: RequestId,
}

impl Shared {
    pub(crate) fn new(
        session: Session,
        now_ms: i64,
        tz: crate::model::Zone,
        size: (u16, u16),
    ) -> Self {
        Shared {
            session,
            keymap: Keymap::default(),
            readonly: false,
            live_every_ms: 10_000,
            absolute_dates: false,
            no_color: false,
            glyphs: Glyphs::Unicode,
            theme: ThemeChoice::default(),
            config_problems: Vec::new(),
            download_dir: PathBuf::from("."),
            start_dir: String::new(),
            start_serial: None,
            can_open_browser: false,
            can_copy: true,
            run_cache: RunStore::default(),
            downloads: Vec::new(),
            alert: Default::default(),
            flash: None,
            now_ms,
            tz,
            size,
            triage: Default::default(),
            undo: Vec::new(),
            outbox: Default::default(),
            run_url: None,
            next_id: 0,
        }
    }

    pub(crate) fn next_id(&mut self) -> RequestId {
        self.next_id += 1;
        self.next_id
    }

    /// The web link of a run: the config's `run_url` with the id in it, else the instance's
    /// `/runs/{id}` (the web app's run address is not in TofuPilot's public API documents).
    pub(crate) fn run_link(&self, id: &str) -> String {
        // A path segment: anything but unreserved characters percent-encoded.
        let id: String = id
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        match &self.run_url {
            Some(template) => template.replace("{id}", &id),
            None => format!("{}/runs/{id}", self.session.url.trim_end_matches('/')),
        }
    }

    /// The API address of a run (what the demo server has instead of a web page).
    pub(crate) fn api_link(&self, id: &str) -> String {
        format!("{}/api/v2/runs/{id}", self.session.url.trim_end_matches('/'))
    }
}

/// What the screen (and the tests) read of the shared state.
impl super::App {
    /// The session's last metadata change, which `z` undoes.
    pub fn last_change(&self) -> Option<&super::undo::Undo> {
        self.shared.undo.last()
    }

    /// How many of the session's metadata changes `z` can still undo.
    pub fn changes_to_undo(&self) -> usize {
        self.shared.undo.len()
    }

    /// The footer's message, while it lasts.
    pub fn flash(&self) -> Option<&str> {
        self.shared.flash.as_ref().map(|(t, _)| t.as_str())
    }

    pub fn downloads(&self) -> &[Download] {
        &self.shared.downloads
    }
}
