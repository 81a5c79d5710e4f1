//! One connection of the pool: its socket (in the event loop for async calls, a
//! blocking std socket for blocking ones, a non-blocking one for calls an outside
//! loop drives), what was read past the last answer, and its place under the
//! pool's cap.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::cancel::{self, CHECK_EVERY};
use super::connect::Dialer;
use super::foreign_loop;
use super::io::{Io, StdSocket};
use super::slot::Slot;
use super::sys::is_stale;

/// Which kind of call drives a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Awaited in a tokio runtime.
    Async,
    /// Blocking the calling thread (no runtime).
    Blocking,
    /// Polled by an event loop outside libdocker, which watches the socket
    /// (`foreign_loop.rs`); chosen by the transport for whole answers.
    Driven,
}

pub(crate) enum Socket {
    /// In the runtime's event loop.
    InLoop(Io),
    /// A std socket with the read/write limit it has now: blocking for the
    /// blocking client, non-blocking while a stream's reads pause.
    Std(StdSocket, Option<Duration>),
    /// A non-blocking std socket that an outside loop watches, with the limit it
    /// had when blocking (kept for when it blocks again).
    Driven(StdSocket, Option<Duration>),
    /// Lost while changing form.
    Closed,
}

pub(crate) struct Conn {
    pub socket: Socket,
    /// Bytes read and not yet consumed.
    pub buf: BytesMut,
    /// Taken from the pool rather than freshly opened.
    pub reused: bool,
    /// How long one blocking read or write may wait (the caller's limit).
    wait_limit: Option<Duration>,
    slot: Slot,
    /// The runtime whose event loop an `InLoop` socket is registered with: a
    /// client's connections may be used from several runtimes (a blocking
    /// client's, a monitor's, a map's), and a socket only makes progress in its own.
    runtime: Option<tokio::runtime::Id>,
}

/// The runtime this code runs on, if any.
fn current_runtime() -> Option<tokio::runtime::Id> {
    tokio::runtime::Handle::try_current().ok().map(|h| h.id())
}

impl Conn {
    /// Opens a new connection in `slot`.
    pub async fn open(
        dialer: &Dialer,
        mode: Mode,
        slot: Slot,
    ) -> Result<Conn, crate::error::Error> {
        let socket = match mode {
            Mode::Async => Socket::InLoop(dialer.dial().await?),
            Mode::Blocking => Socket::Std(dialer.dial_blocking()?, None),
            // Dialed in the runtime (a connect may take a while), then taken out.
            Mode::Driven => Socket::Driven(
                dialer.dial().await?.into_std().map_err(|e| {
                    crate::error::Error::io("cannot take the socket out of the event loop", e)
                })?,
                None,
            ),
        };
        Ok(Conn {
            socket,
            buf: BytesMut::new(),
            reused: false,
            wait_limit: None,
            slot,
            runtime: current_runtime(),
        })
    }

    /// Marks a connection going back to the pool.
    pub fn reused(mut self) -> Conn {
        self.reused = true;
        self
    }

    /// The socket's descriptor (-1 once lost).
    pub fn fd(&self) -> i32 {
        match &self.socket {
            Socket::InLoop(io) => io.as_raw_fd(),
            Socket::Std(s, _) | Socket::Driven(s, _) => s.as_raw_fd(),
            Socket::Closed => -1,
        }
    }

    /// Whether the daemon closed this idle connection (or sent something unasked).
    pub fn is_stale(&self) -> bool {
        is_stale(self.fd())
    }

