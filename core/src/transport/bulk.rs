//! Bulk streams (logs, exports, archives, saved images): the request goes out on a
//! pooled connection of our own codec (`raw_pool.rs`), and the body is decoded
//! here, every chunk a read brought in at once, out of one buffer: no hand-off and
//! no allocation per chunk. At a clean end the connection goes back to the pool.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use super::http1::{ChunkedDecoder, Framing};
use super::io::{Io, Parked};
use super::pause::Pause;
use super::raw_pool::RawPool;
use crate::error::Error;

/// Room kept free in the read buffer for the next read.
const READ_ROOM: usize = 64 * 1024;
/// A read smaller than this means the daemon trickles: pause before the next one.
const TRICKLE: usize = 16 * 1024;
/// How much a pause lets gather, at the rate the stream came at so far: one full
/// read, far from filling the socket (which holds about 200 KiB).
const GATHER: f64 = READ_ROOM as f64;
/// Bounds of a pause. The longest keeps a unix socket below the few hundred
/// small writes it queues before the daemon would wait (200 k log lines/s), and
/// is all the latency a followed log gains.
const MIN_PAUSE: Duration = Duration::from_micros(50);
const MAX_PAUSE: Duration = Duration::from_micros(500);

/// A response body decoded by us.
pub(crate) struct BulkBody {
    io: Option<Io>,
    /// Bytes read and not yet decoded.
    buf: BytesMut,
    /// Decoded data not yet handed out (chunked bodies).
    out: BytesMut,
    framing: Framing,
    chunked: ChunkedDecoder,
    pool: Arc<RawPool>,
    address: Arc<str>,
    keep_alive: bool,
    done: bool,
    /// Paces reads of a trickling stream, made when first needed.
    pause: Option<Pause>,
    pause_unavailable: bool,
    last_read_small: bool,
    /// When the last pause began (or the body did) and the bytes read since.
    since_pause: (Instant, usize),
    /// The socket, out of the event loop while a pause lasts.
    parked: Option<Parked>,
}

impl BulkBody {
    pub fn new(
        io: Io,
        buf: BytesMut,
        parts: &http::response::Parts,
        pool: Arc<RawPool>,
        address: Arc<str>,
    ) -> Self {
        let close = super::http1::asks_close(parts);
        let mut body = BulkBody {
            io: Some(io),
            buf,
            out: BytesMut::new(),
            framing: Framing::of(parts),
            chunked: ChunkedDecoder::default(),
            pool,
            address,
            keep_alive: !close,
            done: false,
            pause: None,
            pause_unavailable: false,
            last_read_small: false,
            since_pause: (Instant::now(), 0),
            parked: None,
        };
        if body.framing == Framing::Length(0) {
            body.finish();
        }
        body
    }

    /// The body is complete: the connection can serve another request.
    fn finish(&mut self) {
        self.done = true;
        if let Some(parked) = self.parked.take() {
            self.io = parked.unpark().ok();
        }
        let Some(io) = self.io.take() else { return };
        if !self.keep_alive || self.framing == Framing::UntilClose || !self.buf.is_empty() {
            return;
        }
        self.pool.put(io, std::mem::take(&mut self.buf));
    }

    /// After a small read: take the socket out of the event loop (arriving data
    /// would wake us once per write of the daemon) and wait a moment.
    fn start_pause(&mut self) {
        if !self.io.as_ref().is_some_and(Io::can_park) || self.pause_unavailable {
            return;
        }
        if self.pause.is_none() {
            self.pause = Pause::new();
            self.pause_unavailable = self.pause.is_none();
        }
        let length = pause_length(self.since_pause.0.elapsed(), self.since_pause.1);
        self.since_pause = (Instant::now(), 0);
        let Some(pause) = self.pause.as_mut() else {
            return;
        };
        if pause.arm(length).is_err() {
            self.pause_unavailable = true;
            return;
        }
        if let Some(io) = self.io.take() {
            match io.park() {
                Ok(parked) => self.parked = Some(parked),
                Err(_) => self.done = true,
            }
        }
    }

