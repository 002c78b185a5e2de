//! A real server on a loopback port over a temporary database, plus clients for it: the
//! official SDK (the wire reference) and plain reqwest for what the SDK will not send.
#![allow(dead_code)]

pub mod drive;
pub mod guarded;
pub mod insight;
pub mod keys;
pub mod meta_server;
pub mod netsim;
pub mod pty;
pub mod render;
pub mod rows;
pub mod run_fixture;
pub mod worker_client;

// Not every test binary (bench) that declares this module calls both.
#[allow(unused_imports)]
pub use worker_client::{api_client, spawn_worker};

use serde_json::Value;
use tofui::server::{self, Running};
use tofupilot::TofuPilot;
use tofupilot::config::ClientConfig;

pub struct TestServer {
    pub running: Running,
    pub dir: tempfile::TempDir,
    pub sdk: TofuPilot,
    pub station_sdk: TofuPilot,
    pub http: reqwest::Client,
}

pub const USER_KEY: &str = "test-user-key";
pub const STATION_KEY: &str = "test-station-key";

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// `prepare` runs on the store before the server starts (e.g. to seed it).
    pub async fn start_with(prepare: impl FnOnce(&tofui::server::store::Store)) -> Self {
        tofui::init_tls();
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("test.sqlite3");
        let store = tofui::server::store::Store::open(&db).expect("open store");
        prepare(&store);
        drop(store);
        let running = server::start_at(&db, "127.0.0.1:0", Some(USER_KEY), Some(STATION_KEY))
            .await
            .expect("server starts");
        let sdk = client(&running.url, USER_KEY);
        let station_sdk = client(&running.url, STATION_KEY);
        TestServer { running, dir, sdk, station_sdk, http: reqwest::Client::new() }
    }

    /// A server holding `runs` runs seeded from `seed`, the newest shortly before
    /// [`rows::NOW`].
    pub async fn seeded(runs: usize, seed: u64) -> Self {
        use chrono::TimeZone;
        let anchor = chrono::Utc.timestamp_millis_opt(rows::NOW).single().expect("anchor");
        Self::seeded_at(runs, seed, anchor).await
    }

    /// A server holding `runs` runs seeded from `seed`, the newest shortly before `anchor`.
    pub async fn seeded_at(runs: usize, seed: u64, anchor: chrono::DateTime<chrono::Utc>) -> Self {
        let options = tofui::server::seed::SeedOptions { runs, seed, anchor };
        Self::start_with(move |st| {
            tofui::server::seed::seed(st, &options).expect("seed");
        })
        .await
    }

    /// A worker over this server with the user key ([`spawn_worker`], 20 s timeout).
    pub fn worker(
        &self,
    ) -> (
        tokio::sync::mpsc::UnboundedSender<tofui::worker::WorkerRequest>,
        tokio::sync::mpsc::UnboundedReceiver<tofui::worker::WorkerResponse>,
    ) {
        spawn_worker(&self.running.url, USER_KEY, std::time::Duration::from_secs(20))
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v2{path}", self.running.url)
    }

    /// A raw request with the user key; returns status and parsed JSON body.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, self.api(path)).bearer_auth(USER_KEY);
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b.to_string());
        }
        Self::answer(req).await
    }

    /// A raw request with `key` and a JSON body; returns status and parsed JSON body.
    pub async fn call_as(
        &self,
        key: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, self.api(path)).bearer_auth(key);
        if let Some(b) = body {
            req = req.json(&b);
        }
        Self::answer(req).await
    }

    async fn answer(req: reqwest::RequestBuilder) -> (u16, Value) {
        let resp = req.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body read");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub async fn run_count(&self) -> i64 {
        self.running.store.run_count().expect("count")
    }
}

impl pty::Tui {
    /// The binary under test with the user key.
    pub fn start(url: &str, args: &[&str]) -> pty::Tui {
        pty::Tui::start_with_key(url, USER_KEY, args)
    }
}

/// Now, to the hour: an anchor for a seed that does not move while a test runs.
pub fn this_hour() -> chrono::DateTime<chrono::Utc> {
    use chrono::DurationRound;
    chrono::Utc::now().duration_trunc(chrono::TimeDelta::hours(1)).expect("hour")
}

/// How long a test waits for the worker's next answer.
pub const ANSWER_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// The worker's next answer; fails the test after [`ANSWER_WAIT`] or when the worker is gone.
pub async fn next_answer(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<tofui::worker::WorkerResponse>,
) -> tofui::worker::WorkerResponse {
    tokio::time::timeout(ANSWER_WAIT, rx.recv())
        .await
        .expect("an answer in time")
        .expect("the worker answers")
}

/// The ids of a list answer's rows (`data[].id`).
pub fn row_ids(page: &Value) -> Vec<String> {
    let rows = page["data"].as_array().expect("rows");
    rows.iter().map(|r| r["id"].as_str().expect("id").to_string()).collect()
}

/// A passing run of `procedure` for unit `serial` of part `part`, started and ended now: the
/// SDK's builder, to add to or send.
pub fn pass_run<'a>(
    sdk: &'a TofuPilot,
    procedure: &str,
    serial: impl Into<String>,
    part: &str,
) -> tofupilot::runs::CreateBuilder<'a> {
    let t = chrono::Utc::now();
    sdk.runs()
        .create()
        .outcome(tofupilot::types::LogGetOutcome::Pass)
        .procedure_id(procedure)
        .started_at(t)
        .ended_at(t)
        .serial_number(serial)
        .part_number(part)
}

pub fn client(url: &str, key: &str) -> TofuPilot {
    TofuPilot::with_config(ClientConfig::new(key).base_url(format!("{url}/api")).max_retries(0))
}
