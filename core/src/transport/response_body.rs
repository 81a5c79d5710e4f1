//! A streamed answer's body (logs, events, progress, archives, exports), read in
//! the reader's task as it is consumed: every chunk a read brought in at once is
//! decoded out of one buffer (`http1`'s decoder), with no hand-off and no
//! allocation per chunk. At a clean end the connection goes back to the pool.
//!
//! Bulk streams (logs, archives, exports) are paced: after a read that drained
//! the socket with little, the socket leaves the event loop for a moment
//! (`pause.rs`), so the daemon's small writes gather instead of waking us one by one.

use std::ops::ControlFlow;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use super::connection::Conn;
use super::http1::{BodyDecoder, Piece};
use super::pause::Pause;
use super::pool::Pool;
use crate::error::Error;

/// Room kept free in the read buffer for the next read.
const READ_ROOM: usize = 64 * 1024;
/// A read smaller than this means the daemon trickles (small writes, or large
/// ones reaching the socket in pieces): pause before the next one.
const TRICKLE: usize = READ_ROOM * 3 / 4;
/// How much of the socket's queue a pause may fill. The daemon's writes wait once
/// about 208 KiB (the kernel's default send buffer) are queued, counted with
/// [`WRITE_OVERHEAD`] per write: half of that keeps the daemon from waiting on us.
const SOCKET_BUDGET: f64 = 96.0 * 1024.0;
/// What the kernel counts for each queued write beyond its bytes (buffer headers).
const WRITE_OVERHEAD: f64 = 768.0;
/// Bounds of a pause. The longest is all the latency a followed log gains.
const MIN_PAUSE: Duration = Duration::from_micros(50);
const MAX_PAUSE: Duration = Duration::from_millis(2);
/// The longest pause when the daemon's writes cannot be counted (a body that is
/// not chunked): a few hundred small writes would fill the socket in that time.
const MAX_UNCOUNTED_PAUSE: Duration = Duration::from_micros(500);

/// What arrived since the last pause began (or the body did).
#[derive(Clone, Copy)]
struct Gathered {
    began: Instant,
    bytes: usize,
    /// Chunks decoded when it began: each chunk is one write of the daemon.
    chunks_before: u64,
}

impl Gathered {
    /// Counting from now, `chunks` decoded so far.
    fn from_now(chunks: u64) -> Self {
        Gathered {
            began: Instant::now(),
            bytes: 0,
            chunks_before: chunks,
        }
    }
}

/// A streamed answer's body, read as it is consumed. At a clean end its
/// connection goes back to the pool; dropped early, the connection is closed.
pub(crate) struct ResponseBody {
    /// `None` once the stream is over.
    conn: Option<Conn>,
    decoder: BodyDecoder,
    pool: Arc<Pool>,
    address: Arc<str>,
    /// Bulk streams (logs, archives, exports) pause after small reads; live
    /// ones (events, progress) are read as each piece arrives.
    paced: bool,
    /// Paces reads of a trickling stream, made when first needed.
    pause: Option<Pause>,
    pause_unavailable: bool,
    last_read_small: bool,
    since_pause: Gathered,
    /// The socket is out of the event loop while a pause lasts.
    parked: bool,
}

impl ResponseBody {
    pub fn new(
        conn: Conn,
        decoder: BodyDecoder,
        paced: bool,
        pool: Arc<Pool>,
        address: Arc<str>,
    ) -> Self {
        let mut body = ResponseBody {
            conn: Some(conn),
            decoder,
            pool,
            address,
            paced,
            pause: None,
            pause_unavailable: false,
            last_read_small: false,
            since_pause: Gathered::from_now(0),
            parked: false,
        };
        if body.decoder.is_done() {
            body.finish();
        }
        body
    }

    /// The body is complete: the connection can serve another request.
    fn finish(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        if self.parked {
            self.parked = false;
            if conn.rejoin_loop().is_err() {
                return;
            }
        }
        if self.decoder.reusable(&conn.buf) {
            self.pool.put(conn);
        }
    }

    /// After a small read: take the socket out of the event loop (arriving data
    /// would wake us once per write of the daemon) and wait a moment. The socket
    /// stays out while the stream trickles, read directly after each pause; it
    /// goes back into the loop only once such a read finds it empty.
    fn start_pause(&mut self) {
        if self.pause_unavailable {
            return;
        }
        if self.pause.is_none() {
            self.pause = Pause::new();
            self.pause_unavailable = self.pause.is_none();
        }
        let chunks = self.decoder.chunks();
        let writes = self
            .decoder
            .is_chunked()
            .then(|| chunks - self.since_pause.chunks_before);
        let length = pause_length(
            self.since_pause.began.elapsed(),
            self.since_pause.bytes,
            writes,
        );
        self.since_pause = Gathered::from_now(chunks);
        let Some(pause) = self.pause.as_mut() else {
            return;
        };
        if self.parked {
            if pause.arm(length).is_err() {
                self.pause_unavailable = true;
            }
            return;
        }
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        if !conn.leave_loop() {
            // A TLS stream cannot leave the loop: it is read without pauses.
            self.pause_unavailable = true;
            return;
        }
        self.parked = true;
        if pause.arm(length).is_err() {
            self.pause_unavailable = true;
        }
    }

