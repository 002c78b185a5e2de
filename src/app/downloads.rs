//! Attachment downloads of this session: started from a run's attachments tab, followed by
//! progress answers, and kept (with where each went) for every run view to show.

use std::path::PathBuf;

use super::pane::Ctx;
use crate::worker::{Fetch, RequestId, Slot, WorkerEvent};

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

/// Starts downloading an attachment into the download directory, unless it is already.
pub(crate) fn start(cx: &mut Ctx, attachment_id: String, name: String, url: String) {
    let busy = |d: &Download| d.attachment_id == attachment_id && d.result.is_none();
    if cx.shared().downloads().iter().any(busy) {
        cx.flash(format!("{name} is already downloading"));
        return;
    }
    let id = cx.id();
    let dir = cx.shared().settings().download_dir.clone();
    cx.remember_download(Download {
        id,
        attachment_id,
        name: name.clone(),
        received: 0,
        total: None,
        result: None,
    });
    cx.flash(format!("downloading {name} to {}", dir.display()));
    cx.effect(super::Effect::Send(crate::worker::WorkerRequest::Fetch {
        id,
        slot: Slot::Download(id),
        fetch: Fetch::Download { url, dir, name },
    }));
}

/// A download's progress or end; hands back events that are not a download's.
pub(crate) fn on_answer(
    id: RequestId,
    event: WorkerEvent,
    cx: &mut Ctx,
) -> Result<(), WorkerEvent> {
    if let Some(msg) = cx.download_answered(id, event)? {
        cx.flash(msg);
    }
    Ok(())
}

impl Download {
    /// Takes its progress or end: what to tell the user, if anything; hands back an event that
    /// is neither.
    pub(crate) fn take(&mut self, event: WorkerEvent) -> Result<Option<String>, WorkerEvent> {
        match event {
            WorkerEvent::Progress { received, total } => {
                self.received = received;
                self.total = total;
                Ok(None)
            }
            WorkerEvent::Saved(result) => {
                let msg = match &result {
                    Ok(path) => format!("saved {}", path.display()),
                    Err(e) => format!("{}: {e}", self.name),
                };
                self.result = Some(result);
                Ok(Some(msg))
            }
            other => Err(other),
        }
    }
}