    /// The connection in the form a call of `mode` drives; `None` if it cannot
    /// change form (TLS stays in the event loop) or changing failed. Blocking
    /// and driven sockets keep the read/write limit set on them.
    pub fn into_mode(self, mode: Mode) -> Option<Conn> {
        let Conn {
            socket,
            buf,
            reused,
            wait_limit,
            slot,
            runtime,
        } = self;
        let here = current_runtime();
        let socket = match (socket, mode) {
            (Socket::Closed, _) => return None,
            (s @ Socket::InLoop(_), Mode::Async) if runtime == here => s,
            // Registered with another runtime's event loop: moved to this one
            // (a TLS connection cannot move, and is closed instead).
            (Socket::InLoop(io), Mode::Async) => {
                if !io.can_leave_loop() {
                    return None;
                }
                Socket::InLoop(io.into_std().ok()?.into_async().ok()?)
            }
            (s @ Socket::Std(..), Mode::Blocking) => s,
            (Socket::InLoop(io), Mode::Blocking) => {
                if !io.can_leave_loop() {
                    return None;
                }
                let std = io.into_std().ok()?;
                std.set_nonblocking(false).ok()?;
                Socket::Std(std, None)
            }
            (Socket::Std(std, _), Mode::Async) => {
                std.set_limit(None).ok()?;
                std.set_nonblocking(true).ok()?;
                Socket::InLoop(std.into_async().ok()?)
            }
            (Socket::InLoop(io), Mode::Driven) => {
                if !io.can_leave_loop() {
                    return None;
                }
                Socket::Driven(io.into_std().ok()?, None)
            }
            (s @ Socket::Driven(..), Mode::Driven) => s,
            (Socket::Std(std, limit), Mode::Driven) => {
                std.set_nonblocking(true).ok()?;
                Socket::Driven(std, limit)
            }
            (Socket::Driven(std, limit), Mode::Blocking) => {
                std.set_nonblocking(false).ok()?;
                Socket::Std(std, limit)
            }
            (Socket::Driven(std, limit), Mode::Async) => {
                if limit.is_some() {
                    std.set_limit(None).ok()?;
                }
                Socket::InLoop(std.into_async().ok()?)
            }
        };
        let runtime = match &socket {
            Socket::InLoop(_) => here,
            _ => runtime,
        };
        Some(Conn {
            socket,
            buf,
            reused,
            wait_limit,
            slot,
            runtime,
        })
    }

    /// Limits each read and write of a blocking connection (async calls are
    /// limited by a timer around them instead). While a check is installed on
    /// the thread (`cancel::interruptible`), the socket waits in slices of
    /// [`CHECK_EVERY`] and the check runs between them.
    pub fn set_limit(&mut self, limit: Option<Duration>) -> io::Result<()> {
        self.wait_limit = limit;
        let slice = if cancel::checking() {
            Some(limit.map_or(CHECK_EVERY, |l| l.min(CHECK_EVERY)))
        } else {
            limit
        };
        if let Socket::Std(s, current) = &mut self.socket {
            if *current != slice {
                s.set_limit(slice)?;
                *current = slice;
            }
        }
        Ok(())
    }

    /// The limit a blocking connection's reads and writes have.
    pub fn limit(&self) -> Option<Duration> {
        self.wait_limit
    }

    /// After a blocking read or write waited a slice in vain: whether to go on
    /// waiting (the check did not say stop, the caller's limit has not passed).
    fn wait_on(wait_limit: Option<Duration>, since: Instant, waited: io::Error) -> io::Result<()> {
        if !is_wait(&waited) {
            return Err(waited);
        }
        if cancel::checking() && cancel::should_stop() {
            return Err(cancel::stopped());
        }
        match wait_limit {
            Some(limit) if since.elapsed() >= limit => Err(waited),
            _ if cancel::checking() => Ok(()),
            _ => Err(waited),
        }
    }

