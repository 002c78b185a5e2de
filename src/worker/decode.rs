//! Decoding the API's answers: a runs page row by row (a bad row never fails the page), a
//! run's head without its logs, the logs apart, and the name lists the filter resolves with.

use serde_json::value::RawValue;

use super::client::ClientError;
use crate::api::{RawPage, RunDetail};
use crate::model::{NamePool, RunRow, RunsPage};

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
pub fn decode_page(body: &[u8], name_pool: &mut NamePool) -> Result<RunsPage, ClientError> {
    let page: RawPage =
        serde_json::from_slice(body).map_err(|e| ClientError::Decode(e.to_string()))?;
    let rows = page.data.iter().map(|raw| RunRow::decode(raw.get(), name_pool)).collect();
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
/// but for `logs`.) Its phases are `P`: decoded (`Option<Vec<Phase>>`), or kept as raw JSON
/// (`Raw`) where they were decoded apart.
#[derive(serde::Deserialize)]
struct RunHead<'a, P> {
    #[serde(flatten)]
    summary: crate::api::RunSummary,
    #[serde(default)]
    phases: P,
    #[serde(default)]
    attachments: Option<Vec<crate::api::Attachment>>,
    #[serde(default, borrow)]
    logs: Raw<'a>,
    #[serde(default)]
    sub_units: Option<Vec<crate::api::SubUnit>>,
    #[serde(default)]
    config: Vec<crate::api::ConfigEntry>,
    #[serde(default)]
    secrets: Vec<crate::api::SecretEntry>,
}

impl<P> RunHead<'_, P> {
    /// The run, without its logs, with these phases.
    fn detail(self, phases: Option<Vec<crate::api::Phase>>) -> RunDetail {
        RunDetail {
            summary: self.summary,
            phases,
            attachments: self.attachments,
            logs: None,
            sub_units: self.sub_units,
            config: self.config,
            secrets: self.secrets,
        }
    }
}

/// A field's JSON text as it is, `null` too (which `Option<&RawValue>` would make `None`).
#[derive(Default)]
struct Raw<'a>(Option<&'a RawValue>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Raw<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'a RawValue>::deserialize(d).map(|r| Raw(Some(r)))
    }
}

/// Decodes a run without its logs; returns where in `body` the logs' JSON is, to decode next
/// (a range rather than a copy: they are most of the body).
pub fn decode_run_head(
    body: &[u8],
) -> Result<(RunDetail, Option<std::ops::Range<usize>>), ClientError> {
    match decode_split(body) {
        Some(split) => Ok(split),
        None => decode_whole(body),
    }
}

fn decode_whole(body: &[u8]) -> Result<(RunDetail, Option<std::ops::Range<usize>>), ClientError> {
    let mut h: RunHead<Option<Vec<crate::api::Phase>>> =
        serde_json::from_slice(body).map_err(|e| ClientError::Decode(e.to_string()))?;
    let logs = h.logs.0.filter(|l| l.get() != "null").map(|l| {
        let start = l.get().as_ptr() as usize - body.as_ptr() as usize;
        start..start + l.get().len()
    });
    let phases = h.phases.take();
    Ok((h.detail(phases), logs))
}

/// Above this size a run's head is decoded on two threads.
const SPLIT_ABOVE: usize = 1 << 20;

