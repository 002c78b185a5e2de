//! Paging a cross-run list (measurements, phases) newest first *by time* instead of by its
//! cursor: the cursor is an offset, and a server walks every row before it again on each page
//! (50,000 values of one measurement: 500 pages, the last ones each walking 50,000 rows). Each
//! page here asks for rows started at or before the last row's time instead, plus a
//! millisecond (so it works whether the server's bound is inclusive or not), and drops the rows
//! it has already seen. A page that brings nothing new (more rows at one instant than a page
//! holds) switches to the cursor from there on, so nothing is skipped.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::catalog::Page;
use super::{ClientError, Task};
use crate::api::crossrun::{MeasurementListRequest, MeasurementRow, PhaseListRequest, PhaseRow};

impl Task {
    /// One page of `GET /v2/measurements`, retried as every read is.
    pub(super) async fn measurements_page(
        &self,
        req: MeasurementListRequest,
    ) -> Result<Page<MeasurementRow>, ClientError> {
        self.retrying(move |c, report| {
            let req = req.clone();
            async move { c.list_measurements(&req, &report).await }
        })
        .await
    }

    /// One page of `GET /v2/phases`, retried as every read is.
    pub(super) async fn phases_page(
        &self,
        req: PhaseListRequest,
    ) -> Result<Page<PhaseRow>, ClientError> {
        self.retrying(move |c, report| {
            let req = req.clone();
            async move { c.list_phases(&req, &report).await }
        })
        .await
    }
}

/// A row's id and start.
pub(crate) trait Timed {
    fn id(&self) -> &str;
    fn started_at(&self) -> Option<DateTime<Utc>>;
}

impl Timed for MeasurementRow {
    fn id(&self) -> &str {
        &self.id
    }
    fn started_at(&self) -> Option<DateTime<Utc>> {
        self.started_at
    }
}

impl Timed for PhaseRow {
    fn id(&self) -> &str {
        &self.id
    }
    fn started_at(&self) -> Option<DateTime<Utc>> {
        self.started_at
    }
}

/// Where the next page starts.
#[derive(Debug, Default)]
pub(crate) struct ByTime {
    /// Rows started at or before this (ms): `None` for the caller's own bound.
    pub before_ms: Option<i64>,
    /// The list's own cursor, once paging by time could not move on.
    pub cursor: Option<i64>,
    /// The last row's start (ms), and the ids seen at that instant.
    edge: Option<i64>,
    seen: HashSet<String>,
}

impl ByTime {
    /// Takes a page asked for with `before_ms`/`cursor`: returns its new rows and whether
    /// another page follows (`before_ms`/`cursor` then say where).
    pub(crate) fn next<T: Timed>(&mut self, page: Page<T>) -> (Vec<T>, bool) {
        let more = page.has_more && page.next_cursor.is_some();
        let ms = |r: &T| r.started_at().map(|t| t.timestamp_millis());
        let rows: Vec<T> = page
            .rows
            .into_iter()
            .filter(|r| match (self.edge, ms(r)) {
                (Some(edge), Some(t)) => t < edge || (t == edge && !self.seen.contains(r.id())),
                _ => true,
            })
            .collect();
        if !more {
            return (rows, false);
        }
        match rows.last().and_then(&ms) {
            Some(last) if self.cursor.is_none() => {
                if self.edge != Some(last) {
                    self.seen.clear();
                    self.edge = Some(last);
                }
                let at_edge = rows.iter().filter(|r| ms(r) == Some(last));
                self.seen.extend(at_edge.map(|r| r.id().to_string()));
                self.before_ms = Some(last + 1);
            }
            // Nothing new at this instant, or a row without a time: the cursor goes on.
            _ => self.cursor = page.next_cursor,
        }
        (rows, true)
    }
}

/// Every page of a list by time, `fetch(before_ms, cursor)` asking for one; `sink` gets each
/// page's new rows and whether it is the last.
pub(crate) async fn pages<T, F, Fut>(
    fetch: F,
    sink: impl FnMut(Vec<T>, bool),
) -> Result<(), ClientError>
where
    T: Timed,
    F: FnMut(Option<i64>, Option<i64>) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, ClientError>>,
{
    pages_until(fetch, sink, |_| false).await
}

