//! Hijacked connections (attach, exec start, session): the request is written on a
//! connection of its own, the daemon answers `101 UPGRADED` (or, from older daemons,
//! `200 OK`), and from then on the connection carries the process's streams both ways.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

use super::io::Io;
use crate::body::Body;
use crate::error::Error;
use crate::stream::websocket;

/// Largest response head accepted before the upgrade.
const MAX_HEAD: usize = 64 * 1024;
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
        None => None,
        Some(Ok(bytes)) => Some(bytes),
        Some(Err(_)) => {
            return Err(Error::invalid(
                "an upgraded request takes its body from memory, not from a stream",
            ))
        }
    };

    let mut head = Vec::with_capacity(512);
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    head.extend_from_slice(format!("{} {} HTTP/1.1\r\n", parts.method, target).as_bytes());
    for (name, value) in &parts.headers {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(format!("Connection: Upgrade\r\nUpgrade: {protocol}\r\n").as_bytes());
    // WebSocket asks for more: a nonce the answer must hash back, and a version.
    let ws_key = (protocol == "websocket").then(websocket::handshake_key);
    if let Some(key) = &ws_key {
        head.extend_from_slice(
            format!("Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n").as_bytes(),
        );
        if !parts.headers.contains_key(http::header::ORIGIN) {
            head.extend_from_slice(b"Origin: http://localhost\r\n");
        }
    }
    head.extend_from_slice(
        format!(
            "Content-Length: {}\r\n\r\n",
            body.as_ref().map_or(0, |b| b.len())
        )
        .as_bytes(),
    );
    if let Some(b) = &body {
        head.extend_from_slice(b);
    }
    let io_err = |e: io::Error| {
        Error::closed(format!(
            "{address} dropped the connection during the upgrade: {e}"
        ))
    };
    io.write_all(&head).await.map_err(io_err)?;
    io.flush().await.map_err(io_err)?;

    let mut buf = BytesMut::with_capacity(4096);
    let (status, headers, head_len) = loop {
        if io.read_buf(&mut buf).await.map_err(io_err)? == 0 {
            return Err(Error::closed(format!(
                "{address} closed the connection instead of answering the upgrade"
            )));
        }
        let mut header_slots = [httparse::EMPTY_HEADER; 64];
        let mut resp = httparse::Response::new(&mut header_slots);
        match resp.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let mut headers = http::HeaderMap::new();
                for h in resp.headers.iter() {
                    if let (Ok(n), Ok(v)) = (
                        http::HeaderName::from_bytes(h.name.as_bytes()),
                        http::HeaderValue::from_bytes(h.value),
                    ) {
                        headers.append(n, v);
                    }
                }
                break (resp.code.unwrap_or(0), headers, len);
            }
            Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => continue,
            Ok(httparse::Status::Partial) => {
                return Err(Error::decode(
                    "the upgrade response",
                    "its head is larger than 64 KiB",
                ))
            }
            Err(e) => {
                return Err(Error::decode(
                    format!("the upgrade response from {address}"),
                    e,
                ))
            }
        }
    };
    buf.advance(head_len);

    if status != 101 && status != 200 {
        let message = read_error_body(&mut io, buf, &headers).await;
        return Err(Error::from_status(status, message));
    }
    if let Some(key) = &ws_key {
        let accept = headers
            .get("sec-websocket-accept")
            .and_then(|v| v.to_str().ok());
        if status != 101 || accept.is_some_and(|a| a != websocket::expected_accept(key)) {
            return Err(Error::decode(
                format!("the WebSocket handshake with {address}"),
                format!("status {status}, Sec-WebSocket-Accept {accept:?}"),
            ));
        }
    }
    let mut response = http::Response::new(());
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    *response.headers_mut() = headers;
    let (parts, ()) = response.into_parts();
    Ok((parts, Upgraded { io, buffered: buf }))
}

/// Reads the body of a refused upgrade (bounded) and returns the daemon's message.
async fn read_error_body(io: &mut Io, mut buf: BytesMut, headers: &http::HeaderMap) -> String {
    let chunked = headers
        .get(http::header::TRANSFER_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let length = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(MAX_ERROR_BODY)
        .min(MAX_ERROR_BODY);
    while buf.len() < length && !(chunked && buf.ends_with(b"0\r\n\r\n")) {
        match tokio::time::timeout(std::time::Duration::from_secs(5), io.read_buf(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => {}
            _ => break,
        }
    }
    buf.truncate(length);
    if chunked {
        buf = dechunk(&buf);
    }
    crate::api::response::error_message(&buf, headers)
}

/// The data of a chunked body (as much of it as is complete).
fn dechunk(mut input: &[u8]) -> BytesMut {
    let mut out = BytesMut::new();
    while let Some(line_end) = input.windows(2).position(|w| w == b"\r\n") {
        let size_text = std::str::from_utf8(&input[..line_end]).unwrap_or("0");
        let size_text = size_text.split(';').next().unwrap_or("0").trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            break;
        };
        let start = line_end + 2;
        if size == 0 || input.len() < start + size {
            break;
        }
        out.extend_from_slice(&input[start..start + size]);
        input = input.get(start + size + 2..).unwrap_or_default();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::dechunk;

    #[test]
    fn dechunks_an_error_body() {
        let body = b"18\r\n{\"message\":\"no such x\"}\n\r\n0\r\n\r\n";
        assert_eq!(&dechunk(body)[..], b"{\"message\":\"no such x\"}\n");
    }
}
