//! `:export! FILE`: every run the view's filter matches (not only the rows loaded), fetched
//! page by page by the worker while the status line counts them; `esc` cancels. Once all are
//! in, the file is written like `:export FILE` (atomically, asking before writing over one).
//! Both read first the first failures of the failing runs not read yet (a few runs at once,
//! counted on the status line, `esc` cancels too), so the file's `first_failure` column holds
//! every failing run's; a run that cannot be read is marked [`export::NOT_READ`] and the
//! footer says how many were.

use super::RunsPane;
use crate::app::export::{self, Format, Pending};
use crate::app::pane::Ctx;
use crate::model::RunRow;
use crate::worker::{Fetch, RequestId, Slot, WorkerEvent};

/// Where an export is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `:export!`'s rows coming in, page by page.
    Rows,
    /// The first failures not known yet being read: `read` of `of` are in.
    Failures { read: usize, of: usize },
}

/// An export on its way: its rows coming in, or their first failures.
#[derive(Debug)]
pub struct ExportAll {
    id: RequestId,
    pub path: String,
    format: Format,
    pub rows: Vec<RunRow>,
    pub stage: Stage,
    /// `:export`'s footer note ("(those loaded; …)"); `:export!` says "(every match)".
    what: &'static str,
}

fn valid(r: &RunRow) -> bool {
    !r.id.is_empty() && r.problem.is_none()
}

impl RunsPane {
    /// Starts fetching every run the filter matches, for `path`.
    pub(super) fn export_all(&mut self, path: &str, cx: &mut Ctx) -> Result<(), String> {
        let format = export::format_of(path)?;
        let l = &self.list;
        let req = l.first_page(l.query.clone(), super::list::PAGE, cx.now(), cx.shared().tz());
        let id = cx.fetch(Slot::Export, Fetch::ExportRows(Box::new(req)));
        let path = export::expand(path);
        let (rows, what) = (Vec::new(), " (every match)");
        self.exporting = Some(ExportAll { id, path, format, rows, stage: Stage::Rows, what });
        Ok(())
    }

    /// `:export FILE`: the rows loaded, once their first failures are read.
    pub(super) fn export_loaded(&mut self, path: &str, cx: &mut Ctx) -> Result<(), String> {
        let format = export::format_of(path)?;
        let what =
            if self.list.has_more { " (those loaded; :export! writes every match)" } else { "" };
        let rows = self.list.rows.clone();
        let path = export::expand(path);
        let e = ExportAll { id: 0, path, format, rows, stage: Stage::Rows, what };
        self.read_failures(e, cx);
        Ok(())
    }

    /// Reads the first failures the export's rows lack, or writes it when none are missing.
    fn read_failures(&mut self, mut e: ExportAll, cx: &mut Ctx) {
        let unread: Vec<String> =
            self.failures.unread(&e.rows).into_iter().map(String::from).collect();
        if unread.is_empty() {
            return self.write(e, cx);
        }
        e.stage = Stage::Failures { read: 0, of: unread.len() };
        e.id = cx.fetch(Slot::Export, Fetch::FirstFailures { run_ids: unread });
        self.exporting = Some(e);
    }

    /// Sends the export's text to be written.
    fn write(&mut self, e: ExportAll, cx: &mut Ctx) {
        let ok: Vec<&RunRow> = e.rows.iter().filter(|r| valid(r)).collect();
        let n = ok.len();
        let unread = self.failures.unread(&e.rows).len();
        let pending = Pending {
            content: self.export_text(&e.rows, e.format, cx),
            what: format!("{n} run{}{}", if n == 1 { "" } else { "s" }, e.what),
            note: match unread {
                0 => String::new(),
                u => format!(
                    " · {u} failing run{} not read: first_failure {}",
                    if u == 1 { "" } else { "s" },
                    export::NOT_READ
                ),
            },
            path: e.path,
        };
        pending.send(false, cx);
        self.export = Some(pending);
    }

    /// `rows` as an export's text, with each run's first failure and its disposition (the
    /// `[triage] key`).
    pub(super) fn export_text(&self, rows: &[RunRow], format: Format, cx: &Ctx) -> String {
        let failure = |r: &RunRow| self.failures.export_text(r);
        export::rows(
            rows,
            format,
            &export::Extra { key: &cx.shared().settings().triage.key, failure: &failure },
        )
    }

    /// `esc` while exporting: stops it. Whether one was running.
    pub(super) fn cancel_export(&mut self, cx: &mut Ctx) -> bool {
        let Some(e) = self.exporting.take() else { return false };
        cx.cancel(Slot::Export);
        cx.flash(format!("export to {} cancelled; nothing written", e.path));
        true
    }

    /// A page of the export, or a first failure it reads, if `id` is its.
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
                    self.read_failures(e, cx);
                }
            }
            WorkerEvent::FirstFailure { run_id, failure } => {
                if let Stage::Failures { read, of } = &mut e.stage {
                    *read += 1;
                    let done = *read >= *of;
                    self.failures.read(&run_id, failure.map_err(|_| ()));
                    if done {
                        let Some(e) = self.exporting.take() else { return Ok(()) };
                        self.write(e, cx);
                    }
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
