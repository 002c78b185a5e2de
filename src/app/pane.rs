//! What a pane is to the app: the [`Component`] it implements, the [`Ctx`] it acts through,
//! and the [`Outcome`], [`Reply`] and [`News`] it can hand back.

use std::sync::Arc;

use tui_input::InputRequest;

use super::action::Action;
use super::cache::RunStore;
use super::keymap::Mode;
use super::shared::Shared;
use super::{Effect, ListState, Pane};
use crate::api::LogLine;
use crate::query::RunQuery;
use crate::worker::{ClientError, Fetch, RequestId, Slot, WorkerEvent, WorkerRequest};

/// One pane: its state, its keys and the answers it waits for. Every method but `mode` and
/// `handle` has a default, so a pane implements only what it uses.
pub(crate) trait Component {
    /// The keymap table for keys while this pane is on top.
    fn mode(&self) -> Mode;

    /// An action from a key while this pane is on top.
    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome;

    /// A key no binding claims while this pane is on top: for the text being typed.
    fn typed(&mut self, _req: InputRequest, _cx: &mut Ctx) {}

    /// The mouse wheel while this pane is on top (rows, down positive).
    fn wheel(&mut self, _rows: isize) {}

    /// A worker answer. A pane that did not ask for `id` hands the event back (`Err`).
    fn on_answer(&mut self, _id: RequestId, event: WorkerEvent, _cx: &mut Ctx) -> Answered {
        Err(event)
    }

    /// What the pane above handed back when it closed with [`Outcome::Return`].
    fn on_reply(&mut self, _reply: Reply, _cx: &mut Ctx) -> Outcome {
        Outcome::Stay
    }

    /// Something that may concern any pane happened (announced through [`Ctx::announce`]).
    fn on_news(&mut self, _news: &News, _cx: &mut Ctx) -> Outcome {
        Outcome::Stay
    }

    /// After every message: time-driven work (polls, pages, prefetch). `top`: on top.
    fn tick(&mut self, _top: bool, _cx: &mut Ctx) {}

    /// Edits that quitting would lose.
    fn holds_edits(&self) -> bool {
        false
    }

    /// Something is loading: the clock should tick fast for the spinner.
    fn busy(&self) -> bool {
        false
    }

    /// The pane reads runs of its own: the list fetches none ahead while it is open.
    fn pauses_prefetch(&self) -> bool {
        false
    }
}

/// A pane's answer to a worker event: what it asks of the stack, or the event handed back
/// (`Err`) when the pane did not ask for it.
pub(crate) type Answered = Result<Outcome, WorkerEvent>;

/// `event` when it answers the request a pane waits for (`pending`); handed back otherwise.
pub(crate) fn awaited(
    pending: Option<RequestId>,
    id: RequestId,
    event: WorkerEvent,
) -> Result<WorkerEvent, WorkerEvent> {
    if pending == Some(id) { Ok(event) } else { Err(event) }
}

/// What a pane shows while the worker tries its request again.
pub(crate) fn retry_note(attempt: u32, delay: std::time::Duration, error: &ClientError) -> String {
    let secs = delay.as_millis().div_ceil(1000);
    format!("{error} — retry {attempt} in {secs} s")
}

/// What a pane asks of the stack after handling something.
pub(crate) enum Outcome {
    Stay,
    /// Open this pane over this one.
    Push(Pane),
    /// Close this pane.
    Pop,
    /// Close this pane and open this one in its place.
    Replace(Pane),
    /// Close this pane and open these in its place, the last on top.
    ReplaceMany(Vec<Pane>),
    /// Close this pane and hand this to the pane it was opened from.
    Return(Reply),
    /// Show the runs list filtered to these runs, the open panes put aside until `esc`.
    Drill(Box<super::drill::DrillDown>),
    /// The runs list: put back the panes and the filter the last drill-down set aside.
    Undrill,
    /// Close this pane (the runs list: stay) and leave tofui, asking first when edits would be
    /// lost.
    Quit,
}

/// What a closing pane hands to the one under it.
#[derive(Debug)]
pub(crate) enum Reply {
    /// A filter to apply (from the `/` line or the form).
    Query(Box<RunQuery>),
    /// The `/` line asks for the form over this filter (the list opens it, with its rows).
    Form(Box<RunQuery>),
    /// A `:` command line to run; when it fails, the bar comes back with the error.
    Command(tui_input::Input),
    /// "Yes" to the question asked.
    Yes,
    /// The run view asks for the run `by` rows away in the list it came from, to open at
    /// the same place.
    Neighbour { by: isize, from: String, at: super::run::Place },
}

