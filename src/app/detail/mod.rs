//! The opened run: its tabs (phases tree, logs, attachments, sub-units, metadata, info), the
//! chart of a multi-dimensional measurement, and downloads in progress.

pub mod logs;
pub mod tree;

use std::path::PathBuf;
use std::sync::Arc;

use logs::{LEVELS, LogsState, Window};
use tree::{NodeKind, Tree};

use super::action::Action;
use super::cache::CachedRun;
use super::scroll::Scroll;
use crate::api::RunDetail;
use crate::api::time::to_ms;
use crate::worker::RequestId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Phases,
    Logs,
    Attachments,
    SubUnits,
    Metadata,
    Info,
}

pub const TABS: [Tab; 6] =
    [Tab::Phases, Tab::Logs, Tab::Attachments, Tab::SubUnits, Tab::Metadata, Tab::Info];

impl Tab {
    pub fn title(self) -> &'static str {
        match self {
            Tab::Phases => "Phases",
            Tab::Logs => "Logs",
            Tab::Attachments => "Attachments",
            Tab::SubUnits => "Sub-units",
            Tab::Metadata => "Metadata",
            Tab::Info => "Info",
        }
    }

    /// For an 80-column tab bar.
    pub fn short(self) -> &'static str {
        match self {
            Tab::Phases => "Phases",
            Tab::Logs => "Logs",
            Tab::Attachments => "Files",
            Tab::SubUnits => "Subs",
            Tab::Metadata => "Meta",
            Tab::Info => "Info",
        }
    }
}

/// A run that has arrived, with the state of each tab.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub run: Arc<RunDetail>,
    /// The logs when they came apart from the run (see `CachedRun`).
    pub logs_data: Option<Arc<Vec<crate::api::LogLine>>>,
    pub logs_pending: bool,
    pub tree: Tree,
    pub logs: LogsState,
    pub run_start_ms: Option<i64>,
    pub attachments: Scroll,
    pub sub_units: Scroll,
    pub metadata: Scroll,
    pub info: Scroll,
    /// The measurement whose chart is open: (phase, measurement).
    pub chart: Option<(usize, usize)>,
}

impl Loaded {
    pub fn new(c: CachedRun) -> Loaded {
        let tree = Tree::build(&c.run);
        let run_start_ms = c.run.summary.started_at.as_ref().map(to_ms);
        let mut l = Loaded {
            run: c.run,
            logs_data: c.logs,
            logs_pending: c.logs_pending,
            tree,
            logs: LogsState::default(),
            run_start_ms,
            attachments: Scroll::default(),
            sub_units: Scroll::default(),
            metadata: Scroll::default(),
            info: Scroll::default(),
            chart: None,
        };
        l.relog();
        l
    }

    pub fn log_lines(&self) -> &[crate::api::LogLine] {
        match &self.logs_data {
            Some(l) => l,
            None => self.run.logs.as_deref().unwrap_or_default(),
        }
    }

    /// Recomputes the visible log lines after a filter or the logs changed.
    pub fn relog(&mut self) {
        let lines: &[crate::api::LogLine] = match &self.logs_data {
            Some(l) => l,
            None => self.run.logs.as_deref().unwrap_or_default(),
        };
        self.logs.recompute(lines);
    }

    /// Finds the search's matches again.
    pub fn rematch(&mut self) {
        let lines: &[crate::api::LogLine] = match &self.logs_data {
            Some(l) => l,
            None => self.run.logs.as_deref().unwrap_or_default(),
        };
        self.logs.rematch(lines);
    }

    /// The logs arrived after the run.
    pub fn set_logs(&mut self, logs: Option<Arc<Vec<crate::api::LogLine>>>) {
        self.logs_data = logs;
        self.logs_pending = false;
        self.relog();
    }

    /// The time window of the phase under the tree's cursor.
    pub fn phase_window(&self) -> Option<Window> {
        let p = self.tree.phase_of(self.tree.current()?)?;
        let phase = self.run.phases.as_deref()?.get(p)?;
        let (s, e) = (phase.started_at.as_ref().map(to_ms)?, phase.ended_at.as_ref().map(to_ms)?);
        let retry = if phase.retry_count > 0 {
            format!(" (retry {})", phase.retry_count)
        } else {
            String::new()
        };
        Some(Window { label: format!("{}{retry}", phase.name), start_ms: s, end_ms: e })
    }

    fn metadata_len(&self) -> usize {
        self.run.summary.metadata.as_ref().map_or(0, |m| m.len())
    }
}

#[derive(Debug, Clone)]
pub enum Load {
    Loading,
    Ready(Box<Loaded>),
    Failed(String),
}

