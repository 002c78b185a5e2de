//! The app's side of the run view: opening a run (from the cache when it was prefetched),
//! routing keys to the detail pane, prefetching the run under the list's selection, and
//! the worker's answers for runs and downloads.

use std::sync::Arc;

use super::detail::{DetailState, Download, Load, Tab, Wants};
use super::{Action, App, Blocked, Effect, Mode};
use crate::worker::{ClientError, Fetch, RequestId, Slot, WorkerEvent, WorkerRequest};

/// How long the selection rests on a row before its run is fetched ahead.
pub const PREFETCH_DELAY_MS: i64 = 250;

/// Screen rows that are not the run view's body: title, header (2), tab bar, status, keys.
pub const RUN_CHROME: u16 = 6;

impl App {
    pub fn run_mode_of(&self, d: &DetailState) -> Mode {
        match (&d.load, d.tab) {
            (Load::Ready(l), _) if l.chart.is_some() => Mode::Chart,
            (Load::Ready(l), Tab::Logs) if l.logs.typing.is_some() => Mode::LogSearch,
            (Load::Ready(_), Tab::Phases) => Mode::Tree,
            (Load::Ready(_), Tab::Logs) => Mode::Logs,
            (Load::Ready(_), Tab::Attachments) => Mode::Attachments,
            _ => Mode::RunOther,
        }
    }

    /// Rows of the run view's body.
    pub fn detail_rows(&self) -> usize {
        self.size.1.saturating_sub(RUN_CHROME) as usize
    }

    /// Opens a run: at once from the cache, else fetched.
    pub(crate) fn open_run(&mut self, run_id: String, fx: &mut Vec<Effect>) {
        let mut d = DetailState::new(run_id.clone());
        match self.cache.get(&run_id) {
            Some(run) => d.ready(run),
            None => {
                let id = self.id();
                d.pending = Some(id);
                fx.push(Effect::Send(WorkerRequest::Fetch { id, slot: Slot::Run, fetch: Fetch::Run { run_id } }));
            }
        }
        let rows = self.detail_rows();
        if let Some(l) = d.loaded_mut() {
            l.tree.view.fit(l.tree.visible.len(), rows);
        }
        self.detail = Some(d);
    }

    pub(crate) fn run_action(&mut self, a: Action, fx: &mut Vec<Effect>) {
        let rows = self.detail_rows();
        let Some(d) = &mut self.detail else { return };
        if a == Action::Back && !d.chart_open() {
            if d.pending.is_some() {
                fx.push(Effect::Send(WorkerRequest::Cancel { slot: Slot::Run }));
            }
            self.detail = None;
            return;
        }
        for want in d.action(a, rows) {
            match want {
                Wants::Flash(t) => self.flash(t),
                Wants::Reload => {
                    let id = self.id();
                    if let Some(d) = &mut self.detail {
                        d.pending = Some(id);
                        d.load = Load::Loading;
                        fx.push(Effect::Send(WorkerRequest::Fetch { id, slot: Slot::Run, fetch: Fetch::Run { run_id: d.run_id.clone() } }));
                    }
                }
                Wants::Download { attachment_id, name, url } => {
                    if self.downloads.iter().any(|dl| dl.attachment_id == attachment_id && dl.result.is_none()) {
                        self.flash(format!("{name} is already downloading"));
                        continue;
                    }
                    let id = self.id();
                    self.downloads.push(Download { id, attachment_id, name: name.clone(), received: 0, total: None, result: None });
                    let dir = self.download_dir.clone();
                    self.flash(format!("downloading {name} to {}", dir.display()));
                    fx.push(Effect::Send(WorkerRequest::Fetch { id, slot: Slot::Download(id), fetch: Fetch::Download { url, dir, name } }));
                }
            }
        }
    }

    /// Worker answers about runs and downloads.
    pub(crate) fn run_event(&mut self, id: RequestId, event: WorkerEvent) {
        match event {
            WorkerEvent::Run(result) => {
                let for_detail = self.detail.as_ref().is_some_and(|d| d.pending == Some(id));
                let prefetched = self.prefetch_pending.as_ref().filter(|(p, _)| *p == id).map(|(_, r)| r.clone());
                if prefetched.is_some() {
                    self.prefetch_pending = None;
                }
                match result {
                    Ok(run) => {
                        let run: Arc<crate::api::RunDetail> = Arc::from(run);
                        if let Some(run_id) = prefetched.clone() {
                            self.cache.put(run_id.clone(), run.clone());
                            // Opened while it was on its way: show it now.
                            if let Some(d) = self.detail.as_mut().filter(|d| d.run_id == run_id && d.pending.is_some()) {
                                d.ready(run.clone());
                            }
                        }
                        if for_detail && let Some(d) = &mut self.detail {
                            self.cache.put(d.run_id.clone(), run.clone());
                            d.ready(run);
                        }
                    }
                    Err(e) => {
                        if let ClientError::Unauthorized(m) = &e {
                            self.session.blocked = Some(Blocked::Rejected(m.clone()));
                        }
                        if for_detail && let Some(d) = &mut self.detail {
                            d.pending = None;
                            d.retry = None;
                            d.load = Load::Failed(e.to_string());
                        }
                    }
                }
                let rows = self.detail_rows();
                if let Some(l) = self.detail.as_mut().and_then(|d| d.loaded_mut()) {
                    l.tree.view.fit(l.tree.visible.len(), rows);
                }
            }
            WorkerEvent::Progress { received, total } => {
                if let Some(dl) = self.downloads.iter_mut().find(|d| d.id == id) {
                    dl.received = received;
                    dl.total = total;
                }
            }
            WorkerEvent::Saved(result) => {
                if let Some(dl) = self.downloads.iter_mut().find(|d| d.id == id) {
                    let msg = match &result {
                        Ok(path) => format!("saved {}", path.display()),
                        Err(e) => format!("{}: {e}", dl.name),
                    };
                    dl.result = Some(result);
                    self.flash(msg);
                }
            }
            // List answers are handled by the list.
            WorkerEvent::Runs(_) | WorkerEvent::Retrying { .. } => {}
        }
    }

    /// Fetches the run under the list's selection once it has rested there a moment.
    pub(crate) fn prefetch(&mut self, fx: &mut Vec<Effect>) {
        if self.detail.is_some() || self.mode() != Mode::List {
            return;
        }
        let Some(row) = self.list.selected_row().filter(|r| !r.id.is_empty() && r.problem.is_none()) else { return };
        let run_id = row.id.to_string();
        match &self.prefetch_due {
            Some((due_id, due)) if *due_id == run_id => {
                let wanted = self.now_ms >= *due && !self.cache.contains(&run_id) && self.prefetch_pending.as_ref().is_none_or(|(_, p)| *p != run_id);
                if wanted {
                    let id = self.id();
                    self.prefetch_pending = Some((id, run_id.clone()));
                    fx.push(Effect::Send(WorkerRequest::Fetch { id, slot: Slot::Prefetch, fetch: Fetch::Run { run_id } }));
                }
            }
            _ => self.prefetch_due = Some((run_id, self.now_ms + PREFETCH_DELAY_MS)),
        }
    }

    /// Whether time-driven work is near: a spinner, a prefetch or a download in progress.
    pub fn wants_fast_tick(&self) -> bool {
        self.list.is_loading()
            || self.detail.as_ref().is_some_and(|d| d.pending.is_some())
            || self.downloads.iter().any(|d| d.result.is_none())
            || self.prefetch_due.as_ref().is_some_and(|(id, due)| *due > self.now_ms - 1_000 && !self.cache.contains(id))
    }
}
