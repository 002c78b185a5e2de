//! Decoding the API's answers: a runs page row by row (a bad row never fails the page), a
//! run's head without its logs, the logs apart, and the name lists the filter resolves with.

use serde_json::value::RawValue;

use super::client::ClientError;
use crate::api::{ListMeta, RunDetail};
use crate::model::{Interner, RunRow, RunsPage};

#[derive(serde::Deserialize)]
struct RawPage {
    #[serde(default)]
    data: Vec<Box<RawValue>>,
    #[serde(default)]
    meta: ListMeta,
}

/// A named thing from a catalog (procedure, station, user).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct Named {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(serde::Deserialize)]
pub(crate) struct NamedPage {
    #[serde(default)]
    pub(crate) data: Vec<Named>,
}

/// Reads one page of runs. Each row is decoded on its own: a row that cannot be read becomes
/// a row that says so; only a body that is not a page at all fails.
pub fn decode_page(body: &[u8], interner: &mut Interner) -> Result<RunsPage, ClientError> {
    let page: RawPage =
        serde_json::from_slice(body).map_err(|e| ClientError::Decode(e.to_string()))?;
    let rows = page.data.iter().map(|raw| RunRow::decode(raw.get(), interner)).collect();
    Ok(RunsPage { rows, has_more: page.meta.has_more, next_cursor: page.meta.next_cursor })
}

/// The whole body, into one buffer sized from `Content-Length` (a huge run is 65 MiB: no
/// regrowing, one copy).
pub(crate) async fn read_body(mut resp: reqwest::Response) -> Result<bytes::Bytes, reqwest::Error> {
    let mut buf = Vec::with_capacity(resp.content_length().unwrap_or(0).min(1 << 30) as usize);
    while let Some(chunk) = resp.chunk().await? {
        buf.extend_from_slice(&chunk);
    }
    Ok(bytes::Bytes::from(buf))
}

/// Runs CPU-heavy decoding on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ClientError> + Send + 'static,
) -> Result<T, ClientError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ClientError::Decode(e.to_string()))?
}

/// A run with its logs kept as raw JSON: the logs of a huge run are most of its bytes and of
/// its decoding time, and the first screen does not need them. (Field for field `RunDetail`,
/// but for `logs`.)
#[derive(serde::Deserialize)]
struct RunHead<'a> {
    #[serde(flatten)]
    summary: crate::api::RunSummary,
    #[serde(default)]
    phases: Option<Vec<crate::api::Phase>>,
    #[serde(default)]
    attachments: Option<Vec<crate::api::Attachment>>,
    #[serde(default, borrow)]
    logs: Option<&'a RawValue>,
    #[serde(default)]
    sub_units: Option<Vec<crate::api::SubUnit>>,
    #[serde(default)]
    config: Vec<crate::api::ConfigEntry>,
    #[serde(default)]
    secrets: Vec<crate::api::SecretEntry>,
}

/// Decodes a run without its logs; returns where in `body` the logs' JSON is, to decode next
/// (a range rather than a copy: they are most of the body).
pub fn decode_run_head(
    body: &[u8],
) -> Result<(RunDetail, Option<std::ops::Range<usize>>), ClientError> {
    let h: RunHead =
        serde_json::from_slice(body).map_err(|e| ClientError::Decode(e.to_string()))?;
    let logs = h.logs.filter(|l| l.get() != "null").map(|l| {
        let start = l.get().as_ptr() as usize - body.as_ptr() as usize;
        start..start + l.get().len()
    });
    let run = RunDetail {
        summary: h.summary,
        phases: h.phases,
        attachments: h.attachments,
        logs: None,
        sub_units: h.sub_units,
        config: h.config,
        secrets: h.secrets,
    };
    Ok((run, logs))
}

/// Decodes log lines (a JSON array); one line of the wrong shape is kept as a line saying so.
pub fn decode_logs(json: &[u8]) -> Result<Vec<crate::api::LogLine>, ClientError> {
    let items: Vec<&RawValue> =
        serde_json::from_slice(json).map_err(|e| ClientError::Decode(format!("logs: {e}")))?;
    Ok(items
        .into_iter()
        .map(|i| {
            serde_json::from_str(i.get()).unwrap_or_else(|e| crate::api::LogLine {
                message: format!("(unreadable log line: {e})"),
                ..Default::default()
            })
        })
        .collect())
}
