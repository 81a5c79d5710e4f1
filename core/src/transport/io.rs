//! A connection's socket, whatever carries it (a unix socket, TCP, or TLS over
//! TCP), in the event loop (`Io`) or out of it (`StdSocket`).

use std::io;
use std::os::fd::AsRawFd;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::sys::{receive, send};
use super::unix::UnixConn;

/// A connected byte stream to the daemon, in the current runtime's event loop.
pub(crate) enum Io {
    Unix(UnixConn),
    Tcp(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// A plain std socket, out of any event loop: blocking, for the blocking
/// client, or non-blocking, for a bulk stream's socket while it pauses (so that
/// data arriving meanwhile wakes nobody; see `response_body.rs`).
pub(crate) enum StdSocket {
    Unix(std::os::unix::net::UnixStream),
    Tcp(std::net::TcpStream),
}

impl Io {
    /// Whether the socket can leave the event loop (TLS state lives in the
    /// stream: it cannot).
    pub fn can_leave_loop(&self) -> bool {
        !matches!(self, Io::Tls(_))
    }

    /// The socket's descriptor (under TLS, the TCP socket's).
    pub fn as_raw_fd(&self) -> i32 {
        match self {
            Io::Unix(s) => s.as_raw_fd(),
            Io::Tcp(s) => s.as_raw_fd(),
            Io::Tls(s) => s.get_ref().0.as_raw_fd(),
        }
    }

    /// Takes the socket out of the event loop, still non-blocking;
    /// [`can_leave_loop`](Self::can_leave_loop) must be true.
    pub fn into_std(self) -> io::Result<StdSocket> {
        match self {
            Io::Unix(s) => s.into_std().map(StdSocket::Unix),
            Io::Tcp(s) => s.into_std().map(StdSocket::Tcp),
            Io::Tls(_) => Err(io::Error::other(
                "a TLS connection cannot leave the event loop",
            )),
        }
    }
}

impl StdSocket {
    pub fn as_raw_fd(&self) -> i32 {
        match self {
            StdSocket::Unix(s) => s.as_raw_fd(),
            StdSocket::Tcp(s) => s.as_raw_fd(),
        }
    }

    /// One read into `buf`'s spare room (at least `want` of it): it waits if
    /// the socket is blocking, not if it is not.
    pub fn read_buf(&mut self, buf: &mut bytes::BytesMut, want: usize) -> io::Result<usize> {
        buf.reserve(want);
        let fd = self.as_raw_fd();
        let n = loop {
            match receive(fd, buf.spare_capacity_mut()) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        // SAFETY: `receive` initialised the first `n` bytes of the spare room.
        unsafe { buf.set_len(buf.len() + n) };
        Ok(n)
    }

    /// Writes what the socket takes of `bytes` in one `send` (waiting for room
    /// if it is blocking, at most its limit); how much it took.
    pub fn write_some(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let fd = self.as_raw_fd();
        loop {
            match send(fd, bytes) {
                Ok(0) if !bytes.is_empty() => return Err(io::ErrorKind::WriteZero.into()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => return other,
            }
        }
    }

    pub fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        match self {
            StdSocket::Unix(s) => s.set_nonblocking(nonblocking),
            StdSocket::Tcp(s) => s.set_nonblocking(nonblocking),
        }
    }

    /// Limits each blocking read and write (`None`: no limit).
    pub fn set_limit(&self, limit: Option<Duration>) -> io::Result<()> {
        match self {
            StdSocket::Unix(s) => {
                s.set_read_timeout(limit)?;
                s.set_write_timeout(limit)
            }
            StdSocket::Tcp(s) => {
                s.set_read_timeout(limit)?;
                s.set_write_timeout(limit)
            }
        }
    }

    /// Puts a non-blocking socket into the event loop of the current runtime.
    pub fn into_async(self) -> io::Result<Io> {
        match self {
            StdSocket::Unix(s) => UnixConn::new(s).map(Io::Unix),
            StdSocket::Tcp(s) => TcpStream::from_std(s).map(Io::Tcp),
        }
    }
}

macro_rules! delegate {
    ($self:ident, $s:ident => $e:expr) => {
        match $self.get_mut() {
            Io::Unix($s) => {
                let $s = Pin::new($s);
                $e
            }
            Io::Tcp($s) => {
                let $s = Pin::new($s);
                $e
            }
            Io::Tls($s) => {
                let $s = Pin::new($s.as_mut());
                $e
            }
        }
    };
}

impl AsyncRead for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        delegate!(self, s => s.poll_read(cx, buf))
    }
}

impl AsyncWrite for Io {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        delegate!(self, s => s.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        delegate!(self, s => s.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Io::Unix(s) => s.is_write_vectored(),
            Io::Tcp(s) => s.is_write_vectored(),
            Io::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        delegate!(self, s => s.poll_flush(cx))
    }

    /// Half-closes the connection: the daemon reads EOF, we can still read.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        delegate!(self, s => s.poll_shutdown(cx))
    }
}
