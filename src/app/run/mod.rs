//! The run view: one run opened from the list (at once from the cache when it was fetched
//! ahead), with its tabs (phases tree, logs, attachments, sub-units, metadata, info) and the
//! chart of a multi-dimensional measurement. It is a screen of its own over the list.

pub mod info;
mod loaded;
pub mod logs;
mod tabs;
pub mod tree;

pub(crate) use loaded::TABS;
pub use loaded::{Load, Loaded, Tab};

use tui_input::InputRequest;

use super::delete::DeletePane;
use super::editor::{EditorPane, Target};
use super::pane::{Component, Ctx, News, Outcome};
use super::unit::UnitPane;
use super::upload::UploadPane;
use super::{Action, Mode, Pane, layout};
use crate::worker::{ClientError, Fetch, RequestId, Slot, WorkerEvent};

#[derive(Debug, Clone)]
pub struct RunPane {
    pub run_id: String,
    pub pending: Option<RequestId>,
    pub load: Load,
    pub tab: Tab,
    pub retry: Option<String>,
}

/// Rows of the tab's body on the current screen.
fn rows(cx: &Ctx) -> usize {
    layout::run_rows(cx.shared.size.1)
}

impl RunPane {
    /// Opens a run: at once from the cache, else fetched (or awaited when the prefetch of it
    /// is on its way).
    pub(crate) fn open(run_id: String, cx: &mut Ctx) -> RunPane {
        let mut p = RunPane {
            run_id: run_id.clone(),
            pending: None,
            load: Load::Loading,
            tab: Tab::Phases,
            retry: None,
        };
        let in_flight = cx.shared.runs.in_flight(&run_id);
        cx.shared.runs.superseded(Slot::Run);
        match (cx.shared.runs.get(&run_id), in_flight) {
            (Some(run), _) => p.ready(run),
            // Already on its way (prefetched a moment ago): wait for that answer, not a second.
            (None, Some(id)) => p.pending = Some(id),
            (None, None) => p.pending = Some(cx.fetch(Slot::Run, Fetch::Run { run_id })),
        }
        p.fit(cx);
        p
    }

    pub fn loaded(&self) -> Option<&Loaded> {
        match &self.load {
            Load::Ready(l) => Some(l),
            _ => None,
        }
    }

    pub(crate) fn loaded_mut(&mut self) -> Option<&mut Loaded> {
        match &mut self.load {
            Load::Ready(l) => Some(l),
            _ => None,
        }
    }

    fn ready(&mut self, run: super::cache::CachedRun) {
        self.pending = None;
        self.retry = None;
        self.load = Load::Ready(Box::new(Loaded::new(run)));
    }

    /// The serial `a` opens: the run's unit for `U`, the sub-unit under the cursor for
    /// `enter` on the sub-units tab.
    fn unit_to_open(&self, a: Action) -> Option<String> {
        let l = self.loaded()?;
        match (a, self.tab) {
            (Action::Unit, _) => Some(l.run.summary.unit.serial_number.clone()),
            (Action::Open, Tab::SubUnits) => {
                let subs = l.run.sub_units.as_deref()?;
                subs.get(l.sub_units.cursor).map(|s| s.serial_number.clone())
            }
            _ => None,
        }
    }

    fn chart_open(&self) -> bool {
        self.loaded().is_some_and(|l| l.chart.is_some())
    }

    /// Keeps the tree's cursor on screen.
    fn fit(&mut self, cx: &Ctx) {
        let rows = rows(cx);
        if let Some(l) = self.loaded_mut() {
            l.tree.view.fit(l.tree.visible.len(), rows);
        }
    }

    /// `r`, or the run changed on the server: fetched again.
    fn reload(&mut self, cx: &mut Ctx) {
        cx.shared.runs.superseded(Slot::Run);
        self.pending = Some(cx.fetch(Slot::Run, Fetch::Run { run_id: self.run_id.clone() }));
        self.load = Load::Loading;
    }

