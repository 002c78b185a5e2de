//! The yield pane: for the runs the current view's filter matches, units tested, runs,
//! first-pass and final yield, retest load and throughput, split by a dimension (station,
//! each metadata key, operator, batch, revision, procedure version, procedure, hour of day)
//! as a table, costliest first, with a sparkline of first-pass yield per day (or hour).
//! The runs load page by page in the background; the numbers are recomputed after each batch,
//! `esc` stops the load and goes back.

use super::pane::{Component, Ctx, Outcome};
use super::scroll::Scroll;
use super::{Action, ListState, Mode, layout};
use crate::analysis::{Dim, Facts, YieldOptions, YieldReport, yield_report};
use crate::worker::{ClientError, Fetch, ListRequest, RequestId, Slot, WorkerEvent};

pub struct YieldPane {
    /// The filter as the `/` line shows it (empty: every run).
    pub filter: String,
    request: ListRequest,
    pub facts: Facts,
    /// What the table splits by (`None`: the totals only).
    pub split: Option<Dim>,
    pub report: YieldReport,
    pub pending: Option<RequestId>,
    /// Runs received so far.
    pub loaded: usize,
    /// Rows the API sent that could not be read.
    pub unreadable: usize,
    /// The filter matches more runs than are loaded (the newest were).
    pub capped: bool,
    pub error: Option<String>,
    pub retry: Option<String>,
    /// The cursor over the split's rows.
    pub rows: Scroll,
}

impl YieldPane {
    /// Opens the pane for the runs `list`'s filter matches.
    pub(crate) fn for_list(list: &ListState, cx: &mut Ctx) -> YieldPane {
        // The list's sort and paging do not matter: the loader reads every run, newest first.
        let request = ListRequest {
            query: list.query.clone(),
            sort_by: list.sort_by.clone(),
            sort_order: list.sort_order.clone(),
            cursor: None,
            limit: 100,
            now_ms: cx.now(),
            tz: cx.shared.tz,
            created_after_ms: None,
        };
        YieldPane::open(request, cx)
    }

    /// Opens the pane for the runs `request`'s filter matches and starts loading them.
    pub(crate) fn open(request: ListRequest, cx: &mut Ctx) -> YieldPane {
        let offset_min = cx.shared.tz.local_minus_utc() / 60;
        let facts = Facts::new(offset_min);
        let report = yield_report(&facts, &YieldOptions::default());
        let mut p = YieldPane {
            filter: request.query.to_line(),
            request,
            facts,
            split: Some(Dim::Station),
            report,
            pending: None,
            loaded: 0,
            unreadable: 0,
            capped: false,
            error: None,
            retry: None,
            rows: Scroll::default(),
        };
        p.load(cx);
        p
    }

    fn load(&mut self, cx: &mut Ctx) {
        let offset_min = cx.shared.tz.local_minus_utc() / 60;
        self.facts = Facts::new(offset_min);
        (self.loaded, self.unreadable, self.capped) = (0, 0, false);
        (self.error, self.retry) = (None, None);
        self.request.now_ms = cx.now();
        self.recompute();
        let fetch = Fetch::Analysis(Box::new(self.request.clone()));
        self.pending = Some(cx.fetch(Slot::Analysis, fetch));
    }

    /// The report again from the facts (after a batch of runs or a new split).
    fn recompute(&mut self) {
        let opts = YieldOptions { split: self.split, ..YieldOptions::default() };
        self.report = yield_report(&self.facts, &opts);
    }

    /// The next dimension to split by: station, each metadata key, operator, batch,
    /// revision, procedure version, procedure, hour of day, none.
    fn next_split(&mut self, back: bool) {
        let mut all: Vec<Option<Dim>> = self.facts.dims().into_iter().map(Some).collect();
        all.push(None);
        let i = all.iter().position(|d| *d == self.split).unwrap_or(0);
        let n = all.len();
        self.split = all[if back { (i + n - 1) % n } else { (i + 1) % n }];
        self.rows = Scroll::default();
        self.recompute();
    }

    /// The split's name as the header shows it.
    pub fn split_name(&self) -> String {
        self.split.map_or("nothing".into(), |d| self.facts.dim_name(d).into_owned())
    }

    pub fn loading(&self) -> bool {
        self.pending.is_some()
    }

    fn move_by(&mut self, delta: isize, cx: &Ctx) {
        let vp = layout::yield_rows(cx.shared.size.1);
        self.rows.move_by(delta, self.report.rows.len(), vp);
    }
}

impl Component for YieldPane {
    fn mode(&self) -> Mode {
        Mode::Yield
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        let page = layout::yield_rows(cx.shared.size.1).max(1) as isize;
        match a {
            Action::Back => {
                if self.pending.is_some() {
                    cx.cancel(Slot::Analysis);
                }
                return Outcome::Pop;
            }
            Action::Down => self.move_by(1, cx),
            Action::Up => self.move_by(-1, cx),
            Action::PageDown => self.move_by(page, cx),
            Action::PageUp => self.move_by(-page, cx),
            Action::Top => self.move_by(isize::MIN / 2, cx),
            Action::Bottom => self.move_by(isize::MAX / 2, cx),
            Action::Split => self.next_split(false),
            Action::SplitBack => self.next_split(true),
            Action::Refresh => self.load(cx),
            _ => {}
        }
        Outcome::Stay
    }

    fn on_answer(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
        cx: &mut Ctx,
    ) -> Result<Outcome, WorkerEvent> {
        if self.pending != Some(id) {
            return Err(event);
        }
        match event {
            WorkerEvent::Retrying { attempt, delay, error } => {
                let secs = delay.as_millis().div_ceil(1000);
                self.retry = Some(format!("{error} — retry {attempt} in {secs} s"));
            }
            WorkerEvent::AnalysisRuns { rows, unreadable, done, capped } => {
                self.retry = None;
                match rows {
                    Ok(rows) => {
                        self.loaded += rows.len();
                        self.unreadable += unreadable;
                        self.facts.add_runs(&rows);
                        self.recompute();
                        let vp = layout::yield_rows(cx.shared.size.1);
                        self.rows.fit(self.report.rows.len(), vp);
                    }
                    Err(e) => {
                        if let ClientError::Unauthorized(m) = &e {
                            cx.block(m.clone());
                        }
                        self.error = Some(e.to_string());
                    }
                }
                self.capped = capped;
                if done {
                    self.pending = None;
                }
            }
            other => return Err(other),
        }
        Ok(Outcome::Stay)
    }

    fn busy(&self) -> bool {
        self.pending.is_some()
    }
}
