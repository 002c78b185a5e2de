//! The unit view: one serial's header, every run of it across procedures (newest first, with
//! the first failing phase of each failing run) and its assembly tree. `enter` opens the run
//! or moves to the unit under the cursor; `esc` goes back the way it came; `tab` switches
//! between the runs and the tree. An unknown serial offers the serials that look like it.

use super::pane::{Component, Ctx, News, Outcome};
use super::run::RunPane;
use super::scroll::Scroll;
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

/// Which list the cursor keys move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitFocus {
    Runs,
    Tree,
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

    /// Rows of runs and of the tree on the current screen.
    fn viewports(&self, cx: &Ctx) -> (usize, usize) {
        let (w, h) = cx.shared.size;
        let tree = self.data().map_or(0, |d| d.tree.len());
        let (runs, tree, _) = layout::unit_split(w, h, tree);
        (runs, tree)
    }

    fn lens(&self) -> (usize, usize) {
        match &self.load {
            UnitLoad::Ready(d) => (d.runs.len(), d.tree.len()),
            UnitLoad::Missing(close) => (0, close.len()),
            _ => (0, 0),
        }
    }

    fn move_by(&mut self, delta: isize, cx: &Ctx) {
        let (runs_vp, tree_vp) = self.viewports(cx);
        let (runs_len, tree_len) = self.lens();
        match self.focus {
            UnitFocus::Runs => self.runs.move_by(delta, runs_len, runs_vp),
            UnitFocus::Tree => self.tree.move_by(delta, tree_len, tree_vp),
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
            (UnitLoad::Missing(close), _) => match close.get(self.tree.cursor) {
                Some(s) => s.clone(),
                None => return Outcome::Stay,
            },
            _ => return Outcome::Stay,
        };
        Outcome::Push(Pane::Unit(Box::new(UnitPane::open(&serial, cx))))
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
        match a {
            Action::Back => {
                if self.pending.is_some() {
                    cx.cancel(Slot::Unit);
                }
                return Outcome::Pop;
            }
            Action::Down => self.move_by(1, cx),
            Action::Up => self.move_by(-1, cx),
            Action::PageDown => self.move_by(page, cx),
            Action::PageUp => self.move_by(-page, cx),
            Action::Top => self.move_by(isize::MIN / 2, cx),
            Action::Bottom => self.move_by(isize::MAX / 2, cx),
            Action::NextField | Action::PrevField => {
                if matches!(self.load, UnitLoad::Ready(_)) {
                    self.focus = match self.focus {
                        UnitFocus::Runs => UnitFocus::Tree,
                        UnitFocus::Tree => UnitFocus::Runs,
                    };
                }
            }
            Action::Open => return self.open_selected(cx),
            Action::Refresh => self.fetch(cx),
            Action::Unit => return Outcome::Push(Pane::Serial(Box::default())),
            Action::CopyId => {
                let serial = self.serial.clone();
                cx.flash(format!("copied serial: {serial}"));
                cx.effect(super::Effect::Copy(serial));
            }
            _ => {}
        }
        Outcome::Stay
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
            _ => false,
        };
        if stale && self.pending.is_none() {
            let (focus, runs, tree) = (self.focus, self.runs, self.tree);
            self.fetch(cx);
            (self.focus, self.runs, self.tree) = (focus, runs, tree);
        }
        Outcome::Stay
    }

    fn busy(&self) -> bool {
        self.pending.is_some()
    }
}
