//! What every pane may read: where the dashboard is connected, the keys, the settings, the
//! runs already fetched, the downloads, the clock and the screen. Its fields are private: it
//! is read through accessors and changed through a method per kind of change (`tick`,
//! `flash`, `record_undo`, `remember_download`, …); panes reach those through
//! [`Ctx`](super::pane::Ctx), which hands them `&Shared` only.

use std::path::PathBuf;

use super::Action;
use super::cache::RunStore;
use super::downloads::Download;
use super::glyphs::Glyphs;
use super::keymap::Keymap;
use crate::config::KeyOverride;
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

/// What the config and the environment set before the dashboard starts: plain data, which
/// the owner of the app sets through `App::settings_mut` and panes only read.
#[derive(Debug, Clone)]
pub struct Settings {
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
    /// `[triage]`: the metadata key and the presets of the triage queue.
    pub triage: super::triage::TriageSettings,
    /// The config's `run_url`: the web app's address of a run, `{id}` where its id goes.
    pub run_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            live_every_ms: 10_000,
            absolute_dates: false,
            no_color: false,
            glyphs: Glyphs::Unicode,
            theme: ThemeChoice::default(),
            config_problems: Vec::new(),
            download_dir: PathBuf::from("."),
            start_dir: String::new(),
            can_open_browser: false,
            can_copy: true,
            triage: Default::default(),
            run_url: None,
        }
    }
}

