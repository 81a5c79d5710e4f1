//! Hijacked connections (attach, exec start, session): the request is written on a
//! connection of its own, the daemon answers `101 UPGRADED` (or, from older daemons,
//! `200 OK`), and from then on the connection carries the process's streams both ways.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};

use super::http1::{self, ChunkedDecoder, Framing};
use super::io::Io;
use crate::body::Body;
use crate::error::Error;
use crate::stream::websocket;

/// Largest error body read from a refused upgrade.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// A connection after the upgrade: read the process's output, write its input.
/// `shutdown` half-closes it, so the process reads EOF on its stdin.
pub struct Upgraded {
    io: Io,
    /// Bytes that arrived with the response head.
    buffered: BytesMut,
}

impl std::fmt::Debug for Upgraded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upgraded")
            .field("buffered", &self.buffered.len())
            .finish()
    }
}

impl AsyncRead for Upgraded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if !self.buffered.is_empty() {
            let n = self.buffered.len().min(buf.remaining());
            buf.put_slice(&self.buffered[..n]);
            self.buffered.advance(n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Upgraded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// Writes `req` with upgrade headers and reads the answer's head.
pub(super) async fn hijack(
    mut io: Io,
    req: http::Request<Body>,
    protocol: &str,
    address: &str,
) -> Result<(http::response::Parts, Upgraded), Error> {
    let (parts, body) = req.into_parts();
    let body = match body.into_full() {
        None => Bytes::new(),
        Some(Ok(bytes)) => bytes,
        Some(Err(_)) => {
            return Err(Error::invalid(
                "an upgraded request takes its body from memory, not from a stream",
            ))
        }
    };
    let mut extra = vec![("Connection", "Upgrade"), ("Upgrade", protocol)];
    // WebSocket asks for more: a nonce the answer must hash back, and a version.
    let ws_key = (protocol == "websocket").then(websocket::handshake_key);
    if let Some(key) = &ws_key {
        extra.push(("Sec-WebSocket-Key", key));
        extra.push(("Sec-WebSocket-Version", "13"));
        if !parts.headers.contains_key(http::header::ORIGIN) {
            extra.push(("Origin", "http://localhost"));
        }
    }
    let mut head = http1::encode_head(&parts, &extra, body.len());
    head.extend_from_slice(&body);
    http1::write_all(&mut io, &head, address).await?;

    let mut buf = BytesMut::with_capacity(4096);
    let answer = http1::read_head(&mut io, &mut buf, address).await?;
    let status = answer.status.as_u16();
    if status != 101 && status != 200 {
        let message = read_error_body(&mut io, buf, &answer).await;
        return Err(Error::from_status(status, message));
    }
    if let Some(key) = &ws_key {
        let accept = answer
            .headers
            .get("sec-websocket-accept")
            .and_then(|v| v.to_str().ok());
        if status != 101 || accept.is_some_and(|a| a != websocket::expected_accept(key)) {
            return Err(Error::decode(
                format!("the WebSocket handshake with {address}"),
                format!("status {status}, Sec-WebSocket-Accept {accept:?}"),
            ));
        }
    }
    Ok((answer, Upgraded { io, buffered: buf }))
}

/// Reads the body of a refused upgrade (bounded, and for at most a few seconds)
/// and returns the daemon's message.
async fn read_error_body(io: &mut Io, mut buf: BytesMut, answer: &http::response::Parts) -> String {
    let framing = Framing::of(answer);
    let mut chunked = ChunkedDecoder::default();
    let mut decoded = BytesMut::new();
    loop {
        let complete = match framing {
            Framing::Length(n) => buf.len() as u64 >= n,
            Framing::Chunked => loop {
                match chunked.decode(&mut buf, &mut decoded) {
                    Ok(Some(piece)) => decoded.extend_from_slice(&piece),
                    Ok(None) => break chunked.is_done(),
                    Err(_) => break true,
                }
            },
            Framing::UntilClose => false,
        };
        if complete || buf.len() + decoded.len() > MAX_ERROR_BODY {
            break;
        }
        match tokio::time::timeout(std::time::Duration::from_secs(5), io.read_buf(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => {}
            _ => break,
        }
    }
    let body = match framing {
        Framing::Chunked => decoded,
        Framing::Length(n) => {
            buf.truncate(n as usize);
            buf
        }
        Framing::UntilClose => buf,
    };
    crate::api::response::error_message(&body)
}
