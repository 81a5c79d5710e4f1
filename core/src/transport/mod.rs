//! Sending a built request to the daemon. Answers read whole (`whole.rs`) and
//! bulk streams (`bulk.rs`) go over pooled keep-alive connections read with our
//! own HTTP/1 codec (`raw_pool.rs`, `http1.rs`); JSON streams and streamed request
//! bodies over connections driven by hyper (`pool.rs`); the two pools hand idle
//! connections to each other, so one connection serves a sequence of any calls.
//! Hijacked (upgraded) connections are dedicated (`upgrade.rs`); blocking callers
//! use std sockets read with blocking reads (`blocking.rs`).

mod blocking;
mod bulk;
mod connect;
mod http1;
mod io;
mod pause;
mod pool;
mod raw_pool;
mod unix;
mod upgrade;
mod whole;

pub(crate) use connect::Dialer;
pub use upgrade::Upgraded;

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use futures_util::FutureExt;
use hyper_util::rt::TokioIo;

use crate::body::Body;
use crate::error::Error;
pub(crate) use blocking::Answer;
use blocking::BlockingPool;
use bulk::BulkBody;
use pool::{BoxedConn, Conn, HyperBody, Pool};
use raw_pool::RawPool;

/// A response body: read through hyper, or (bulk streams) decoded by us.
pub(crate) enum ResponseBody {
    Hyper(HyperBody),
    /// Boxed: it holds its connection and read state, far larger than a hyper body.
    Bulk(Box<BulkBody>),
}

impl Stream for ResponseBody {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.get_mut() {
            ResponseBody::Hyper(b) => Pin::new(b).poll_next(cx),
            ResponseBody::Bulk(b) => Pin::new(b).poll_next(cx),
        }
    }
}

/// Connections to one daemon.
pub(crate) struct Transport {
    dialer: Dialer,
    pool: Arc<Pool>,
    address: Arc<str>,
    /// Connections of our own codec: whole answers and bulk streams.
    raw: Arc<RawPool>,
    /// Connections of the blocking path, apart from the async ones.
    blocking: BlockingPool,
}

/// A response whose headers have arrived; the body is read as it is consumed.
pub(crate) type Response = http::Response<ResponseBody>;

impl Transport {
    pub fn new(dialer: Dialer) -> Self {
        let address: Arc<str> = dialer.address().into();
        Transport {
            dialer,
            pool: Arc::default(),
            address,
            raw: Arc::default(),
            blocking: BlockingPool::default(),
        }
    }

    /// Idle keep-alive connections of the async paths right now.
    pub fn idle_connections(&self) -> usize {
        self.pool.idle_count() + self.raw.idle_count()
    }

    /// Idle connections of the blocking path right now.
    pub fn idle_blocking_connections(&self) -> usize {
        self.blocking.idle_count()
    }

    /// Whether [`send_blocking`](Self::send_blocking) can reach the daemon (TLS
    /// cannot: it takes the async path).
    pub fn can_block(&self) -> bool {
        self.dialer.can_block()
    }

    /// Sends a request with an in-memory body and reads its whole answer, blocking
    /// the calling thread; `timeout` limits each read and write.
    pub fn send_blocking(
        &self,
        req: http::Request<Body>,
        timeout: Option<Duration>,
    ) -> Result<Answer, Error> {
        blocking::send(&self.dialer, &self.blocking, &self.address, req, timeout)
    }

    /// Sends a request with an in-memory body and reads its whole answer
    /// (within `timeout`); see `whole.rs`.
    pub async fn send_whole(
        &self,
        req: http::Request<Body>,
        timeout: Option<Duration>,
    ) -> Result<Answer, Error> {
        let what = describe(&req);
        let work = whole::send(self, req);
        self.within(timeout, what, work).await
    }

    /// Sends a request and waits for the response headers (within `timeout`).
    pub async fn send(
        &self,
        req: http::Request<Body>,
        timeout: Option<Duration>,
    ) -> Result<Response, Error> {
        let what = describe(&req);
        self.within(timeout, what, self.send_now(req)).await
    }

    /// Runs `work` within `limit`, naming the request if it runs out.
    async fn within<T>(
        &self,
        limit: Option<Duration>,
        (method, uri): (http::Method, http::Uri),
        work: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let Some(limit) = limit else {
            return work.await;
        };
        tokio::time::timeout(limit, work)
            .await
            .map_err(|_| Error::Timeout {
                during: format!(
                    "waiting for the answer to {method} {} from {}",
                    uri.path(),
                    self.address
                ),
                after: limit,
            })?
    }