    fn cut_short(&mut self) -> Error {
        self.done = true;
        self.io = None;
        Error::closed(format!(
            "{} closed the connection before the response was complete",
            self.address
        ))
    }

    /// Decoded data ready to hand out, if any.
    fn take_decoded(&mut self) -> Result<Option<Bytes>, Error> {
        match &mut self.framing {
            Framing::Length(remaining) => {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                let n = (*remaining).min(self.buf.len() as u64) as usize;
                *remaining -= n as u64;
                let data = self.buf.split_to(n).freeze();
                if *remaining == 0 {
                    self.finish();
                }
                Ok(Some(data))
            }
            Framing::Chunked => {
                let in_place = self.chunked.decode(&mut self.buf, &mut self.out)?;
                let data =
                    in_place.or_else(|| (!self.out.is_empty()).then(|| self.out.split().freeze()));
                if self.chunked.is_done() {
                    self.finish();
                }
                Ok(data)
            }
            Framing::UntilClose => Ok((!self.buf.is_empty()).then(|| self.buf.split().freeze())),
        }
    }
}

/// How long to pause after `bytes` arrived in `elapsed`: long enough for about
/// [`GATHER`] bytes to arrive at that rate. A fixed length either wakes often on a
/// slow stream or lets a fast one fill the socket, so that the daemon waits.
fn pause_length(elapsed: Duration, bytes: usize) -> Duration {
    let per_byte = elapsed.as_secs_f64() / bytes.max(1) as f64;
    Duration::from_secs_f64(per_byte * GATHER).clamp(MIN_PAUSE, MAX_PAUSE)
}

impl Stream for BulkBody {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.done && this.buf.is_empty() && this.out.is_empty() {
                return Poll::Ready(None);
            }
            match this.take_decoded() {
                Ok(Some(data)) => return Poll::Ready(Some(Ok(data))),
                Ok(None) if this.done => return Poll::Ready(None),
                Ok(None) => {}
                Err(e) => {
                    this.done = true;
                    this.io = None;
                    this.buf.clear();
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
            if let Some(parked) = this.parked.take() {
                match parked.unpark() {
                    Ok(io) => this.io = Some(io),
                    Err(e) => {
                        this.done = true;
                        return Poll::Ready(Some(Err(Error::closed(format!(
                            "cannot resume reading from {}: {e}",
                            this.address
                        )))));
                    }
                }
            }
            let Some(io) = this.io.as_mut() else {
                return Poll::Ready(Some(Err(this.cut_short())));
            };
            if this.buf.capacity() - this.buf.len() < READ_ROOM / 4 {
                this.buf.reserve(READ_ROOM);
            }
            match ready!(tokio_util::io::poll_read_buf(
                Pin::new(io),
                cx,
                &mut this.buf
            )) {
                Ok(0) if this.framing == Framing::UntilClose => {
                    this.done = true;
                    this.io = None;
                    return Poll::Ready(None);
                }
                Ok(0) => return Poll::Ready(Some(Err(this.cut_short()))),
                Ok(n) => {
                    this.last_read_small = n < TRICKLE;
                    this.since_pause.1 += n;
                }
                Err(e) => {
                    this.done = true;
                    this.io = None;
                    let reason = super::connect::find_tls_error(&e)
                        .unwrap_or_else(|| format!("reading from {} failed: {e}", this.address));
                    return Poll::Ready(Some(Err(Error::closed(reason))));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_lasts_as_long_as_a_full_read_takes_to_arrive() {
        let us = Duration::from_micros;
        // 400 MB/s: 64 KiB arrive in ~164 µs.
        let fast = pause_length(us(2_500), 1_000_000);
        assert!(fast > us(150) && fast < us(180), "{fast:?}");
        // Log lines at 12 MB/s: the longest pause.
        assert_eq!(pause_length(us(1_000), 12_000), MAX_PAUSE);
        // Faster than memory: the shortest.
        assert_eq!(pause_length(us(10), 10_000_000), MIN_PAUSE);
    }
}
