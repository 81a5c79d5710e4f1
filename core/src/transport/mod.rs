//! Sending a built request to the daemon, through one entry that answers by what
//! the caller will do with the answer: read it whole, stream it, or take over the
//! connection (hijack). [`Transport::send`] is that entry, for async and blocking calls
//! alike: both run the same exchange (`exchange.rs`) on connections of the
//! client's one pool (`pool.rs`), a blocking one on blocking sockets under a plain
//! `block_on` (`block_on.rs`).
//!
//! Where things are: dialing (`connect.rs`, `unix.rs`), a connection's socket in or
//! out of the event loop (`io.rs`, `connection.rs`, `sys.rs`), or watched by an
//! event loop outside libdocker (`foreign_loop.rs`), HTTP/1.1 without
//! I/O (`http1/`), one request and its answer's head with the retry rules
//! (`exchange.rs`), streamed bodies and their pacing (`response_body.rs`,
//! `pause.rs`), and hijacked connections (`upgrade.rs`).

pub(crate) mod block_on;
mod cancel;
mod connect;
mod connection;
mod exchange;
pub mod foreign_loop;
mod http1;
mod io;
mod pause;
mod pool;
mod response_body;
mod slot;
mod sys;
mod unix;
mod upgrade;

pub(crate) use cancel::{checking, should_stop};
pub use cancel::{interruptible, Cancel, CHECK_EVERY};
pub(crate) use connect::Dialer;
pub(crate) use connection::Mode;
pub use pool::DEFAULT_MAX_CONNECTIONS;
pub(crate) use response_body::ResponseBody;
pub use upgrade::Upgraded;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use crate::body::Body;
use crate::error::Error;
use http1::{BodyDecoder, Outgoing};
use pool::Pool;
use upgrade::{is_upgraded, Asking};

/// What the caller will do with an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    /// Read it whole before the call returns (JSON, text, nothing).
    Whole,
    /// Read its body as it arrives; `paced`: a bulk stream (logs, archives), whose
    /// reads pause after small ones so that the daemon's small writes gather.
    Stream { paced: bool },
    /// Take over the connection, upgraded to this protocol (`tcp`, `websocket`, `h2c`).
    Upgrade(&'static str),
}

/// An answer, as expected. A failure status always comes back whole, with the
/// daemon's message in its body.
pub(crate) enum Answer {
    Whole {
        head: http::response::Parts,
        body: Bytes,
    },
    Stream {
        head: http::response::Parts,
        /// Boxed: a stream lives long, and the whole answers stay small to move.
        body: Box<ResponseBody>,
    },
    Upgraded {
        head: http::response::Parts,
        io: Upgraded,
    },
}

/// Connections to one daemon.
pub(crate) struct Transport {
    dialer: Dialer,
    pool: Arc<Pool>,
    address: Arc<str>,
}

impl Transport {
    /// A transport that keeps at most `max_connections` open at once.
    pub fn new(dialer: Dialer, max_connections: usize) -> Self {
        let address: Arc<str> = dialer.address().into();
        Transport {
            dialer,
            pool: Pool::new(max_connections),
            address,
        }
    }

    /// Closes the idle connections.
    pub fn close_idle(&self) {
        self.pool.close_idle();
    }

    /// Idle keep-alive connections right now.
    pub fn idle_connections(&self) -> usize {
        self.pool.idle_count()
    }

    /// Open connections right now: idle, answering, or carrying a stream.
    pub fn open_connections(&self) -> usize {
        self.pool.open_count()
    }

    /// The cap on open connections.
    pub fn max_connections(&self) -> usize {
        self.pool.cap()
    }

    /// Whether blocking calls can reach the daemon (TLS cannot: its state lives
    /// in the event loop).
    pub fn can_block(&self) -> bool {
        self.dialer.can_block()
    }

