//! Our TofuPilot API v2 client (reqwest + serde). It is more tolerant than the SDK: list rows
//! are decoded one by one, so one malformed row shows as such instead of failing the page.
//! Retries 429 and 5xx (honouring `Retry-After`) and transport failures with backoff.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::rows::{Interner, RunRow};
use crate::api::{ApiErrorBody, ListMeta, RunDetail};

/// Told of every retry the client makes on its own (429/5xx): the error and the wait.
pub type Report = std::sync::Arc<dyn Fn(&ClientError, Duration) + Send + Sync>;

/// A report that says nothing.
pub fn silent() -> Report {
    std::sync::Arc::new(|_, _| {})
}

pub const DEFAULT_URL: &str = "https://www.tofupilot.app";

/// How to reach the API.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Instance root, e.g. `https://www.tofupilot.app` (`/api/v2` is appended).
    pub url: String,
    pub api_key: String,
    pub ca_cert: Option<PathBuf>,
    /// Per attempt.
    pub timeout: Duration,
}

/// What went wrong, in words a user can act on. Never contains the API key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    #[error("the API key was rejected (HTTP 401): {0}")]
    Unauthorized(String),
    #[error("not allowed with this API key (HTTP 403): {0}")]
    Forbidden(String),
    #[error("not found (HTTP 404): {0}")]
    NotFound(String),
    #[error("HTTP {status}: {message}")]
    Status { status: u16, message: String },
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    #[error("no answer within {0} s")]
    Timeout(u64),
    #[error("the server's answer could not be read: {0}")]
    Decode(String),
    #[error("{0}")]
    Config(String),
    /// The server has no such endpoint (an older TofuPilot): a view falls back.
    #[error("{0}")]
    NotSupported(String),
    /// A name in the filter matched nothing (so no request was sent).
    #[error("{0}")]
    NoMatch(String),
}

impl ClientError {
    /// Worth trying again later (the server may come back).
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Unreachable(_) | ClientError::Timeout(_) => true,
            ClientError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// The connection itself failed: rows on screen become stale while retries go on.
    pub fn is_offline(&self) -> bool {
        matches!(self, ClientError::Unreachable(_) | ClientError::Timeout(_))
    }
}

/// One page of `GET /v2/runs`.
#[derive(Debug, Clone, Default)]
pub struct RunsPage {
    pub rows: Vec<RunRow>,
    pub has_more: bool,
    pub next_cursor: Option<i64>,
}

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
struct NamedPage {
    #[serde(default)]
    data: Vec<Named>,
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
async fn read_body(mut resp: reqwest::Response) -> Result<bytes::Bytes, reqwest::Error> {
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

/// Backoff before attempt `n` (1-based retry count): 250 ms doubling to 8 s, with jitter.
pub fn backoff(n: u32) -> Duration {
    let base = 250u64.saturating_mul(1 << n.saturating_sub(1).min(5));
    Duration::from_millis(base + fastrand::u64(0..=base / 2))
}

/// `Retry-After` in seconds or as an HTTP date, capped at 60 s.
fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let v = resp.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let d = match v.trim().parse::<u64>() {
        Ok(s) => Duration::from_secs(s),
        Err(_) => {
            let t = chrono::DateTime::parse_from_rfc2822(v).ok()?;
            (t.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().unwrap_or_default()
        }
    };
    Some(d.min(Duration::from_secs(60)))
}

/// The API base (`…/api/v2`) for an instance root, as the SDK builds it.
pub fn api_base(root: &str) -> String {
    let root = root.trim().strip_suffix('/').unwrap_or(root.trim());
    let api = if root.ends_with("/api") { root.to_string() } else { format!("{root}/api") };
    format!("{api}/v2")
}

fn is_loopback(url: &str) -> bool {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| {
                h == "localhost" || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
            })
        })
        .unwrap_or(false)
}

/// A failed attempt: the error and how long the server asked us to wait, if it did.
struct Attempt {
    error: ClientError,
    wait: Option<Duration>,
}

#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
    key: String,
    timeout: Duration,
    /// Retries of a 429/5xx answer before giving up (transport failures are the caller's call).
    pub max_retries: u32,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key never appears in logs.
        f.debug_struct("ApiClient").field("base", &self.base).finish_non_exhaustive()
    }
}

