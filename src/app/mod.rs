//! Application state and `update`, the only place it changes. Each pane owns its state
//! (`list`, `filter`, `form`, `detail`); this module routes messages to them and returns
//! the effects (worker requests, clipboard, quit) for the event loop to carry out.

pub mod action;
pub mod cache;
pub mod detail;
pub mod dialogs;
pub mod editor;
pub mod filter;
pub mod form;
pub mod keymap;
pub mod list;
mod mutations;
mod run;
pub mod scroll;
pub mod views;

use chrono::FixedOffset;
use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};

pub use action::Action;
use cache::RunCache;
use detail::DetailState;
use filter::FilterBar;
use form::FormState;
pub use keymap::{Keymap, Mode};
use list::{ListState, Pending, SORTS};

use crate::api::SortOrder;
use crate::worker::{ClientError, RequestId, Slot, WorkerEvent, WorkerRequest, WorkerResponse};

/// What reaches `update`.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    Worker(WorkerResponse),
    /// Time passed (animations, live polling, "updated N s ago").
    Tick,
    /// Paths that complete `text` (read by the event loop for the upload prompt).
    Completions {
        text: String,
        candidates: Vec<String>,
    },
    /// The config file was written with the views (its path), or why not.
    ViewsSaved(Result<String, String>),
}

/// What `update` asks the event loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Send(WorkerRequest),
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// List the paths that complete this text (answered with `Msg::Completions`).
    ListDir(String),
    /// Write the views to the config file (answered with `Msg::ViewsSaved`).
    SaveViews(Vec<crate::config::ViewEntry>),
    Quit,
}

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

pub struct App {
    pub keymap: Keymap,
    pub session: Session,
    pub list: ListState,
    pub filter: Option<FilterBar>,
    pub form: Option<FormState>,
    pub detail: Option<DetailState>,
    pub cache: RunCache,
    /// The run to fetch ahead, and when (the selection rested there long enough).
    pub prefetch_due: Option<(String, i64)>,
    pub prefetch_pending: Option<(RequestId, String)>,
    /// Runs whose logs come after them: (request, run id).
    pub logs_due: Vec<(RequestId, String, Slot)>,
    /// Where attachments are saved, and the downloads of this session.
    pub download_dir: std::path::PathBuf,
    pub downloads: Vec<detail::Download>,
    pub editor: Option<editor::EditorState>,
    pub delete: Option<dialogs::DeleteState>,
    pub upload: Option<dialogs::UploadState>,
    pub ask: Option<dialogs::Ask>,
    /// `--readonly`: every mutation hidden and refused.
    pub readonly: bool,
    /// Effects produced while handling a worker answer, sent with the next batch.
    deferred: Vec<Effect>,
    /// The views (tabs); the active one's list is `list`.
    pub views: Vec<views::ViewTab>,
    pub active: usize,
    next_view_id: u32,
    /// The `:` command line.
    pub command: Option<views::CommandBar>,
    /// The views as the config file has them.
    pub saved_views: Vec<crate::config::ViewConfig>,
    /// Live polling period when turned on with `L`.
    pub live_every_ms: i64,
    /// Every row's start as an absolute time (config `date_format = "absolute"`).
    pub absolute_dates: bool,
    /// Colours from the theme and the config.
    pub palette: crate::ui::theme::Palette,
    /// Config problems to show (file:line: message).
    pub config_problems: Vec<String>,
    pub help: bool,
    /// A short message in the footer, until the given time.
    pub flash: Option<(String, i64)>,
    pub now_ms: i64,
    pub tz: FixedOffset,
    pub size: (u16, u16),
    pub no_color: bool,
    next_id: RequestId,
}

/// Rows of the screen that are not list rows: title, view tabs, column header, status and
/// keys footer.
pub const LIST_CHROME: u16 = 5;

impl App {
    pub fn new(session: Session, now_ms: i64, tz: FixedOffset, size: (u16, u16)) -> App {
        let mut app = App {
            keymap: Keymap::default(),
            session,
            list: ListState::default(),
            filter: None,
            form: None,
            detail: None,
            cache: RunCache::default(),
            prefetch_due: None,
            prefetch_pending: None,
            logs_due: Vec::new(),
            download_dir: std::path::PathBuf::from("."),
            downloads: Vec::new(),
            editor: None,
            delete: None,
            upload: None,
            ask: None,
            readonly: false,
            deferred: Vec::new(),
            views: vec![views::ViewTab::new(0, "All runs", None, None)],
            active: 0,
            next_view_id: 1,
            command: None,
            saved_views: Vec::new(),
            live_every_ms: 10_000,
            absolute_dates: false,
            config_problems: Vec::new(),
            palette: crate::ui::theme::Palette::DEFAULT,
            help: false,
            flash: None,
            now_ms,
            tz,
            size,
            no_color: false,
            next_id: 0,
        };
        app.list.set_viewport(app.list_rows());
        app
    }