    /// What a read into `room` brought, from the event loop or a parked socket:
    /// `Continue` to decode it, or the stream's last item. A read of `n` bytes
    /// that drained the socket with little means the daemon trickles; one that
    /// filled the room says nothing of it.
    fn after_read(
        &mut self,
        read: std::io::Result<usize>,
        room: usize,
    ) -> ControlFlow<Option<Result<Bytes, Error>>> {
        match read {
            Ok(0) => {
                let end = match self.conn.as_mut() {
                    Some(conn) => self.decoder.at_eof(&mut conn.buf, &self.address),
                    None => Ok(Bytes::new()),
                };
                self.let_go();
                ControlFlow::Break(match end {
                    Ok(rest) if rest.is_empty() => None,
                    Ok(rest) => Some(Ok(rest)),
                    Err(e) => Some(Err(e)),
                })
            }
            Ok(n) => {
                self.last_read_small = self.paced && n < TRICKLE && n < room;
                self.since_pause.bytes += n;
                ControlFlow::Continue(())
            }
            Err(e) => {
                self.let_go();
                let reason = super::connect::find_tls_error(&e)
                    .unwrap_or_else(|| format!("reading from {} failed: {e}", self.address));
                ControlFlow::Break(Some(Err(Error::closed(reason))))
            }
        }
    }

    /// The stream is over without a clean end: the connection cannot be reused.
    fn let_go(&mut self) {
        self.conn = None;
        self.parked = false;
    }
}

/// Makes room in `buf` for the next read; returns how much there is.
fn make_room(buf: &mut BytesMut) -> usize {
    if buf.capacity() - buf.len() < READ_ROOM / 4 {
        buf.reserve(READ_ROOM);
    }
    buf.capacity() - buf.len()
}

/// How long to pause after `bytes` (in `writes` of the daemon, where known)
/// arrived in `elapsed`: as long as [`SOCKET_BUDGET`] takes to queue up at that
/// pace. A fixed length either wakes often on a slow stream or lets a fast one
/// fill the socket, so that the daemon waits.
fn pause_length(elapsed: Duration, bytes: usize, writes: Option<u64>) -> Duration {
    let queued = bytes as f64 + WRITE_OVERHEAD * writes.unwrap_or(0) as f64;
    let longest = if writes.is_some() {
        MAX_PAUSE
    } else {
        MAX_UNCOUNTED_PAUSE
    };
    let per_unit = elapsed.as_secs_f64() / queued.max(1.0);
    Duration::from_secs_f64(per_unit * SOCKET_BUDGET).clamp(MIN_PAUSE, longest)
}

impl Stream for ResponseBody {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            let Some(conn) = this.conn.as_mut() else {
                return Poll::Ready(None);
            };
            match this.decoder.next_piece(&mut conn.buf) {
                Ok(Piece::Data(data)) => {
                    if this.decoder.is_done() {
                        this.finish();
                    }
                    return Poll::Ready(Some(Ok(data)));
                }
                Ok(Piece::End) => {
                    this.finish();
                    return Poll::Ready(None);
                }
                Ok(Piece::More) => {}
                Err(e) => {
                    this.let_go();
                    return Poll::Ready(Some(Err(e)));
                }
            }
            // More is needed. After a small read, let more gather first.
            if std::mem::take(&mut this.last_read_small) {
                this.start_pause();
            }
            if let Some(pause) = this.pause.as_mut().filter(|p| p.is_armed()) {
                if ready!(pause.poll_over(cx)).is_err() {
                    this.pause = None;
                    this.pause_unavailable = true;
                }
            }
            let Some(conn) = this.conn.as_mut() else {
                return Poll::Ready(None);
            };
            // Read what gathered while the socket is still out of the loop: a
            // stream that keeps trickling goes on pausing without ever going back.
            if this.parked {
                let room = make_room(&mut conn.buf);
                match conn.read_now() {
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    read => match this.after_read(read, room) {
                        ControlFlow::Continue(()) => continue,
                        ControlFlow::Break(last) => return Poll::Ready(last),
                    },
                }
                this.parked = false;
                if let Err(e) = conn.rejoin_loop() {
                    this.let_go();
                    return Poll::Ready(Some(Err(Error::closed(format!(
                        "cannot resume reading from {}: {e}",
                        this.address
                    )))));
                }
            }
            let room = make_room(&mut conn.buf);
            let read = ready!(conn.poll_read(cx));
            if let ControlFlow::Break(last) = this.after_read(read, room) {
                return Poll::Ready(last);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_lasts_as_long_as_half_the_socket_takes_to_fill() {
        let us = Duration::from_micros;
        let within = |d: Duration, lo: u64, hi: u64| assert!(d > us(lo) && d < us(hi), "{d:?}");
        // An archive at 400 MB/s in 64 KiB writes: ~240 µs.
        within(pause_length(us(2_500), 1_000_000, Some(15)), 230, 255);
        // Logs in 64 KiB writes at 65 MB/s: ~1.5 ms.
        within(pause_length(us(1_000), 65_000, Some(1)), 1_400, 1_600);
        // 200 k log lines a second: the writes' overhead counts most, ~590 µs,
        // in which ~120 lines queue.
        within(pause_length(us(1_000), 13_600, Some(200)), 560, 620);
        // Writes that cannot be counted: no longer than a few hundred lines take.
        assert_eq!(pause_length(us(1_000), 12_000, None), MAX_UNCOUNTED_PAUSE);
        // A followed log, a line now and then: the longest pause.
        assert_eq!(pause_length(us(900_000), 70, Some(1)), MAX_PAUSE);
        // Faster than memory: the shortest.
        assert_eq!(pause_length(us(10), 10_000_000, Some(1)), MIN_PAUSE);
    }
}
