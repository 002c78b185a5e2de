//! Application state and `update`, the only place it changes. The state is a stack of panes
//! over the runs list ([`RunsPane`], always at the bottom) and the data they share
//! ([`Shared`]: session, keys, settings, cached runs, downloads, clock). This module only
//! routes: a key goes to the pane on top, a worker answer to the pane that asked for it,
//! news to every pane; what they hand back ([`Outcome`]) changes the stack. `update` returns
//! the effects (worker requests, clipboard, files, quit) for the event loop to carry out.
//!
//! # Adding a pane
//!
//! Two modules and four files to register it (six with a worker request):
//!
//! 1. `app/<pane>.rs`: a struct holding the pane's state that implements [`Component`]:
//!    `mode`, `handle` for its actions, and `on_answer`/`on_reply`/`on_news`/`tick` as it
//!    needs. Everything it does goes through [`Ctx`] (request ids, worker requests, flashes,
//!    news, the run cache; and, read-only, the shared state and the list under it); it opens
//!    and closes panes, itself included, by returning an [`Outcome`].
//! 2. `ui/<pane>.rs` (or `ui/<pane>/mod.rs`, same name as in `app/`):
//!    `render(&App, &YourPane, frame, &Areas, theme)`, drawing in the areas' `body`, `bar`,
//!    `over` or `whole`.
//! 3. `app/panes.rs`, the registry: one line in `registry!` (its [`Pane`] variant, its module
//!    and type, `screen`, `over` or `bar`, the name of its `App` accessor), which also declares
//!    both modules and the renderer's arm for it; and one line per key mode in `modes!` (its
//!    `[keys.NAME]` table and the title of `?` over it).
//! 4. `app/keymap/defaults.rs`: the keys of its modes. `app/action.rs`: one line in
//!    `actions!` per new action (with its config name).
//! 5. The pane that opens it: the key in its table and an arm in its `handle` that returns
//!    `Outcome::Push(YourPane::open(…, cx).into())`.
//! 6. A worker request, when it needs one: its `Fetch` variant and answer in
//!    `worker/messages.rs`, the dispatch in `worker/mod.rs`, the fetch in `worker/<pane>.rs`.
//!
//! `App::key` routes only: `Q` and `?` everywhere, every other key to the pane on top.
//!
//! Screen sizes the pane pages by come from `layout`, which the renderer uses too.

pub mod action;
pub mod alert;
pub mod cache;
pub mod downloads;
pub mod drill;
pub mod export;
pub mod form_values;
pub mod glyphs;
pub mod insight;
pub mod keymap;
pub mod layout;
mod msg;
pub mod outbox;
mod pane;
mod panes;
pub mod recovery;
pub mod runs;
pub mod scroll;
mod settings;
mod shared;
mod stack;
pub mod undo;

use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};

pub use action::Action;
pub use downloads::Download;
pub use glyphs::Glyphs;
pub use keymap::{Keymap, Mode};
pub use msg::{Done, Effect, Msg};
pub(crate) use pane::{Component, Ctx, News, Outcome, Outside};
pub use panes::Pane;
pub(crate) use panes::registry;
pub use runs::RunsPane;
pub use runs::list::ListState;
pub use shared::{Blocked, Session, Shared, ThemeChoice};

use crate::worker::{WorkerEvent, WorkerResponse};

