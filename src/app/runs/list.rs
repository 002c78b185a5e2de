//! One view's list of runs: loaded rows, selection and scroll, paging, sorting, refresh and
//! live mode.

use serde_json::Value;
use std::collections::HashSet;

use crate::model::Zone;

use crate::api::{SortBy, SortOrder};
use crate::app::Effect;
use crate::model::{RunRow, RunsPage};
use crate::query::RunQuery;
use crate::worker::{ClientError, Fetch, ListRequest, RequestId, Slot, WorkerEvent, WorkerRequest};

/// Rows asked for per page (the API's maximum).
pub const PAGE: u32 = 100;

/// What the list is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// The first page for a new filter or sort: rows are replaced.
    First,
    /// `r`: the first page again, keeping the selected run selected.
    Refresh,
    /// The next page, appended.
    Next,
}

/// The worker is trying again after a failure.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryNote {
    pub attempt: u32,
    pub at_ms: i64,
    pub delay_ms: i64,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListState {
    pub rows: Vec<RunRow>,
    pub selected: usize,
    /// First row on screen.
    pub offset: usize,
    /// Rows that fit on screen.
    pub viewport: usize,
    pub query: RunQuery,
    pub sort_by: SortBy,
    pub sort_order: SortOrder,
    pub has_more: bool,
    pub next_cursor: Option<i64>,
    pub pending: Option<(RequestId, Pending, i64)>,
    pub live_pending: Option<RequestId>,
    /// Live polling period, when on.
    pub live_ms: Option<i64>,
    pub next_live_ms: i64,
    /// Runs live mode inserted that failed; marked until the list is reloaded.
    pub fresh_failures: HashSet<Box<str>>,
    pub fresh_count: usize,
    pub error: Option<String>,
    pub retry: Option<RetryNote>,
    /// The server could not be reached: the rows are the last ones seen.
    pub stale: bool,
    pub updated_ms: Option<i64>,
    /// A first page has arrived for the current filter.
    pub loaded: bool,
    /// The rows are the local cache's, as the server gave them at this time; the server's
    /// answer is on its way (or cannot come: `stale`).
    pub cached_ms: Option<i64>,
    /// Runs marked (space) for a bulk change.
    pub marked: HashSet<Box<str>>,
    /// A refresh reloads as many rows as were loaded, page after page, then puts the
    /// selection back on the run it was on: (rows wanted, that run's id).
    pub refill: Option<(usize, Box<str>)>,
    /// Live mode dropped the oldest rows to stay within `LIVE_MAX_ROWS`; a refresh reloads.
    pub trimmed: bool,
}

/// Live mode keeps at most this many rows (a few MB): the oldest go first.
pub(crate) const LIVE_MAX_ROWS: usize = 10_000;

pub(crate) const SORTS: [SortBy; 7] = [
    SortBy::StartedAt,
    SortBy::CreatedAt,
    SortBy::Duration,
    SortBy::Outcome,
    SortBy::SerialNumber,
    SortBy::PartNumber,
    SortBy::RevisionNumber,
];

impl Default for ListState {
    fn default() -> Self {
        ListState {
            rows: Vec::new(),
            selected: 0,
            offset: 0,
            viewport: 20,
            query: RunQuery::default(),
            sort_by: SortBy::StartedAt,
            sort_order: SortOrder::Desc,
            has_more: false,
            next_cursor: None,
            pending: None,
            live_pending: None,
            live_ms: None,
            next_live_ms: 0,
            fresh_failures: HashSet::new(),
            fresh_count: 0,
            error: None,
            retry: None,
            stale: false,
            updated_ms: None,
            loaded: false,
            cached_ms: None,
            marked: HashSet::new(),
            refill: None,
            trimmed: false,
        }
    }
}

impl ListState {
    /// A run's metadata as just saved on the server (`null` removed a key).
    pub(crate) fn set_meta(&mut self, run_id: &str, changes: &serde_json::Map<String, Value>) {
        self.rows.iter_mut().filter(|r| &*r.id == run_id).for_each(|r| r.set_meta(changes));
    }

