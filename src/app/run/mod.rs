//! The run view: one run opened from the list (at once from the cache when it was fetched
//! ahead), with its tabs (phases tree, logs, attachments, sub-units, metadata, info) and the
//! chart of a multi-dimensional measurement. It is a screen of its own over the list.

pub mod info;
mod loaded;
pub mod logs;
mod neighbour;
mod tabs;
pub mod tree;

pub(crate) use loaded::TABS;
pub use loaded::{Load, Loaded, Tab};
pub(crate) use neighbour::neighbour;
use tree::NodeKind;

use tui_input::InputRequest;

use super::delete::{DeletePane, RunNamed};
use super::editor::{EditorPane, Target};
use super::pane::{Answered, Component, Ctx, News, Outcome, Reply, awaited, retry_note};
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
    /// Where to open once the run is here (moving run to run keeps the place).
    arrive_at: Option<Place>,
    /// `:export FILE` on its way to the file.
    export: Option<super::export::Pending>,
}

/// A place in the run view that another run may have too: the tab, and the phase (and
/// measurement) under the tree's cursor, by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub tab: Tab,
    pub node: Option<(String, Option<String>)>,
}

/// Rows of the tab's body on the current screen.
fn rows(cx: &Ctx) -> usize {
    layout::run_rows(cx.shared().size().1)
}

impl RunPane {
    /// Opens a run: at once from the cache, else fetched (or awaited when the prefetch of it
    /// is on its way).
    pub(crate) fn open(run_id: String, cx: &mut Ctx) -> RunPane {
        RunPane::open_at(run_id, None, cx)
    }