/// Something every pane may want to know; delivered to each pane after the message that
/// caused it.
#[derive(Debug, Clone)]
pub(crate) enum News {
    /// These runs are gone from the server.
    Deleted(Vec<String>),
    /// This run changed on the server: whoever shows it loads it again.
    Changed(String),
    /// This run's metadata was changed on the server, so (`null` removed a key): the list's
    /// rows take it (announced with [`News::Changed`]).
    MetadataSet { run_id: String, changes: serde_json::Map<String, serde_json::Value> },
    /// A run's first failure as read whole (the triage queue's run): the list's column and
    /// the exports take it.
    FirstFailure { run_id: String, failure: Option<crate::model::FirstFailure> },
    /// This unit (by serial) changed on the server.
    UnitChanged(String),
    /// A run's logs arrived after the run (`None`: they could not be read).
    Logs { run_id: String, logs: Option<Arc<Vec<LogLine>>> },
    /// A run shown from the local cache, as the server has it now (metadata, attachments).
    Fresh { run_id: String, run: Arc<crate::api::RunDetail> },
    /// An explanation computed again once the load it was opened during completed: the
    /// explain pane that awaits it takes its numbers.
    Explained(Arc<super::explain::Explained>),
    /// The event loop's answer to an effect (a path completed, the views saved, files
    /// checked, an export written).
    Done(super::Done),
}

/// What the footer says where copying cannot work.
pub(crate) const NO_COPY: &str = "copy is not available in this console (Windows Terminal has it)";

/// What a pane may read from outside itself (all of it read-only).
#[derive(Clone, Copy, Default)]
pub(crate) struct Outside<'a> {
    /// The runs list under the panes (`None` for the list itself, which has its own).
    pub list: Option<&'a ListState>,
    /// The list's filter before the drill-down it shows, when it shows one.
    pub drilled_from: Option<&'a RunQuery>,
    /// A pane open over the list reads runs of its own (see [`Component::pauses_prefetch`]).
    pub prefetch_paused: bool,
}

