//! Reading a population's runs from the server by ranges of start time (both ends inclusive,
//! as the API's windows are), and asking whether the server holds exactly as many runs in a
//! range as the cache does: one row at the offset of the last one, and whether more follow.

use std::collections::HashSet;

use futures::StreamExt;

use super::analysis::{PAGE, in_flight};
use super::client::{ClientError, Report};
use super::{ApiClient, Task};
use crate::api::RawPage;
use crate::api::RunSummary;
use crate::api::time::{from_ms, query_timestamp};
use crate::cache::KeptSummary;

pub(super) type Params = Vec<(&'static str, String)>;

/// A run as read: typed for the panes, and as the server wrote it for the cache.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) kept: KeptSummary,
    /// Shared: a population held for a reopening is copied without copying its runs.
    pub(super) summary: std::sync::Arc<RunSummary>,
}

impl Row {
    /// The row without its JSON (once the cache has it): a copy that costs two names.
    pub(super) fn light(&self) -> Row {
        let k = &self.kept;
        let kept = KeptSummary {
            id: k.id.clone(),
            started_ms: k.started_ms,
            procedure_id: k.procedure_id.clone(),
            body: String::new(),
            failures_known: k.failures_known,
        };
        Row { kept, summary: self.summary.clone() }
    }

    /// A kept run, read back; its JSON is not kept in memory (it is in the cache already, and
    /// only runs read from the server are written).
    pub(super) fn from_kept(mut kept: KeptSummary) -> Option<Row> {
        let summary = serde_json::from_str(&kept.body).ok()?;
        kept.body = String::new();
        Some(Row { kept, summary: std::sync::Arc::new(summary) })
    }
}

/// A page's rows (those that can be read), how many could not be, and whether more follow.
pub(super) fn decode(body: &[u8]) -> Result<(Vec<Row>, usize, bool), ClientError> {
    let page: RawPage =
        serde_json::from_slice(body).map_err(|e| ClientError::Decode(e.to_string()))?;
    let rows: Vec<Row> = page
        .data
        .iter()
        .filter_map(|raw| {
            let summary: RunSummary = serde_json::from_str(raw.get()).ok()?;
            let kept = KeptSummary {
                id: summary.id.clone(),
                started_ms: summary.started_at.map_or(i64::MIN, |t| t.timestamp_millis()),
                procedure_id: summary.procedure.id.clone(),
                body: raw.get().to_string(),
                failures_known: false,
            };
            Some(Row { kept, summary: std::sync::Arc::new(summary) })
        })
        .collect();
    Ok({
        let bad = page.data.len() - rows.len();
        (rows, bad, page.meta.has_more)
    })
}

/// The window's bounds in a filter's parameters (ms; `i64::MIN`/`MAX` where it has none),
/// taken out of them.
pub(super) fn take_window(params: &mut Params) -> (i64, i64) {
    let mut bound = |key: &str, none: i64| {
        let at = params.iter().position(|(k, _)| *k == key);
        at.map(|i| params.remove(i).1)
            .and_then(|v| chrono::DateTime::parse_from_rfc3339(&v).ok())
            .map_or(none, |t| t.timestamp_millis())
    };
    (bound("started_after", i64::MIN), bound("started_before", i64::MAX))
}

/// `params` over `lo..=hi`, newest first, with metadata.
pub(super) fn ranged(params: &Params, lo: i64, hi: i64) -> Params {
    let mut p = params.clone();
    if lo != i64::MIN {
        p.push(("started_after", query_timestamp(&from_ms(lo))));
    }
    if hi != i64::MAX {
        p.push(("started_before", query_timestamp(&from_ms(hi))));
    }
    p.push(("sort_by", "started_at".into()));
    p.push(("sort_order", "desc".into()));
    p.push(("include_metadata", "true".into()));
    p
}

/// How a sync asks: once (a cache to fall back on: offline shows it) or until the server
/// answers (nothing to show meanwhile).
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Ask {
    Once,
    UntilAnswered,
}

