//! `:export! FILE`: every run the view's filter matches (not only the rows loaded), fetched
//! page by page by the worker while the status line counts them; `esc` cancels. Once all are
//! in, the file is written like `:export FILE` (atomically, asking before writing over one).

use super::RunsPane;
use crate::app::export::{self, Format, Pending};
use crate::app::pane::Ctx;
use crate::model::RunRow;
use crate::worker::{Fetch, ListRequest, RequestId, Slot, WorkerEvent};

/// An export of every matching run, its rows coming in.
#[derive(Debug)]
pub struct ExportAll {
    id: RequestId,
    pub path: String,
    format: Format,
    pub rows: Vec<RunRow>,
}

impl RunsPane {
    /// Starts fetching every run the filter matches, for `path`.
    pub(super) fn export_all(&mut self, path: &str, cx: &mut Ctx) -> Result<(), String> {
        let format = export::format_of(path)?;
        let l = &self.list;
        let req = ListRequest {
            query: l.query.clone(),
            sort_by: l.sort_by.clone(),
            sort_order: l.sort_order.clone(),
            cursor: None,
            limit: super::list::PAGE,
            now_ms: cx.now(),
            tz: cx.shared().tz,
            created_after_ms: None,
        };
        let id = cx.fetch(Slot::Export, Fetch::ExportRows(Box::new(req)));
        let path = export::expand(path);
        self.exporting = Some(ExportAll { id, path, format, rows: Vec::new() });
        Ok(())
    }

    /// `rows` as an export's text, with each run's first failure as read this session and its
    /// disposition (the `[triage] key`).
    pub(super) fn export_text(&self, rows: &[RunRow], format: Format, cx: &Ctx) -> String {
        let failure = |r: &RunRow| self.failures.export_text(r);
        export::rows(
            rows,
            format,
            &export::Extra { key: &cx.shared().triage.key, failure: &failure },
        )
    }

    /// `esc` while exporting: stops it. Whether one was running.
    pub(super) fn cancel_export(&mut self, cx: &mut Ctx) -> bool {
        let Some(e) = self.exporting.take() else { return false };
        cx.cancel(Slot::Export);
        cx.flash(format!("export to {} cancelled; nothing written", e.path));
        true
    }

    /// A page of the export, if `id` is its.
    pub(super) fn export_answer(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
        cx: &mut Ctx,
    ) -> Result<(), WorkerEvent> {
        let Some(e) = self.exporting.as_mut().filter(|e| e.id == id) else { return Err(event) };
        match event {
            WorkerEvent::Runs(Ok(page)) => {
                e.rows.extend(page.rows);
                if !page.has_more {
                    let Some(e) = self.exporting.take() else { return Ok(()) };
                    let n = e.rows.iter().filter(|r| !r.id.is_empty() && r.problem.is_none());
                    let n = n.count();
                    let pending = Pending {
                        content: self.export_text(&e.rows, e.format, cx),
                        what: format!("{n} run{} (every match)", if n == 1 { "" } else { "s" }),
                        path: e.path,
                    };
                    pending.send(false, cx);
                    self.export = Some(pending);
                }
            }
            WorkerEvent::Runs(Err(err)) => {
                let path = self.exporting.take().map(|e| e.path).unwrap_or_default();
                cx.flash(format!("not exported to {path}: {err}"));
            }
            // Retries while the server is away: the count just waits.
            _ => {}
        }
        Ok(())
    }
}