    /// The first requests: the list's first page (nothing when there is no key).
    pub fn start(&mut self) -> Vec<Effect> {
        if self.session.blocked.is_some() {
            return vec![];
        }
        // The active view first, then every other one in the background (their counts show
        // in the tab bar).
        let mut fx = vec![self.request_list(Pending::First)];
        self.load_background_views(&mut fx);
        fx
    }

    /// Read-only: mutations leave the keymap (so the footer and `?` do not offer them).
    pub fn set_readonly(&mut self) {
        self.readonly = true;
        self.keymap.remove_action(Action::mutates);
    }

    pub fn mode(&self) -> Mode {
        if self.session.blocked.is_some() {
            Mode::Blocked
        } else if self.ask.is_some() {
            Mode::Ask
        } else if self.help {
            Mode::Help
        } else if self.delete.is_some() {
            Mode::ConfirmDelete
        } else if self.upload.is_some() {
            Mode::UploadPrompt
        } else if let Some(ed) = &self.editor {
            match ed.step {
                editor::Step::AddKey(_)
                | editor::Step::AddValue { .. }
                | editor::Step::EditValue(_) => Mode::EditorText,
                editor::Step::Review => Mode::EditorReview,
                _ => Mode::Editor,
            }
        } else if self.command.is_some() {
            Mode::Command
        } else if self.form.is_some() {
            Mode::Form
        } else if self.filter.is_some() {
            Mode::Filter
        } else if let Some(d) = &self.detail {
            self.run_mode_of(d)
        } else {
            Mode::List
        }
    }

    /// List rows that fit the screen, with the filter line when it is open.
    pub fn list_rows(&self) -> usize {
        let extra = if self.filter.is_some() || self.command.is_some() { 2 } else { 0 };
        self.size.1.saturating_sub(LIST_CHROME + extra) as usize
    }

    pub(crate) fn id(&mut self) -> RequestId {
        self.next_id += 1;
        self.next_id
    }

    fn request_list(&mut self, kind: Pending) -> Effect {
        let id = self.id();
        let view = self.view_id();
        self.list.request(id, view, kind, self.now_ms, self.tz)
    }

    pub(crate) fn flash(&mut self, text: impl Into<String>) {
        self.flash = Some((text.into(), self.now_ms + 3_000));
    }

    /// Turns live polling on (for every view) with this period, or off.
    pub fn set_live(&mut self, every_ms: Option<i64>) {
        let now = self.now_ms;
        for l in std::iter::once(&mut self.list)
            .chain(self.views.iter_mut().filter_map(|v| v.saved.as_mut()))
        {
            l.live_ms = every_ms;
            l.next_live_ms = now + every_ms.unwrap_or(0);
            if every_ms.is_none() {
                l.live_pending = None;
            }
        }
        if let Some(ms) = every_ms {
            self.live_every_ms = ms;
        }
    }

    /// The web link of a run.
    pub fn run_link(&self, id: &str) -> String {
        format!("{}/runs/{id}", self.session.url.trim_end_matches('/'))
    }

