//! The blocking transport, for callers that wait anyway (the blocking client, and
//! through it the C ABI and Python's sync API): the request goes out in one `write`
//! on a pooled std socket and the answer is read with blocking reads. No event loop,
//! no scheduler, no wake-ups: a request costs what a hand-written socket loop costs.
//! Unix sockets and plain TCP, for answers read whole; TLS and streams take the
//! async path.

use std::io::{self, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::Mutex;
use std::time::Duration;

use bytes::{Bytes, BytesMut};

use super::connect::Dialer;
use super::http1::{self, Message, Step, WholeBody, MAX_HEAD, MIN_READ};
use super::io::{is_stale, receive};
use crate::body::Body;
use crate::config::Endpoint;
use crate::error::Error;

/// Most idle connections kept.
const MAX_IDLE: usize = 64;
/// Bytes asked for per read, at most.
const MAX_READ: usize = 256 * 1024;

/// A complete answer: its head and its whole body.
pub(crate) struct Answer {
    pub parts: http::response::Parts,
    pub body: Bytes,
}

/// Idle blocking connections to one daemon.
#[derive(Default)]
pub(crate) struct BlockingPool {
    idle: Mutex<Vec<Conn>>,
}

impl BlockingPool {
    fn take(&self) -> Option<Conn> {
        self.idle.lock().ok()?.pop()
    }

    fn put(&self, conn: Conn) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
        }
    }

    pub fn idle_count(&self) -> usize {
        self.idle.lock().map(|i| i.len()).unwrap_or(0)
    }
}

/// A connected std socket.
enum Socket {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Socket {
    fn set_limit(&self, limit: Option<Duration>) -> io::Result<()> {
        match self {
            Socket::Unix(s) => {
                s.set_read_timeout(limit)?;
                s.set_write_timeout(limit)
            }
            Socket::Tcp(s) => {
                s.set_read_timeout(limit)?;
                s.set_write_timeout(limit)
            }
        }
    }

