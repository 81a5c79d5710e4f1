//! One request and the head of its answer, on a connection of the pool: written
//! once for blocking and async calls alike (a blocking connection's reads and
//! writes never wait on a runtime, so the same code runs under a plain
//! `block_on`). Here, and only here, live the rules for connections the daemon
//! closed while idle:
//!
//! - an idle connection is checked before a request that must not go out twice
//!   (a POST, a streamed body) is put on it, and dropped if the daemon closed it;
//! - a request that may go out twice is sent again, once, on a new connection, if
//!   a reused connection failed before any of the answer arrived.

use bytes::Bytes;

use super::cancel::{self, Cancel};
use super::connect::tls_or_closed;
use super::connection::{Conn, Mode};
use super::http1::{
    chunk_head, parse_head, BodyDecoder, Outgoing, OutgoingBody, Whole, LAST_CHUNK, MAX_HEAD,
    MIN_READ,
};
use super::Transport;
use crate::error::Error;

/// Bytes asked for per read of a whole answer, at most.
const MAX_READ: usize = 256 * 1024;

/// How an attempt failed.
enum Failure {
    /// Nothing of an answer arrived: the connection was closed under us.
    Unanswered(Error),
    Other(Error),
}

impl Transport {
    /// Sends `out` on a connection from the pool (or a new one) and reads the head
    /// of its answer; what follows the head stays in the connection's buffer.
    pub(super) async fn exchange(
        &self,
        out: &mut Outgoing,
        mode: Mode,
        limit: Option<std::time::Duration>,
        cancel: Option<&Cancel>,
    ) -> Result<(Conn, http::response::Parts), Error> {
        for attempt in 0..2 {
            let mut conn = self
                .pool
                .checkout(&self.dialer, mode, !out.repeatable(), cancel)
                .await?;
            conn.set_limit(limit)
                .map_err(|e| Error::io("cannot set the socket's time limit", e))?;
            // A blocking call waits in `recv`: firing the handle shuts the socket.
            let _watch = cancel
                .filter(|_| mode == Mode::Blocking)
                .map(|c| c.watch(conn.fd()));
            match self.attempt(&mut conn, out).await {
                Ok(head) => return Ok((conn, head)),
                Err(Failure::Unanswered(_)) if conn.reused && out.repeatable() && attempt == 0 => {
                    continue
                }
                Err(Failure::Unanswered(e) | Failure::Other(e)) => return Err(e),
            }
        }
        Err(Error::closed(format!(
            "{} closed the connection twice before answering",
            self.address
        )))
    }

    async fn attempt(
        &self,
        conn: &mut Conn,
        out: &mut Outgoing,
    ) -> Result<http::response::Parts, Failure> {
        let written = match self.write_request(conn, out).await {
            Ok(()) => Ok(()),
            Err(Failure::Other(e)) => return Err(Failure::Other(e)),
            Err(Failure::Unanswered(e)) => Err(e),
        };
        match (written, self.read_head(conn, out).await) {
            (Ok(()), head) => head,
            // The daemon may answer (and close) before taking the whole body:
            // its answer says more than our failed write.
            (Err(_), Ok(head)) => Ok(head),
            (Err(e), Err(_)) => Err(Failure::Unanswered(e)),
        }
    }

    async fn write_request(&self, conn: &mut Conn, out: &mut Outgoing) -> Result<(), Failure> {
        let address = &*self.address;
        let limit = conn.limit();
        let failed = |e: std::io::Error| {
            if cancel::is_stopped(&e) {
                return Failure::Other(self.cancelled());
            }
            if is_time_limit(&e) {
                // Fields, not `out`: the body is being written meanwhile.
                return Failure::Other(self.timed_out(limit, (&out.method, out.uri.path())));
            }
            Failure::Unanswered(tls_or_closed(
                e,
                address,
                "dropped the connection while we wrote",
            ))
        };
        conn.write_all(&out.head).await.map_err(failed)?;
        match &mut out.body {
            OutgoingBody::None => Ok(()),
            OutgoingBody::Bytes(bytes) => conn.write_all(bytes).await.map_err(failed),
            OutgoingBody::Stream(body) => {
                while let Some(chunk) = body.next_chunk().await {
                    let chunk = chunk.map_err(|e| {
                        Failure::Other(Error::io("reading the request body failed", e))
                    })?;
                    conn.write_all_vectored(&[&chunk_head(chunk.len()), &chunk, b"\r\n"])
                        .await
                        .map_err(failed)?;
                }
                conn.write_all(LAST_CHUNK).await.map_err(failed)
            }
        }
    }

    async fn read_head(
        &self,
        conn: &mut Conn,
        out: &Outgoing,
    ) -> Result<http::response::Parts, Failure> {
        let address = &*self.address;
        loop {
            if let Some(parts) = parse_head(&mut conn.buf, address).map_err(Failure::Other)? {
                return Ok(parts);
            }
            if conn.buf.len() >= MAX_HEAD {
                return Err(Failure::Other(Error::decode(
                    "a response head",
                    "it is larger than 64 KiB",
                )));
            }
            let anything = !conn.buf.is_empty();
            match conn.read_more(MIN_READ).await {
                Ok(n) if n > 0 => {}
                Ok(_) if !anything => {
                    return Err(Failure::Unanswered(Error::closed(format!(
                        "{address} closed the connection before answering"
                    ))))
                }
                Ok(_) => {
                    return Err(Failure::Other(Error::closed(format!(
                        "{address} closed the connection in the middle of an answer"
                    ))))
                }
                Err(e) if is_time_limit(&e) => {
                    return Err(Failure::Other(
                        self.timed_out(conn.limit(), out_target(out)),
                    ))
                }
                Err(e) => {
                    let e = tls_or_closed(e, address, "dropped the connection before answering");
                    return Err(if anything {
                        Failure::Other(e)
                    } else {
                        Failure::Unanswered(e)
                    });
                }
            }
        }
    }

    /// Reads the body of an answer whole.
    pub(super) async fn read_whole(
        &self,
        conn: &mut Conn,
        decoder: &mut BodyDecoder,
        out: &Outgoing,
    ) -> Result<Bytes, Error> {
        loop {
            match decoder.whole(&mut conn.buf)? {
                Whole::Done(body) => return Ok(body),
                Whole::More(want) => match conn.read_more(want.clamp(MIN_READ, MAX_READ)).await {
                    Ok(0) => return decoder.at_eof(&mut conn.buf, &self.address),
                    Ok(_) => {}
                    Err(e) if cancel::is_stopped(&e) => return Err(self.cancelled()),
                    Err(e) if is_time_limit(&e) => {
                        return Err(self.timed_out(conn.limit(), out_target(out)))
                    }
                    Err(e) => return Err(tls_or_closed(e, &self.address, "failed while we read")),
                },
            }
        }
    }

    /// The error for a call stopped by its caller.
    pub(super) fn cancelled(&self) -> Error {
        Error::Cancelled {
            what: format!("a call to {}", self.address),
        }
    }

    /// The error for a blocking read or write that ran out of time.
    fn timed_out(
        &self,
        limit: Option<std::time::Duration>,
        (method, path): (&http::Method, &str),
    ) -> Error {
        Error::Timeout {
            during: format!(
                "waiting for the answer to {method} {path} from {}",
                self.address
            ),
            after: limit.unwrap_or_default(),
        }
    }
}

/// Method and path of a request, for messages.
fn out_target(out: &Outgoing) -> (&http::Method, &str) {
    (&out.method, out.uri.path())
}

/// A blocking socket's read or write limit passed.
fn is_time_limit(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}