/// A pane's only way out: request ids, worker requests and other effects, flashes, news;
/// and its way to read what is outside it ([`Outside`]).
pub(crate) struct Ctx<'a> {
    shared: &'a mut Shared,
    effects: &'a mut Vec<Effect>,
    news: &'a mut Vec<News>,
    outside: Outside<'a>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        shared: &'a mut Shared,
        effects: &'a mut Vec<Effect>,
        news: &'a mut Vec<News>,
    ) -> Ctx<'a> {
        Ctx { shared, effects, news, outside: Outside::default() }
    }

    /// The same, for a pane that may read `outside`.
    pub(crate) fn seeing(self, outside: Outside<'a>) -> Ctx<'a> {
        Ctx { outside, ..self }
    }

    /// The runs list under the panes (`None` for the list itself).
    pub(crate) fn list(&self) -> Option<&'a ListState> {
        self.outside.list
    }

    /// The list's filter before the drill-down it shows: the population it came from.
    pub(crate) fn drilled_from(&self) -> Option<&'a RunQuery> {
        self.outside.drilled_from
    }

    /// A pane over the list reads runs of its own: the list fetches none ahead.
    pub(crate) fn prefetch_paused(&self) -> bool {
        self.outside.prefetch_paused
    }

    pub(crate) fn now(&self) -> i64 {
        self.shared.now_ms()
    }

    /// What every pane reads: the session, the settings, the cache, the clock, the screen.
    pub(crate) fn shared(&self) -> &Shared {
        self.shared
    }

    /// The runs fetched (and being fetched ahead), with their logs.
    pub(crate) fn run_cache(&mut self) -> &mut RunStore {
        self.shared.run_cache_mut()
    }

    /// A download started: shown in every run's attachments tab.
    pub(crate) fn remember_download(&mut self, d: super::Download) {
        self.shared.remember_download(d);
    }

    /// The download with request `id` takes its progress or end (see [`super::Download::take`]);
    /// an event for no download is handed back.
    pub(crate) fn download_answered(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
    ) -> Result<Option<String>, WorkerEvent> {
        self.shared.download_answered(id, event)
    }

    /// A change saved, which `z` can undo: on top of the session's stack, the oldest dropped
    /// past [`undo::DEPTH`](super::undo::DEPTH).
    pub(crate) fn record_undo(&mut self, undo: super::undo::Undo) {
        self.shared.record_undo(undo, super::undo::DEPTH);
    }

    /// The last change undone for the runs `saved`.
    pub(crate) fn undone(&mut self, saved: &std::collections::HashSet<String>) {
        self.shared.undone(saved);
    }

    /// No change can be undone any more.
    pub(crate) fn forget_undo(&mut self) {
        self.shared.forget_undo();
    }

    /// The changes waiting for the server (see `outbox.rs`, which sends them).
    pub(crate) fn outbox(&mut self) -> &mut super::outbox::Outbox {
        self.shared.outbox_mut()
    }

    /// Live mode's alert on new failures.
    pub(crate) fn alerter(&mut self) -> &mut super::alert::Alerter {
        self.shared.alert_mut()
    }

    /// A fresh request id.
    pub(crate) fn id(&mut self) -> RequestId {
        self.shared.next_id()
    }

    pub(crate) fn effect(&mut self, e: Effect) {
        self.effects.push(e);
    }

    /// Sends `fetch` in `slot` under a fresh id; returns the id.
    pub(crate) fn fetch(&mut self, slot: Slot, fetch: Fetch) -> RequestId {
        let id = self.id();
        self.effects.push(Effect::Send(WorkerRequest::Fetch { id, slot, fetch }));
        id
    }

    /// A change sent to the server in its own slot (never cancelled by another).
    pub(crate) fn mutate(&mut self, fetch: Fetch) -> RequestId {
        let id = self.id();
        self.effects.push(Effect::Send(WorkerRequest::Fetch {
            id,
            slot: Slot::Mutation(id),
            fetch,
        }));
        id
    }

    pub(crate) fn cancel(&mut self, slot: Slot) {
        self.effects.push(Effect::Send(WorkerRequest::Cancel { slot }));
    }

    /// A short message in the footer for three seconds.
    pub(crate) fn flash(&mut self, text: impl Into<String>) {
        self.shared.flash(text, 3_000);
    }

    pub(crate) fn announce(&mut self, news: News) {
        self.news.push(news);
    }

    /// A run changed on the server: its cached copy is stale; whoever shows it reloads.
    pub(crate) fn changed(&mut self, run_id: &str) {
        self.shared.run_cache_mut().forget(run_id);
        self.announce(News::Changed(run_id.to_string()));
    }

    /// A run's metadata was written: as [`Ctx::changed`], and the rows showing it take it.
    pub(crate) fn metadata_set(
        &mut self,
        run_id: &str,
        changes: serde_json::Map<String, serde_json::Value>,
    ) {
        self.changed(run_id);
        self.announce(News::MetadataSet { run_id: run_id.to_string(), changes });
    }

    /// The key was rejected (401): nothing can be shown any more.
    pub(crate) fn block(&mut self, message: String) {
        self.shared.block(message);
    }

    /// `o`: the run's page in the browser; where there is none (an SSH session, no display),
    /// the link goes to the clipboard instead, and the footer says so.
    pub(crate) fn open_run(&mut self, run_id: &str) {
        if self.shared.session().demo {
            return self.copy_run(run_id, true);
        }
        let link = self.shared.run_link(run_id);
        if self.shared.settings().can_open_browser {
            self.flash(format!("opening {link}"));
            self.effect(Effect::Open(link));
        } else if self.shared.settings().can_copy {
            self.flash(format!("no browser here (an SSH session?): copied the link {link}"));
            self.effect(Effect::Copy(link));
        } else {
            self.flash(format!("no browser here, and {NO_COPY}: {link}"));
        }
    }

    /// `y`/`Y`: the run's id or web link to the clipboard.
    /// The demo server has no web pages: its link is the run's API address, which answers with
    /// the demo key (`tofui --demo --print-server` prints it).
    pub(crate) fn copy_run(&mut self, run_id: &str, link: bool) {
        let (text, what) = match (link, self.shared.session().demo) {
            (false, _) => (run_id.to_string(), "run id"),
            (true, false) => (self.shared.run_link(run_id), "link"),
            (true, true) => (self.shared.api_link(run_id), "API link (the demo has no web pages)"),
        };
        self.copy(what, text);
    }

    /// `text` to the clipboard (OSC 52), the footer saying so; where the terminal has no
    /// clipboard sequence (the old Windows console), the footer says that instead and shows
    /// `text`, so nothing happens silently.
    pub(crate) fn copy(&mut self, what: &str, text: String) {
        if self.shared.settings().can_copy {
            self.flash(format!("copied {what}: {text}"));
            self.effect(Effect::Copy(text));
        } else {
            self.flash(format!("{NO_COPY}: {what} {text}"));
        }
    }

    /// Refuses a mutation in read-only mode, saying so.
    pub(crate) fn refused(&mut self, a: Action) -> bool {
        if self.shared.readonly() {
            self.flash(format!("read-only session (--readonly): tofui does not {}", a.what()));
            return true;
        }
        false
    }

    /// A 403: stop offering the action for the session (and, for metadata, every other way
    /// of writing it: triage and undo); the message that explains it. Its keys then say why.
    pub(crate) fn forbidden(&mut self, a: Action, msg: &str) -> String {
        let metadata = matches!(a, Action::EditMetadata);
        let creating = |x: Action| matches!(x, Action::NewRun | Action::NewRunLike);
        let gone = |x: Action| {
            x == a
                || (creating(a) && creating(x))
                || (metadata
                    && matches!(
                        x,
                        Action::Triage | Action::Undo | Action::Dispose(_) | Action::DisposeText
                    ))
        };
        let why = |x: Action| {
            format!(
                "this API key may not {} (the server refused it earlier this session: HTTP 403)",
                if gone(x) && x != a { a.what() } else { x.what() }
            )
        };
        self.shared.withdraw(gone, why);
        format!(
            "this API key may not {} (HTTP 403: {msg}); tofui will not offer it again this session",
            a.what()
        )
    }
}