impl Task {
    pub(super) async fn ask<T, F, Fut>(&self, how: Ask, f: F) -> Result<T, ClientError>
    where
        F: Fn(ApiClient, Report) -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        match how {
            Ask::UntilAnswered => self.retrying(f).await,
            Ask::Once => f(self.client.clone(), super::client::silent()).await,
        }
    }

    /// Every run of `params` started in `lo..=hi`, newest first, up to `max`: the first page
    /// alone (most reads are one page), then the rest by time slices at once
    /// ([`Task::rest_by_slices`]), or by offset where the range cannot be cut by time.
    /// `on_rows` hears each page's rows and unreadable count. `Some(from)` when more runs
    /// than `max` exist: the caller keeps the runs started at `from` or later (a cut between
    /// two instants, so the span read is whole).
    pub(super) async fn fetch_range(
        &self,
        how: Ask,
        params: &Params,
        (lo, hi): (i64, i64),
        max: usize,
        mut on_rows: impl FnMut(Vec<Row>, usize),
    ) -> Result<Option<i64>, ClientError> {
        if lo > hi {
            return Ok(None);
        }
        if max == 0 {
            return Ok(Some(hi.saturating_add(1)));
        }
        let mut p = ranged(params, lo, hi);
        p.push(("limit", PAGE.to_string()));
        let page = |at: usize| {
            let mut p = p.clone();
            if at > 0 {
                p.push(("cursor", at.to_string()));
            }
            self.ask(how, move |c, report| {
                let p = p.clone();
                async move { c.list_runs_raw(&p, &report).await }
            })
        };
        let (rows, bad, more) = decode(&page(0).await?)?;
        let mut got = rows.len() + bad;
        let mut oldest = rows.iter().map(|r| r.kept.started_ms).min().unwrap_or(i64::MAX);
        let seen: HashSet<String> = rows.iter().map(|r| r.kept.id.clone()).collect();
        on_rows(rows, bad);
        if !more {
            return Ok(None);
        }
        if got >= max {
            return Ok(Some(oldest.saturating_add(1)));
        }
        if oldest != i64::MAX && oldest != i64::MIN {
            let first = (oldest, got, max);
            let sliced = self.rest_by_slices(how, params, (lo, hi), first, seen, &mut on_rows);
            if let Some(from) = sliced.await? {
                return Ok(from);
            }
        }
        let pages = futures::stream::iter((1..).map(|k| k * PAGE).take_while(|at| *at < max))
            .map(page)
            .buffered(in_flight(self.client.round_trip_ms()));
        let mut pages = std::pin::pin!(pages);
        while let Some(body) = pages.next().await {
            let (rows, bad, more) = decode(&body?)?;
            got += rows.len() + bad;
            oldest = rows.iter().map(|r| r.kept.started_ms).fold(oldest, i64::min);
            on_rows(rows, bad);
            if !more {
                return Ok(None);
            }
            if got >= max {
                return Ok(Some(oldest.saturating_add(1)));
            }
        }
        Ok(Some(oldest.saturating_add(1)))
    }

    /// Whether the server holds exactly `n` runs of `params` started in `lo..=hi`.
    pub(super) async fn holds_exactly(
        &self,
        how: Ask,
        params: &Params,
        (lo, hi): (i64, i64),
        n: usize,
    ) -> Result<bool, ClientError> {
        let page = self.one_run(how, params, (lo, hi), n.saturating_sub(1), false).await?;
        Ok(page.data.len() == n.min(1) && !page.meta.has_more)
    }

    /// The run at `offset` of `params` in `lo..=hi`, newest first (oldest first with
    /// `oldest`), without its metadata, as a page of one.
    pub(super) async fn one_run(
        &self,
        how: Ask,
        params: &Params,
        (lo, hi): (i64, i64),
        offset: usize,
        oldest: bool,
    ) -> Result<RawPage, ClientError> {
        let mut p = ranged(params, lo, hi);
        p.retain(|(k, _)| !matches!(*k, "include_metadata" | "sort_order"));
        p.push(("sort_order", if oldest { "asc" } else { "desc" }.into()));
        p.push(("limit", "1".into()));
        if offset > 0 {
            p.push(("cursor", offset.to_string()));
        }
        let body = self
            .ask(how, move |c, report| {
                let p = p.clone();
                async move { c.list_runs_raw(&p, &report).await }
            })
            .await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Decode(e.to_string()))
    }
}