    pub fn selected_row(&self) -> Option<&RunRow> {
        self.rows.get(self.selected)
    }

    /// Keeps the selection on screen.
    pub(crate) fn scroll_to_selection(&mut self) {
        let vp = self.viewport.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + vp {
            self.offset = self.selected + 1 - vp;
        }
        let max_offset = self.rows.len().saturating_sub(vp);
        self.offset = self.offset.min(max_offset);
    }

    /// Moves the selection by `delta` rows, clamped to the loaded rows.
    pub(crate) fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let last = self.rows.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.scroll_to_selection();
    }

    pub(crate) fn set_viewport(&mut self, rows: usize) {
        self.viewport = rows.max(1);
        self.scroll_to_selection();
    }

    /// Whether the next page should be asked for now: more exist, nothing is in flight, and
    /// the selection is within two screens (at least 50 rows) of the end.
    pub(crate) fn wants_next_page(&self) -> bool {
        let margin = (self.viewport * 2).max(50);
        let refilling = self.refill.as_ref().is_some_and(|(n, _)| self.rows.len() < *n);
        self.loaded
            && self.has_more
            && self.pending.is_none()
            && (refilling || self.rows.len().saturating_sub(self.selected) <= margin)
    }

    pub fn is_loading(&self) -> bool {
        self.pending.is_some()
    }

    /// The answer to a list request `kind`.
    pub(crate) fn apply_page(&mut self, kind: Pending, page: RunsPage, now_ms: i64) {
        self.error = None;
        self.retry = None;
        self.stale = false;
        self.updated_ms = Some(now_ms);
        self.has_more = page.has_more;
        self.next_cursor = page.next_cursor;
        if kind != Pending::Next {
            self.trimmed = false;
        }
        match kind {
            Pending::First => {
                self.refill = None;
                self.rows = page.rows;
                self.rows.shrink_to_fit();
                self.selected = 0;
                self.offset = 0;
                self.fresh_failures.clear();
                self.fresh_count = 0;
            }
            Pending::Refresh => {
                let keep = self.selected_row().map(|r| r.id.clone());
                let had = self.rows.len();
                let (sel, off) = (self.selected, self.offset);
                self.rows = page.rows;
                // A refresh (also the one on switching to this view) keeps live mode's marks
                // on the new failures it still lists.
                let listed: HashSet<&str> = self.rows.iter().map(|r| &*r.id).collect();
                self.fresh_failures.retain(|id| listed.contains(&**id));
                self.fresh_count = 0;
                match keep.as_ref().and_then(|id| self.rows.iter().position(|r| r.id == *id)) {
                    Some(i) => self.selected = i,
                    // Further down than this page: keep the place while the rest reloads.
                    None if self.has_more && had > self.rows.len() => {
                        self.selected = sel.min(self.rows.len().saturating_sub(1));
                        self.offset = off;
                    }
                    None => self.selected = 0,
                }
                self.refill = match keep {
                    Some(id) if had > self.rows.len() && self.has_more => Some((had, id)),
                    _ => None,
                };
                self.scroll_to_selection();
            }
            Pending::Next => {
                // A page may repeat rows when runs were deleted meanwhile; keep each run once.
                let tail_start = self.rows.len().saturating_sub(PAGE as usize * 2);
                let seen: HashSet<&str> = self.rows[tail_start..].iter().map(|r| &*r.id).collect();
                let fresh: Vec<RunRow> = page
                    .rows
                    .into_iter()
                    .filter(|r| r.id.is_empty() || !seen.contains(&*r.id))
                    .collect();
                self.rows.extend(fresh);
                // A refresh that reloaded enough rows: back on the run that was selected.
                if let Some((n, id)) = self.refill.take() {
                    if self.rows.len() < n && self.has_more {
                        self.refill = Some((n, id));
                    } else if let Some(i) = self.rows.iter().position(|r| r.id == id) {
                        self.selected = i;
                        self.scroll_to_selection();
                    }
                }
            }
        }
        self.loaded = true;
    }

    pub(crate) fn apply_error(&mut self, e: &ClientError) {
        self.error = Some(e.to_string());
        self.retry = None;
    }

    /// The first page of `query`'s runs, in this list's order.
    pub(crate) fn first_page(
        &self,
        query: RunQuery,
        limit: u32,
        now_ms: i64,
        tz: Zone,
    ) -> ListRequest {
        ListRequest {
            query,
            sort_by: self.sort_by.clone(),
            sort_order: self.sort_order.clone(),
            cursor: None,
            limit,
            now_ms,
            tz,
            created_after_ms: None,
        }
    }

    /// Asks for a page of view `view` (request `id`).
    pub fn request(
        &mut self,
        id: RequestId,
        view: u32,
        kind: Pending,
        now_ms: i64,
        tz: Zone,
    ) -> Effect {
        let cursor = if kind == Pending::Next { self.next_cursor } else { None };
        self.pending = Some((id, kind, now_ms));
        if kind == Pending::First {
            self.loaded = false;
            self.rows.clear();
            self.selected = 0;
            self.offset = 0;
            self.error = None;
        }
        let req = ListRequest { cursor, ..self.first_page(self.query.clone(), PAGE, now_ms, tz) };
        Effect::Send(WorkerRequest::Fetch {
            id,
            slot: Slot::List(view),
            fetch: Fetch::Runs(Box::new(req)),
        })
    }

    /// Whether request `id` is this list's.
    pub(crate) fn owns(&self, id: RequestId) -> bool {
        self.pending.is_some_and(|(p, _, _)| p == id) || self.live_pending == Some(id)
    }

    /// Applies a worker answer for one of this list's requests. Returns the error, if any,
    /// so the app can react to a rejected key.
    pub(crate) fn on_event(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
        now_ms: i64,
    ) -> Option<ClientError> {
        let kind = self.pending.filter(|(p, _, _)| *p == id).map(|(_, k, _)| k);
        let is_live = self.live_pending == Some(id);
        match event {
            WorkerEvent::Retrying { attempt, delay, error } => {
                // Rows on screen are now the last ones seen; with none, there is nothing stale.
                if error.is_offline() && !self.rows.is_empty() {
                    self.stale = true;
                }
                self.retry = Some(RetryNote {
                    attempt,
                    at_ms: now_ms,
                    delay_ms: delay.as_millis() as i64,
                    message: error.to_string(),
                });
                None
            }
            // The cache's rows while the server's come: only into a list that has none of its
            // own (a refresh keeps the rows on screen).
            WorkerEvent::CachedRuns { page, fetched_ms } => {
                if kind == Some(Pending::First)
                    && (self.rows.is_empty() || self.cached_ms.is_some())
                {
                    self.apply_page(Pending::First, page, now_ms);
                    self.updated_ms = Some(fetched_ms);
                    self.cached_ms = Some(fetched_ms);
                }
                None
            }
            WorkerEvent::Runs(result) => {
                if let Some(kind) = kind {
                    self.pending = None;
                    match result {
                        // Over cached rows, the server's keep the selection where it is.
                        Ok(page) if self.cached_ms.take().is_some() && kind == Pending::First => {
                            self.apply_page(Pending::Refresh, page, now_ms)
                        }
                        Ok(page) => self.apply_page(kind, page, now_ms),
                        Err(e) => {
                            self.apply_error(&e);
                            return Some(e);
                        }
                    }
                } else if is_live {
                    self.live_pending = None;
                    match result {
                        Ok(page) => self.apply_live(page, now_ms),
                        Err(e) => {
                            self.apply_error(&e);
                            return Some(e);
                        }
                    }
                }
                None
            }
            _ => None,
        }
    }
}
