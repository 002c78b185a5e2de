//! The dashboard's own API client and fetch worker as the tests and the benches build them
//! (the benches take this file through `#[path]`).
#![allow(dead_code)]

use std::time::Duration;

use tofui::worker::{ApiClient, ClientConfig, WorkerRequest, WorkerResponse};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// The dashboard's own API client (the worker's) for `url` with `key`: the one builder.
pub fn api_client(url: &str, key: &str, timeout: Duration) -> ApiClient {
    ApiClient::new(&ClientConfig { url: url.into(), api_key: key.into(), ca_cert: None, timeout })
        .expect("client")
}

/// A worker over [`api_client`]`(url, key, timeout)`: where to send it requests, and where it
/// answers.
pub fn spawn_worker(
    url: &str,
    key: &str,
    timeout: Duration,
) -> (UnboundedSender<WorkerRequest>, UnboundedReceiver<WorkerResponse>) {
    let (out, rx) = unbounded_channel();
    (tofui::worker::spawn(api_client(url, key, timeout), out), rx)
}