/// The state every pane reads, changed only through the named methods below (panes reach
/// them through [`Ctx`](super::pane::Ctx), which hands out `&Shared` and nothing `&mut`
/// but the run cache, the outbox and the alert, each a type with its own methods).
pub struct Shared {
    session: Session,
    keymap: Keymap,
    /// `--readonly`: every mutation hidden and refused.
    readonly: bool,
    settings: Settings,
    /// `--serial SN`: the unit view opens at start.
    start_serial: Option<String>,
    /// Runs fetched (and being fetched ahead), with their logs (`App::runs` is the runs
    /// list's pane).
    run_cache: RunStore,
    /// The downloads of this session, shown in every run's attachments tab.
    downloads: Vec<Download>,
    /// Live mode's alert on new failures (config `alert`).
    alert: super::alert::Alerter,
    /// A short message in the footer, until the given time.
    flash: Option<(String, i64)>,
    now_ms: i64,
    tz: crate::model::Zone,
    size: (u16, u16),
    /// The session's metadata changes, newest last, to undo one by one (`z`).
    undo: Vec<super::undo::Undo>,
    /// Changes saved while the server could not be reached, waiting to be sent.
    outbox: super::outbox::Outbox,
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
            settings: Settings::default(),
            start_serial: None,
            run_cache: RunStore::default(),
            downloads: Vec::new(),
            alert: Default::default(),
            flash: None,
            now_ms,
            tz,
            size,
            undo: Vec::new(),
            outbox: Default::default(),
            next_id: 0,
        }
    }

    pub(crate) fn next_id(&mut self) -> RequestId {
        self.next_id += 1;
        self.next_id
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    /// `--readonly`: every mutation hidden and refused.
    pub fn readonly(&self) -> bool {
        self.readonly
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The settings, for the owner of the app to set before `start` (panes only read them).
    pub(super) fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    pub fn run_cache(&self) -> &RunStore {
        &self.run_cache
    }

    pub fn downloads(&self) -> &[Download] {
        &self.downloads
    }

    /// The footer's message, while it lasts.
    pub fn flash_message(&self) -> Option<&str> {
        self.flash.as_ref().map(|(t, _)| t.as_str())
    }

    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    pub fn tz(&self) -> crate::model::Zone {
        self.tz
    }

    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// The session's metadata changes, newest last.
    pub fn undo(&self) -> &[super::undo::Undo] {
        &self.undo
    }

    pub fn outbox(&self) -> &super::outbox::Outbox {
        &self.outbox
    }

    // What changes, each kind by its own name.

    /// The clock moved: a flash whose time is up goes.
    pub(crate) fn tick(&mut self, now_ms: i64) {
        self.now_ms = now_ms;
        if self.flash.as_ref().is_some_and(|(_, until)| *until <= now_ms) {
            self.flash = None;
        }
    }

    pub(crate) fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
    }

    /// A short message in the footer for `for_ms`.
    pub(crate) fn flash(&mut self, text: impl Into<String>, for_ms: i64) {
        self.flash = Some((text.into(), self.now_ms + for_ms));
    }

    /// The key was rejected (401): nothing can be shown any more.
    pub(crate) fn block(&mut self, message: String) {
        self.session.blocked = Some(Blocked::Rejected(message));
    }

    /// Stops offering the actions `gone` keeps, each key then saying `why`.
    pub(crate) fn withdraw(
        &mut self,
        gone: impl Fn(Action) -> bool,
        why: impl Fn(Action) -> String,
    ) {
        self.keymap.withdraw(gone, why);
    }

    /// `--readonly`: mutations refused, and withdrawn from the keys.
    pub(crate) fn set_readonly(&mut self) {
        self.readonly = true;
        let why =
            |a: Action| format!("read-only session (--readonly): tofui does not {}", a.what());
        self.keymap.withdraw(Action::mutates, why);
    }

    /// The config's `[keys.*]`: the problems found, by line.
    pub(super) fn remap_keys(&mut self, overrides: &[KeyOverride]) -> Vec<(usize, String)> {
        self.keymap.apply_overrides(overrides)
    }

    /// `--serial SN`: the unit view to open at start.
    pub(super) fn open_at_start(&mut self, serial: Option<String>) {
        self.start_serial = serial;
    }

    pub(crate) fn take_start_serial(&mut self) -> Option<String> {
        self.start_serial.take()
    }

    /// Live mode's alert, as the config asks for it.
    pub(super) fn set_alerter(&mut self, alert: super::alert::Alerter) {
        self.alert = alert;
    }

    pub(crate) fn alert_mut(&mut self) -> &mut super::alert::Alerter {
        &mut self.alert
    }

    /// The changes saved offline last time, waiting to be sent.
    pub(super) fn restore_outbox(&mut self, outbox: super::outbox::Outbox) {
        self.outbox = outbox;
    }

    pub(crate) fn outbox_mut(&mut self) -> &mut super::outbox::Outbox {
        &mut self.outbox
    }

    pub(crate) fn run_cache_mut(&mut self) -> &mut RunStore {
        &mut self.run_cache
    }

    pub(crate) fn remember_download(&mut self, d: Download) {
        self.downloads.push(d);
    }

    /// The download with request `id` takes its progress or end; an event for no download is
    /// handed back.
    pub(crate) fn download_answered(
        &mut self,
        id: RequestId,
        event: crate::worker::WorkerEvent,
    ) -> Result<Option<String>, crate::worker::WorkerEvent> {
        match self.downloads.iter_mut().find(|d| d.id == id) {
            Some(d) => d.take(event),
            None => Err(event),
        }
    }

    /// A change saved: on top of the stack, the oldest dropped past `depth`.
    pub(crate) fn record_undo(&mut self, undo: super::undo::Undo, depth: usize) {
        self.undo.push(undo);
        if self.undo.len() > depth {
            self.undo.remove(0);
        }
    }

    /// The last change, undone for the runs `saved`; gone when none is left.
    pub(crate) fn undone(&mut self, saved: &std::collections::HashSet<String>) {
        if let Some(u) = self.undo.last_mut() {
            u.runs.retain(|r| !saved.contains(&r.target.run_id));
            if u.runs.is_empty() {
                self.undo.pop();
            }
        }
    }

    /// No change can be undone any more (one was saved over runs not read first).
    pub(crate) fn forget_undo(&mut self) {
        self.undo.clear();
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
        match &self.settings.run_url {
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
        self.shared.flash_message()
    }

    pub fn downloads(&self) -> &[Download] {
        &self.shared.downloads
    }
}
