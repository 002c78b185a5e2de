//! `:export! FILE`: every run the list's filter matches, in its order, page after page (each
//! page sent as it arrives, so the list shows the progress; the last has `has_more` false).

use super::{ListRequest, Task, WorkerEvent};

impl Task {
    pub(super) async fn export_rows(&self, mut req: ListRequest) {
        loop {
            let page = self.runs(&req).await.map(|(p, _)| p);
            let next = match &page {
                Ok(p) if p.has_more => p.next_cursor,
                _ => None,
            };
            // A page that says more exist without a cursor ends the export here.
            self.send(WorkerEvent::Runs(page.map(|mut p| {
                p.has_more = next.is_some();
                p
            })));
            match next {
                Some(c) => req.cursor = Some(c),
                None => return,
            }
        }
    }
}