/// An attachment download: progress, then where it went or why not.
#[derive(Debug, Clone, PartialEq)]
pub struct Download {
    pub id: RequestId,
    pub attachment_id: String,
    pub name: String,
    pub received: u64,
    pub total: Option<u64>,
    pub result: Option<Result<PathBuf, String>>,
}

#[derive(Debug, Clone)]
pub struct DetailState {
    pub run_id: String,
    pub pending: Option<RequestId>,
    pub load: Load,
    pub tab: Tab,
    pub retry: Option<String>,
}

/// What a key in the run view asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Wants {
    Flash(String),
    /// Download this attachment (id, name, url).
    Download {
        attachment_id: String,
        name: String,
        url: String,
    },
    Reload,
}

impl DetailState {
    pub fn new(run_id: String) -> DetailState {
        DetailState { run_id, pending: None, load: Load::Loading, tab: Tab::Phases, retry: None }
    }

    pub fn loaded(&self) -> Option<&Loaded> {
        match &self.load {
            Load::Ready(l) => Some(l),
            _ => None,
        }
    }

    pub fn loaded_mut(&mut self) -> Option<&mut Loaded> {
        match &mut self.load {
            Load::Ready(l) => Some(l),
            _ => None,
        }
    }

    pub fn ready(&mut self, run: CachedRun) {
        self.pending = None;
        self.retry = None;
        self.load = Load::Ready(Box::new(Loaded::new(run)));
    }

    pub fn chart_open(&self) -> bool {
        self.loaded().is_some_and(|l| l.chart.is_some())
    }

    pub fn searching(&self) -> bool {
        self.loaded().is_some_and(|l| l.logs.typing.is_some())
    }

