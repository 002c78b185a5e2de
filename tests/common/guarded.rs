//! A server with limits and guards of the test's choosing, and raw connections to it from a
//! chosen loopback address (127.0.0.2 and up stand for other hosts: Linux routes all of
//! 127.0.0.0/8 to the loopback interface, so the server still only listens on 127.0.0.1).

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tofui::server::listen::{Guards, Limits};
use tofui::server::{self, Running};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use super::{STATION_KEY, USER_KEY};

pub struct GuardedServer {
    pub running: Running,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

impl GuardedServer {
    pub async fn start(limits: Limits, guards: Guards) -> Self {
        tofui::init_tls();
        let dir = tempfile::tempdir().expect("temp dir");
        let store = server::store::Store::open(&dir.path().join("g.sqlite3")).expect("store");
        let (keys, table) =
            server::prepare_keys(&store, Some(USER_KEY), Some(STATION_KEY)).expect("keys");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let options = server::Options { base_url: None, limits };
        let running = server::start_guarded(store, listener, keys, table, options, guards)
            .await
            .expect("server");
        let http =
            reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
        GuardedServer { running, dir, http }
    }

    pub fn addr(&self) -> SocketAddr {
        self.running.addr
    }

    /// A new attachment (with the user key): its id and upload link's path and query.
    pub async fn attachment(&self) -> (String, String) {
        let resp = self
            .http
            .post(format!("{}/api/v2/attachments", self.running.url))
            .bearer_auth(USER_KEY)
            .json(&serde_json::json!({"name": "big.bin"}))
            .send()
            .await
            .expect("sent");
        assert_eq!(resp.status().as_u16(), 200);
        let v: Value = resp.json().await.expect("json");
        let url = v["upload_url"].as_str().expect("upload_url");
        let path = url.strip_prefix(&self.running.url).expect("link on this server");
        (v["id"].as_str().expect("id").to_string(), path.to_string())
    }

    /// `GET /whoami` with the user key: whether it was answered 200.
    pub async fn whoami(&self) -> bool {
        let resp = self
            .http
            .get(format!("{}/api/v2/whoami", self.running.url))
            .bearer_auth(USER_KEY)
            .send()
            .await;
        matches!(resp, Ok(r) if r.status().as_u16() == 200)
    }
}

/// A TCP connection to `to` from the loopback address `from` (such as "127.0.0.2").
pub async fn connect_from(from: &str, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(format!("{from}:0").parse().expect("address"))?;
    socket.connect(to).await
}

/// Reads what the server sends until it closes, at most `within`: the text, and whether it
/// closed (false: still open when the time ran out).
pub async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, bool) {
    let mut got = Vec::new();
    let closed = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .is_ok();
    (String::from_utf8_lossy(&got).into_owned(), closed)
}

/// Sends the head of a request whose body is `length` bytes long (the body is the caller's).
pub async fn send_head(
    stream: &mut TcpStream,
    method: &str,
    target: &str,
    length: u64,
    auth: bool,
) {
    let auth = if auth { format!("Authorization: Bearer {USER_KEY}\r\n") } else { String::new() };
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("head sent");
}

/// The resident set of this process (server and test together), in bytes.
pub fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// This process's soft limit on open files (from /proc; 1024 when unreadable). A test that
/// holds hundreds of connections needs two descriptors for each, as both ends live here.
pub fn fd_limit() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024)
}
