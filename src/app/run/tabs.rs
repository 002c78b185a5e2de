//! What the keys do in each tab of the run view, and in the logs search being typed.

use super::logs::LEVELS;
use super::tree::NodeKind;
use super::{RunPane, TABS, Tab};
use crate::api::RunDetail;
use crate::app::pane::Ctx;
use crate::app::scroll::Scroll;
use crate::app::{Action, downloads, layout};

fn has_series(run: &RunDetail, phase: usize, m: usize) -> bool {
    run.phases
        .as_deref()
        .and_then(|p| p.get(phase))
        .and_then(|p| p.measurements.get(m))
        .and_then(|m| m.data_series.as_ref())
        .is_some_and(|s| s.len() >= 2)
}

impl RunPane {
    /// An action in the run view's tabs; `rows` is the height of the tab's body.
    pub(super) fn action(&mut self, a: Action, rows: usize, cx: &mut Ctx) {
        let page = rows.saturating_sub(1).max(1) as isize;
        let step = a.step(page);
        // Tables and the logs have a line above their rows.
        let below_header = rows.saturating_sub(layout::TAB_HEADER as usize);
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
            return;
        }
        let tab = self.tab;
        let Some(l) = self.loaded_mut() else { return };
        if l.chart.is_some() {
            if a == Action::Back {
                l.chart = None;
            }
            return;
        }
        match (tab, a, step) {
            (Tab::Phases, _, Some(d)) => l.tree.move_by(d, rows),
            (Tab::Phases, Action::Toggle, _) => l.tree.toggle(),
            (Tab::Phases, Action::Open, _) => {
                let node = l.tree.current().map(|i| l.tree.nodes[i as usize].kind);
                match node {
                    Some(NodeKind::Measurement { phase, m }) if has_series(&l.run, phase, m) => {
                        l.chart = Some((phase, m))
                    }
                    _ => l.tree.toggle(),
                }
                l.tree.view.fit(l.tree.visible.len(), rows);
            }
            (Tab::Phases, Action::ExpandAll, _) => l.tree.set_all(true),
            (Tab::Phases, Action::CollapseAll, _) => l.tree.set_all(false),
            (Tab::Phases, Action::FirstFailure | Action::NextFailure | Action::PrevFailure, _) => {
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
                        let (n, counts) = (l.tree.failures.len(), l.tree.failing_text());
                        cx.flash(format!("failure {} of {n} · {counts}", k + 1));
                    }
                    None if l.tree.failures.is_empty() => cx.flash("no failures in this run"),
                    None if a == Action::PrevFailure => cx.flash("no failure before this one"),
                    None => cx.flash("no failure after this one"),
                }
            }
            (Tab::Phases | Tab::Logs, Action::PhaseLogs, _) => {
                if let Some(w) = l.phase_window() {
                    l.logs.window = Some(w);
                    l.relog();
                    l.logs.view = Scroll::default();
                }
                self.tab = Tab::Logs;
            }
            (Tab::Logs, _, Some(d)) => {
                l.logs.move_by(d, below_header);
                let showing = cx.shared().flash_message();
                if l.logs.flashed.is_some() && l.logs.flashed.as_deref() == showing {
                    l.logs.flashed = l.logs.search_status();
                    cx.flash(l.logs.flashed.clone().unwrap_or_default());
                }
            }
            (Tab::Logs, Action::ToggleLevel(i), _) => {
                l.logs.levels[i as usize] = !l.logs.levels[i as usize];
                l.relog();
                l.logs.view.fit(l.logs.visible.len(), below_header);
                let shown: Vec<&str> = LEVELS
                    .iter()
                    .zip(l.logs.levels)
                    .filter(|(_, on)| *on)
                    .map(|(lv, _)| crate::api::WireEnum::as_str(lv))
                    .collect();
                let shown = if shown.is_empty() { "none".into() } else { shown.join(" ") };
                cx.flash(format!("levels: {shown}"));
            }
            (Tab::Logs, Action::AllLogs, _) if l.logs.window.take().is_some() => {
                l.relog();
                l.logs.view.fit(l.logs.visible.len(), below_header);
            }
            (Tab::Logs, Action::Filter, _) => {
                l.logs.typing =
                    Some(tui_input::Input::new(l.logs.search.clone().unwrap_or_default()))
            }
            (Tab::Logs, Action::NextMatch | Action::PrevMatch, _) => {
                if l.logs.search.is_none() {
                    cx.flash("/ searches the logs");
                } else {
                    let status = if l.logs.jump_match(a == Action::NextMatch) {
                        l.logs.view.fit(l.logs.visible.len(), below_header);
                        l.logs.search_status().unwrap_or_default()
                    } else {
                        let way = if a == Action::NextMatch { "below" } else { "above" };
                        let here = l.logs.search_status().unwrap_or_default();
                        format!("no more matches {way} · {here}")
                    };
                    cx.flash(status.clone());
                    l.logs.flashed = Some(status);
                }
            }
            (Tab::Attachments, _, Some(d)) => {
                let n = l.run.attachments.as_ref().map_or(0, Vec::len);
                l.attachments.move_by(d, n, below_header);
            }
            (Tab::Attachments, Action::Open, _) => {
                let atts = l.run.attachments.as_deref().unwrap_or_default();
                if let Some(att) = atts.get(l.attachments.cursor) {
                    match att.download_url.clone().filter(|u| !u.is_empty()) {
                        Some(url) => downloads::start(cx, att.id.clone(), att.name.clone(), url),
                        None => cx.flash(format!("{} has no download link", att.name)),
                    }
                }
            }
            (Tab::SubUnits, _, Some(d)) => {
                let n = l.run.sub_units.as_ref().map_or(0, Vec::len);
                l.sub_units.move_by(d, n, below_header);
            }
            (Tab::Metadata, _, Some(d)) => {
                let n = l.metadata_len();
                l.metadata.move_by(d, n, below_header);
            }
            (Tab::Info, _, Some(d)) => l.scroll_info(d, rows),
            _ => {}
        }
    }

    /// A key while typing the logs search: `enter` applies it, `esc` drops what was typed.
    pub(super) fn search_key(&mut self, a: Action, rows: usize) {
        let rows = rows.saturating_sub(layout::TAB_HEADER as usize);
        let Some(l) = self.loaded_mut() else { return };
        match a {
            Action::Submit => {
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
            }
            Action::Back => l.logs.typing = None,
            _ => {}
        }
    }
}