    /// Writes all of `bytes`.
    pub async fn write_all(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        match &mut self.socket {
            Socket::InLoop(io) => {
                io.write_all(bytes).await?;
                io.flush().await
            }
            Socket::Std(s, _) => {
                let mut since = Instant::now();
                while !bytes.is_empty() {
                    match s.write_some(bytes) {
                        Ok(n) => {
                            bytes = &bytes[n..];
                            since = Instant::now();
                        }
                        Err(e) => Self::wait_on(self.wait_limit, since, e)?,
                    }
                }
                Ok(())
            }
            Socket::Driven(s, _) => {
                while !bytes.is_empty() {
                    match s.write_some(bytes) {
                        Ok(n) => bytes = &bytes[n..],
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                            foreign_loop::ready(s.as_raw_fd(), true).await?
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(())
            }
            Socket::Closed => Err(closed()),
        }
    }

    /// Writes all of `parts` (a chunk's head, data and end), vectored where the
    /// socket takes it.
    pub async fn write_all_vectored(&mut self, parts: &[&[u8]]) -> io::Result<()> {
        let Socket::InLoop(io) = &mut self.socket else {
            // A blocking socket: no vectored writes, and no syscall saved by them.
            for part in parts {
                self.write_all(part).await?;
            }
            return Ok(());
        };
        let mut at = 0usize; // bytes of `parts` written
        let total: usize = parts.iter().map(|p| p.len()).sum();
        while at < total {
            let mut skip = at;
            let slices: Vec<IoSlice<'_>> = parts
                .iter()
                .filter_map(|p| {
                    if skip >= p.len() {
                        skip -= p.len();
                        None
                    } else {
                        let s = IoSlice::new(&p[skip..]);
                        skip = 0;
                        Some(s)
                    }
                })
                .collect();
            let n = io.write_vectored(&slices).await?;
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            at += n;
        }
        io.flush().await
    }

    /// Reads what arrives (at least `want` bytes of room) onto the end of `buf`;
    /// 0 means the daemon closed the connection.
    pub async fn read_more(&mut self, want: usize) -> io::Result<usize> {
        self.buf.reserve(want);
        match &mut self.socket {
            Socket::InLoop(io) => io.read_buf(&mut self.buf).await,
            Socket::Driven(s, _) => loop {
                match s.read_buf(&mut self.buf, want) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        foreign_loop::ready(s.as_raw_fd(), false).await?
                    }
                    read => return read,
                }
            },
            Socket::Std(s, _) => {
                let since = Instant::now();
                loop {
                    match s.read_buf(&mut self.buf, want) {
                        Err(e) => Self::wait_on(self.wait_limit, since, e)?,
                        read => return read,
                    }
                }
            }
            Socket::Closed => Err(closed()),
        }
    }

    /// Reads what the event loop says has arrived onto the end of `buf` (room
    /// must have been made); 0 means the daemon closed the connection.
    pub fn poll_read(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        match &mut self.socket {
            Socket::InLoop(io) => tokio_util::io::poll_read_buf(Pin::new(io), cx, &mut self.buf),
            _ => Poll::Ready(Err(closed())),
        }
    }

    /// The socket and what was read past the answer's head, for a connection
    /// that leaves the pool (hijacked); its place under the cap is given back.
    pub fn into_io(self) -> Option<(Io, BytesMut)> {
        let Conn { socket, buf, .. } = self;
        match socket {
            Socket::InLoop(io) => Some((io, buf)),
            _ => None,
        }
    }

    /// Takes the socket out of the event loop, non-blocking, for a moment (see
    /// `response_body.rs`); `false` if it cannot leave.
    pub fn leave_loop(&mut self) -> bool {
        match std::mem::replace(&mut self.socket, Socket::Closed) {
            Socket::InLoop(io) if io.can_leave_loop() => match io.into_std() {
                Ok(std) => {
                    self.socket = Socket::Std(std, None);
                    true
                }
                Err(_) => false,
            },
            other => {
                self.socket = other;
                false
            }
        }
    }

    /// Puts a socket that left the loop back into it.
    pub fn rejoin_loop(&mut self) -> io::Result<()> {
        match std::mem::replace(&mut self.socket, Socket::Closed) {
            Socket::Std(std, _) => {
                self.socket = Socket::InLoop(std.into_async()?);
                self.runtime = current_runtime();
                Ok(())
            }
            other => {
                self.socket = other;
                Ok(())
            }
        }
    }

    /// Reads what a socket out of the loop holds onto the end of `buf`, without
    /// waiting (`WouldBlock` if nothing).
    pub fn read_now(&mut self) -> io::Result<usize> {
        match &mut self.socket {
            Socket::Std(s, _) => s.read_buf(&mut self.buf, 0),
            _ => Err(closed()),
        }
    }
}

/// A blocking socket's wait ran out (its limit, or a slice of it).
fn is_wait(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::NotConnected, "the connection was lost")
}