    /// Opens a run at `place` (where the same phase or measurement exists).
    pub(crate) fn open_at(run_id: String, place: Option<Place>, cx: &mut Ctx) -> RunPane {
        let mut p = RunPane {
            run_id: run_id.clone(),
            pending: None,
            load: Load::Loading,
            tab: place.as_ref().map_or(Tab::Phases, |p| p.tab),
            retry: None,
            arrive_at: place,
            export: None,
        };
        let in_flight = cx.run_cache().in_flight(&run_id);
        cx.run_cache().superseded(Slot::Run);
        match (cx.run_cache().get(&run_id), in_flight) {
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
        let mut l = Loaded::new(run);
        if let Some((phase, meas)) = self.arrive_at.take().and_then(|p| p.node) {
            let phases = l.run.phases.as_deref().unwrap_or_default();
            let found = l.tree.nodes.iter().position(|n| match (n.kind, &meas) {
                (NodeKind::Phase(p), None) => phases.get(p).is_some_and(|x| x.name == phase),
                (NodeKind::Measurement { phase: p, m }, Some(name)) => {
                    phases.get(p).is_some_and(|x| {
                        x.name == phase && x.measurements.get(m).is_some_and(|y| &y.name == name)
                    })
                }
                _ => false,
            });
            if let Some(i) = found {
                l.tree.reveal(i as u32);
            }
        }
        self.load = Load::Ready(Box::new(l));
    }

    /// A `:` line in the run view: `export FILE.csv|json` writes this run.
    fn command(&mut self, line: &str, cx: &mut Ctx) -> Result<(), String> {
        let line = line.trim();
        let (cmd, arg) =
            line.split_once(char::is_whitespace).map(|(c, a)| (c, a.trim())).unwrap_or((line, ""));
        if cmd != "export" {
            return Err(format!("`{cmd}`: in the run view, export FILE.csv or FILE.json"));
        }
        let format = super::export::format_of(arg)?;
        let l = self.loaded().ok_or("the run is still loading")?;
        let pending = super::export::Pending::new(
            super::export::expand(arg),
            super::export::run(&l.run, format),
            format!("run {}", l.run.summary.unit.serial_number),
        );
        pending.send(false, cx);
        self.export = Some(pending);
        Ok(())
    }

    /// Where the view is, for the next run to open at the same place.
    pub(crate) fn place(&self) -> Place {
        let node = self.loaded().and_then(|l| {
            let phases = l.run.phases.as_deref()?;
            let i = l.tree.current()?;
            match l.tree.nodes.get(i as usize)?.kind {
                NodeKind::Phase(p) => Some((phases.get(p)?.name.clone(), None)),
                NodeKind::Measurement { phase, m }
                | NodeKind::Validator { phase, m, .. }
                | NodeKind::Aggregation { phase, m, .. } => {
                    let ph = phases.get(phase)?;
                    Some((ph.name.clone(), Some(ph.measurements.get(m)?.name.clone())))
                }
                NodeKind::Sequence(_) => None,
            }
        });
        Place { tab: self.tab, node }
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
        cx.run_cache().superseded(Slot::Run);
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
        let targets = vec![Target::run(self.run_id.clone(), serial)];
        match a {
            Action::Undo => super::undo::start(cx),
            Action::NewRunLike => {
                let like = self.loaded().map(|l| l.run.clone());
                let form = super::create::CreatePane::open(like.as_deref(), cx);
                Outcome::Push(Pane::Create(Box::new(form)))
            }
            Action::EditMetadata => {
                let known = self.loaded().map(|l| l.run.summary.metadata.clone());
                Outcome::Push(Pane::Editor(Box::new(EditorPane::open(targets, known, cx))))
            }
            Action::Delete => {
                let named = self.loaded().map(|l| RunNamed {
                    procedure: Some(l.run.summary.procedure.name.clone()),
                    started_ms: l.run.summary.started_at.as_ref().map(crate::api::time::to_ms),
                });
                let pane = DeletePane::new(targets, vec![named.unwrap_or_default()]);
                Outcome::Push(Pane::Delete(Box::new(pane)))
            }
            Action::Upload => {
                let mut start = cx.shared().settings().start_dir.clone();
                if !start.ends_with(std::path::is_separator) {
                    start.push(std::path::MAIN_SEPARATOR);
                }
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
                if self.pending.is_some() || cx.run_cache().logs_due_in(Slot::Run) {
                    cx.cancel(Slot::Run);
                    cx.run_cache().superseded(Slot::Run);
                }
                Outcome::Pop
            }
            Action::CopyId | Action::CopyLink => {
                cx.copy_run(&self.run_id, a == Action::CopyLink);
                Outcome::Stay
            }
            Action::OpenBrowser => {
                cx.open_run(&self.run_id);
                Outcome::Stay
            }
            Action::NextRun | Action::PrevRun if !self.chart_open() => {
                if self.pending.is_some() {
                    cx.cancel(Slot::Run);
                    cx.run_cache().superseded(Slot::Run);
                }
                let by = if a == Action::NextRun { 1 } else { -1 };
                Outcome::Return(Reply::Neighbour {
                    by,
                    from: self.run_id.clone(),
                    at: self.place(),
                })
            }
            Action::Refresh => {
                self.reload(cx);
                Outcome::Stay
            }
            Action::Command => Outcome::Push(Pane::Command(Box::default())),
            Action::Trend | Action::Explain if self.mode() == Mode::Tree => {
                super::trend::from_run_tree(self, a, cx)
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

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        match awaited(self.pending, id, event)? {
            WorkerEvent::Retrying { attempt, delay, error } => {
                self.retry = Some(retry_note(attempt, delay, &error));
            }
            WorkerEvent::Run { run: Ok(run), logs_follow } => {
                let run = cx.run_cache().arrived(id, Some(&self.run_id), run, logs_follow);
                self.ready(run);
                self.fit(cx);
            }
            WorkerEvent::Run { run: Err(e), .. } => {
                cx.run_cache().failed(id);
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
            News::Fresh { run_id, run } if *run_id == self.run_id => {
                if let Some(l) = self.loaded_mut() {
                    l.run = run.clone();
                }
            }
            News::Logs { run_id, logs } if *run_id == self.run_id => {
                if let Some(l) = self.loaded_mut() {
                    l.set_logs(logs.clone());
                }
            }
            News::Done(super::Done::Exported { path, written }) => {
                return super::export::Pending::answered(&mut self.export, path, written, cx)
                    .unwrap_or(Outcome::Stay);
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Ctx) -> Outcome {
        match reply {
            Reply::Command(input) => {
                if let Err(e) = self.command(input.value(), cx) {
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
            _ => {}
        }
        Outcome::Stay
    }

    fn busy(&self) -> bool {
        self.pending.is_some()
    }
}
