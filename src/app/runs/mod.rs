//! The runs list, the dashboard's home: the views as tabs (each its own [`ListState`]), the
//! active view's rows, marks for bulk changes, live mode, and the prefetch of the run under
//! the selection. It is always at the bottom of the pane stack.

mod background;
pub mod export_all;
mod failures;
pub mod list;
mod live;
pub mod views;

use std::collections::HashSet;

pub use failures::{FailureCell, FailureColumn};
use list::{ListState, Pending, SORTS};
use views::ViewTab;

use super::delete::{DeletePane, RunNamed};
use super::editor::{EditorPane, Target};
use super::pane::{Answered, Component, Ctx, News, Outcome, Reply};
use super::{Action, Mode, Pane};
use crate::api::SortOrder;
use crate::config::ViewConfig;
use crate::worker::{ClientError, Fetch, RequestId, Slot, WorkerEvent};

pub struct RunsPane {
    /// The active view's list; the others keep theirs in their tab.
    pub list: ListState,
    /// The views (tabs).
    pub views: Vec<ViewTab>,
    pub active: usize,
    next_view_id: u32,
    /// The views as the config file has them (or will, once the writes asked for are done).
    pub saved_views: Vec<ViewConfig>,
    /// The views the file is known to hold, and the writes on their way: a failed write puts
    /// `saved_views` back to what is on disk.
    on_disk: Vec<ViewConfig>,
    writing: std::collections::VecDeque<Vec<ViewConfig>>,
    /// `:export FILE` on its way to the file.
    pub export: Option<super::export::Pending>,
    /// Another pane fetches runs ahead (the triage queue): the list does not.
    /// The failure column's first failures, by run id (wide screens).
    pub failures: FailureColumn,
    /// `:export! FILE` fetching every matching run.
    pub exporting: Option<export_all::ExportAll>,
    /// The other views were asked for (after the visible one's first answer).
    background_started: bool,
}

impl Default for RunsPane {
    fn default() -> Self {
        RunsPane {
            list: ListState::default(),
            views: vec![ViewTab::new(0, "All runs", None, None)],
            active: 0,
            next_view_id: 1,
            saved_views: Vec::new(),
            on_disk: Vec::new(),
            writing: Default::default(),
            export: None,
            failures: FailureColumn::default(),
            exporting: None,
            background_started: false,
        }
    }
}

impl RunsPane {
    /// The first request: the visible view's. Every other view loads in the background once
    /// it has its answer (their counts show in the tab bar): on a slow link the rows on screen
    /// do not share it with rows that are not.
    pub(crate) fn start(&mut self, cx: &mut Ctx) {
        self.request(Pending::First, cx);
    }

    /// Pages by `rows` rows (the screen or the `/` line changed).
    pub(crate) fn fit(&mut self, rows: usize) {
        if self.list.viewport != rows.max(1) {
            self.list.set_viewport(rows);
        }
    }

    fn view_id(&self) -> u32 {
        self.views.get(self.active).map_or(0, |v| v.id)
    }

    /// Asks for a page of the active list.
    fn request(&mut self, kind: Pending, cx: &mut Ctx) {
        let id = cx.id();
        let fx = self.list.request(id, self.view_id(), kind, cx.now(), cx.shared().tz());
        cx.effect(fx);
    }

    /// Turns live polling on (for every view) with this period, or off.
    pub(crate) fn set_live(&mut self, every_ms: Option<i64>, now: i64) {
        for l in std::iter::once(&mut self.list)
            .chain(self.views.iter_mut().filter_map(|v| v.saved.as_mut()))
        {
            l.live_ms = every_ms;
            l.next_live_ms = now + every_ms.unwrap_or(0);
            if every_ms.is_none() {
                l.live_pending = None;
            }
        }
    }

    /// The runs a change acts on: the marked ones, else the selected row.
    fn targets(&self) -> Vec<Target> {
        let target = |r: &crate::model::RunRow| Target::run(r.id.to_string(), r.serial.to_string());
        if !self.list.marked.is_empty() {
            return self
                .list
                .rows
                .iter()
                .filter(|r| self.list.marked.contains(&r.id))
                .map(target)
                .collect();
        }
        self.list.selected_row().filter(|r| !r.id.is_empty()).map(target).into_iter().collect()
    }

