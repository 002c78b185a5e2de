//! The runs of a range after its first page, by time slices read at once (issue 26): the
//! list's cursor is an offset, which a server walks again on every page (the last pages of
//! 50,000 runs each walk 50,000 rows), so the range is cut by start time and each slice is
//! paged on its own, shallowly, the slices at once (as many requests on their way as the link
//! wants, fewer after a 429 or 503: the client's own bound). Where the range holds more runs
//! than asked for, one probe finds the start of the last one wanted first.

use std::collections::{HashSet, VecDeque};

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use super::Task;
use super::analysis::{PAGE, in_flight};
use super::by_time::slices;
use super::client::ClientError;
use super::population::{Ask, Params, Row, decode, ranged};

/// The start (ms) of the run at `offset` of `params` in `range`, newest first (oldest first
/// with `oldest`), and whether more follow it.
async fn probe(
    task: &Task,
    how: Ask,
    params: &Params,
    range: (i64, i64),
    offset: usize,
    oldest: bool,
) -> Result<(Option<i64>, bool), ClientError> {
    let page = task.one_run(how, params, range, offset, oldest).await?;
    let start = page.data.first().and_then(|raw| {
        let r: crate::api::RunSummary = serde_json::from_str(raw.get()).ok()?;
        Some(r.started_at?.timestamp_millis())
    });
    Ok((start, page.meta.has_more))
}

impl Task {
    /// The runs of `params` in `lo..=hi` started at or before `top` (the first page's oldest,
    /// whose ids are `seen`), slice by slice, up to `max` in all with the first page's `got`.
    /// `Ok(None)`: nothing can be cut by time (no start to bound the range by): the caller
    /// pages by offset. Else whether more runs than `max` exist, and then from when the runs
    /// read start (those at the last wanted run's instant are left out, so that the span read
    /// is whole).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn rest_by_slices(
        &self,
        how: Ask,
        params: &Params,
        (lo, hi): (i64, i64),
        (top, got, max): (i64, usize, usize),
        mut seen: HashSet<String>,
        on_rows: &mut impl FnMut(Vec<Row>, usize),
    ) -> Result<Option<Option<i64>>, ClientError> {
        // Where the range ends: the last wanted run's start (more than `max`), else the
        // range's own start, else its oldest run's.
        let (cap_at, more) = match max {
            usize::MAX => (None, false),
            _ => probe(self, how, params, (lo, hi), max - 1, false).await?,
        };
        let (bottom, more) = match (cap_at, more) {
            (Some(t), true) => (t.saturating_add(1), true),
            _ if lo != i64::MIN => (lo, false),
            _ => match probe(self, how, params, (lo, hi), 0, true).await?.0 {
                Some(t) => (t, false),
                None => return Ok(None),
            },
        };
        if bottom > top {
            // The first page holds the runs wanted, but for ties at its oldest instant.
            return Ok(None);
        }
        let n = in_flight(self.client.round_trip_ms());
        let cut: Vec<(i64, i64)> = slices(Some((bottom, top + 1)), (2 * n as i64).clamp(2, 32))
            .into_iter()
            .flatten()
            .map(|(from, to)| (from.max(bottom), to.min(top + 1)))
            .collect();
        // Each slice asks a millisecond beyond its edges (not every server's bounds are
        // inclusive), but for the range's own start, which stays as the server reads it; a
        // run two slices both bring is given once.
        let page = |(from, to): (i64, i64), at: usize| {
            let mut p = ranged(params, if from == lo { lo } else { from - 1 }, to);
            p.push(("limit", PAGE.to_string()));
            if at > 0 {
                p.push(("cursor", at.to_string()));
            }
            async move {
                let body = self
                    .ask(how, move |c, report| {
                        let p = p.clone();
                        async move { c.list_runs_raw(&p, &report).await }
                    })
                    .await;
                ((from, to), at, body)
            }
        };
        let mut todo: VecDeque<((i64, i64), usize)> = cut.into_iter().map(|s| (s, 0)).collect();
        let mut running = FuturesUnordered::new();
        let mut got = got;
        loop {
            while running.len() < n {
                let Some((s, at)) = todo.pop_front() else { break };
                running.push(page(s, at));
            }
            let Some((slice, at, body)) = running.next().await else { break };
            let (rows, bad, has_more) = decode(&body?)?;
            if has_more {
                // The slice's next page first: a slice is read through before the next starts.
                todo.push_front((slice, at + PAGE));
            }
            let rows: Vec<Row> = rows
                .into_iter()
                .filter(|r| (bottom..=top).contains(&r.kept.started_ms))
                .filter(|r| seen.insert(r.kept.id.clone()))
                .collect();
            got += rows.len() + bad;
            on_rows(rows, bad);
        }
        tracing::debug!(runs = got, more, "insight: a range read by time slices");
        Ok(Some(more.then_some(bottom)))
    }
}

#[cfg(test)]
#[path = "sliced_tests.rs"]
mod tests;
