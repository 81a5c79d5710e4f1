//! Answers read whole on the async path (JSON, text, nothing): the request goes
//! out in one write on a pooled connection and the answer is read with our
//! HTTP/1 codec (`http1.rs`), as the blocking transport does, but awaiting the
//! socket, on the connections bulk streams use too (`raw_pool.rs`). For one
//! write and one or two reads, hyper's machinery (a dispatch
//! channel between the request and the connection, wakers handed between them)
//! cost more than the exchange: an extra `epoll_wait` and thousands of
//! instructions per call.

use std::os::fd::AsRawFd;

use bytes::{Bytes, BytesMut};
use tokio::io::AsyncReadExt;

use super::blocking::Answer;
use super::http1::{self, ChunkedDecoder, Framing};
use super::io::Io;
use super::Transport;
use crate::body::Body;
use crate::error::Error;

/// Bytes asked for per read, at least.
const MIN_READ: usize = 16 * 1024;
/// Bodies up to this size are copied behind the head and written with it.
const INLINE_BODY: usize = 64 * 1024;

/// Whether the daemon closed (or wrote on) an idle connection: it cannot carry a
/// request that must not be sent twice.
fn is_stale(io: &Io) -> bool {
    let fd = match io {
        Io::Unix(s) => s.as_raw_fd(),
        Io::Tcp(s) => s.as_raw_fd(),
        Io::Tls(s) => s.get_ref().0.as_raw_fd(),
    };
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN | libc::POLLRDHUP,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout.
    unsafe { libc::poll(&mut pfd, 1, 0) != 0 }
}

/// How an exchange failed.
enum Failure {
    /// Nothing of an answer arrived: the connection was closed under us.
    Unanswered(Error),
    Other(Error),
}

/// Sends `req` (its body in memory) and reads its whole answer.
pub(crate) async fn send(t: &Transport, req: http::Request<Body>) -> Result<Answer, Error> {
    let address = &*t.address;
    let (parts, body) = req.into_parts();
    let body = match body.into_full() {
        None => Bytes::new(),
        Some(Ok(bytes)) => bytes,
        Some(Err(_)) => return Err(Error::invalid("a streamed body cannot be sent whole")),
    };
    // A small body goes out with the head in one write; a large one is not copied.
    let mut head = http1::encode_head(&parts, &[], body.len());
    let body = if body.len() <= INLINE_BODY {
        head.extend_from_slice(&body);
        Bytes::new()
    } else {
        body
    };
    let idempotent = matches!(
        parts.method,
        http::Method::GET | http::Method::HEAD | http::Method::PUT | http::Method::DELETE
    );
    let head_only = parts.method == http::Method::HEAD;
    // A reused connection the daemon closed is replaced, once: always before
    // sending, and after sending only if the request may be sent twice.
    for attempt in 0..2 {
        // Stale idle connections are dropped without using up an attempt.
        let idle = loop {
            match t.take_raw() {
                Some((io, _)) if !idempotent && is_stale(&io) => continue,
                other => break other,
            }
        };
        let (mut io, mut buf, reused) = match idle {
            Some((io, buf)) => (io, buf, true),
            None => (t.dialer.dial().await?, BytesMut::new(), false),
        };
        match exchange(&mut io, &mut buf, (&head, &body), head_only, address).await {
            Ok((answer, keep_alive)) => {
                if keep_alive {
                    t.raw.put(io, buf);
                }
                return Ok(answer);
            }
            Err(Failure::Unanswered(_)) if reused && idempotent && attempt == 0 => continue,
            Err(Failure::Unanswered(e) | Failure::Other(e)) => return Err(e),
        }
    }
    Err(Error::closed(format!(
        "{address} closed the connection twice before answering"
    )))
}

/// Writes `message` (the head, then the body if it was not inlined) and reads
/// one answer; says whether the connection can be used again.
async fn exchange(
    io: &mut Io,
    buf: &mut BytesMut,
    message: (&[u8], &[u8]),
    head_only: bool,
    address: &str,
) -> Result<(Answer, bool), Failure> {
    for part in [message.0, message.1] {
        if !part.is_empty() {
            http1::write_all(io, part, address)
                .await
                .map_err(Failure::Unanswered)?;
        }
    }
    let parts = http1::read_head(io, buf, address).await.map_err(|e| {
        if buf.is_empty() {
            Failure::Unanswered(e)
        } else {
            Failure::Other(e)
        }
    })?;
    let close = parts
        .headers
        .get(http::header::CONNECTION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("close"));
    let framing = if head_only {
        Framing::Length(0)
    } else {
        Framing::of(&parts)
    };
    let body = read_body(io, buf, framing, address)
        .await
        .map_err(Failure::Other)?;
    let keep_alive = !close && framing != Framing::UntilClose && buf.is_empty();
    Ok((Answer { parts, body }, keep_alive))
}

async fn read_body(
    io: &mut Io,
    buf: &mut BytesMut,
    framing: Framing,
    address: &str,
) -> Result<Bytes, Error> {
    let cut = || {
        Error::closed(format!(
            "{address} closed the connection before the response was complete"
        ))
    };
    match framing {
        Framing::Length(n) => {
            let n = usize::try_from(n)
                .map_err(|_| Error::decode("a response", "its length is too large"))?;
            while buf.len() < n {
                if read_more(io, buf, n - buf.len(), address).await? == 0 {
                    return Err(cut());
                }
            }
            Ok(buf.split_to(n).freeze())
        }
        Framing::Chunked => {
            let mut decoder = ChunkedDecoder::default();
            let mut out = BytesMut::new();
            loop {
                // A large chunk comes back on its own: decode on before reading.
                if let Some(piece) = decoder.decode(buf, &mut out)? {
                    out.extend_from_slice(&piece);
                    continue;
                }
                if decoder.is_done() {
                    return Ok(out.freeze());
                }
                if read_more(io, buf, MIN_READ, address).await? == 0 {
                    return Err(cut());
                }
            }
        }
        Framing::UntilClose => {
            while read_more(io, buf, MIN_READ, address).await? != 0 {}
            Ok(buf.split().freeze())
        }
    }
}

/// Reads what is there (room for at least `want` bytes) onto the end of `buf`.
async fn read_more(
    io: &mut Io,
    buf: &mut BytesMut,
    want: usize,
    address: &str,
) -> Result<usize, Error> {
    buf.reserve(want.max(MIN_READ));
    io.read_buf(buf)
        .await
        .map_err(|e| super::connect::tls_or_closed(e, address, "failed while we read"))
}
