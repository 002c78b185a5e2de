//! The unit view: one serial's header, every run of it across procedures (newest first, with
//! the first failing phase of each failing run) and its assembly tree. `enter` opens the run
//! or moves to the unit under the cursor; `esc` goes back the way it came; `tab` switches
//! between the runs and the tree. An unknown serial offers the serials that look like it.

use super::downloads;
use super::editor::{EditorPane, Target};
use super::pane::{Answered, Component, Ctx, News, Outcome, Reply, awaited, retry_note};
use super::retest::{self, RetestPane};
use super::run::RunPane;
use super::scroll::Scroll;
use super::upload::UploadPane;
use super::{Action, Mode, Pane, layout};
use crate::model::{UnitAnswer, UnitData};
use crate::worker::{ClientError, Fetch, RequestId, Slot, WorkerEvent};

#[derive(Debug, Clone)]
pub enum UnitLoad {
    Loading,
    Ready(Box<UnitData>),
    /// No such serial; these look like it.
    Missing(Vec<String>),
    Failed(String),
}

/// Which list the cursor keys move: the runs, or one of the sections of the panel beside
/// (or under) them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitFocus {
    Runs,
    Tree,
    Metadata,
    Attachments,
}

impl UnitFocus {
    /// `tab`'s order.
    const CYCLE: [UnitFocus; 4] =
        [UnitFocus::Runs, UnitFocus::Tree, UnitFocus::Metadata, UnitFocus::Attachments];

    fn step(self, by: isize) -> UnitFocus {
        let i = Self::CYCLE.iter().position(|f| *f == self).unwrap_or(0) as isize;
        Self::CYCLE[(i + by).rem_euclid(Self::CYCLE.len() as isize) as usize]
    }
}

#[derive(Debug, Clone)]
pub struct UnitPane {
    /// As typed or scanned (the unit's own spelling once it arrives).
    pub serial: String,
    pub pending: Option<RequestId>,
    pub load: UnitLoad,
    pub focus: UnitFocus,
    pub runs: Scroll,
    /// The tree's cursor (also the cursor over the close matches of an unknown serial).
    pub tree: Scroll,
    pub metadata: Scroll,
    pub attachments: Scroll,
    /// The section the panel shows (the last one the cursor was in).
    pub panel: UnitFocus,
    pub retry: Option<String>,
}

impl UnitPane {
    /// Opens the unit view for `serial` and asks for it.
    pub(crate) fn open(serial: &str, cx: &mut Ctx) -> UnitPane {
        let mut p = UnitPane {
            serial: serial.trim().to_string(),
            pending: None,
            load: UnitLoad::Loading,
            focus: UnitFocus::Runs,
            runs: Scroll::default(),
            tree: Scroll::default(),
            metadata: Scroll::default(),
            attachments: Scroll::default(),
            panel: UnitFocus::Tree,
            retry: None,
        };
        p.fetch(cx);
        p
    }

    fn fetch(&mut self, cx: &mut Ctx) {
        self.load = UnitLoad::Loading;
        self.retry = None;
        self.pending = Some(cx.fetch(Slot::Unit, Fetch::Unit { serial: self.serial.clone() }));
    }

    pub fn data(&self) -> Option<&UnitData> {
        match &self.load {
            UnitLoad::Ready(d) => Some(d),
            _ => None,
        }
    }

    /// Rows of the panel's section (the tree, metadata or attachments).
    pub fn panel_len(&self) -> usize {
        let Some(d) = self.data() else { return 0 };
        match self.panel {
            UnitFocus::Metadata => d.unit.metadata.as_ref().map_or(0, |m| m.len()),
            UnitFocus::Attachments => d.unit.attachments.len(),
            _ => d.tree.len(),
        }
    }

    /// Rows of runs and of the panel on the current screen.
    fn viewports(&self, cx: &Ctx) -> (usize, usize) {
        let (w, h) = cx.shared().size();
        let (runs, panel, _) = layout::unit_split(w, h, self.panel_len());
        (runs, panel)
    }