    /// `m`, `D`, `u`: a change to this run, in a pane of its own.
    fn mutation(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        if cx.refused(a) {
            return Outcome::Stay;
        }
        let serial =
            self.loaded().map(|l| l.run.summary.unit.serial_number.clone()).unwrap_or_default();
        let targets = vec![Target { run_id: self.run_id.clone(), serial }];
        match a {
            Action::EditMetadata => {
                let known = self.loaded().map(|l| l.run.summary.metadata.clone());
                Outcome::Push(Pane::Editor(Box::new(EditorPane::open(targets, known, cx))))
            }
            Action::Delete => Outcome::Push(Pane::Delete(Box::new(DeletePane::new(targets)))),
            Action::Upload => {
                let start = format!("{}/", cx.shared.start_dir);
                let pane = UploadPane::new(self.run_id.clone(), start);
                Outcome::Push(Pane::Upload(Box::new(pane)))
            }
            _ => Outcome::Stay,
        }
    }
}

impl Component for RunPane {
    fn mode(&self) -> Mode {
        match (&self.load, self.tab) {
            (Load::Ready(l), _) if l.chart.is_some() => Mode::Chart,
            (Load::Ready(l), Tab::Logs) if l.logs.typing.is_some() => Mode::LogSearch,
            (Load::Ready(_), Tab::Phases) => Mode::Tree,
            (Load::Ready(_), Tab::Logs) => Mode::Logs,
            (Load::Ready(_), Tab::Attachments) => Mode::Attachments,
            _ => Mode::RunOther,
        }
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        let rows = rows(cx);
        if self.mode() == Mode::LogSearch {
            self.search_key(a, rows);
            return Outcome::Stay;
        }
        match a {
            Action::Back if !self.chart_open() => {
                if self.pending.is_some() || cx.shared.runs.logs_due_in(Slot::Run) {
                    cx.cancel(Slot::Run);
                    cx.shared.runs.superseded(Slot::Run);
                }
                Outcome::Pop
            }
            Action::CopyId | Action::CopyLink => {
                cx.copy_run(&self.run_id, a == Action::CopyLink);
                Outcome::Stay
            }
            Action::Refresh => {
                self.reload(cx);
                Outcome::Stay
            }
            // `U`: this run's unit; `enter` on the sub-units tab: that sub-unit.
            Action::Unit | Action::Open if !self.chart_open() => match self.unit_to_open(a) {
                Some(serial) => Outcome::Push(Pane::Unit(Box::new(UnitPane::open(&serial, cx)))),
                None => {
                    self.action(a, rows, cx);
                    Outcome::Stay
                }
            },
            a if a.mutates() => self.mutation(a, cx),
            a => {
                self.action(a, rows, cx);
                Outcome::Stay
            }
        }
    }

    fn typed(&mut self, req: InputRequest, _cx: &mut Ctx) {
        if let Some(input) = self.loaded_mut().and_then(|l| l.logs.typing.as_mut()) {
            input.handle(req);
        }
    }

    fn on_answer(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
        cx: &mut Ctx,
    ) -> Result<Outcome, WorkerEvent> {
        if self.pending != Some(id) {
            return Err(event);
        }
        match event {
            WorkerEvent::Retrying { attempt, delay, error } => {
                let secs = delay.as_millis().div_ceil(1000);
                self.retry = Some(format!("{error} — retry {attempt} in {secs} s"));
            }
            WorkerEvent::Run { run: Ok(run), logs_follow } => {
                let run = cx.shared.runs.arrived(id, Some(&self.run_id), run, logs_follow);
                self.ready(run);
                self.fit(cx);
            }
            WorkerEvent::Run { run: Err(e), .. } => {
                cx.shared.runs.failed(id);
                if let ClientError::Unauthorized(m) = &e {
                    cx.block(m.clone());
                }
                self.pending = None;
                self.retry = None;
                self.load = Load::Failed(e.to_string());
            }
            other => return Err(other),
        }
        Ok(Outcome::Stay)
    }

    fn on_news(&mut self, news: &News, cx: &mut Ctx) -> Outcome {
        match news {
            News::Deleted(ids) if ids.contains(&self.run_id) => return Outcome::Pop,
            News::Changed(id) if *id == self.run_id => self.reload(cx),
            News::Logs { run_id, logs } if *run_id == self.run_id => {
                if let Some(l) = self.loaded_mut() {
                    l.set_logs(logs.clone());
                }
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn busy(&self) -> bool {
        self.pending.is_some()
    }
}
