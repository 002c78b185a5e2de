//! A run that has arrived, with the state of each of its tabs.

use std::sync::Arc;

use super::info::{InfoLine, info_lines};
use super::logs::{LogsState, Window};
use super::tree::Tree;
use crate::api::time::to_ms;
use crate::api::{LogLine, RunDetail};
use crate::app::cache::CachedRun;
use crate::app::scroll::Scroll;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Phases,
    Logs,
    Attachments,
    SubUnits,
    Metadata,
    Info,
}

pub(crate) const TABS: [Tab; 6] =
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
    pub(crate) fn short(self) -> &'static str {
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

#[derive(Debug, Clone)]
pub struct Loaded {
    pub run: Arc<RunDetail>,
    /// The logs when they came apart from the run (see `CachedRun`).
    pub logs_data: Option<Arc<Vec<LogLine>>>,
    pub logs_pending: bool,
    pub tree: Tree,
    pub logs: LogsState,
    pub run_start_ms: Option<i64>,
    pub attachments: Scroll,
    pub sub_units: Scroll,
    pub metadata: Scroll,
    /// The info tab's lines, and the first one on screen.
    pub info: Vec<InfoLine>,
    pub info_top: usize,
    /// The measurement whose chart is open: (phase, measurement).
    pub chart: Option<(usize, usize)>,
}

impl Loaded {
    pub fn new(c: CachedRun) -> Loaded {
        let tree = Tree::build(&c.run);
        let run_start_ms = c.run.summary.started_at.as_ref().map(to_ms);
        let info = info_lines(&c.run);
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
            info,
            info_top: 0,
            chart: None,
        };
        l.relog();
        l
    }

    pub fn log_lines(&self) -> &[LogLine] {
        match &self.logs_data {
            Some(l) => l,
            None => self.run.logs.as_deref().unwrap_or_default(),
        }
    }

    /// Recomputes the visible log lines after a filter or the logs changed.
    pub(crate) fn relog(&mut self) {
        let lines: &[LogLine] = match &self.logs_data {
            Some(l) => l,
            None => self.run.logs.as_deref().unwrap_or_default(),
        };
        self.logs.recompute(lines);
    }

    /// Finds the search's matches again.
    pub(crate) fn rematch(&mut self) {
        let lines: &[LogLine] = match &self.logs_data {
            Some(l) => l,
            None => self.run.logs.as_deref().unwrap_or_default(),
        };
        self.logs.rematch(lines);
    }

    /// The logs arrived after the run.
    pub(crate) fn set_logs(&mut self, logs: Option<Arc<Vec<LogLine>>>) {
        self.logs_data = logs;
        self.logs_pending = false;
        self.relog();
    }

    /// The time window of the phase under the tree's cursor.
    pub(crate) fn phase_window(&self) -> Option<Window> {
        let p = self.tree.phase_of(self.tree.current()?)?;
        let phase = self.run.phases.as_deref()?.get(p)?;
        let (s, e) = (phase.started_at.as_ref().map(to_ms)?, phase.ended_at.as_ref().map(to_ms)?);
        let retry = if phase.retry_count > 0 {
            format!(" (retry {})", phase.retry_count)
        } else {
            String::new()
        };
        // Up to the next phase's start; the last phase gets to the run's end, at most 5 s on.
        let next = self
            .run
            .phases
            .as_deref()?
            .iter()
            .filter_map(|p| p.started_at.as_ref().map(to_ms))
            .filter(|&t| t >= e)
            .min();
        let run_end = self.run.summary.ended_at.as_ref().map(to_ms).filter(|&t| t >= e);
        let until = next.or(run_end.map(|t| t.min(e + 5_000))).unwrap_or(e + 5_000);
        Some(Window {
            label: format!("{}{retry}", phase.name),
            start_ms: s,
            end_ms: e,
            until_ms: until,
        })
    }

    pub(crate) fn metadata_len(&self) -> usize {
        self.run.summary.metadata.as_ref().map_or(0, |m| m.len())
    }

    /// Moves the info tab by `delta` lines, `rows` of them on screen: the last line stops at
    /// the bottom, so every move up from there shows.
    pub(crate) fn scroll_info(&mut self, delta: isize, rows: usize) {
        let last_top = self.info.len().saturating_sub(rows.max(1));
        self.info_top = self.info_top.saturating_add_signed(delta).min(last_top);
    }
}

#[derive(Debug, Clone)]
pub enum Load {
    Loading,
    Ready(Box<Loaded>),
    Failed(String),
}
