//! Application state and `update`, the only place it changes. The state is a stack of panes
//! over the runs list ([`RunsPane`], always at the bottom) and the data they share
//! ([`Shared`]: session, keys, settings, cached runs, downloads, clock). This module only
//! routes: a key goes to the pane on top, a worker answer to the pane that asked for it,
//! news to every pane; what they hand back ([`Outcome`]) changes the stack. `update` returns
//! the effects (worker requests, clipboard, files, quit) for the event loop to carry out.
//!
//! # Adding a pane
//!
//! 1. `app/<pane>.rs`: a struct holding the pane's state that implements [`Component`]:
//!    `mode` (its keymap table; add a [`Mode`] and its table in `keymap/defaults.rs`),
//!    `handle` for its actions, and `on_answer`/`on_reply`/`on_news`/`tick` as it needs.
//!    Everything it does goes through [`Ctx`] (request ids, worker requests, flashes, news);
//!    it opens and closes panes by returning an [`Outcome`].
//! 2. One line in the `panes!` list in `panes.rs`: the [`Pane`] variant.
//! 3. `ui/<pane>.rs`: `render(&YourPane, …)`, called from the one `match` in `ui::render`.
//!    Say there whether it is a screen of its own (like the run view) or drawn over one.
//!
//! Screen sizes the pane pages by come from `layout`, which the renderer uses too.

mod access;
pub mod action;
pub mod alert;
pub mod ask;
pub mod cache;
pub mod command;
pub mod create;
pub mod delete;
pub mod downloads;
pub mod drill;
pub mod editor;
pub mod explain;
pub mod export;
pub mod filter;
pub mod form;
pub mod form_values;
pub mod glyphs;
pub mod help;
pub mod insight;
pub mod keymap;
pub mod layout;
mod msg;
pub mod outbox;
mod pane;
mod panes;
pub mod pareto;
pub mod recovery;
pub mod retest;
pub mod run;
pub mod runs;
pub mod scroll;
pub mod serial;
mod shared;
pub mod trend;
pub mod triage;
pub mod undo;
pub mod unit;
pub mod upload;
pub mod yields;

use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};

pub use action::Action;
pub use downloads::Download;
pub use glyphs::Glyphs;
pub use keymap::{Keymap, Mode};
pub use msg::{Effect, Msg};
pub(crate) use pane::{Component, Ctx, News, Outcome};
pub use panes::Pane;
pub use runs::RunsPane;
pub use runs::list::ListState;
pub use shared::{Blocked, Session, Shared, ThemeChoice};

use crate::worker::{WorkerEvent, WorkerResponse};

pub struct App {
    /// The runs list: the bottom of the stack, never closed.
    pub runs: RunsPane,
    /// What is open over it, the top last.
    stack: Vec<Pane>,
    /// Panes put aside by drill-downs, the latest last.
    parked: Vec<drill::Parked>,
    pub shared: Shared,
}

impl App {
    pub fn new(
        session: Session,
        now_ms: i64,
        tz: impl Into<crate::model::Zone>,
        size: (u16, u16),
    ) -> App {
        let mut app = App {
            runs: RunsPane::default(),
            stack: Vec::new(),
            parked: Vec::new(),
            shared: Shared::new(session, now_ms, tz.into(), size),
        };
        app.relayout();
        app
    }

