//! Answers read whole on the async path (JSON, text, nothing): the request goes
//! out in one write on a pooled connection and the answer is read with our
//! HTTP/1 codec (`http1.rs`), as the blocking transport does, but awaiting the
//! socket, on the connections bulk streams use too (`raw_pool.rs`). For one
//! write and one or two reads, hyper's machinery (a dispatch
//! channel between the request and the connection, wakers handed between them)
//! cost more than the exchange: an extra `epoll_wait` and thousands of
//! instructions per call.

use bytes::{Bytes, BytesMut};
use tokio::io::AsyncReadExt;

use super::blocking::Answer;
use super::http1::{self, Message, Step, WholeBody, MIN_READ};
use super::io::{is_stale, Io};
use super::Transport;
use crate::body::Body;
use crate::error::Error;

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
    let message = Message::new(&parts, body)?;
    // A reused connection the daemon closed is replaced, once: always before
    // sending, and after sending only if the request may be sent twice.
    for attempt in 0..2 {
        // Stale idle connections are dropped without using up an attempt.
        let idle = loop {
            match t.take_raw() {
                Some((io, _)) if !message.idempotent && is_stale(io.as_raw_fd()) => continue,
                other => break other,
            }
        };
        let (mut io, mut buf, reused) = match idle {
            Some((io, buf)) => (io, buf, true),
            None => (t.dialer.dial().await?, BytesMut::new(), false),
        };
        match exchange(&mut io, &mut buf, &message, address).await {
            Ok((answer, keep_alive)) => {
                if keep_alive {
                    t.raw.put(io, buf);
                }
                return Ok(answer);
            }
            Err(Failure::Unanswered(_)) if reused && message.idempotent && attempt == 0 => continue,
            Err(Failure::Unanswered(e) | Failure::Other(e)) => return Err(e),
        }
    }
    Err(Error::closed(format!(
        "{address} closed the connection twice before answering"
    )))
}

/// Writes `message` and reads one answer; says whether the connection can be
/// used again.
async fn exchange(
    io: &mut Io,
    buf: &mut BytesMut,
    message: &Message,
    address: &str,
) -> Result<(Answer, bool), Failure> {
    for part in [&message.head[..], &message.body[..]] {
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
    let mut reader = WholeBody::new(&parts, message.head_only);
    let body = read_body(io, buf, &mut reader, address)
        .await
        .map_err(Failure::Other)?;
    let keep_alive = reader.reusable(buf);
    Ok((Answer { parts, body }, keep_alive))
}

async fn read_body(
    io: &mut Io,
    buf: &mut BytesMut,
    reader: &mut WholeBody,
    address: &str,
) -> Result<Bytes, Error> {
    loop {
        match reader.step(buf)? {
            Step::Done(body) => return Ok(body),
            Step::More(want) => {
                buf.reserve(want.max(MIN_READ));
                let n = io.read_buf(buf).await.map_err(|e| {
                    super::connect::tls_or_closed(e, address, "failed while we read")
                })?;
                if n == 0 {
                    return reader.at_end(buf, address);
                }
            }
        }
    }
}
