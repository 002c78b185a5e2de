//! The views that are not on screen: their first pages (once the visible view has its own),
//! their live polls, and the answers that are theirs.

use super::RunsPane;
use super::list::Pending;
use crate::app::pane::Ctx;
use crate::worker::{ClientError, RequestId, WorkerEvent};

impl RunsPane {
    /// First pages of the background views that have none.
    pub(crate) fn load_background_views(&mut self, cx: &mut Ctx) {
        let (now, tz) = (cx.now(), cx.shared().tz());
        for v in &mut self.views {
            if let Some(l) = v.saved.as_mut().filter(|l| !l.loaded && l.pending.is_none()) {
                let id = cx.id();
                cx.effect(l.request(id, v.id, Pending::First, now, tz));
            }
        }
    }

    /// Live polls that are due, in every view.
    pub(crate) fn poll_views(&mut self, cx: &mut Ctx) {
        let (now, tz) = (cx.now(), cx.shared().tz());
        if self.list.live_due(now) {
            let id = cx.id();
            let vid = self.view_id();
            cx.effect(self.list.request_live(id, vid, now, tz));
        }
        for v in &mut self.views {
            if let Some(l) = v.saved.as_mut().filter(|l| l.live_due(now)) {
                let id = cx.id();
                cx.effect(l.request_live(id, v.id, now, tz));
            }
        }
    }

    /// An answer for a list in the background; `None` when it is not one's.
    pub(super) fn background_answer(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
        now: i64,
    ) -> Result<Option<ClientError>, WorkerEvent> {
        let Some(v) = self.views.iter_mut().find(|v| v.saved.as_ref().is_some_and(|l| l.owns(id)))
        else {
            return Err(event);
        };
        let Some(list) = v.saved.as_mut() else { return Err(event) };
        let before = list.fresh_failures.len();
        let err = list.on_event(id, event, now);
        // New failures arrived while the view is in the background: mark its tab.
        if list.fresh_failures.len() > before {
            v.new_failures = true;
        }
        Ok(err)
    }
}