    /// Handles an action of the run view; `rows` is the height of the tab's body.
    pub fn action(&mut self, a: Action, rows: usize) -> Vec<Wants> {
        let mut out = Vec::new();
        let page = rows.saturating_sub(1).max(1) as isize;
        let step = |a: Action| match a {
            Action::Down => Some(1),
            Action::Up => Some(-1),
            Action::PageDown => Some(page),
            Action::PageUp => Some(-page),
            Action::Top => Some(isize::MIN / 2),
            Action::Bottom => Some(isize::MAX / 2),
            _ => None,
        };
        if let Action::Tab(n) = a {
            if let Some(t) = TABS.get(n as usize) {
                self.tab = *t;
                if let Some(l) = self.loaded_mut()
                    && *t == Tab::Logs
                {
                    // The number key shows every log line; `l` shows a phase's.
                    if l.logs.window.take().is_some() {
                        l.relog();
                    }
                }
            }
            return out;
        }
        if a == Action::Refresh {
            out.push(Wants::Reload);
            return out;
        }
        let tab = self.tab;
        let Some(l) = self.loaded_mut() else { return out };
        if l.chart.is_some() {
            if a == Action::Back {
                l.chart = None;
            }
            return out;
        }
        match (tab, a) {
            (Tab::Phases, a) if step(a).is_some() => l.tree.move_by(step(a).unwrap_or(0), rows),
            (Tab::Phases, Action::Toggle) => l.tree.toggle(),
            (Tab::Phases, Action::Open) => {
                let node = l.tree.current().map(|i| l.tree.nodes[i as usize].kind);
                match node {
                    Some(NodeKind::Measurement { phase, m }) if has_series(&l.run, phase, m) => {
                        l.chart = Some((phase, m))
                    }
                    _ => l.tree.toggle(),
                }
                l.tree.view.fit(l.tree.visible.len(), rows);
            }
            (Tab::Phases, Action::ExpandAll) => l.tree.set_all(true),
            (Tab::Phases, Action::CollapseAll) => l.tree.set_all(false),
            (Tab::Phases, Action::FirstFailure | Action::NextFailure | Action::PrevFailure) => {
                let target = match a {
                    Action::FirstFailure => l.tree.failures.first().copied(),
                    Action::NextFailure => l.tree.next_failure(true),
                    _ => l.tree.next_failure(false),
                };
                match target {
                    Some(i) => {
                        l.tree.reveal(i);
                        l.tree.view.fit(l.tree.visible.len(), rows);
                        let k = l.tree.failures.iter().position(|&f| f == i).unwrap_or(0);
                        out.push(Wants::Flash(format!(
                            "failure {} of {}",
                            k + 1,
                            l.tree.failures.len()
                        )));
                    }
                    None if l.tree.failures.is_empty() => {
                        out.push(Wants::Flash("no failures in this run".into()))
                    }
                    None => out.push(Wants::Flash(
                        if a == Action::PrevFailure {
                            "no failure before this one"
                        } else {
                            "no failure after this one"
                        }
                        .into(),
                    )),
                }
            }
            (Tab::Phases | Tab::Logs, Action::PhaseLogs) => match l.phase_window() {
                Some(w) => {
                    l.logs.window = Some(w);
                    l.relog();
                    l.logs.view = Scroll::default();
                    self.tab = Tab::Logs;
                }
                None => {
                    self.tab = Tab::Logs;
                }
            },
            (Tab::Logs, a) if step(a).is_some() => l.logs.move_by(step(a).unwrap_or(0), rows),
            (Tab::Logs, Action::ToggleLevel(i)) => {
                l.logs.levels[i as usize] = !l.logs.levels[i as usize];
                l.relog();
                l.logs.view.fit(l.logs.visible.len(), rows);
                let shown: Vec<&str> = LEVELS
                    .iter()
                    .zip(l.logs.levels)
                    .filter(|(_, on)| *on)
                    .map(|(lv, _)| crate::api::WireEnum::as_str(lv))
                    .collect();
                out.push(Wants::Flash(format!(
                    "levels: {}",
                    if shown.is_empty() { "none".into() } else { shown.join(" ") }
                )));
            }
            (Tab::Logs, Action::AllLogs) if l.logs.window.take().is_some() => {
                l.relog();
                l.logs.view.fit(l.logs.visible.len(), rows);
            }
            (Tab::Logs, Action::Filter) => {
                l.logs.typing =
                    Some(tui_input::Input::new(l.logs.search.clone().unwrap_or_default()))
            }
            (Tab::Logs, Action::NextMatch | Action::PrevMatch) => {
                if l.logs.search.is_none() {
                    out.push(Wants::Flash("/ searches the logs".into()));
                } else if l.logs.jump_match(a == Action::NextMatch) {
                    l.logs.view.fit(l.logs.visible.len(), rows);
                } else {
                    out.push(Wants::Flash(format!(
                        "no more matches ({} in all)",
                        l.logs.matches.len()
                    )));
                }
            }
            (Tab::Attachments, a) if step(a).is_some() => {
                let n = l.run.attachments.as_ref().map_or(0, Vec::len);
                l.attachments.move_by(step(a).unwrap_or(0), n, rows.saturating_sub(1));
            }
            (Tab::Attachments, Action::Open) => {
                if let Some(att) =
                    l.run.attachments.as_deref().unwrap_or_default().get(l.attachments.cursor)
                {
                    match att.download_url.clone().filter(|u| !u.is_empty()) {
                        Some(url) => out.push(Wants::Download {
                            attachment_id: att.id.clone(),
                            name: att.name.clone(),
                            url,
                        }),
                        None => {
                            out.push(Wants::Flash(format!("{} has no download link", att.name)))
                        }
                    }
                }
            }
            (Tab::SubUnits, a) if step(a).is_some() => {
                let n = l.run.sub_units.as_ref().map_or(0, Vec::len);
                l.sub_units.move_by(step(a).unwrap_or(0), n, rows.saturating_sub(1));
            }
            (Tab::Metadata, a) if step(a).is_some() => {
                let n = l.metadata_len();
                l.metadata.move_by(step(a).unwrap_or(0), n, rows.saturating_sub(1));
            }
            (Tab::Info, a) if step(a).is_some() => l.info.move_by(step(a).unwrap_or(0), 200, rows),
            _ => {}
        }
        out
    }

    /// A key while typing the logs search: `Some(true)` applied, `Some(false)` cancelled.
    pub fn search_key(&mut self, a: Option<Action>, rows: usize) -> Option<bool> {
        let l = self.loaded_mut()?;
        match a {
            Some(Action::Submit) => {
                let text = l.logs.typing.take().map(|i| i.value().to_string()).unwrap_or_default();
                l.logs.search = Some(text).filter(|t| !t.is_empty());
                l.rematch();
                // To the first match at or after the cursor.
                if let Some(&m) = l
                    .logs
                    .matches
                    .iter()
                    .find(|&&m| m >= l.logs.view.cursor)
                    .or(l.logs.matches.first())
                {
                    l.logs.view.cursor = m;
                }
                l.logs.view.fit(l.logs.visible.len(), rows);
                Some(true)
            }
            Some(Action::Back) => {
                l.logs.typing = None;
                Some(false)
            }
            _ => None,
        }
    }
}

fn has_series(run: &RunDetail, phase: usize, m: usize) -> bool {
    run.phases
        .as_deref()
        .and_then(|p| p.get(phase))
        .and_then(|p| p.measurements.get(m))
        .and_then(|m| m.data_series.as_ref())
        .is_some_and(|s| s.len() >= 2)
}