    fn move_by(&mut self, delta: isize, cx: &Ctx) {
        let (runs_vp, panel_vp) = self.viewports(cx);
        let runs_len = self.data().map_or(0, |d| d.runs.len());
        let panel_len = match &self.load {
            UnitLoad::Missing(close) => close.len(),
            _ => self.panel_len(),
        };
        match self.focus {
            UnitFocus::Runs => self.runs.move_by(delta, runs_len, runs_vp),
            UnitFocus::Tree => self.tree.move_by(delta, panel_len, panel_vp),
            UnitFocus::Metadata => self.metadata.move_by(delta, panel_len, panel_vp),
            UnitFocus::Attachments => self.attachments.move_by(delta, panel_len, panel_vp),
        }
    }

    /// `enter`: the run under the cursor, or the unit under the tree's cursor.
    fn open_selected(&mut self, cx: &mut Ctx) -> Outcome {
        let serial = match (&self.load, self.focus) {
            (UnitLoad::Ready(d), UnitFocus::Runs) => {
                if let Some(run) = d.runs.get(self.runs.cursor) {
                    let pane = RunPane::open(run.id.to_string(), cx);
                    return Outcome::Push(Pane::Run(Box::new(pane)));
                }
                return Outcome::Stay;
            }
            (UnitLoad::Ready(d), UnitFocus::Tree) => match d.tree.get(self.tree.cursor) {
                Some(t) if !t.here => t.serial.clone(),
                _ => return Outcome::Stay,
            },
            (UnitLoad::Ready(d), UnitFocus::Attachments) => {
                if let Some(att) = d.unit.attachments.get(self.attachments.cursor) {
                    match att.download_url.clone().filter(|u| !u.is_empty()) {
                        Some(url) => downloads::start(cx, att.id.clone(), att.name.clone(), url),
                        None => cx.flash(format!("{} has no download link", att.name)),
                    }
                }
                return Outcome::Stay;
            }
            (UnitLoad::Missing(close), _) => match close.get(self.tree.cursor) {
                Some(s) => s.clone(),
                None => return Outcome::Stay,
            },
            _ => return Outcome::Stay,
        };
        Outcome::Push(Pane::Unit(Box::new(UnitPane::open(&serial, cx))))
    }

    /// `m`, `u`: the unit's metadata in the editor, or a file to attach to it.
    fn change(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        if cx.refused(a) {
            return Outcome::Stay;
        }
        let Some(d) = self.data() else { return Outcome::Stay };
        let serial = d.unit.serial_number.clone();
        if a == Action::EditUnit {
            let known = Some(d.unit.metadata.clone());
            let editor = EditorPane::open(vec![Target::unit(serial)], known, cx);
            return Outcome::Push(Pane::Editor(Box::new(editor)));
        }
        let mut upload = UploadPane::new(String::new(), format!("{}/", cx.shared().settings().start_dir));
        upload.unit = Some(serial);
        Outcome::Push(Pane::Upload(Box::new(upload)))
    }

    /// `c`: the retest around the selected run, side by side.
    fn compare(&mut self, cx: &mut Ctx) -> Outcome {
        let Some(d) = self.data() else { return Outcome::Stay };
        match retest::pair(&d.runs, self.runs.cursor) {
            Some((before, after)) => {
                let pane = RetestPane::open(self.serial.clone(), before, after, cx);
                Outcome::Push(Pane::Retest(Box::new(pane)))
            }
            None => {
                cx.flash(
                    "no retest here: pick a failing run with a later run of the same procedure",
                );
                Outcome::Stay
            }
        }
    }

    fn arrived(&mut self, answer: UnitAnswer) {
        match answer {
            UnitAnswer::Found(d) => {
                self.serial = d.unit.serial_number.clone();
                // The tree's cursor starts on this unit.
                self.tree.cursor = d.tree.iter().position(|t| t.here).unwrap_or(0);
                self.runs = Scroll::default();
                if d.runs.is_empty() && !d.tree.is_empty() {
                    self.focus = UnitFocus::Tree;
                }
                self.load = UnitLoad::Ready(d);
            }
            UnitAnswer::Missing { close } => {
                self.tree = Scroll::default();
                self.focus = UnitFocus::Tree;
                self.load = UnitLoad::Missing(close);
            }
        }
    }
}