/// A huge run's head on two threads: its phases are decoded on one while the other finds
/// where its logs end (the two are nearly all of its bytes: 27 and 37 of 66 MiB); the rest is
/// decoded with `null` in their places. Both are found by their keys (`"phases":`, `"logs":`:
/// with its quotes unescaped, such a text can only be a key or a key's end); the rest's
/// decoding then checks that both were cut exactly where the run's own fields are, not inside
/// something else. `None`, and the body is decoded whole, when a body is small or any of this fails.
fn decode_split(body: &[u8]) -> Option<(RunDetail, Option<std::ops::Range<usize>>)> {
    if body.len() < SPLIT_ABOVE {
        return None;
    }
    let value_after = |key: &[u8]| {
        let mut at = memchr::memmem::find(body, key)? + key.len();
        while body.get(at)?.is_ascii_whitespace() {
            at += 1;
        }
        Some(at)
    };
    let (phases_at, logs_at) = (value_after(b"\"phases\":")?, value_after(b"\"logs\":")?);
    let (phases, logs_end) = std::thread::scope(|s| {
        let logs = s.spawn(|| first_value::<serde::de::IgnoredAny>(body, logs_at));
        let phases = first_value::<Option<Vec<crate::api::Phase>>>(body, phases_at);
        (phases, logs.join().ok().flatten())
    });
    let ((phases, phases_end), (_, logs_end)) = (phases?, logs_end?);
    let mut cuts = [(phases_at, phases_end), (logs_at, logs_end)];
    cuts.sort();
    if cuts[0].1 > cuts[1].0 {
        return None;
    }
    let mut rest =
        Vec::with_capacity(body.len() - (phases_end - phases_at) - (logs_end - logs_at) + 8);
    let (mut from, mut nulls) = (0, [0; 2]);
    for (null, (start, end)) in nulls.iter_mut().zip(cuts) {
        rest.extend_from_slice(&body[from..start]);
        *null = rest.len();
        rest.extend_from_slice(b"null");
        from = end;
    }
    rest.extend_from_slice(&body[from..]);
    // The rest, with its phases and logs as cut: both must be where the `null`s were put.
    let r: RunHead<Raw> = serde_json::from_slice(&rest).ok()?;
    let at = |v: &Raw| v.0.map(|v| v.get().as_ptr() as usize - rest.as_ptr() as usize);
    let null_of = |start| nulls[usize::from(cuts[0].0 != start)];
    if at(&r.phases) != Some(null_of(phases_at)) || at(&r.logs) != Some(null_of(logs_at)) {
        return None;
    }
    let logs = (&body[logs_at..logs_end] != b"null").then_some(logs_at..logs_end);
    Some((r.detail(phases), logs))
}

/// The JSON value that starts at `body[at]`, and the index after it.
fn first_value<T: serde::de::DeserializeOwned>(body: &[u8], at: usize) -> Option<(T, usize)> {
    let mut values = serde_json::Deserializer::from_slice(&body[at..]).into_iter::<T>();
    let value = values.next()?.ok()?;
    Some((value, at + values.byte_offset()))
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::{decode_run_head, decode_split, decode_whole};

    /// The fixture run grown past `SPLIT_ABOVE`, as its fields' JSON texts in server order.
    fn huge_fields() -> Vec<(String, String)> {
        let mut run: serde_json::Map<String, Value> =
            serde_json::from_slice(include_bytes!("../../tests/fixtures/run.json")).unwrap();
        for (key, times) in [("phases", 600), ("logs", 600)] {
            let one = run[key].as_array().unwrap().clone();
            run[key] = Value::Array((0..times).flat_map(|_| one.clone()).collect());
        }
        run.into_iter().map(|(k, v)| (k, v.to_string())).collect()
    }

    fn object(fields: &[(String, String)], sep: &str) -> Vec<u8> {
        let fields: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{sep}{v}")).collect();
        format!("{{{sep}{}{sep}}}", fields.join(&format!(",{sep}"))).into_bytes()
    }

    fn same_as_whole(body: &[u8]) {
        let (fast, fast_logs) = decode_run_head(body).unwrap();
        let (whole, whole_logs) = decode_whole(body).unwrap();
        assert_eq!(fast, whole);
        assert!(fast.phases.as_ref().is_some_and(|p| p.len() > 1000));
        assert_eq!(fast_logs.map(|r| &body[r]), whole_logs.map(|r| &body[r]));
    }

    #[test]
    fn a_huge_run_is_split_and_decodes_as_a_whole_decode_does() {
        let fields = huge_fields();
        let body = object(&fields, "");
        assert!(body.len() > super::SPLIT_ABOVE);
        // In the server's order, spaced out, and with the logs before the phases.
        let mut reversed = fields.clone();
        reversed.reverse();
        for body in [body, object(&fields, "\n  "), object(&reversed, " ")] {
            assert!(decode_split(&body).is_some(), "split");
            same_as_whole(&body);
        }
    }

    #[test]
    fn keys_found_inside_other_fields_fall_back_to_the_whole_decode() {
        let mut fields = huge_fields();
        let decoy = r#"[{"id":"s","serial_number":"S","phases":[],"logs":[]}]"#;
        fields.retain(|(k, _)| k != "sub_units");
        fields.insert(1, ("sub_units".into(), decoy.into()));
        let body = object(&fields, "");
        assert!(decode_split(&body).is_none(), "the first `\"phases\":` is a sub-unit's");
        same_as_whole(&body);
        // Logs that are `null`: no logs to decode next.
        for (k, v) in &mut fields {
            if k == "logs" {
                *v = "null".into();
            } else if k == "sub_units" {
                *v = "[]".into();
            }
        }
        let body = object(&fields, "");
        let (run, logs) = decode_split(&body).expect("split");
        assert_eq!((run.logs, logs), (None, None));
    }
}