/// As [`pages`], stopping early once `enough(oldest)` says so, `oldest` being the start of the
/// oldest row so far (ms).
pub(crate) async fn pages_until<T, F, Fut>(
    mut fetch: F,
    mut sink: impl FnMut(Vec<T>, bool),
    mut enough: impl FnMut(Option<i64>) -> bool,
) -> Result<(), ClientError>
where
    T: Timed,
    F: FnMut(Option<i64>, Option<i64>) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, ClientError>>,
{
    let mut at = ByTime::default();
    loop {
        let page = fetch(at.before_ms, at.cursor).await?;
        let (rows, more) = at.next(page);
        let last = !more || enough(at.edge);
        sink(rows, last);
        if last {
            return Ok(());
        }
    }
}

/// The runs' time span (ms) cut into `n` slices, each from inclusive to exclusive, the
/// first open below (rows without a start go there) and the last above; one slice, the whole
/// scope, when the span is unknown.
pub(crate) fn slices(span: Option<(i64, i64)>, n: i64) -> Vec<Option<(i64, i64)>> {
    let Some((lo, hi)) = span else { return vec![None] };
    let step = ((hi - lo) / n).max(1);
    let mut edges: Vec<i64> = (1..n).map(|k| lo + k * step).filter(|e| *e < hi).collect();
    edges.dedup();
    let mut from = i64::MIN;
    let mut out = Vec::new();
    for e in edges {
        out.push(Some((from, e)));
        from = e;
    }
    out.push(Some((from, i64::MAX)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::crossrun::PhaseRow;

    fn row(id: &str, ms: i64) -> PhaseRow {
        PhaseRow {
            id: id.into(),
            started_at: Some(crate::api::time::from_ms(ms)),
            ..PhaseRow::default()
        }
    }

    /// A list of rows newest first, served as a server would, by time and by offset.
    fn serve(all: &[PhaseRow], before_ms: Option<i64>, cursor: Option<i64>) -> Page<PhaseRow> {
        let fits: Vec<PhaseRow> = all
            .iter()
            .filter(|r| before_ms.is_none_or(|b| r.started_at.unwrap().timestamp_millis() <= b))
            .cloned()
            .collect();
        let from = cursor.unwrap_or(0) as usize;
        let rows: Vec<PhaseRow> = fits.iter().skip(from).take(3).cloned().collect();
        let has_more = fits.len() > from + 3;
        Page { rows, bad_rows: vec![], has_more, next_cursor: has_more.then_some(from as i64 + 3) }
    }

    #[test]
    fn every_row_once_even_with_more_rows_at_one_instant_than_a_page_holds() {
        // Newest first: two at 100, five at 90 (more than a page of 3), one at 80.
        let mut all = vec![row("a", 100), row("b", 100)];
        all.extend(["c", "d", "e", "f", "g"].map(|id| row(id, 90)));
        all.push(row("h", 80));
        let mut at = ByTime::default();
        let mut got = Vec::new();
        for _ in 0..20 {
            let (rows, more) = at.next(serve(&all, at.before_ms, at.cursor));
            got.extend(rows.into_iter().map(|r| r.id));
            if !more {
                break;
            }
        }
        assert_eq!(got, ["a", "b", "c", "d", "e", "f", "g", "h"]);
    }

    #[test]
    fn pages_by_time_while_it_moves_on() {
        let all: Vec<PhaseRow> = (0..10).map(|i| row(&format!("r{i}"), 1000 - i * 10)).collect();
        let mut at = ByTime::default();
        let (first, more) = at.next(serve(&all, None, None));
        assert_eq!((first.len(), more), (3, true));
        // The next page asks by time (the last row's, plus a millisecond), not by offset.
        assert_eq!((at.before_ms, at.cursor), (Some(981), None));
    }

    #[test]
    fn slices_cover_the_span_once_in_order() {
        assert_eq!(slices(None, 8), vec![None]);
        let s = slices(Some((1_000, 9_000)), 8);
        assert_eq!(s.len(), 8);
        assert_eq!(s[0], Some((i64::MIN, 2_000)));
        assert_eq!(s[7], Some((8_000, i64::MAX)));
        for w in s.windows(2) {
            assert_eq!(w[0].unwrap().1, w[1].unwrap().0, "contiguous, no gap, no overlap");
        }
        // A span shorter than the slices: fewer slices, still covering everything.
        let s = slices(Some((5, 7)), 8);
        assert_eq!(s, vec![Some((i64::MIN, 6)), Some((6, i64::MAX))]);
        assert_eq!(slices(Some((5, 5)), 8), vec![Some((i64::MIN, i64::MAX))]);
    }
}