impl ApiClient {
    pub fn new(cfg: &ClientConfig) -> Result<ApiClient, ClientError> {
        crate::init_tls();
        let mut b = reqwest::Client::builder()
            .user_agent(concat!("tofui/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(60));
        if reqwest::Url::parse(&cfg.url).is_err() {
            return Err(ClientError::Config(format!(
                "`{}` is not a URL; use e.g. https://www.tofupilot.app",
                cfg.url
            )));
        }
        if is_loopback(&cfg.url) {
            // A proxy set for the outside world must not capture the local demo server.
            b = b.no_proxy();
        }
        if let Some(path) = &cfg.ca_cert {
            let pem = std::fs::read(path).map_err(|e| {
                ClientError::Config(format!("cannot read --ca-cert {}: {e}", path.display()))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                ClientError::Config(format!("{} holds no PEM certificate: {e}", path.display()))
            })?;
            if certs.is_empty() {
                return Err(ClientError::Config(format!(
                    "{} holds no PEM certificate",
                    path.display()
                )));
            }
            for c in certs {
                b = b.add_root_certificate(c);
            }
        }
        let http =
            b.build().map_err(|e| ClientError::Config(format!("cannot set up HTTPS: {e}")))?;
        Ok(ApiClient {
            http,
            base: api_base(&cfg.url),
            key: cfg.api_key.clone(),
            timeout: cfg.timeout,
            max_retries: 3,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn attempt(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<bytes::Bytes, Attempt> {
        let url = format!("{}{path}", self.base);
        let req = self
            .http
            .request(method, &url)
            .bearer_auth(&self.key)
            .query(query)
            .timeout(self.timeout);
        let resp = req
            .send()
            .await
            .map_err(|e| Attempt { error: transport(&e, self.timeout), wait: None })?;
        let status = resp.status();
        if status.is_success() {
            return read_body(resp)
                .await
                .map_err(|e| Attempt { error: transport(&e, self.timeout), wait: None });
        }
        let wait = retry_after(&resp);
        let body = resp.bytes().await.unwrap_or_default();
        Err(Attempt { error: status_error(status, &body), wait })
    }

    /// One request with retries of 429/5xx answers. Transport failures return at once so the
    /// worker can report them and keep retrying as long as the request is wanted.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        report: &Report,
    ) -> Result<bytes::Bytes, ClientError> {
        let mut retries = 0;
        loop {
            match self.attempt(method.clone(), path, query).await {
                Ok(b) => return Ok(b),
                Err(Attempt { error, wait }) => {
                    let server_side =
                        matches!(error, ClientError::Status { .. }) && error.is_transient();
                    if !server_side || retries >= self.max_retries {
                        return Err(error);
                    }
                    retries += 1;
                    let delay = wait.unwrap_or_else(|| backoff(retries));
                    tracing::debug!(path, retries, ?delay, %error, "retrying");
                    report(&error, delay);
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        report: &Report,
    ) -> Result<T, ClientError> {
        let body = self.call(Method::GET, path, query, report).await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// The body of one page of runs; [`decode_page`] reads it.
    pub async fn list_runs_raw(
        &self,
        params: &[(&str, String)],
        report: &Report,
    ) -> Result<bytes::Bytes, ClientError> {
        self.call(Method::GET, "/runs", params, report).await
    }

    /// One run, decoded whole. A big run is tens of MiB: it is decoded off the async threads.
    pub async fn get_run(&self, id: &str, report: &Report) -> Result<RunDetail, ClientError> {
        let body = self.get_run_body(id, report).await?;
        blocking(move || {
            serde_json::from_slice::<RunDetail>(&body)
                .map_err(|e| ClientError::Decode(e.to_string()))
        })
        .await
    }

    /// One run's body, undecoded.
    pub async fn get_run_body(
        &self,
        id: &str,
        report: &Report,
    ) -> Result<bytes::Bytes, ClientError> {
        self.call(Method::GET, &format!("/runs/{}", percent(id)), &[], report).await
    }

    /// A request with a JSON body and no retry on failure: a mutation's outcome is reported
    /// as it is, and the user retries (the edits are kept).
    pub(crate) async fn send_json(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<bytes::Bytes, ClientError> {
        let url = format!("{}{path}", self.base);
        let mut req = self
            .http
            .request(method, &url)
            .bearer_auth(&self.key)
            .query(query)
            .timeout(self.timeout);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| transport(&e, self.timeout))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| transport(&e, self.timeout))?;
        if status.is_success() { Ok(bytes) } else { Err(status_error(status, &bytes)) }
    }

    /// `PATCH /v2/runs/{id}/metadata` with just the changes (`null` deletes a key).
    pub async fn update_metadata(
        &self,
        run_id: &str,
        changes: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), ClientError> {
        let body = serde_json::json!({ "metadata": changes });
        self.send_json(
            Method::PATCH,
            &format!("/runs/{}/metadata", percent(run_id)),
            &[],
            Some(&body),
        )
        .await
        .map(|_| ())
    }

    /// `DELETE /v2/runs?ids=…`: the ids the server deleted.
    pub async fn delete_runs(&self, ids: &[String]) -> Result<Vec<String>, ClientError> {
        let query: Vec<(&str, String)> = ids.iter().map(|i| ("ids", i.clone())).collect();
        let body = self.send_json(Method::DELETE, "/runs", &query, None).await?;
        #[derive(serde::Deserialize)]
        struct Deleted {
            #[serde(default)]
            id: Vec<String>,
        }
        serde_json::from_slice::<Deleted>(&body)
            .map(|d| d.id)
            .map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// Creates an attachment on a run: its id and the link to PUT the bytes to.
    pub async fn create_attachment(
        &self,
        run_id: &str,
        name: &str,
    ) -> Result<(String, String), ClientError> {
        let body = self
            .send_json(
                Method::POST,
                &format!("/runs/{}/attachments", percent(run_id)),
                &[],
                Some(&serde_json::json!({ "name": name })),
            )
            .await?;
        #[derive(serde::Deserialize)]
        struct Created {
            id: String,
            upload_url: String,
        }
        serde_json::from_slice::<Created>(&body)
            .map(|c| (c.id, c.upload_url))
            .map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// PUTs bytes to an upload link (no API key: the link authorises itself).
    pub async fn put_upload(
        &self,
        url: &str,
        body: reqwest::Body,
        content_type: &str,
    ) -> Result<(), ClientError> {
        let resp = self
            .http
            .put(url)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .timeout(Duration::from_secs(3600))
            .send()
            .await
            .map_err(|e| transport(&e, self.timeout))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let bytes = resp.bytes().await.unwrap_or_default();
        Err(status_error(status, &bytes))
    }

    pub async fn finalize_attachment(&self, id: &str) -> Result<(), ClientError> {
        self.send_json(Method::POST, &format!("/attachments/{}/finalize", percent(id)), &[], None)
            .await
            .map(|_| ())
    }

    /// Starts a download of an absolute link. No API key is sent: the link authorises itself
    /// (and a storage service would reject a second credential).
    pub async fn open_download(&self, url: &str) -> Result<reqwest::Response, ClientError> {
        let resp = self
            .http
            .get(url)
            .timeout(Duration::from_secs(3600))
            .send()
            .await
            .map_err(|e| transport(&e, self.timeout))?;
        if !resp.status().is_success() {
            let status = resp.status();
            let body = resp.bytes().await.unwrap_or_default();
            return Err(status_error(status, &body));
        }
        Ok(resp)
    }

    pub async fn procedures(
        &self,
        search: &str,
        report: &Report,
    ) -> Result<Vec<Named>, ClientError> {
        let p: NamedPage = self
            .get_json(
                "/procedures",
                &[("search_query", search.to_string()), ("limit", "100".into())],
                report,
            )
            .await?;
        Ok(p.data)
    }

    pub async fn stations(&self, search: &str, report: &Report) -> Result<Vec<Named>, ClientError> {
        let p: NamedPage = self
            .get_json(
                "/stations",
                &[("search_query", search.to_string()), ("limit", "100".into())],
                report,
            )
            .await?;
        Ok(p.data)
    }

    pub async fn users(&self, report: &Report) -> Result<Vec<Named>, ClientError> {
        self.get_json("/users", &[], report).await
    }

    /// Who the key belongs to; the cheapest call that proves the key works.
    pub async fn whoami(&self, report: &Report) -> Result<serde_json::Value, ClientError> {
        self.get_json("/whoami", &[], report).await
    }
}

/// Percent-encodes a path segment, keeping the RFC 3986 unreserved set as the SDK does.
pub fn percent(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn transport(e: &reqwest::Error, timeout: Duration) -> ClientError {
    if e.is_timeout() {
        return ClientError::Timeout(timeout.as_secs());
    }
    // The innermost cause says the useful part ("Connection refused").
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg = s.to_string();
        src = s.source();
    }
    ClientError::Unreachable(msg)
}

fn status_error(status: StatusCode, body: &[u8]) -> ClientError {
    let message = match serde_json::from_slice::<ApiErrorBody>(body) {
        Ok(b) if !b.message.is_empty() => b.message,
        _ => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            if text.is_empty() || text.len() > 300 || text.starts_with('<') {
                status.canonical_reason().unwrap_or("error").to_string()
            } else {
                text.to_string()
            }
        }
    };
    match status.as_u16() {
        401 => ClientError::Unauthorized(message),
        403 => ClientError::Forbidden(message),
        404 => ClientError::NotFound(message),
        s => ClientError::Status { status: s, message },
    }
}
