//! The logs tab: a level filter, an optional time window (one phase's), and a search whose
//! matches `n`/`N` visit. Visible lines are recomputed only when a filter changes.

use crate::api::time::to_ms;
use crate::api::{LogLevel, LogLine};
use crate::app::scroll::Scroll;

/// The five levels the API knows; index into `LogsState::levels`.
pub(crate) const LEVELS: [LogLevel; 5] =
    [LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error, LogLevel::Critical];

#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub label: String,
    pub start_ms: i64,
    pub end_ms: i64,
    /// Lines are shown up to here (the next phase's start): frameworks often log the verdict
    /// just after the phase returns. Lines after `end_ms` are marked as outside the phase.
    pub until_ms: i64,
}

impl Window {
    /// Whether a line at `t` came after the phase ended (shown, but marked).
    pub fn after(&self, t: i64) -> bool {
        t > self.end_ms
    }
}

#[derive(Debug, Clone)]
pub struct LogsState {
    /// Shown levels, by `LEVELS` index; lines of an unknown level are always shown.
    pub levels: [bool; 5],
    pub window: Option<Window>,
    /// The search being typed (`/`), and the one applied.
    pub typing: Option<tui_input::Input>,
    pub search: Option<String>,
    /// Indexes into the run's logs, in order.
    pub visible: Vec<u32>,
    /// Positions in `visible` whose message matches the search.
    pub matches: Vec<usize>,
    pub view: Scroll,
    /// The search status last put on the status line: a move replaces it with the new one
    /// while it is still showing, so it never describes a match the cursor has left.
    pub flashed: Option<String>,
}

impl Default for LogsState {
    fn default() -> Self {
        LogsState {
            levels: [true; 5],
            window: None,
            typing: None,
            search: None,
            visible: Vec::new(),
            matches: Vec::new(),
            view: Scroll::default(),
            flashed: None,
        }
    }
}

fn level_index(l: Option<&LogLevel>) -> Option<usize> {
    l.and_then(|l| LEVELS.iter().position(|x| x == l))
}

/// Case-insensitive substring test without allocating per line when the needle is ASCII.
pub(crate) fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    if needle_lower.is_ascii() {
        let n = needle_lower.as_bytes();
        hay.as_bytes().windows(n.len().max(1)).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().contains(needle_lower)
    }
}

impl LogsState {
    pub(crate) fn recompute(&mut self, logs: &[LogLine]) {
        let keep = self.visible.get(self.view.cursor).copied();
        self.visible.clear();
        for (i, l) in logs.iter().enumerate() {
            if let Some(li) = level_index(l.level.as_ref())
                && !self.levels[li]
            {
                continue;
            }
            if let Some(w) = &self.window {
                let Some(t) = l.timestamp.as_ref().map(to_ms) else { continue };
                if t < w.start_ms || t > w.until_ms.max(w.end_ms) {
                    continue;
                }
            }
            self.visible.push(i as u32);
        }
        self.rematch(logs);
        self.view.cursor = keep
            .and_then(|k| self.visible.iter().position(|&v| v >= k))
            .unwrap_or(0)
            .min(self.visible.len().saturating_sub(1));
    }

    pub(crate) fn rematch(&mut self, logs: &[LogLine]) {
        self.matches.clear();
        if let Some(s) = self.search.as_ref().filter(|s| !s.is_empty()) {
            let needle = s.to_lowercase();
            self.matches = self
                .visible
                .iter()
                .enumerate()
                .filter(|(_, i)| contains_ci(&logs[**i as usize].message, &needle))
                .map(|(p, _)| p)
                .collect();
        }
    }

    /// Where the cursor is among the search's matches: `match 2 of 3` on one, else how many
    /// lie above it; `None` without a search.
    pub fn search_status(&self) -> Option<String> {
        self.search.as_ref()?;
        let n = self.matches.len();
        let above = self.matches.partition_point(|&m| m < self.view.cursor);
        Some(match self.matches.get(above) {
            _ if n == 0 => "no matches".into(),
            Some(&m) if m == self.view.cursor => format!("match {} of {n}", above + 1),
            _ => format!("{n} match{} · {above} above", if n == 1 { "" } else { "es" }),
        })
    }

    /// The next (or previous) match from the cursor; moves there and says whether it did.
    pub(crate) fn jump_match(&mut self, forward: bool) -> bool {
        let found = if forward {
            self.matches.iter().copied().find(|&m| m > self.view.cursor)
        } else {
            self.matches.iter().rev().copied().find(|&m| m < self.view.cursor)
        };
        match found {
            Some(m) => {
                self.view.cursor = m;
                true
            }
            None => false,
        }
    }

    pub(crate) fn move_by(&mut self, delta: isize, viewport: usize) {
        self.view.move_by(delta, self.visible.len(), viewport);
    }
}