    /// The first requests: the views' first pages (nothing when there is no key).
    pub fn start(&mut self) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.shared.session.blocked.is_none() {
            let mut news = Vec::new();
            self.runs.start(&mut Ctx::new(&mut self.shared, &mut fx, &mut news));
        }
        if let Some(serial) = self.shared.start_serial.take() {
            fx.extend(self.open_unit(&serial));
        }
        fx
    }

    /// `--serial SN`: the unit view of `serial` over the list (`esc` shows the list).
    pub fn open_unit(&mut self, serial: &str) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.shared.session.blocked.is_none() && !serial.trim().is_empty() {
            let mut news = Vec::new();
            let pane =
                unit::UnitPane::open(serial, &mut Ctx::new(&mut self.shared, &mut fx, &mut news));
            self.stack.push(Pane::Unit(Box::new(pane)));
        }
        fx
    }

    pub fn update(&mut self, msg: Msg, now_ms: i64) -> Vec<Effect> {
        self.shared.now_ms = now_ms;
        if self.shared.flash.as_ref().is_some_and(|(_, until)| *until <= now_ms) {
            self.shared.flash = None;
        }
        let mut fx = Vec::new();
        let mut news = Vec::new();
        match msg {
            Msg::Key(ev) if ev.kind == KeyEventKind::Press => self.key(ev, &mut fx, &mut news),
            Msg::Key(_) | Msg::Tick => {}
            Msg::Mouse(m) => self.mouse(m),
            Msg::Resize(w, h) => self.shared.size = (w, h),
            Msg::Worker(resp) => self.worker(resp, &mut fx, &mut news),
            Msg::Completions { text, candidates } => {
                news.push(News::Completions { text, candidates })
            }
            Msg::ViewsSaved(r) => news.push(News::ViewsSaved(r)),
            Msg::FilesChecked { paths, problem } => {
                news.push(News::FilesChecked { paths, problem })
            }
            Msg::Exported { path, written } => news.push(News::Exported { path, written }),
            Msg::OutboxNotWritten(e) => {
                let text = format!("the outbox could not be written ({e}): do not quit yet");
                self.shared.flash = Some((text, now_ms + 10_000));
            }
        }
        self.deliver(&mut fx, &mut news);
        self.relayout();
        if self.shared.session.blocked.is_none() {
            let top = self.stack.len();
            self.runs.prefetch_paused = self.triage().is_some();
            let mut cx = Ctx::new(&mut self.shared, &mut fx, &mut news);
            self.runs.tick(top == 0, &mut cx);
            cx.outbox_tick();
            for (i, p) in self.stack.iter_mut().enumerate() {
                p.component_mut().tick(i + 1 == top, &mut cx);
            }
        }
        fx
    }

    /// The list pages by the rows left to it.
    fn relayout(&mut self) {
        let rows = self.list_rows();
        self.runs.fit(rows);
    }

    fn mouse(&mut self, m: MouseEvent) {
        if self.mode() != Mode::List {
            return;
        }
        match m.kind {
            MouseEventKind::ScrollDown => self.runs.wheel(3),
            MouseEventKind::ScrollUp => self.runs.wheel(-3),
            _ => {}
        }
    }

    fn key(&mut self, ev: KeyEvent, fx: &mut Vec<Effect>, news: &mut Vec<News>) {
        let mode = self.mode();
        let action = self.shared.keymap.action(mode, &ev);
        let plain_q = ev.code == crossterm::event::KeyCode::Char('q');
        match action {
            Some(Action::Back) | Some(Action::Quit)
                if mode == Mode::List
                    && (action == Some(Action::Back) || plain_q)
                    && self.undrill(fx, news) => {}
            Some(Action::Quit) => self.quit(fx),
            _ if mode == Mode::Blocked => {}
            // `:` works in the run view too, where only `:q` means something.
            Some(Action::Command) if mode.in_run() => {
                self.stack.push(Pane::Command(Box::default()))
            }
            Some(Action::Submit) if mode == Mode::Command => {
                // Over the list, or over a run view (which takes `:export`): the pane under
                // the line runs it. Anywhere else only `:q` means something.
                let n = self.stack.len();
                let runs_it = n == 1 || matches!(self.stack.get(n - 2), Some(Pane::Run(_)));
                let Some(Pane::Command(bar)) = self.stack.last_mut() else { return };
                if matches!(bar.input.value().trim(), "q" | "q!" | "quit" | "qa" | "qa!") {
                    self.stack.pop();
                    self.quit(fx);
                } else if !runs_it {
                    bar.error =
                        Some("here :q quits; view commands (:w NAME…) are for the list".into());
                } else {
                    let mut cx = Ctx::new(&mut self.shared, fx, news);
                    let outcome = bar.handle(Action::Submit, &mut cx);
                    self.apply(self.stack.len(), outcome, fx, news);
                }
            }
            Some(Action::Trend) if mode == Mode::Tree => self.open_trend(fx, news),
            Some(Action::Explain) if mode == Mode::Tree => self.open_explain(fx, news),
            Some(Action::Help) => {
                let lines = self.shared.keymap.describe(mode, false).len();
                self.stack.push(Pane::Help(Box::new(help::HelpPane::new(lines))))
            }
            Some(a) => {
                let mut cx = Ctx::new(&mut self.shared, fx, news);
                let outcome = match self.stack.last_mut() {
                    Some(p) => p.component_mut().handle(a, &mut cx),
                    None => self.runs.handle(a, &mut cx),
                };
                self.apply(self.stack.len(), outcome, fx, news);
            }
            None => {
                // A key taken away for the session says why instead of doing nothing.
                if let Some(why) = self.shared.keymap.why_withdrawn(mode, &ev) {
                    self.shared.flash = Some((why, self.shared.now_ms + 3_000));
                    return;
                }
                // Keys no binding claims go to the text field being typed in.
                let Some(req) = tui_input::backend::crossterm::to_input_request(&Event::Key(ev))
                else {
                    return;
                };
                let mut cx = Ctx::new(&mut self.shared, fx, news);
                match self.stack.last_mut() {
                    Some(p) => p.component_mut().typed(req, &mut cx),
                    None => self.runs.typed(req, &mut cx),
                }
            }
        }
    }

    /// `Q`, `:q` (and `q` on the list): asks first when edits would be lost.
    fn quit(&mut self, fx: &mut Vec<Effect>) {
        let blocked = self.shared.session.blocked.is_some();
        if !blocked && self.stack.iter().any(|p| p.component().holds_edits()) {
            self.stack.push(Pane::Ask(Box::new(ask::AskPane::new(ask::Ask::QuitWithEdits))));
        } else {
            fx.push(Effect::Quit);
        }
    }

    /// A worker answer goes to the pane that asked for it (top first), else to the shared
    /// run store and downloads; answers nobody waits for any more are dropped.
    fn worker(&mut self, resp: WorkerResponse, fx: &mut Vec<Effect>, news: &mut Vec<News>) {
        let WorkerResponse { id, mut event } = resp;
        for i in (0..self.stack.len()).rev() {
            let mut cx = Ctx::new(&mut self.shared, fx, news);
            match self.stack[i].component_mut().on_answer(id, event, &mut cx) {
                Ok(outcome) => return self.apply(i + 1, outcome, fx, news),
                Err(e) => event = e,
            }
        }
        let mut cx = Ctx::new(&mut self.shared, fx, news);
        let event = match self.runs.on_answer(id, event, &mut cx) {
            Ok(outcome) => return self.apply(0, outcome, fx, news),
            Err(e) => e,
        };
        let Err(event) = downloads::on_answer(id, event, &mut cx) else { return };
        let Err(event) = cx.outbox_answer(id, event) else { return };
        match event {
            WorkerEvent::Run { run, logs_follow } if cx.shared.runs.is_prefetch(id) => match run {
                Ok(run) => {
                    cx.shared.runs.arrived(id, None, run, logs_follow);
                }
                Err(e) => {
                    cx.shared.runs.failed(id);
                    if let crate::worker::ClientError::Unauthorized(m) = e {
                        cx.block(m);
                    }
                }
            },
            WorkerEvent::RunFresh(run) => {
                let run_id = run.summary.id.clone();
                let run: std::sync::Arc<crate::api::RunDetail> = std::sync::Arc::from(run);
                cx.shared.runs.refresh(&run_id, run.clone());
                cx.announce(News::Fresh { run_id, run });
            }
            WorkerEvent::RunKept { run_id, fetched_ms, problem } => {
                cx.shared.runs.mark_kept(run_id, cache::KeptMark { fetched_ms, problem });
            }
            WorkerEvent::RunLogs(result) => {
                if let Some((run_id, logs, error)) = cx.shared.runs.logs_arrived(id, result) {
                    if let Some(e) = error {
                        cx.flash(format!("the logs could not be read: {e}"));
                    }
                    cx.announce(News::Logs { run_id, logs });
                }
            }
            // Answers to requests that were superseded: dropped.
            _ => {}
        }
    }

    /// Carries out what the pane at `depth - 1` (0: the runs list) asked for.
    fn apply(
        &mut self,
        depth: usize,
        outcome: Outcome,
        fx: &mut Vec<Effect>,
        news: &mut Vec<News>,
    ) {
        let Some(i) = depth.checked_sub(1) else {
            // The runs list never closes; it may open a pane.
            match outcome {
                Outcome::Push(p) | Outcome::Replace(p) => self.stack.insert(0, p),
                Outcome::ReplaceMany(ps) => drop(self.stack.splice(0..0, ps)),
                _ => {}
            }
            return;
        };
        match outcome {
            Outcome::Stay => {}
            Outcome::Push(p) => self.stack.insert(i + 1, p),
            Outcome::Pop => {
                self.stack.remove(i);
            }
            Outcome::Replace(p) => self.stack[i] = p,
            Outcome::ReplaceMany(ps) => drop(self.stack.splice(i..=i, ps)),
            Outcome::Drill(d) => self.drill(*d, fx, news),
            Outcome::Return(reply) => {
                self.stack.remove(i);
                let mut cx = Ctx::new(&mut self.shared, fx, news);
                let next = match i.checked_sub(1) {
                    Some(j) => self.stack[j].component_mut().on_reply(reply, &mut cx),
                    None => self.runs.on_reply(reply, &mut cx),
                };
                self.apply(i, next, fx, news);
            }
        }
    }

    /// Delivers news to every pane, the runs list first, until no more comes.
    fn deliver(&mut self, fx: &mut Vec<Effect>, news: &mut Vec<News>) {
        while !news.is_empty() {
            for n in std::mem::take(news) {
                let mut cx = Ctx::new(&mut self.shared, fx, news);
                let o = self.runs.on_news(&n, &mut cx);
                self.apply(0, o, fx, news);
                let mut i = 0;
                while i < self.stack.len() {
                    let before = self.stack.len();
                    let mut cx = Ctx::new(&mut self.shared, fx, news);
                    let o = self.stack[i].component_mut().on_news(&n, &mut cx);
                    self.apply(i + 1, o, fx, news);
                    // A pane that closed itself leaves the next one at the same index.
                    if self.stack.len() >= before {
                        i += 1;
                    }
                }
            }
        }
    }
}