    pub fn update(&mut self, msg: Msg, now_ms: i64) -> Vec<Effect> {
        self.now_ms = now_ms;
        if self.flash.as_ref().is_some_and(|(_, until)| *until <= now_ms) {
            self.flash = None;
        }
        let mut fx = Vec::new();
        match msg {
            Msg::Key(ev) if ev.kind != KeyEventKind::Release => self.key(ev, &mut fx),
            Msg::Key(_) => {}
            Msg::Mouse(m) => self.mouse(m, &mut fx),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                let rows = self.list_rows();
                self.list.set_viewport(rows);
            }
            Msg::Worker(resp) => self.worker(resp, &mut fx),
            Msg::Tick => {}
            Msg::Completions { text, candidates } => self.completions(text, candidates),
            Msg::ViewsSaved(r) => self.views_saved(r),
        }
        fx.append(&mut self.deferred);
        if self.session.blocked.is_none() {
            self.poll_views(&mut fx);
        }
        if self.list.wants_next_page() {
            fx.push(self.request_list(Pending::Next));
        }
        self.prefetch(&mut fx);
        fx
    }

    fn mouse(&mut self, m: MouseEvent, _fx: &mut [Effect]) {
        if self.mode() != Mode::List {
            return;
        }
        match m.kind {
            MouseEventKind::ScrollDown => self.list.move_by(3),
            MouseEventKind::ScrollUp => self.list.move_by(-3),
            _ => {}
        }
    }

    fn key(&mut self, ev: KeyEvent, fx: &mut Vec<Effect>) {
        let mode = self.mode();
        let action = self.keymap.action(mode, &ev);
        if mode == Mode::LogSearch {
            let rows = self.detail_rows();
            if let Some(d) = &mut self.detail
                && d.search_key(action, rows).is_some()
            {
                return;
            }
            if action == Some(Action::Quit) {
                fx.push(Effect::Quit);
                return;
            }
        }
        match action {
            Some(a) => self.action(a, fx),
            None => self.text_key(mode, ev),
        }
    }

    /// Keys no binding claims go to the text field being typed in.
    fn text_key(&mut self, mode: Mode, ev: KeyEvent) {
        let Some(req) = tui_input::backend::crossterm::to_input_request(&Event::Key(ev)) else {
            return;
        };
        match mode {
            Mode::Filter => {
                if let Some(f) = &mut self.filter {
                    f.input.handle(req);
                    f.error = None;
                }
            }
            Mode::Form => {
                if let Some(f) = &mut self.form {
                    f.focused().handle(req);
                    f.error = None;
                }
            }
            Mode::LogSearch => {
                if let Some(input) = self
                    .detail
                    .as_mut()
                    .and_then(|d| d.loaded_mut())
                    .and_then(|l| l.logs.typing.as_mut())
                {
                    input.handle(req);
                }
            }
            Mode::EditorText => {
                if let Some(ed) = &mut self.editor {
                    if let Some(i) = ed.input_mut() {
                        i.handle(req);
                    }
                    ed.invalid = None;
                }
            }
            Mode::Command => {
                if let Some(c) = &mut self.command {
                    c.input.handle(req);
                    c.error = None;
                }
            }
            Mode::ConfirmDelete => {
                if let Some(d) = self.delete.as_mut().filter(|d| d.pending.is_none()) {
                    d.typed.handle(req);
                    d.error = None;
                }
            }
            Mode::UploadPrompt => {
                if let Some(u) = self.upload.as_mut().filter(|u| u.pending.is_none()) {
                    u.input.handle(req);
                    u.candidates.clear();
                }
            }
            _ => {}
        }
    }

    pub fn action(&mut self, a: Action, fx: &mut Vec<Effect>) {
        let page = self.list.viewport.saturating_sub(1).max(1) as isize;
        match (self.mode(), a) {
            (Mode::Ask, a) => self.answer(a, fx),
            (_, Action::Quit) => self.quit(fx),
            (Mode::Help, Action::Back) => self.help = false,
            (_, Action::Help) => self.help = true,
            (Mode::List, Action::Down) => self.list.move_by(1),
            (Mode::List, Action::Up) => self.list.move_by(-1),
            (Mode::List, Action::PageDown) => self.list.move_by(page),
            (Mode::List, Action::PageUp) => self.list.move_by(-page),
            (Mode::List, Action::Top) => self.list.move_by(isize::MIN / 2),
            (Mode::List, Action::Bottom) => self.list.move_by(isize::MAX / 2),
            (Mode::List, Action::Filter) => {
                self.filter = Some(FilterBar::open(&self.list.query.to_line()));
                self.list.set_viewport(self.list_rows());
            }
            (Mode::List | Mode::Filter, Action::Form) => {
                // From the query line, the form starts from what is typed when it parses.
                let q = self
                    .filter
                    .as_ref()
                    .and_then(|f| crate::query::parse(f.text()).ok())
                    .unwrap_or_else(|| self.list.query.clone());
                self.filter = None;
                self.form = Some(FormState::from_query(&q));
                self.list.set_viewport(self.list_rows());
            }
            (Mode::List, Action::ClearFilter) if !self.list.query.is_empty() => {
                self.list.query = Default::default();
                fx.push(self.request_list(Pending::First));
            }
            (Mode::List, Action::CycleSort) => {
                let i = SORTS
                    .iter()
                    .position(|s| *s == self.list.sort_by)
                    .map_or(0, |i| (i + 1) % SORTS.len());
                self.list.sort_by = SORTS[i].clone();
                fx.push(self.request_list(Pending::First));
            }
            (Mode::List, Action::FlipOrder) => {
                self.list.sort_order = if self.list.sort_order == SortOrder::Desc {
                    SortOrder::Asc
                } else {
                    SortOrder::Desc
                };
                fx.push(self.request_list(Pending::First));
            }
            (Mode::List, Action::Refresh) => {
                let kind = if self.list.loaded { Pending::Refresh } else { Pending::First };
                fx.push(self.request_list(kind));
            }
            (Mode::List, Action::ToggleLive) => {
                if self.list.live_ms.is_some() {
                    self.set_live(None);
                    for v in self.view_ids() {
                        fx.push(Effect::Send(WorkerRequest::Cancel { slot: Slot::Live(v) }));
                    }
                    self.flash("live off");
                } else {
                    let every = self.live_every_ms;
                    self.set_live(Some(every));
                    self.list.next_live_ms = self.now_ms;
                    self.flash(format!("live: polling every {} s", every / 1000));
                }
            }
            (m, Action::CopyId | Action::CopyLink) if m == Mode::List || m.in_run() => {
                let id = match (&self.detail, self.list.selected_row()) {
                    (Some(d), _) => Some(d.run_id.clone()),
                    (None, Some(row)) if !row.id.is_empty() => Some(row.id.to_string()),
                    _ => None,
                };
                if let Some(id) = id {
                    let (text, what) = if a == Action::CopyId {
                        (id.clone(), "run id")
                    } else {
                        (self.run_link(&id), "link")
                    };
                    self.flash(format!("copied {what}: {text}"));
                    fx.push(Effect::Copy(text));
                }
            }
            (Mode::List, Action::Open) => {
                if let Some(row) = self.list.selected_row().filter(|r| !r.id.is_empty()) {
                    let run_id = row.id.to_string();
                    self.open_run(run_id, fx);
                }
            }
            (Mode::Editor | Mode::EditorText | Mode::EditorReview, a) => self.editor_action(a, fx),
            (Mode::Command, Action::Submit) => {
                self.run_command(fx);
                self.list.set_viewport(self.list_rows());
            }
            (Mode::Command, Action::Back) => {
                self.command = None;
                self.list.set_viewport(self.list_rows());
            }
            (
                Mode::List,
                Action::View(_)
                | Action::NextView
                | Action::PrevView
                | Action::MoveViewLeft
                | Action::MoveViewRight
                | Action::Command,
            ) => self.view_action(a, fx),
            (Mode::ConfirmDelete, a) => self.delete_action(a, fx),
            (Mode::UploadPrompt, a) => self.upload_action(a, fx),
            (m, a) if a.mutates() && (m == Mode::List || m.in_run()) => self.mutation_action(a, fx),
            (m, a) if m.in_run() => self.run_action(a, fx),
            (Mode::Filter, Action::Back) => {
                self.filter = None;
                self.list.set_viewport(self.list_rows());
            }
            (Mode::Filter, Action::Submit) => {
                if let Some(q) = self.filter.as_mut().and_then(FilterBar::submit) {
                    self.filter = None;
                    self.list.set_viewport(self.list_rows());
                    self.list.query = q;
                    fx.push(self.request_list(Pending::First));
                }
            }
            (Mode::Form, Action::Back) => self.form = None,
            (Mode::Form, Action::NextField) => self.form.iter_mut().for_each(|f| f.move_focus(1)),
            (Mode::Form, Action::PrevField) => self.form.iter_mut().for_each(|f| f.move_focus(-1)),
            (Mode::Form, Action::Submit) => {
                if let Some((q, _line)) = self.form.as_mut().and_then(FormState::submit) {
                    self.form = None;
                    self.list.query = q;
                    fx.push(self.request_list(Pending::First));
                }
            }
            _ => {}
        }
    }

    fn worker(&mut self, resp: WorkerResponse, _fx: &mut [Effect]) {
        let WorkerResponse { id, event } = resp;
        let Some(event) = self.mutation_event(id, event) else { return };
        let now = self.now_ms;
        // The active view's list, or a view in the background.
        if self.list.owns(id) {
            if let Some(ClientError::Unauthorized(m)) = self.list.on_event(id, event, now) {
                self.session.blocked = Some(Blocked::Rejected(m));
            }
            return;
        }
        if let Some(v) =
            self.views.iter_mut().find(|v| v.saved.as_ref().is_some_and(|l| l.owns(id)))
        {
            let Some(list) = v.saved.as_mut() else { return };
            let before = list.fresh_failures.len();
            let err = list.on_event(id, event, now);
            // New failures arrived while the view is in the background: mark its tab.
            if list.fresh_failures.len() > before {
                v.new_failures = true;
            }
            if let Some(ClientError::Unauthorized(m)) = err {
                self.session.blocked = Some(Blocked::Rejected(m));
            }
            return;
        }
        match event {
            WorkerEvent::Retrying { attempt, delay, error } => {
                if let Some(d) = self.detail.as_mut().filter(|d| d.pending == Some(id)) {
                    d.retry = Some(format!(
                        "{error} — retry {attempt} in {} s",
                        delay.as_millis().div_ceil(1000)
                    ));
                }
            }
            // Answers to requests that were superseded: dropped.
            WorkerEvent::Runs(_) => {}
            other => self.run_event(id, other),
        }
    }
}
