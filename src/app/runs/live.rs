//! Live mode of a view's list: the poll for runs newer than those loaded, and how its answer
//! goes on top without moving what the user looks at.

use std::collections::HashSet;

use super::list::{LIVE_MAX_ROWS, ListState, PAGE};
use crate::api::RunOutcome;
use crate::app::Effect;
use crate::app::pane::Ctx;
use crate::model::{RunRow, RunsPage, Zone};
use crate::worker::{Fetch, ListRequest, RequestId, Slot, WorkerRequest};

impl ListState {
    /// Live mode's answer: runs not yet listed go on top; the selected run stays selected,
    /// and the screen does not move unless it was showing the top.
    pub(crate) fn apply_live(&mut self, page: RunsPage, now_ms: i64) {
        self.stale = false;
        self.retry = None;
        self.updated_ms = Some(now_ms);
        let threshold = page.rows.iter().filter_map(|r| r.created_ms).min().unwrap_or(i64::MIN);
        let known: HashSet<&str> = self
            .rows
            .iter()
            .filter(|r| r.created_ms.is_none_or(|c| c >= threshold))
            .map(|r| &*r.id)
            .collect();
        let new: Vec<RunRow> = page.rows.into_iter().filter(|r| !known.contains(&*r.id)).collect();
        if new.is_empty() {
            return;
        }
        let n = new.len();
        for r in &new {
            if r.outcome.as_ref().is_some_and(RunOutcome::failing_or_aborted) {
                self.fresh_failures.insert(r.id.clone());
            }
        }
        self.fresh_count += n;
        self.rows.splice(0..0, new);
        if !self.rows.is_empty() && self.rows.len() > n {
            self.selected += n;
        }
        if self.rows.len() > LIVE_MAX_ROWS {
            // The cursor no longer points after the last row kept: no paging on from here.
            self.rows.truncate(LIVE_MAX_ROWS);
            self.has_more = false;
            self.next_cursor = None;
            self.trimmed = true;
            self.selected = self.selected.min(LIVE_MAX_ROWS - 1);
        }
        if self.offset > 0 {
            self.offset += n;
        }
        self.scroll_to_selection();
    }

    /// Newest creation time among loaded rows: live mode asks for runs from there on.
    pub(crate) fn newest_created(&self) -> Option<i64> {
        self.rows.iter().filter_map(|r| r.created_ms).max()
    }

    /// Live mode's poll for runs newer than those loaded.
    pub(crate) fn request_live(
        &mut self,
        id: RequestId,
        view: u32,
        now_ms: i64,
        tz: Zone,
    ) -> Effect {
        self.live_pending = Some(id);
        self.next_live_ms = now_ms + self.live_ms.unwrap_or(10_000);
        let req = ListRequest {
            created_after_ms: self.newest_created(),
            ..self.first_page(self.query.clone(), PAGE, now_ms, tz)
        };
        Effect::Send(WorkerRequest::Fetch {
            id,
            slot: Slot::Live(view),
            fetch: Fetch::Runs(Box::new(req)),
        })
    }

    /// Whether a live poll is due now.
    pub(crate) fn live_due(&self, now_ms: i64) -> bool {
        self.live_ms.is_some()
            && self.live_pending.is_none()
            && self.loaded
            && now_ms >= self.next_live_ms
    }
}

impl super::RunsPane {
    /// New failures live mode has marked, in every view.
    pub(super) fn fresh_failures(&self) -> usize {
        std::iter::once(&self.list)
            .chain(self.views.iter().filter_map(|v| v.saved.as_ref()))
            .map(|l| l.fresh_failures.len())
            .sum()
    }
}

impl super::RunsPane {
    /// `L`: live mode on (polling every `live_seconds`) or off.
    pub(super) fn toggle_live(&mut self, cx: &mut Ctx) {
        if self.list.live_ms.is_some() {
            self.set_live(None, cx.now());
            for v in &self.views {
                cx.cancel(Slot::Live(v.id));
            }
            cx.flash("live off");
        } else {
            let every = cx.shared().settings().live_every_ms;
            self.set_live(Some(every), cx.now());
            self.list.next_live_ms = cx.now();
            cx.flash(format!("live: polling every {} s", every / 1000));
        }
    }
}