    fn fd(&self) -> i32 {
        match self {
            Socket::Unix(s) => s.as_raw_fd(),
            Socket::Tcp(s) => s.as_raw_fd(),
        }
    }
}

impl Write for Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Socket::Unix(s) => s.write(buf),
            Socket::Tcp(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One keep-alive connection and what was read past the last answer.
struct Conn {
    socket: Socket,
    buf: BytesMut,
    /// The read/write timeout the socket has now.
    limit: Option<Duration>,
}

/// How an exchange failed.
enum Failure {
    /// Nothing of an answer arrived: the connection was closed under us.
    Unanswered(Error),
    /// Anything else.
    Other(Error),
}

impl Dialer {
    /// Whether blocking connections can be opened: unix sockets and plain TCP.
    pub fn can_block(&self) -> bool {
        self.tls.is_none()
    }

    /// Opens a blocking connection within the connect timeout.
    fn dial_blocking(&self) -> Result<Socket, Error> {
        match &self.endpoint {
            Endpoint::Unix(path) => UnixStream::connect(path)
                .map(Socket::Unix)
                .map_err(|e| self.connect_error(e)),
            Endpoint::Tcp { host, port, .. } => {
                let addrs = (host.as_str(), *port)
                    .to_socket_addrs()
                    .map_err(|e| self.connect_error(e))?;
                let mut last = io::Error::new(io::ErrorKind::NotFound, "no address found");
                for addr in addrs {
                    let tcp = match self.connect_timeout {
                        Some(limit) => TcpStream::connect_timeout(&addr, limit),
                        None => TcpStream::connect(addr),
                    };
                    match tcp {
                        Ok(tcp) => {
                            let _ = tcp.set_nodelay(true);
                            return Ok(Socket::Tcp(tcp));
                        }
                        Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                            return Err(Error::Timeout {
                                during: format!("connecting to {}", self.address()),
                                after: self.connect_timeout.unwrap_or_default(),
                            })
                        }
                        Err(e) => last = e,
                    }
                }
                Err(self.connect_error(last))
            }
        }
    }
}

/// Sends `req` and reads its whole answer, blocking the calling thread.
pub(crate) fn send(
    dialer: &Dialer,
    pool: &BlockingPool,
    address: &str,
    req: http::Request<Body>,
    timeout: Option<Duration>,
) -> Result<Answer, Error> {
    let (parts, body) = req.into_parts();
    let message = Message::new(&parts, body)?;
    let timed_out = |limit: Duration| Error::Timeout {
        during: format!(
            "waiting for the answer to {} {} from {address}",
            parts.method,
            parts.uri.path()
        ),
        after: limit,
    };
    // A reused connection the daemon closed is replaced, once: always before
    // sending, and after sending only if the request may be sent twice.
    for attempt in 0..2 {
        // Stale idle connections are dropped without using up an attempt.
        let idle = loop {
            match pool.take() {
                Some(conn) if !message.idempotent && is_stale(conn.socket.fd()) => continue,
                other => break other,
            }
        };
        let (mut conn, reused) = match idle {
            Some(conn) => (conn, true),
            None => (
                Conn {
                    socket: dialer.dial_blocking()?,
                    buf: BytesMut::new(),
                    limit: None,
                },
                false,
            ),
        };
        if conn.limit != timeout {
            conn.socket
                .set_limit(timeout)
                .map_err(|e| Error::io("cannot set the socket's timeout", e))?;
            conn.limit = timeout;
        }
        match conn.exchange(&message, address) {
            Ok((answer, keep_alive)) => {
                if keep_alive {
                    pool.put(conn);
                }
                return Ok(answer);
            }
            Err(Failure::Unanswered(_)) if reused && message.idempotent && attempt == 0 => continue,
            Err(Failure::Unanswered(e) | Failure::Other(e)) => {
                return Err(match (e, timeout) {
                    (Error::Timeout { .. }, Some(limit)) => timed_out(limit),
                    (e, _) => e,
                })
            }
        }
    }
    Err(Error::closed(format!(
        "{address} closed the connection twice before answering"
    )))
}

impl Conn {
    /// Writes `message` and reads one answer; says whether the connection can be
    /// used again.
    fn exchange(&mut self, message: &Message, address: &str) -> Result<(Answer, bool), Failure> {
        let written = self
            .socket
            .write_all(&message.head)
            .and_then(|()| self.socket.write_all(&message.body));
        if let Err(e) = written {
            return Err(match e.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                    Failure::Other(timeout_error())
                }
                _ => Failure::Unanswered(Error::closed(format!(
                    "{address} dropped the connection while we wrote: {e}"
                ))),
            });
        }
        let parts = loop {
            if let Some(parts) =
                http1::parse_head(&mut self.buf, address).map_err(Failure::Other)?
            {
                break parts;
            }
            if self.buf.len() >= MAX_HEAD {
                return Err(Failure::Other(Error::decode(
                    "a response head",
                    "it is larger than 64 KiB",
                )));
            }
            let anything = !self.buf.is_empty();
            match self.read_more(MIN_READ) {
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
                Err(e @ Error::Timeout { .. }) => return Err(Failure::Other(e)),
                Err(e) if !anything => return Err(Failure::Unanswered(e)),
                Err(e) => return Err(Failure::Other(e)),
            }
        };
        let mut reader = WholeBody::new(&parts, message.head_only);
        let body = self
            .read_body(&mut reader, address)
            .map_err(Failure::Other)?;
        let keep_alive = reader.reusable(&self.buf);
        Ok((Answer { parts, body }, keep_alive))
    }

    fn read_body(&mut self, reader: &mut WholeBody, address: &str) -> Result<Bytes, Error> {
        loop {
            match reader.step(&mut self.buf)? {
                Step::Done(body) => return Ok(body),
                Step::More(want) => {
                    if self.read_more(want)? == 0 {
                        return reader.at_end(&mut self.buf, address);
                    }
                }
            }
        }
    }

    /// Reads what is there (up to about `want` bytes) onto the end of `buf`.
    fn read_more(&mut self, want: usize) -> Result<usize, Error> {
        self.buf.reserve(want.clamp(MIN_READ, MAX_READ));
        let read = loop {
            match receive(self.socket.fd(), self.buf.spare_capacity_mut()) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        let n = read.map_err(|e| match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => timeout_error(),
            _ => Error::closed(format!("the connection failed while we read: {e}")),
        })?;
        // SAFETY: `receive` initialised the first `n` bytes of the spare capacity.
        unsafe { self.buf.set_len(self.buf.len() + n) };
        Ok(n)
    }
}

/// A placeholder timeout, given its message and limit by [`send`].
fn timeout_error() -> Error {
    Error::Timeout {
        during: String::new(),
        after: Duration::ZERO,
    }
}
