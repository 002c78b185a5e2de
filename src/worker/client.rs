//! Our TofuPilot API v2 client (reqwest + serde). It is more tolerant than the SDK: list rows
//! are decoded one by one, so one malformed row shows as such instead of failing the page.
//! Retries 429 and 5xx (honouring `Retry-After`) and transport failures with backoff.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;

pub use super::decode::{Named, blocking, decode_logs, decode_page, decode_run_head};
use super::decode::{NamedPage, read_body};
pub use super::error::ClientError;
use crate::api::ApiErrorBody;

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

/// The API base (`…/api/v2`) for an instance root, as the SDK builds it (`/api` is not added
/// twice; a query or fragment in the root is dropped).
pub fn api_base(root: &str) -> Result<Url, ClientError> {
    let not_a_url = || {
        ClientError::Config(format!("`{root}` is not a URL; use e.g. https://www.tofupilot.app"))
    };
    let mut url = Url::parse(root.trim()).map_err(|_| not_a_url())?;
    url.set_query(None);
    url.set_fragment(None);
    let is_api = url.path_segments().and_then(|mut s| s.rfind(|s| !s.is_empty())) == Some("api");
    let mut path = url.path_segments_mut().map_err(|_| not_a_url())?;
    path.pop_if_empty();
    if !is_api {
        path.push("api");
    }
    path.push("v2");
    drop(path);
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A failed attempt: the error and how long the server asked us to wait, if it did.
struct Attempt {
    error: ClientError,
    wait: Option<Duration>,
}

#[derive(Clone)]
pub struct ApiClient {
    pub(super) http: super::http::LazyHttp,
    base: Url,
    pub(super) key: String,
    pub(super) timeout: Duration,
    /// Retries of a 429/5xx answer before giving up (transport failures are the caller's call).
    pub max_retries: u32,
    /// The quickest answer seen (ms; `u64::MAX` before the first): the link's round trip
    /// without the server's work, which the loads of many pages cover with pages on their way.
    round_trip_ms: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// Requests on their way at once, fewer after a 429 or 503.
    pub(super) gate: super::gate::Gate,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key never appears in logs.
        f.debug_struct("ApiClient").field("base", &self.base.as_str()).finish_non_exhaustive()
    }
}