impl Component for UnitPane {
    fn mode(&self) -> Mode {
        Mode::Unit
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        let (runs_vp, _) = self.viewports(cx);
        let page = runs_vp.max(1) as isize;
        if let Some(d) = a.step(page) {
            self.move_by(d, cx);
            return Outcome::Stay;
        }
        match a {
            Action::Back => {
                if self.pending.is_some() {
                    cx.cancel(Slot::Unit);
                }
                return Outcome::Pop;
            }
            Action::NextField | Action::PrevField => {
                if matches!(self.load, UnitLoad::Ready(_)) {
                    self.focus = self.focus.step(if a == Action::NextField { 1 } else { -1 });
                    if self.focus != UnitFocus::Runs {
                        self.panel = self.focus;
                    }
                }
            }
            Action::Open => return self.open_selected(cx),
            Action::Refresh => self.fetch(cx),
            Action::Unit => return Outcome::Push(Pane::Serial(Box::default())),
            Action::Compare => return self.compare(cx),
            Action::EditUnit | Action::UploadUnit => return self.change(a, cx),
            Action::CopyId => {
                cx.copy("serial", self.serial.clone());
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        match awaited(self.pending, id, event)? {
            WorkerEvent::Retrying { attempt, delay, error } => {
                self.retry = Some(retry_note(attempt, delay, &error));
            }
            WorkerEvent::Unit(r) => {
                self.pending = None;
                self.retry = None;
                match r {
                    Ok(answer) => self.arrived(answer),
                    Err(e) => {
                        if let ClientError::Unauthorized(m) = &e {
                            cx.block(m.clone());
                        }
                        self.load = UnitLoad::Failed(match e {
                            ClientError::Forbidden(m) => format!(
                                "this API key may not see unit {} (HTTP 403: {m})",
                                self.serial
                            ),
                            e => e.to_string(),
                        });
                    }
                }
            }
            other => return Err(other),
        }
        Ok(Outcome::Stay)
    }

    fn on_news(&mut self, news: &News, cx: &mut Ctx) -> Outcome {
        // A run of this unit changed or went: the timeline is read again.
        let mine = |id: &str| self.data().is_some_and(|d| d.runs.iter().any(|r| &*r.id == id));
        let stale = match news {
            News::Deleted(ids) => ids.iter().any(|i| mine(i)),
            News::Changed(id) => mine(id),
            News::UnitChanged(serial) => {
                self.data()
                    .is_some_and(|d| d.tree.iter().any(|t| t.serial.eq_ignore_ascii_case(serial)))
                    || self.serial.eq_ignore_ascii_case(serial)
            }
            _ => false,
        };
        if stale && self.pending.is_none() {
            let (focus, runs, tree) = (self.focus, self.runs, self.tree);
            self.fetch(cx);
            (self.focus, self.runs, self.tree) = (focus, runs, tree);
        }
        Outcome::Stay
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Ctx) -> Outcome {
        let Reply::Neighbour { by, from, at } = reply else { return Outcome::Stay };
        let (runs_vp, _) = self.viewports(cx);
        let Some(d) = self.data() else { return Outcome::Stay };
        let id = match super::run::neighbour(&d.runs, &from, by, false) {
            Ok(i) => {
                let (n, id) = (d.runs.len(), d.runs[i].id.to_string());
                self.runs.cursor = i;
                self.runs.fit(n, runs_vp);
                id
            }
            Err(why) => {
                cx.flash(why);
                from
            }
        };
        let run = RunPane::open_at(id, Some(at), cx);
        Outcome::Push(Pane::Run(Box::new(run)))
    }

    fn busy(&self) -> bool {
        self.pending.is_some()
    }
}
