//! One connection of the pool: its socket (in the event loop for async calls, a
//! blocking std socket for blocking ones), what was read past the last answer,
//! and its place under the pool's cap.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::connect::Dialer;
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
}

pub(crate) enum Socket {
    /// In the runtime's event loop.
    InLoop(Io),
    /// A std socket with the read/write limit it has now: blocking for the
    /// blocking client, non-blocking while a stream's reads pause.
    Std(StdSocket, Option<Duration>),
    /// Lost while changing form.
    Closed,
}

pub(crate) struct Conn {
    pub socket: Socket,
    /// Bytes read and not yet consumed.
    pub buf: BytesMut,
    /// Taken from the pool rather than freshly opened.
    pub reused: bool,
    slot: Slot,
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
        };
        Ok(Conn {
            socket,
            buf: BytesMut::new(),
            reused: false,
            slot,
        })
    }

    /// Marks a connection going back to the pool.
    pub fn reused(mut self) -> Conn {
        self.reused = true;
        self
    }

    fn fd(&self) -> i32 {
        match &self.socket {
            Socket::InLoop(io) => io.as_raw_fd(),
            Socket::Std(s, _) => s.as_raw_fd(),
            Socket::Closed => -1,
        }
    }

    /// Whether the daemon closed this idle connection (or sent something unasked).
    pub fn is_stale(&self) -> bool {
        is_stale(self.fd())
    }

    /// The connection in the form a call of `mode` drives; `None` if it cannot
    /// change form (TLS stays in the event loop) or changing failed.
    pub fn into_mode(self, mode: Mode) -> Option<Conn> {
        let Conn {
            socket,
            buf,
            reused,
            slot,
        } = self;
        let socket = match (socket, mode) {
            (Socket::Closed, _) => return None,
            (s @ Socket::InLoop(_), Mode::Async) | (s @ Socket::Std(..), Mode::Blocking) => s,
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
        };
        Some(Conn {
            socket,
            buf,
            reused,
            slot,
        })
    }

    /// Limits each read and write of a blocking connection (async calls are
    /// limited by a timer around them instead).
    pub fn set_limit(&mut self, limit: Option<Duration>) -> io::Result<()> {
        if let Socket::Std(s, current) = &mut self.socket {
            if *current != limit {
                s.set_limit(limit)?;
                *current = limit;
            }
        }
        Ok(())
    }

    /// The limit a blocking connection's reads and writes have.
    pub fn limit(&self) -> Option<Duration> {
        match &self.socket {
            Socket::Std(_, limit) => *limit,
            _ => None,
        }
    }

    /// Writes all of `bytes`.
    pub async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.socket {
            Socket::InLoop(io) => {
                io.write_all(bytes).await?;
                io.flush().await
            }
            Socket::Std(s, _) => s.write_all(bytes),
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
            Socket::Std(s, _) => s.read_buf(&mut self.buf, want),
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

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::NotConnected, "the connection was lost")
}