    async fn send_now(&self, mut req: http::Request<Body>) -> Result<Response, Error> {
        // One retry, only on a reused connection, only when the request was not sent.
        for attempt in 0..2 {
            let mut conn = match self.pool.take().or_else(|| self.take_raw_for_hyper()) {
                Some(conn) => conn,
                None => self.open().await?,
            };
            if let Err(e) = conn.ready().await {
                if conn.reused && attempt == 0 {
                    continue;
                }
                return Err(self.request_error(e));
            }
            // Handing the request over would wake this very task (it drives the
            // connection); park the connection's wakers on a no-op first, as the
            // connection is polled right after anyway: one scheduler round-trip
            // (and one epoll_wait) less per request.
            conn.quiet();
            let sent = conn.sender.try_send_request(req);
            match conn.drive(Box::pin(sent)).await {
                Ok(resp) => {
                    let pool = self.pool.clone();
                    let address = self.address.clone();
                    return Ok(resp.map(|incoming| {
                        ResponseBody::Hyper(HyperBody::new(incoming, conn, pool, address))
                    }));
                }
                Err(mut e) => match e.take_message() {
                    Some(back) if conn.reused && attempt == 0 => req = back,
                    _ => return Err(self.request_error(e.into_error())),
                },
            }
        }
        Err(Error::closed(format!(
            "{} closed the connection twice before the request could be sent",
            self.address
        )))
    }

    /// Sends a body-less request whose answer is a bulk stream (logs, exports,
    /// archives), decoding the body ourselves; see `bulk.rs`.
    pub async fn send_bulk(
        &self,
        req: http::Request<Body>,
        timeout: Option<Duration>,
    ) -> Result<Response, Error> {
        let what = describe(&req);
        self.within(timeout, what, self.send_bulk_now(req)).await
    }

    async fn send_bulk_now(&self, req: http::Request<Body>) -> Result<Response, Error> {
        let (parts, body) = req.into_parts();
        if !body.is_empty() {
            return Err(Error::invalid("a bulk stream request has no body"));
        }
        let head = http1::encode_head(&parts, &[], 0);
        // A reused connection the daemon closed fails before any answer: the
        // request (a GET) is sent again, once, on a new connection.
        for attempt in 0..2 {
            let (mut io, mut buf, reused) = match self.take_raw() {
                Some((io, buf)) => (io, buf, true),
                None => (self.dialer.dial().await?, BytesMut::new(), false),
            };
            let answered = async {
                http1::write_all(&mut io, &head, &self.address).await?;
                http1::read_head(&mut io, &mut buf, &self.address).await
            }
            .await;
            match answered {
                Ok(resp) => {
                    let body =
                        BulkBody::new(io, buf, &resp, self.raw.clone(), self.address.clone());
                    return Ok(http::Response::from_parts(
                        resp,
                        ResponseBody::Bulk(Box::new(body)),
                    ));
                }
                Err(Error::StreamClosed { .. }) if reused && attempt == 0 => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Error::closed(format!(
            "{} closed the connection twice before answering",
            self.address
        )))
    }

    /// An idle connection for our own codec: ours, or one taken back from hyper.
    fn take_raw(&self) -> Option<(io::Io, BytesMut)> {
        if let Some(idle) = self.raw.take() {
            return Some(idle);
        }
        while let Some(conn) = self.pool.take() {
            let (io, buf) = conn.into_io();
            if buf.is_empty() {
                return Some((io, buf));
            }
        }
        None
    }

    /// An idle connection of our own codec, handed to hyper.
    fn take_raw_for_hyper(&self) -> Option<BoxedConn> {
        let (io, _) = self.raw.take()?;
        // hyper's handshake does no I/O: it is ready at once.
        let handshake = hyper::client::conn::http1::Builder::new().handshake(TokioIo::new(io));
        match handshake.now_or_never() {
            Some(Ok((sender, driver))) => {
                let mut conn = Conn::new(sender, driver);
                conn.reused = true;
                Some(conn)
            }
            _ => None,
        }
    }

    async fn open(&self) -> Result<BoxedConn, Error> {
        let io = self.dialer.dial().await?;
        let (sender, driver) = hyper::client::conn::http1::Builder::new()
            .handshake(TokioIo::new(io))
            .await
            .map_err(|e| self.request_error(e))?;
        Ok(Conn::new(sender, driver))
    }

    /// Opens a dedicated connection and hijacks it (attach, exec, session).
    pub async fn upgrade(
        &self,
        req: http::Request<Body>,
        protocol: &str,
        timeout: Option<Duration>,
    ) -> Result<(http::response::Parts, Upgraded), Error> {
        let work = async {
            let io = self.dialer.dial().await?;
            upgrade::hijack(io, req, protocol, &self.address).await
        };
        match timeout {
            Some(limit) => tokio::time::timeout(limit, work)
                .await
                .map_err(|_| Error::Timeout {
                    during: format!("waiting for {} to upgrade the connection", self.address),
                    after: limit,
                })?,
            None => work.await,
        }
    }

    fn request_error(&self, e: hyper::Error) -> Error {
        if let Some(reason) = connect::find_tls_error(&e) {
            return Error::Tls {
                address: self.address.to_string(),
                reason,
            };
        }
        if e.is_canceled() || e.is_closed() || e.is_incomplete_message() {
            return Error::closed(format!(
                "{} closed the connection before answering",
                self.address
            ));
        }
        if e.is_parse() {
            return Error::decode(format!("the HTTP response from {}", self.address), e);
        }
        Error::Connect {
            address: self.address.to_string(),
            reason: e.to_string(),
            hint: String::new(),
        }
    }
}

/// Method and URI of a request, kept for a timeout's message (cheap clones).
fn describe(req: &http::Request<Body>) -> (http::Method, http::Uri) {
    (req.method().clone(), req.uri().clone())
}
