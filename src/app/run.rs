//! The app's side of the run view: opening a run (from the cache when it was prefetched),
//! routing keys to the detail pane, prefetching the run under the list's selection, and
//! the worker's answers for runs and downloads.

use std::sync::Arc;

use super::cache::CachedRun;
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
        let in_flight =
            self.prefetch_pending.as_ref().filter(|(_, r)| *r == run_id).map(|(id, _)| *id);
        self.superseded(Slot::Run);
        let cached = if self.cache_usable(&run_id) { self.cache.get(&run_id) } else { None };
        match (cached, in_flight) {
            (Some(run), _) => d.ready(run),
            // Already on its way (prefetched a moment ago): wait for that answer, not a second.
            (None, Some(id)) => d.pending = Some(id),
            (None, None) => {
                let id = self.id();
                d.pending = Some(id);
                fx.push(Effect::Send(WorkerRequest::Fetch {
                    id,
                    slot: Slot::Run,
                    fetch: Fetch::Run { run_id },
                }));
            }
        }
        let rows = self.detail_rows();
        if let Some(l) = d.loaded_mut() {
            l.tree.view.fit(l.tree.visible.len(), rows);
        }
        self.detail = Some(d);
    }

    /// `open_run` for benchmarks: what `enter` does on a row.
    pub fn open_run_for_bench(&mut self, run_id: String, fx: &mut Vec<Effect>) {
        self.open_run(run_id, fx);
    }

    pub(crate) fn run_action(&mut self, a: Action, fx: &mut Vec<Effect>) {
        let rows = self.detail_rows();
        let Some(d) = &mut self.detail else { return };
        if a == Action::Back && !d.chart_open() {
            if d.pending.is_some() || self.logs_due.iter().any(|(_, _, s)| *s == Slot::Run) {
                fx.push(Effect::Send(WorkerRequest::Cancel { slot: Slot::Run }));
                self.superseded(Slot::Run);
            }
            self.detail = None;
            return;
        }
        for want in d.action(a, rows) {
            match want {
                Wants::Flash(t) => self.flash(t),
                Wants::Reload => {
                    self.superseded(Slot::Run);
                    let id = self.id();
                    if let Some(d) = &mut self.detail {
                        d.pending = Some(id);
                        d.load = Load::Loading;
                        fx.push(Effect::Send(WorkerRequest::Fetch {
                            id,
                            slot: Slot::Run,
                            fetch: Fetch::Run { run_id: d.run_id.clone() },
                        }));
                    }
                }
                Wants::Download { attachment_id, name, url } => {
                    if self
                        .downloads
                        .iter()
                        .any(|dl| dl.attachment_id == attachment_id && dl.result.is_none())
                    {
                        self.flash(format!("{name} is already downloading"));
                        continue;
                    }
                    let id = self.id();
                    self.downloads.push(Download {
                        id,
                        attachment_id,
                        name: name.clone(),
                        received: 0,
                        total: None,
                        result: None,
                    });
                    let dir = self.download_dir.clone();
                    self.flash(format!("downloading {name} to {}", dir.display()));
                    fx.push(Effect::Send(WorkerRequest::Fetch {
                        id,
                        slot: Slot::Download(id),
                        fetch: Fetch::Download { url, dir, name },
                    }));
                }
            }
        }
    }

    /// Worker answers about runs and downloads.
    pub(crate) fn run_event(&mut self, id: RequestId, event: WorkerEvent) {
        match event {
            WorkerEvent::Run { run: result, logs_follow } => {
                let for_detail = self.detail.as_ref().is_some_and(|d| d.pending == Some(id));
                let prefetched = self
                    .prefetch_pending
                    .as_ref()
                    .filter(|(p, _)| *p == id)
                    .map(|(_, r)| r.clone());
                if prefetched.is_some() {
                    self.prefetch_pending = None;
                }
                match result {
                    Ok(run) => {
                        let run = CachedRun {
                            run: Arc::from(run),
                            logs: None,
                            logs_pending: logs_follow,
                        };
                        let run_id = prefetched.clone().or_else(|| {
                            self.detail.as_ref().filter(|_| for_detail).map(|d| d.run_id.clone())
                        });
                        if let Some(run_id) = run_id {
                            if logs_follow {
                                let slot =
                                    if prefetched.is_some() { Slot::Prefetch } else { Slot::Run };
                                self.logs_due.push((id, run_id.clone(), slot));
                            }
                            self.cache.put(run_id, run.clone());
                        }
                        // Also a prefetch answer, when the run was opened while it was on its way.
                        if for_detail && let Some(d) = &mut self.detail {
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
            WorkerEvent::RunLogs(result) => {
                let Some(k) = self.logs_due.iter().position(|(r, _, _)| *r == id) else { return };
                let (_, run_id, _) = self.logs_due.remove(k);
                let logs = match result {
                    Ok(l) => Some(Arc::new(l)),
                    Err(e) => {
                        self.flash(format!("the logs could not be read: {e}"));
                        None
                    }
                };
                self.cache.set_logs(&run_id, logs.clone());
                if let Some(l) =
                    self.detail.as_mut().filter(|d| d.run_id == run_id).and_then(|d| d.loaded_mut())
                {
                    l.set_logs(logs);
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
            // List answers are handled by the list; mutations' before reaching here.
            WorkerEvent::Runs(_)
            | WorkerEvent::Retrying { .. }
            | WorkerEvent::Done(_)
            | WorkerEvent::UploadFailed { .. } => {}
        }
    }

    /// Fetches the run under the list's selection once it has rested there a moment.
    pub(crate) fn prefetch(&mut self, fx: &mut Vec<Effect>) {
        if self.detail.is_some() || self.mode() != Mode::List {
            return;
        }
        let Some(row) =
            self.list.selected_row().filter(|r| !r.id.is_empty() && r.problem.is_none())
        else {
            return;
        };
        let run_id = row.id.to_string();
        match &self.prefetch_due {
            Some((due_id, due)) if *due_id == run_id => {
                let wanted = self.now_ms >= *due
                    && !self.cache_usable(&run_id)
                    && self.prefetch_pending.as_ref().is_none_or(|(_, p)| *p != run_id);
                if wanted {
                    self.superseded(Slot::Prefetch);
                    let id = self.id();
                    self.prefetch_pending = Some((id, run_id.clone()));
                    fx.push(Effect::Send(WorkerRequest::Fetch {
                        id,
                        slot: Slot::Prefetch,
                        fetch: Fetch::Run { run_id },
                    }));
                }
            }
            _ => self.prefetch_due = Some((run_id, self.now_ms + PREFETCH_DELAY_MS)),
        }
    }

    /// A cached run is usable when whole, or when its logs are still on their way.
    fn cache_usable(&self, run_id: &str) -> bool {
        match self.cache.peek(run_id) {
            Some(c) => !c.logs_pending || self.logs_due.iter().any(|(_, r, _)| r == run_id),
            None => false,
        }
    }

    /// A new request in `slot` aborts the old one: logs it would have sent will not come.
    fn superseded(&mut self, slot: Slot) {
        self.logs_due.retain(|(_, _, s)| *s != slot);
    }

    /// Whether time-driven work is near: a spinner, a prefetch or a download in progress.
    pub fn wants_fast_tick(&self) -> bool {
        self.list.is_loading()
            || self.detail.as_ref().is_some_and(|d| d.pending.is_some())
            || self.downloads.iter().any(|d| d.result.is_none())
            || self
                .prefetch_due
                .as_ref()
                .is_some_and(|(id, due)| *due > self.now_ms - 1_000 && !self.cache_usable(id))
    }
}
