//! Hijacked connections (attach, exec start, session): the request asks for an
//! upgrade (and, for a WebSocket, sends a key to hash back), the daemon answers
//! `101 UPGRADED` (or, from older daemons, `200 OK`), and from then on the
//! connection carries the process's streams both ways, outside the pool.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use base64::Engine as _;
use bytes::{Buf, BytesMut};
use sha1::{Digest, Sha1};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::io::Io;
use crate::error::Error;

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

/// The headers that ask for an upgrade to `protocol`, and for a WebSocket the
/// key its answer must hash back.
pub(super) struct Asking {
    pub headers: Vec<(&'static str, String)>,
    key: Option<String>,
}

impl Asking {
    pub fn new(protocol: &str, has_origin: bool) -> Asking {
        let mut headers = vec![
            ("Connection", "Upgrade".to_string()),
            ("Upgrade", protocol.to_string()),
        ];
        let key = (protocol == "websocket").then(handshake_key);
        if let Some(key) = &key {
            headers.push(("Sec-WebSocket-Key", key.clone()));
            headers.push(("Sec-WebSocket-Version", "13".to_string()));
            if !has_origin {
                headers.push(("Origin", "http://localhost".to_string()));
            }
        }
        Asking { headers, key }
    }

    /// Checks a successful answer's head (`101`, or `200` from older daemons);
    /// a WebSocket must answer `101` with the key hashed back.
    pub fn check(&self, head: &http::response::Parts, address: &str) -> Result<(), Error> {
        let status = head.status.as_u16();
        let Some(key) = &self.key else {
            return Ok(());
        };
        let accept = head
            .headers
            .get("sec-websocket-accept")
            .and_then(|v| v.to_str().ok());
        if status != 101 || accept.is_some_and(|a| a != expected_accept(key)) {
            return Err(Error::decode(
                format!("the WebSocket handshake with {address}"),
                format!("status {status}, Sec-WebSocket-Accept {accept:?}"),
            ));
        }
        Ok(())
    }
}

/// Whether an answer to an upgrade request means the connection is now the
/// process's: `101 Switching Protocols`, or `200 OK` from daemons before 1.24.
pub(super) fn is_upgraded(status: http::StatusCode) -> bool {
    status == http::StatusCode::SWITCHING_PROTOCOLS || status == http::StatusCode::OK
}

impl Upgraded {
    pub(super) fn new(io: Io, buffered: BytesMut) -> Upgraded {
        Upgraded { io, buffered }
    }
}

const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// A fresh `Sec-WebSocket-Key`.
fn handshake_key() -> String {
    base64::engine::general_purpose::STANDARD.encode(crate::random::random_bytes::<16>())
}

/// The `Sec-WebSocket-Accept` a server must answer to `key`.
fn expected_accept(key: &str) -> String {
    let digest = Sha1::digest(format!("{key}{GUID}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_value_of_the_rfc_example() {
        assert_eq!(
            expected_accept("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }
}