/// The panes' modules (`app/<pane>.rs`), one per line of the registry in `panes.rs`.
macro_rules! pane_modules {
    ($($(#[$doc:meta])* $name:ident($m:ident::$ty:ident) $kind:ident $acc:ident,)*) => {
        $(pub mod $m;)*
    };
}

registry!(pane_modules);

pub struct App {
    /// The runs list: the bottom of the stack, never closed.
    pub runs: RunsPane,
    /// What is open over it, the top last.
    stack: Vec<Pane>,
    /// Panes put aside by drill-downs, the latest last.
    parked: Vec<drill::Parked>,
    shared: Shared,
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
        if self.shared.session().blocked.is_none() {
            let mut news = Vec::new();
            self.runs.start(&mut Ctx::new(&mut self.shared, &mut fx, &mut news));
        }
        if let Some(serial) = self.shared.take_start_serial() {
            fx.extend(self.open_unit(&serial));
        }
        fx
    }

    /// `--serial SN`: the unit view of `serial` over the list (`esc` shows the list).
    pub fn open_unit(&mut self, serial: &str) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.shared.session().blocked.is_none() && !serial.trim().is_empty() {
            let mut news = Vec::new();
            let pane =
                unit::UnitPane::open(serial, &mut Ctx::new(&mut self.shared, &mut fx, &mut news));
            self.stack.push(pane.into());
        }
        fx
    }

    /// Opens a run as `enter` does, with `cached` put in the cache first. For the benchmarks.
    #[doc(hidden)]
    pub fn open_run_for_bench(
        &mut self,
        run_id: String,
        cached: Option<cache::CachedRun>,
    ) -> Vec<Effect> {
        if let Some(c) = cached {
            self.shared.run_cache_mut().put(run_id.clone(), c);
        }
        self.stack.retain(|p| !matches!(p, Pane::Run(_)));
        let mut fx = Vec::new();
        let mut news = Vec::new();
        let pane = run::RunPane::open(run_id, &mut Ctx::new(&mut self.shared, &mut fx, &mut news));
        self.stack.push(pane.into());
        fx
    }

    pub fn update(&mut self, msg: Msg, now_ms: i64) -> Vec<Effect> {
        self.shared.tick(now_ms);
        let mut fx = Vec::new();
        let mut news = Vec::new();
        match msg {
            Msg::Key(ev) if ev.kind == KeyEventKind::Press => self.key(ev, &mut fx, &mut news),
            Msg::Key(_) | Msg::Tick => {}
            Msg::Mouse(m) => self.mouse(m),
            Msg::Resize(w, h) => self.shared.resize(w, h),
            Msg::Worker(resp) => self.worker(resp, &mut fx, &mut news),
            Msg::Done(done) => news.push(News::Done(done)),
            Msg::OutboxNotWritten(e) => {
                let text = format!("the outbox could not be written ({e}): do not quit yet");
                self.shared.flash(text, 10_000);
            }
        }
        self.deliver(&mut fx, &mut news);
        self.relayout();
        if self.shared.session().blocked.is_none() {
            let top = self.stack.len();
            self.with_pane(0, &mut fx, &mut news, |p, cx| {
                p.tick(top == 0, cx);
                cx.outbox_tick();
            });
            for depth in 1..=top {
                self.with_pane(depth, &mut fx, &mut news, |p, cx| p.tick(depth == top, cx));
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

    /// A key: `Q` and `?` mean the same everywhere; any other bound key goes to the pane on
    /// top, and an unbound one to the text it may be typing.
    fn key(&mut self, ev: KeyEvent, fx: &mut Vec<Effect>, news: &mut Vec<News>) {
        let mode = self.mode();
        let action = self.shared.keymap().action(mode, &ev);
        let top = self.stack.len();
        match action {
            Some(Action::Quit) => self.quit(fx),
            _ if mode == Mode::Blocked => {}
            Some(Action::Help) => {
                let lines = self.shared.keymap().describe(mode, false).len();
                self.stack.push(help::HelpPane::new(lines).into())
            }
            Some(a) => {
                let outcome = self.with_pane(top, fx, news, |p, cx| p.handle(a, cx));
                self.apply(top, outcome, fx, news);
            }
            None => {
                // A key taken away for the session says why instead of doing nothing.
                if let Some(why) = self.shared.keymap().why_withdrawn(mode, &ev) {
                    self.shared.flash(why, 3_000);
                    return;
                }
                // Keys no binding claims go to the text field being typed in.
                let Some(req) = tui_input::backend::crossterm::to_input_request(&Event::Key(ev))
                else {
                    return;
                };
                self.with_pane(top, fx, news, |p, cx| p.typed(req, cx));
            }
        }
    }

    /// `Q`, `:q` (and `q` on the list): asks first when edits would be lost.
    fn quit(&mut self, fx: &mut Vec<Effect>) {
        let blocked = self.shared.session().blocked.is_some();
        if !blocked && self.stack.iter().any(|p| p.component().holds_edits()) {
            self.stack.push(ask::AskPane::new(ask::Ask::QuitWithEdits).into());
        } else {
            fx.push(Effect::Quit);
        }
    }

    /// Calls `f` on the pane at `depth` (0: the runs list, else `stack[depth - 1]`) with the
    /// context it acts through, which shows it what it may read of the rest.
    fn with_pane<R>(
        &mut self,
        depth: usize,
        fx: &mut Vec<Effect>,
        news: &mut Vec<News>,
        f: impl FnOnce(&mut dyn Component, &mut Ctx) -> R,
    ) -> R {
        let drilled_from = self.parked.last().map(drill::Parked::query);
        match depth.checked_sub(1) {
            None => {
                let prefetch_paused = self.stack.iter().any(|p| p.component().pauses_prefetch());
                let outside = Outside { list: None, drilled_from, prefetch_paused };
                f(&mut self.runs, &mut Ctx::new(&mut self.shared, fx, news).seeing(outside))
            }
            Some(i) => {
                let list = Some(&self.runs.list);
                let outside = Outside { list, drilled_from, prefetch_paused: false };
                let cx = &mut Ctx::new(&mut self.shared, fx, news).seeing(outside);
                f(self.stack[i].component_mut(), cx)
            }
        }
    }

    /// A worker answer goes to the pane that asked for it (top first, then the panes a
    /// drill-down put aside), else to the shared run store and downloads; answers nobody waits
    /// for any more are dropped.
    fn worker(&mut self, resp: WorkerResponse, fx: &mut Vec<Effect>, news: &mut Vec<News>) {
        let WorkerResponse { id, mut event } = resp;
        for depth in (0..=self.stack.len()).rev() {
            match self.with_pane(depth, fx, news, |p, cx| p.on_answer(id, event, cx)) {
                Ok(outcome) => return self.apply(depth, outcome, fx, news),
                Err(e) => event = e,
            }
        }
        let Err(event) = self.parked_answer(id, event, fx, news) else { return };
        let mut cx = Ctx::new(&mut self.shared, fx, news);
        let Err(event) = downloads::on_answer(id, event, &mut cx) else { return };
        let Err(event) = cx.outbox_answer(id, event) else { return };
        match event {
            WorkerEvent::Run { run, logs_follow } if cx.run_cache().is_prefetch(id) => match run {
                Ok(run) => {
                    cx.run_cache().arrived(id, None, run, logs_follow);
                }
                Err(e) => {
                    cx.run_cache().failed(id);
                    if let crate::worker::ClientError::Unauthorized(m) = e {
                        cx.block(m);
                    }
                }
            },
            WorkerEvent::RunFresh(run) => {
                let run_id = run.summary.id.clone();
                let run: std::sync::Arc<crate::api::RunDetail> = std::sync::Arc::from(run);
                cx.run_cache().refresh(&run_id, run.clone());
                cx.announce(News::Fresh { run_id, run });
            }
            WorkerEvent::RunKept { run_id, fetched_ms, problem } => {
                cx.run_cache().mark_kept(run_id, cache::KeptMark { fetched_ms, problem });
            }
            WorkerEvent::RunLogs(result) => {
                if let Some((run_id, logs, error)) = cx.run_cache().logs_arrived(id, result) {
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

    /// Carries out what the pane at `depth` (0: the runs list) asked for.
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
                Outcome::Undrill => self.undrill(fx, news),
                Outcome::Quit => self.quit(fx),
                _ => {}
            }
            return;
        };
        match outcome {
            Outcome::Stay | Outcome::Undrill => {}
            Outcome::Push(p) => self.stack.insert(i + 1, p),
            Outcome::Pop => {
                self.stack.remove(i);
            }
            Outcome::Replace(p) => self.stack[i] = p,
            Outcome::ReplaceMany(ps) => drop(self.stack.splice(i..=i, ps)),
            Outcome::Drill(d) => self.drill(*d, fx, news),
            Outcome::Quit => {
                self.stack.remove(i);
                self.quit(fx);
            }
            Outcome::Return(reply) => {
                self.stack.remove(i);
                let next = self.with_pane(i, fx, news, |p, cx| p.on_reply(reply, cx));
                self.apply(i, next, fx, news);
            }
        }
    }

    /// Delivers news to every pane, the runs list first (and the parked ones), until no more
    /// comes.
    fn deliver(&mut self, fx: &mut Vec<Effect>, news: &mut Vec<News>) {
        while !news.is_empty() {
            for n in std::mem::take(news) {
                let o = self.with_pane(0, fx, news, |p, cx| p.on_news(&n, cx));
                self.apply(0, o, fx, news);
                self.parked_news(&n, fx, news);
                let mut i = 0;
                while i < self.stack.len() {
                    let before = self.stack.len();
                    let o = self.with_pane(i + 1, fx, news, |p, cx| p.on_news(&n, cx));
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