    /// The one entry: sends `req` and answers as `expect` says, on a connection
    /// driven as `mode` says. `limit` bounds the wait for the answer (all of it
    /// when read whole, its head otherwise): for async calls a timer around the
    /// call, for blocking ones a limit on each read and write. A blocking call
    /// reads its answer whole (streams and upgrades are async) and must not run
    /// inside a runtime's thread; run it with `block_on::block_on`.
    pub async fn send(
        &self,
        req: http::Request<Body>,
        expect: Expect,
        mode: Mode,
        limit: Option<Duration>,
        cancel: Option<&Cancel>,
    ) -> Result<Answer, Error> {
        if cancel.is_some_and(Cancel::is_cancelled) {
            return Err(self.cancelled());
        }
        // Polled by an outside loop: a whole answer goes over a socket it watches.
        let mode = match mode {
            Mode::Async
                if expect == Expect::Whole && foreign_loop::active() && self.dialer.can_block() =>
            {
                Mode::Driven
            }
            mode => mode,
        };
        if mode == Mode::Blocking {
            debug_assert_eq!(expect, Expect::Whole);
            let answer = self.send_in(req, Expect::Whole, mode, limit, cancel).await;
            // A fired handle shut the socket: say so, not that it closed.
            return match answer {
                Err(_) if cancel.is_some_and(Cancel::is_cancelled) => Err(self.cancelled()),
                other => other,
            };
        }
        // Cheap clones (the path shares the request's bytes), for a timeout's message.
        let what = (req.method().clone(), req.uri().clone());
        let work = async {
            let work = self.send_in(req, expect, mode, None, cancel);
            let Some(limit) = limit else {
                return work.await;
            };
            tokio::time::timeout(limit, work)
                .await
                .map_err(|_| Error::Timeout {
                    during: format!(
                        "waiting for the answer to {} {} from {}",
                        what.0,
                        what.1.path(),
                        self.address
                    ),
                    after: limit,
                })?
        };
        match cancel {
            None => work.await,
            // Dropping the work closes its connection.
            Some(cancel) => tokio::select! {
                biased;
                _ = cancel.cancelled() => Err(self.cancelled()),
                answer = work => answer,
            },
        }
    }

    async fn send_in(
        &self,
        req: http::Request<Body>,
        expect: Expect,
        mode: Mode,
        socket_limit: Option<Duration>,
        cancel: Option<&Cancel>,
    ) -> Result<Answer, Error> {
        let asking = match expect {
            Expect::Upgrade(protocol) => Some(Asking::new(
                protocol,
                req.headers().contains_key(http::header::ORIGIN),
            )),
            _ => None,
        };
        let extra: Vec<(&str, &str)> = asking
            .iter()
            .flat_map(|a| a.headers.iter().map(|(n, v)| (*n, v.as_str())))
            .collect();
        let mut out = Outgoing::new(req, &extra);
        let (mut conn, head) = self.exchange(&mut out, mode, socket_limit, cancel).await?;
        let mut decoder = BodyDecoder::new(&head, out.head_only);
        let upgraded = asking.is_some() && is_upgraded(head.status);
        if matches!(expect, Expect::Whole) || (!upgraded && !head.status.is_success()) {
            let _watch = cancel
                .filter(|_| mode == Mode::Blocking)
                .map(|c| c.watch(conn.fd()));
            let body = self.read_whole(&mut conn, &mut decoder, &out).await?;
            if decoder.reusable(&conn.buf) {
                self.pool.put(conn);
            }
            return Ok(Answer::Whole { head, body });
        }
        match (expect, asking) {
            (Expect::Upgrade(_), Some(asking)) => {
                asking.check(&head, &self.address)?;
                let (io, buffered) = conn.into_io().ok_or_else(|| {
                    Error::closed("a blocking connection cannot be upgraded".to_string())
                })?;
                Ok(Answer::Upgraded {
                    head,
                    io: Upgraded::new(io, buffered),
                })
            }
            (Expect::Stream { paced }, _) => Ok(Answer::Stream {
                head,
                body: Box::new(ResponseBody::new(
                    conn,
                    decoder,
                    paced,
                    Arc::clone(&self.pool),
                    Arc::clone(&self.address),
                )),
            }),
            _ => unreachable!("whole answers are read above"),
        }
    }
}
