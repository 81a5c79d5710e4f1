//! Keep-alive connections to one daemon, and the response body that gives its
//! connection back when it has been read to the end.
//!
//! hyper's connection future is not spawned on a task of its own: whoever waits for
//! a response (or reads its body) polls it. Bytes go from the socket to the reader in
//! the reader's task, with no hand-off between threads per chunk.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http_body::Body as _;
use hyper::body::Incoming;
use hyper::client::conn::http1::{Connection, SendRequest};
use hyper_util::rt::TokioIo;

use super::io::Io;
use crate::body::Body;
use crate::error::Error;

type Driver = Connection<TokioIo<Io>, Body>;

/// Idle connections kept per client.
const MAX_IDLE: usize = 32;

/// An HTTP/1.1 connection: the handle to send on, and the future that does its I/O.
pub(crate) struct Conn {
    pub sender: SendRequest<Body>,
    driver: Driver,
    /// The connection future finished: the connection is closed.
    closed: bool,
    error: Option<hyper::Error>,
    /// Taken from the pool rather than freshly opened.
    pub reused: bool,
}

/// Connections are boxed: hyper's connection state is large, and a connection
/// moves between the pool, the request and the response body on every call.
pub(crate) type BoxedConn = Box<Conn>;

impl Conn {
    pub fn new(sender: SendRequest<Body>, driver: Driver) -> BoxedConn {
        Box::new(Conn {
            sender,
            driver,
            closed: false,
            error: None,
            reused: false,
        })
    }

    /// Makes progress on the connection's reads and writes.
    pub fn poll_driver(&mut self, cx: &mut Context<'_>) {
        if self.closed {
            return;
        }
        if let Poll::Ready(result) = Pin::new(&mut self.driver).poll(cx) {
            self.closed = true;
            self.error = result.err();
        }
    }

    /// Polls the connection with a no-op waker: its wakers then wake nobody.
    pub fn quiet(&mut self) {
        let mut cx = Context::from_waker(futures_util::task::noop_waker_ref());
        self.poll_driver(&mut cx);
    }

    /// Whether an idle connection is still usable: polls it once, without waiting, so
    /// a connection the daemon closed is noticed before a request is put on it.
    fn still_open(&mut self) -> bool {
        let mut cx = Context::from_waker(futures_util::task::noop_waker_ref());
        self.poll_driver(&mut cx);
        !self.closed && !self.sender.is_closed()
    }

    /// Waits until the connection can take a request.
    pub async fn ready(&mut self) -> Result<(), hyper::Error> {
        std::future::poll_fn(|cx| {
            self.poll_driver(cx);
            self.sender.poll_ready(cx)
        })
        .await
    }

    /// Drives the connection while waiting for `fut` (a response).
    pub async fn drive<F: Future + Unpin>(&mut self, mut fut: F) -> F::Output {
        std::future::poll_fn(|cx| {
            self.poll_driver(cx);
            Pin::new(&mut fut).poll(cx)
        })
        .await
    }

    /// The socket back from hyper (an idle connection only), with any bytes read ahead.
    pub fn into_io(self: Box<Self>) -> (Io, bytes::BytesMut) {
        let parts = self.driver.into_parts();
        (parts.io.into_inner(), bytes::BytesMut::from(parts.read_buf))
    }

    fn take_error(&mut self) -> Option<hyper::Error> {
        self.error.take()
    }
}

/// Idle connections to one daemon.
#[derive(Default)]
pub(crate) struct Pool {
    idle: Mutex<Vec<BoxedConn>>,
}

impl Pool {
    /// An idle connection that is still open, if any.
    pub fn take(&self) -> Option<BoxedConn> {
        loop {
            let mut conn = self.idle.lock().ok()?.pop()?;
            if conn.still_open() {
                conn.reused = true;
                return Some(conn);
            }
        }
    }

    pub fn put(&self, conn: BoxedConn) {
        if conn.closed || conn.sender.is_closed() {
            return;
        }
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
        }
    }

    /// Number of idle connections (for tests and stats).
    pub fn idle_count(&self) -> usize {
        self.idle.lock().map(|i| i.len()).unwrap_or(0)
    }
}

/// A response body being read; gives its connection back to the pool at the end,
/// and closes it when dropped early.
pub(crate) struct HyperBody {
    incoming: Incoming,
    conn: Option<BoxedConn>,
    pool: Arc<Pool>,
    address: Arc<str>,
}

impl HyperBody {
    pub fn new(incoming: Incoming, conn: BoxedConn, pool: Arc<Pool>, address: Arc<str>) -> Self {
        let mut body = HyperBody {
            incoming,
            conn: Some(conn),
            pool,
            address,
        };
        if body.incoming.is_end_stream() {
            body.release();
        }
        body
    }

    fn release(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.put(conn);
        }
    }

    fn error(&mut self, e: hyper::Error) -> Error {
        let e = self.conn.as_mut().and_then(|c| c.take_error()).unwrap_or(e);
        self.conn = None;
        body_error(e, &self.address)
    }
}

impl Stream for HyperBody {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(conn) = this.conn.as_mut() {
                conn.poll_driver(cx);
            }
            return match Pin::new(&mut this.incoming).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => {
                        if this.incoming.is_end_stream() {
                            this.release();
                        }
                        if data.is_empty() {
                            continue;
                        }
                        Poll::Ready(Some(Ok(data)))
                    }
                    // Trailers: nothing for us.
                    Err(_) => continue,
                },
                Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(this.error(e)))),
                Poll::Ready(None) => {
                    this.release();
                    Poll::Ready(None)
                }
                Poll::Pending => Poll::Pending,
            };
        }
    }
}

/// A failure while reading a body: the daemon went away mid-stream, or TLS broke.
pub(crate) fn body_error(e: hyper::Error, address: &str) -> Error {
    if let Some(reason) = super::connect::find_tls_error(&e) {
        return Error::Tls {
            address: address.to_string(),
            reason,
        };
    }
    if e.is_incomplete_message() || e.is_closed() || e.is_canceled() {
        return Error::closed(format!(
            "{address} closed the connection before the response was complete"
        ));
    }
    if e.is_parse() {
        return Error::decode(format!("the HTTP response from {address}"), e);
    }
    Error::closed(format!("reading from {address} failed: {e}"))
}
