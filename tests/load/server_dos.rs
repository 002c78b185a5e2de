//! Unauthenticated denial of service (issue 28, items 1–3): connections that send nothing,
//! bodies dribbled a byte at a time and uploads to links that do not exist must not take the
//! server's connection slots or memory from the clients it serves.

use crate::common;

use std::time::Duration;

use common::guarded::*;
use tofui::server::listen::{Guards, Limits};
use tokio::io::AsyncWriteExt;

fn limits() -> Limits {
    Limits::default()
}

/// Item 1: 512 connections that send nothing, from one host, leave a client on another host
/// served; and each is closed after the first-byte timeout.
#[tokio::test]
async fn silent_connections_leave_other_hosts_served_and_are_closed() {
    let _alone = crate::one_at_a_time().await;
    assert!(fd_limit() >= 1200, "this test holds 512 connections (two descriptors each)");
    let s = GuardedServer::start(limits(), Guards::default()).await;
    let mut silent = Vec::new();
    for _ in 0..512 {
        // The server may close a connection past the host's limit at once: that is fine.
        if let Ok(c) = connect_from("127.0.0.2", s.addr()).await {
            silent.push(c);
        }
    }
    let mut served = 0;
    for _ in 0..20 {
        served += usize::from(s.whoami().await);
    }
    assert_eq!(served, 20, "a normal client is served while 512 silent connections are open");
    drop(silent);

    let quick = Limits { header_timeout: Duration::from_millis(500), ..Limits::default() };
    let s = GuardedServer::start(quick, Guards::for_limits(&quick)).await;
    let mut c = connect_from("127.0.0.1", s.addr()).await.expect("connect");
    // Bounded: on a server without the first-byte timeout the connection stays open.
    let (_, closed) = read_until_closed(&mut c, Duration::from_secs(10)).await;
    assert!(closed, "a connection that sends nothing is closed");
}

fn slow_guards() -> Guards {
    Guards {
        body_idle_timeout: Duration::from_millis(500),
        min_body_rate: 1024,
        ..Guards::default()
    }
}

/// Sends `target` a body of 10,000 bytes one byte every 50 ms (for at most 15 s): what the
/// server answered and whether it closed the connection meanwhile.
async fn dribble(s: &GuardedServer, method: &str, target: &str, auth: bool) -> (String, bool) {
    let mut c = connect_from("127.0.0.1", s.addr()).await.expect("connect");
    send_head(&mut c, method, target, 10_000, auth).await;
    let (mut rd, mut wr) = c.into_split();
    let writer = tokio::spawn(async move {
        for _ in 0..300 {
            if wr.write_all(b"{").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        wr
    });
    let mut text = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(15), async {
        use tokio::io::AsyncReadExt;
        let mut buf = [0u8; 4096];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => text.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .is_ok();
    writer.abort();
    (String::from_utf8_lossy(&text).into_owned(), closed)
}

/// Item 2: a body sent one byte at a time is cut off with a 408 and the connection closed,
/// on an upload link and on the JSON API alike.
#[tokio::test]
async fn a_dribbled_body_is_cut_off() {
    let _alone = crate::one_at_a_time().await;
    let s = GuardedServer::start(limits(), slow_guards()).await;
    let (_, upload) = s.attachment().await;
    let (text, closed) = dribble(&s, "PUT", &upload, false).await;
    assert!(closed, "an upload dribbled a byte at a time is still open: {text}");
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"REQUEST_TIMEOUT\""), "{text}");
    let (text, closed) = dribble(&s, "POST", "/api/v2/runs", true).await;
    assert!(closed && text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(s.whoami().await, "the server still serves");
}

/// Item 3: an upload to a link that does not exist, or with the wrong token, is refused from
/// its headers: the server does not wait for (or keep) 100 MiB first.
#[tokio::test]
async fn a_wrong_upload_link_is_refused_before_its_body() {
    let _alone = crate::one_at_a_time().await;
    let s = GuardedServer::start(limits(), Guards::default()).await;
    let (id, _) = s.attachment().await;
    for (target, status) in
        [("/files/nope?token=x".to_string(), "404"), (format!("/files/{id}?token=x"), "403")]
    {
        let mut c = connect_from("127.0.0.1", s.addr()).await.expect("connect");
        send_head(&mut c, "PUT", &target, 100 << 20, false).await;
        c.write_all(&[0u8; 64 * 1024]).await.expect("some of the body");
        let (text, closed) = read_until_closed(&mut c, Duration::from_secs(10)).await;
        assert!(closed, "{target}: the server waits for the whole body");
        assert!(text.starts_with(&format!("HTTP/1.1 {status}")), "{target}: {text}");
        assert!(text.to_ascii_lowercase().contains("connection: close"), "{text}");
    }
}

/// Item 3: accepted uploads stream to disk and arrive whole; only so many are read at once
/// (the next is told to come back), and a finished one frees its place.
#[tokio::test]
async fn uploads_stream_whole_and_only_so_many_at_once() {
    let _alone = crate::one_at_a_time().await;
    let s = GuardedServer::start(limits(), Guards { max_uploads: 2, ..Guards::default() }).await;
    let mut paused = Vec::new();
    for _ in 0..2 {
        let (_, link) = s.attachment().await;
        let mut c = connect_from("127.0.0.1", s.addr()).await.expect("connect");
        send_head(&mut c, "PUT", &link, 8 << 20, false).await;
        c.write_all(&[7u8; 256 * 1024]).await.expect("part of the body");
        paused.push(c);
    }
    let (id, link) = s.attachment().await;
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let put = |data: Vec<u8>| s.http.put(format!("{}{link}", s.running.url)).body(data).send();
    // The paused uploads hold both places once the server has read their heads.
    let mut busy = None;
    for _ in 0..100 {
        let r = put(data.clone()).await.expect("answered");
        if r.status().as_u16() == 503 {
            busy = Some(r.text().await.unwrap_or_default());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let busy = busy.expect("a third upload at once is refused with a 503");
    assert!(busy.contains("SERVICE_UNAVAILABLE"), "{busy}");
    drop(paused);
    let mut status = 0;
    for _ in 0..100 {
        status = put(data.clone()).await.expect("answered").status().as_u16();
        if status != 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 200);
    let fin = s
        .http
        .post(format!("{}/api/v2/attachments/{id}/finalize", s.running.url))
        .bearer_auth(common::USER_KEY)
        .send()
        .await
        .expect("finalize");
    let url: serde_json::Value = fin.json().await.expect("json");
    let got = s.http.get(url["url"].as_str().expect("url")).send().await.expect("download");
    assert_eq!(got.bytes().await.expect("bytes").as_ref(), &data[..]);
}