    fn mutation(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        if cx.refused(a) {
            return Outcome::Stay;
        }
        let targets = self.targets();
        match a {
            Action::Mark => {
                if let Some(row) = self.list.selected_row().filter(|r| !r.id.is_empty()) {
                    let id = row.id.clone();
                    if !self.list.marked.remove(&id) {
                        self.list.marked.insert(id);
                    }
                    self.list.move_by(1);
                }
                Outcome::Stay
            }
            Action::Triage if !self.list.loaded => {
                cx.flash("the list is still loading");
                Outcome::Stay
            }
            Action::Triage => Outcome::Push(Pane::Triage(Box::new(
                super::triage::TriagePane::start(&self.list, cx),
            ))),
            Action::Undo => super::undo::start(cx),
            Action::NewRun | Action::NewRunLike => super::create::from_list(a, &self.list, cx),
            Action::EditMetadata if !targets.is_empty() => {
                Outcome::Push(Pane::Editor(Box::new(EditorPane::open(targets, None, cx))))
            }
            Action::Delete if !targets.is_empty() => {
                let row = |t: &Target| self.list.rows.iter().find(|r| *r.id == *t.run_id);
                let named = targets.iter().map(|t| RunNamed::of(row(t))).collect();
                Outcome::Push(Pane::Delete(Box::new(DeletePane::new(targets, named))))
            }
            _ => Outcome::Stay,
        }
    }

    /// Runs gone from the server leave the list (and the marks).
    fn deleted(&mut self, ids: &[String]) {
        let gone: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let l = &mut self.list;
        let selected = l.selected_row().map(|r| r.id.clone());
        l.rows.retain(|r| !gone.contains(&*r.id));
        l.marked.retain(|m| !gone.contains(&**m));
        l.selected = selected
            .and_then(|s| l.rows.iter().position(|r| r.id == s))
            .unwrap_or(l.selected)
            .min(l.rows.len().saturating_sub(1));
        l.scroll_to_selection();
    }

    /// Fetches the run under the selection once it has rested there a moment.
    /// Fetches ahead the run `ahead` rows below the selection.
    fn prefetch(&mut self, cx: &mut Ctx, ahead: usize) {
        let Some(row) = self
            .list
            .rows
            .get(self.list.selected + ahead)
            .filter(|r| !r.id.is_empty() && r.problem.is_none())
        else {
            return;
        };
        let run_id = row.id.to_string();
        let now = cx.now();
        if cx.run_cache().prefetch_now(&run_id, now) {
            cx.run_cache().superseded(Slot::Prefetch);
            let id = cx.fetch(Slot::Prefetch, Fetch::Run { run_id: run_id.clone() });
            cx.run_cache().prefetching(id, run_id);
        }
    }
}

impl Component for RunsPane {
    fn mode(&self) -> Mode {
        Mode::List
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        let page = self.list.viewport.saturating_sub(1).max(1) as isize;
        match a {
            Action::Down => self.list.move_by(1),
            Action::Up => self.list.move_by(-1),
            Action::PageDown => self.list.move_by(page),
            Action::PageUp => self.list.move_by(-page),
            Action::Top => self.list.move_by(isize::MIN / 2),
            Action::Bottom => self.list.move_by(isize::MAX / 2),
            Action::Filter => {
                let bar = super::filter::FilterPane::open(&self.list.query);
                return Outcome::Push(Pane::Filter(Box::new(bar)));
            }
            Action::Form => return self.open_form(&self.list.query.clone(), cx),
            Action::RestoreView => self.restore_view(cx),
            Action::ClearFilter if !self.list.query.is_empty() => {
                self.list.query = Default::default();
                self.request(Pending::First, cx);
            }
            Action::CycleSort => {
                let i = SORTS
                    .iter()
                    .position(|s| *s == self.list.sort_by)
                    .map_or(0, |i| (i + 1) % SORTS.len());
                self.list.sort_by = SORTS[i].clone();
                self.request(Pending::First, cx);
            }
            Action::FlipOrder => {
                self.list.sort_order = if self.list.sort_order == SortOrder::Desc {
                    SortOrder::Asc
                } else {
                    SortOrder::Desc
                };
                self.request(Pending::First, cx);
            }
            Action::Refresh => {
                let kind = if self.list.loaded { Pending::Refresh } else { Pending::First };
                self.request(kind, cx);
            }
            Action::ToggleLive => self.toggle_live(cx),
            Action::Back | Action::BackOrQuit if cx.drilled_from().is_some() => {
                return Outcome::Undrill;
            }
            Action::BackOrQuit => return Outcome::Quit,
            Action::Back => _ = self.cancel_export(cx),
            Action::OpenBrowser => {
                if let Some(row) = self.list.selected_row().filter(|r| !r.id.is_empty()) {
                    let id = row.id.to_string();
                    cx.open_run(&id);
                }
            }
            Action::CopyId | Action::CopyLink => {
                if let Some(row) = self.list.selected_row().filter(|r| !r.id.is_empty()) {
                    let id = row.id.to_string();
                    cx.copy_run(&id, a == Action::CopyLink);
                }
            }
            Action::Open => {
                if let Some(row) = self.list.selected_row().filter(|r| !r.id.is_empty()) {
                    let run = super::run::RunPane::open(row.id.to_string(), cx);
                    return Outcome::Push(Pane::Run(Box::new(run)));
                }
            }
            Action::Command => {
                return Outcome::Push(Pane::Command(Box::default()));
            }
            Action::Unit => return Outcome::Push(Pane::Serial(Box::default())),
            Action::Yield => {
                let pane = super::yields::YieldPane::for_list(&self.list, cx);
                return Outcome::Push(Pane::Yield(Box::new(pane)));
            }
            Action::Pareto => {
                let pane = super::pareto::ParetoPane::for_list(&self.list, cx);
                return Outcome::Push(Pane::Pareto(Box::new(pane)));
            }
            Action::View(_)
            | Action::NextView
            | Action::PrevView
            | Action::MoveViewLeft
            | Action::MoveViewRight => self.view_action(a, cx),
            Action::ClearMarks if !self.list.marked.is_empty() => {
                cx.flash(format!("{} marks cleared", self.list.marked.len()));
                self.list.marked.clear();
            }
            a if a.mutates() => return self.mutation(a, cx),
            _ => {}
        }
        Outcome::Stay
    }

