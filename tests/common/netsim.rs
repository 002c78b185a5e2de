//! A network between a client and a server on loopback, as a line PC has it: a one-way delay
//! (half the round trip), a bandwidth cap shared by every connection (each direction its own),
//! connections cut after so many bytes, and a switch that takes the link down (new connections
//! are refused, open ones cut). It counts the bytes that cross it, each way.
//!
//! Used by the tests (bytes on the wire, offline) and the benches (every budget on loopback and
//! at 100 ms RTT + 20 Mbit/s). Point a client at [`LinkSim::url`] instead of the server's.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, mpsc};
use tokio::time::Instant;

/// What the link does to the bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Link {
    /// Each way; a round trip is twice this.
    pub delay: Duration,
    /// Bits per second each way, shared by all connections (`None`: as fast as loopback).
    pub bits_per_second: Option<u64>,
    /// Cut each connection after this many bytes have come down it.
    pub cut_after: Option<u64>,
}

impl Link {
    /// Loopback as it is.
    pub const LOOPBACK: Link =
        Link { delay: Duration::ZERO, bits_per_second: None, cut_after: None };

    /// A line PC's link to the cloud: 100 ms round trip, 20 Mbit/s.
    pub fn field() -> Link {
        Link {
            delay: Duration::from_millis(50),
            bits_per_second: Some(20_000_000),
            cut_after: None,
        }
    }

    pub fn describe(&self) -> String {
        if self.delay.is_zero() && self.bits_per_second.is_none() {
            return "loopback".into();
        }
        let rtt = self.delay.as_millis() * 2;
        match self.bits_per_second {
            Some(b) => format!("{rtt} ms RTT + {} Mbit/s", b / 1_000_000),
            None => format!("{rtt} ms RTT"),
        }
    }
}

/// The bytes that crossed the link.
#[derive(Debug, Default)]
pub struct Traffic {
    pub up: AtomicU64,
    pub down: AtomicU64,
    pub connections: AtomicU64,
}

impl Traffic {
    pub fn down(&self) -> u64 {
        self.down.load(Ordering::Relaxed)
    }
    pub fn up(&self) -> u64 {
        self.up.load(Ordering::Relaxed)
    }
}

/// One direction's wire: when it is free again.
type Wire = Arc<Mutex<Instant>>;

pub struct LinkSim {
    pub addr: SocketAddr,
    pub traffic: Arc<Traffic>,
    down: Arc<AtomicBool>,
    cut: Arc<tokio::sync::Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for LinkSim {
    fn drop(&mut self) {
        self.task.abort();
        self.set_down(true);
    }
}

impl LinkSim {
    /// A link on a new loopback port to `server` (e.g. `http://127.0.0.1:1234`).
    pub async fn start(server: &str, link: Link) -> LinkSim {
        let target: SocketAddr = server
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("a server address http://IP:PORT");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let traffic = Arc::new(Traffic::default());
        let down = Arc::new(AtomicBool::new(false));
        let cut = Arc::new(tokio::sync::Notify::new());
        let wires: (Wire, Wire) =
            (Arc::new(Mutex::new(Instant::now())), Arc::new(Mutex::new(Instant::now())));
        let (t, d, c) = (traffic.clone(), down.clone(), cut.clone());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if d.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                t.connections.fetch_add(1, Ordering::Relaxed);
                let (t, c, wires) = (t.clone(), c.clone(), wires.clone());
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(target).await else { return };
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    let up = pump(cr, sw, link, wires.0, CountOn::Up(t.clone()), None);
                    let down = pump(sr, cw, link, wires.1, CountOn::Down(t), link.cut_after);
                    tokio::select! {
                        _ = async { tokio::join!(up, down) } => {}
                        _ = c.notified() => {}
                    }
                });
            }
        });
        LinkSim { addr, traffic, down, cut, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Takes the link down (`true`: new connections refused, open ones cut) or up again.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
        if down {
            self.cut.notify_waiters();
        }
    }
}

enum CountOn {
    Up(Arc<Traffic>),
    Down(Arc<Traffic>),
}

/// Copies `from` to `to`: each chunk leaves once the shared wire has carried it (bandwidth)
/// and arrives `delay` later. Chunks are delivered in order by a second task, so a slow
/// delivery never stops the reading (as on a real link, bytes in flight do not block).
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    link: Link,
    wire: Wire,
    count: CountOn,
    cut_after: Option<u64>,
) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let deliver = async move {
        while let Some((at, chunk)) = rx.recv().await {
            tokio::time::sleep_until(at).await;
            if to.write_all(&chunk).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    };
    let read = async move {
        let mut buf = vec![0u8; 16 * 1024];
        let mut total = 0u64;
        loop {
            let n = match from.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            total += n as u64;
            match &count {
                CountOn::Up(t) => t.up.fetch_add(n as u64, Ordering::Relaxed),
                CountOn::Down(t) => t.down.fetch_add(n as u64, Ordering::Relaxed),
            };
            let sent = match link.bits_per_second {
                Some(bps) => {
                    let mut free = wire.lock().await;
                    let start = (*free).max(Instant::now());
                    *free = start + Duration::from_nanos(n as u64 * 8 * 1_000_000_000 / bps);
                    *free
                }
                None => Instant::now(),
            };
            if tx.send((sent + link.delay, buf[..n].to_vec())).is_err() {
                break;
            }
            if cut_after.is_some_and(|c| total >= c) {
                break;
            }
        }
    };
    tokio::join!(read, deliver);
}