impl ApiClient {
    pub fn new(cfg: &ClientConfig) -> Result<ApiClient, ClientError> {
        crate::init_tls();
        let base = api_base(&cfg.url)?;
        let mut certs = Vec::new();
        if let Some(path) = &cfg.ca_cert {
            let pem = std::fs::read(path).map_err(|e| {
                ClientError::Config(format!("cannot read --ca-cert {}: {e}", path.display()))
            })?;
            certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                ClientError::Config(format!("{} holds no PEM certificate: {e}", path.display()))
            })?;
            if certs.is_empty() {
                return Err(ClientError::Config(format!(
                    "{} holds no PEM certificate",
                    path.display()
                )));
            }
        }
        let http = super::http::LazyHttp::new(is_loopback(&base), base.scheme() == "https", certs);
        Ok(ApiClient {
            http,
            base,
            key: cfg.api_key.clone(),
            timeout: cfg.timeout,
            max_retries: 3,
            round_trip_ms: std::sync::Arc::new(u64::MAX.into()),
            gate: Default::default(),
        })
    }

    /// The URL of an endpoint: these path segments after `/api/v2`, each percent-encoded.
    pub fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        // The base can be a base (checked by `api_base`), so this cannot fail.
        if let Ok(mut path) = url.path_segments_mut() {
            path.extend(segments);
        }
        url
    }

    async fn attempt(
        &self,
        method: Method,
        path: &[&str],
        query: &[(&str, String)],
    ) -> Result<bytes::Bytes, Attempt> {
        let http = self.http.get().map_err(|error| Attempt { error, wait: None })?;
        let req = http
            .request(method, self.endpoint(path))
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
        path: &[&str],
        query: &[(&str, String)],
        report: &Report,
    ) -> Result<bytes::Bytes, ClientError> {
        let mut retries = 0;
        loop {
            let slot = self.gate.enter().await;
            let t0 = std::time::Instant::now();
            let answer = self.attempt(method.clone(), path, query).await;
            drop(slot);
            match answer {
                Ok(b) => {
                    self.gate.answered();
                    self.heard_in(t0.elapsed());
                    return Ok(b);
                }
                Err(Attempt { error, wait }) => {
                    if matches!(error, ClientError::Status { status: 429 | 503, .. }) {
                        self.gate.back_off();
                    }
                    let server_side =
                        matches!(error, ClientError::Status { .. }) && error.is_transient();
                    if !server_side || retries >= self.max_retries {
                        return Err(error);
                    }
                    retries += 1;
                    let delay = wait.unwrap_or_else(|| backoff(retries));
                    tracing::debug!(?path, retries, ?delay, %error, "retrying");
                    report(&error, delay);
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Asks for compressed answers on loopback too, as over a real network (tests and benches
    /// that put the link simulator in between). Elsewhere it always does.
    pub fn compressing(mut self) -> ApiClient {
        self.http = self.http.compressing();
        self
    }

    fn heard_in(&self, took: Duration) {
        let took = took.as_millis().min(60_000) as u64;
        self.round_trip_ms.fetch_min(took, std::sync::atomic::Ordering::Relaxed);
    }

    /// The link's round trip (ms): the quickest answer of the session, 0 before the first.
    /// Not how long answers take: a busy server makes them slower, and more pages asked for
    /// at once then only make it busier (on loopback the server, the worker and the screen
    /// share the cores), so a smoothed answer time fed on itself up to the most allowed.
    pub fn round_trip_ms(&self) -> u64 {
        match self.round_trip_ms.load(std::sync::atomic::Ordering::Relaxed) {
            u64::MAX => 0,
            ms => ms,
        }
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        path: &[&str],
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
        self.call(Method::GET, &["runs"], params, report).await
    }

    /// One run's body, undecoded.
    pub async fn get_run_body(
        &self,
        id: &str,
        report: &Report,
    ) -> Result<bytes::Bytes, ClientError> {
        self.call(Method::GET, &["runs", id], &[], report).await
    }

    /// A request with a JSON body and no retry on failure: a mutation's outcome is reported
    /// as it is, and the user retries (the edits are kept).
    pub(crate) async fn send_json(
        &self,
        method: Method,
        path: &[&str],
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<bytes::Bytes, ClientError> {
        let mut req = self
            .http
            .get()?
            .request(method, self.endpoint(path))
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

    pub async fn procedures(
        &self,
        search: &str,
        report: &Report,
    ) -> Result<Vec<Named>, ClientError> {
        let p: NamedPage = self
            .get_json(
                &["procedures"],
                &[("search_query", search.to_string()), ("limit", "100".into())],
                report,
            )
            .await?;
        Ok(p.data)
    }

    pub async fn stations(&self, search: &str, report: &Report) -> Result<Vec<Named>, ClientError> {
        let p: NamedPage = self
            .get_json(
                &["stations"],
                &[("search_query", search.to_string()), ("limit", "100".into())],
                report,
            )
            .await?;
        Ok(p.data)
    }

    pub async fn users(&self, report: &Report) -> Result<Vec<Named>, ClientError> {
        self.get_json(&["users"], &[], report).await
    }
}

pub(crate) fn transport(e: &reqwest::Error, timeout: Duration) -> ClientError {
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

pub(crate) fn status_error(status: StatusCode, body: &[u8]) -> ClientError {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_base_and_endpoints_are_built_by_url() {
        let base = |r: &str| api_base(r).map(|u| u.to_string());
        assert_eq!(
            base("https://www.tofupilot.app").as_deref(),
            Ok("https://www.tofupilot.app/api/v2")
        );
        assert_eq!(base(" https://tp.example/api/ ").as_deref(), Ok("https://tp.example/api/v2"));
        assert_eq!(
            base("https://tp.example/tofu/").as_deref(),
            Ok("https://tp.example/tofu/api/v2")
        );
        assert_eq!(base("https://tp.example/?x=1#y").as_deref(), Ok("https://tp.example/api/v2"));
        assert!(base("tofupilot dot app").is_err() && base("mailto:a@b").is_err());
        let config = ClientConfig {
            url: "http://127.0.0.1:9".into(),
            api_key: "k".into(),
            ca_cert: None,
            timeout: Duration::from_secs(1),
        };
        let c = ApiClient::new(&config).expect("client");
        assert_eq!(
            c.endpoint(&["runs", "a/b c?%", "metadata"]).as_str(),
            "http://127.0.0.1:9/api/v2/runs/a%2Fb%20c%3F%25/metadata"
        );
    }
}