    fn wheel(&mut self, rows: isize) {
        self.list.move_by(rows);
    }

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        let now = cx.now();
        let Err(event) = self.failures.on_event(id, event) else { return Ok(Outcome::Stay) };
        let Err(event) = self.export_answer(id, event, cx) else { return Ok(Outcome::Stay) };
        let before = self.fresh_failures();
        let err = if self.list.owns(id) {
            self.list.on_event(id, event, now)
        } else {
            self.background_answer(id, event, now)?
        };
        if let Some(ClientError::Unauthorized(m)) = err {
            cx.block(m);
        }
        // Once the visible view has its rows (the server's, or the cache's: offline the
        // server's may never come, and the other tabs would show nothing).
        if !self.background_started
            && (self.list.pending.is_none() || self.list.cached_ms.is_some())
        {
            self.background_started = true;
            self.load_background_views(cx);
        }
        let after = self.fresh_failures();
        if after > before {
            super::alert::new_failures(after - before, cx);
        }
        Ok(Outcome::Stay)
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Ctx) -> Outcome {
        match reply {
            Reply::Query(q) => {
                self.list.query = *q;
                self.request(Pending::First, cx);
            }
            Reply::Form(q) => return self.open_form(&q, cx),
            Reply::Command(input) => {
                if let Err(e) = self.run_command(input.value(), cx) {
                    let bar = super::command::CommandPane { input, error: Some(e) };
                    return Outcome::Push(Pane::Command(Box::new(bar)));
                }
            }
            // "Write over it": the export that found its file taken.
            Reply::Yes => {
                if let Some(p) = &self.export {
                    p.send(true, cx);
                }
            }
            Reply::Neighbour { by, from, at } => {
                let more = self.list.has_more;
                let id = match super::run::neighbour(&self.list.rows, &from, by, more) {
                    Ok(i) => {
                        let step = i as isize - self.list.selected as isize;
                        self.list.move_by(step);
                        self.list.rows[i].id.to_string()
                    }
                    Err(why) => {
                        cx.flash(why);
                        from
                    }
                };
                let run = super::run::RunPane::open_at(id, Some(at), cx);
                return Outcome::Push(Pane::Run(Box::new(run)));
            }
        }
        Outcome::Stay
    }

    fn on_news(&mut self, news: &News, cx: &mut Ctx) -> Outcome {
        match news {
            News::Deleted(ids) => self.deleted(ids),
            News::MetadataSet { run_id, changes } => {
                let background = self.views.iter_mut().filter_map(|v| v.saved.as_mut());
                background.chain([&mut self.list]).for_each(|l| l.set_meta(run_id, changes));
            }
            News::FirstFailure { run_id, failure } => self.failures.learn(run_id, failure),
            News::Done(super::Done::ViewsSaved(r)) => self.views_saved(r.clone(), cx),
            News::Done(super::Done::Exported { path, written }) => {
                return super::export::Pending::answered(&mut self.export, path, written, cx)
                    .unwrap_or(Outcome::Stay);
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn tick(&mut self, top: bool, cx: &mut Ctx) {
        self.poll_views(cx);
        if self.list.wants_next_page() {
            self.request(Pending::Next, cx);
        }
        if cx.prefetch_paused() {
        } else if top {
            self.failures.tick(&self.list, cx);
            self.prefetch(cx, 0);
        } else {
            // A run view over the list: the next run is fetched ahead, so `]` is instant.
            self.prefetch(cx, 1);
        }
    }

    fn busy(&self) -> bool {
        self.list.is_loading() || self.exporting.is_some()
    }
}
