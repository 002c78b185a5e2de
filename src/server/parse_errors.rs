//! hyper answers a request it cannot parse (a malformed request line, headers over its
//! buffer) itself, with an empty body, before any of our code runs. This wrapper around a
//! connection gives those answers the API's JSON error body: a response head with an error
//! status and `content-length: 0` is one only hyper writes (every answer of ours has a body).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::api::ApiErrorBody;

/// A connection whose hyper-made error answers get a JSON body.
pub struct JsonParseErrors<S> {
    inner: S,
    /// A rewritten answer still to send, how much of it is sent, and how long the original
    /// was (what the writer is told was written).
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<S> JsonParseErrors<S> {
    pub fn new(inner: S) -> Self {
        JsonParseErrors { inner, pending: None }
    }
}

/// The JSON answer for a head hyper wrote for an unparseable request, if `head` is one.
fn rewrite(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let status = text.strip_prefix("HTTP/1.1 ")?.get(..3)?;
    let (code, message) = match status {
        "400" => ("BAD_REQUEST", "The request could not be parsed as HTTP/1.1"),
        "431" => ("REQUEST_HEADER_FIELDS_TOO_LARGE", "The request's headers are too large"),
        "414" => ("URI_TOO_LONG", "The request's URL is too long"),
        _ => return None,
    };
    let end = text.find("\r\n\r\n")?;
    if end + 4 != text.len() || !text[..end].to_ascii_lowercase().contains("\r\ncontent-length: 0")
    {
        return None;
    }
    let body = ApiErrorBody { message: message.into(), code: code.into(), issues: vec![] };
    let body = serde_json::to_string(&body).ok()?;
    let lines: Vec<&str> = text[..end]
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("content-length:"))
        .collect();
    let head = lines.join("\r\n");
    Some(
        format!(
            "{head}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

impl<S: AsyncRead + Unpin> AsyncRead for JsonParseErrors<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for JsonParseErrors<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending.is_none() {
            match rewrite(buf) {
                Some(answer) => self.pending = Some((answer, 0, buf.len())),
                None => return Pin::new(&mut self.inner).poll_write(cx, buf),
            }
        }
        let this = &mut *self;
        while let Some((answer, sent, original)) = this.pending.as_mut() {
            if *sent == answer.len() {
                let original = *original;
                this.pending = None;
                return Poll::Ready(Ok(original));
            }
            let n = ready!(Pin::new(&mut this.inner).poll_write(cx, &answer[*sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *sent += n;
        }
        Poll::Ready(Ok(0))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        // hyper's own answers are one head; ours are a head and a body.
        let mut full = bufs.iter().filter(|b| !b.is_empty());
        match (full.next(), full.next()) {
            (Some(only), None) if self.pending.is_some() || rewrite(only).is_some() => {
                self.poll_write(cx, only)
            }
            _ if self.pending.is_some() => Poll::Ready(Ok(0)),
            _ => Pin::new(&mut self.inner).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hyper_made_empty_error_heads_are_rewritten() {
        let hyper = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let out = String::from_utf8(rewrite(hyper).expect("rewritten")).expect("utf-8");
        assert!(out.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{out}");
        assert!(out.contains("content-type: application/json"), "{out}");
        assert!(out.contains(r#""code":"BAD_REQUEST""#), "{out}");
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 20\r\n\r\n";
        assert!(rewrite(ours).is_none());
        assert!(rewrite(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
    }
}
