//! One connection to the daemon, whatever carries it: a unix socket, TCP, or TLS over TCP.

use std::io;
use std::os::fd::AsRawFd;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::unix::UnixConn;

/// A connected byte stream to the daemon.
pub(crate) enum Io {
    Unix(UnixConn),
    Tcp(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// A socket taken out of the runtime's event loop for a moment, so that data
/// arriving meanwhile wakes nobody (see `bulk.rs`).
pub(crate) enum Parked {
    Unix(std::os::unix::net::UnixStream),
    Tcp(std::net::TcpStream),
}

impl Io {
    /// Whether the socket can be parked (TLS state lives in the stream: it cannot).
    pub fn can_park(&self) -> bool {
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

    /// Takes the socket out of the event loop; `can_park` must be true.
    pub fn park(self) -> io::Result<Parked> {
        match self {
            Io::Unix(s) => s.into_std().map(Parked::Unix),
            Io::Tcp(s) => s.into_std().map(Parked::Tcp),
            Io::Tls(_) => Err(io::Error::other("a TLS connection cannot be parked")),
        }
    }
}

impl Parked {
    /// Reads what the socket holds into `buf`'s spare room, without waiting.
    pub fn read_buf(&mut self, buf: &mut bytes::BytesMut) -> io::Result<usize> {
        let fd = match self {
            Parked::Unix(s) => s.as_raw_fd(),
            Parked::Tcp(s) => s.as_raw_fd(),
        };
        let spare = buf.spare_capacity_mut();
        let n = receive(fd, spare)?;
        // SAFETY: `receive` initialised the first `n` bytes of the spare room.
        unsafe { buf.set_len(buf.len() + n) };
        Ok(n)
    }

    /// Puts the socket back into the event loop of the current runtime.
    pub fn unpark(self) -> io::Result<Io> {
        match self {
            Parked::Unix(s) => UnixConn::new(s).map(Io::Unix),
            Parked::Tcp(s) => TcpStream::from_std(s).map(Io::Tcp),
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

/// Whether the peer closed (or sent something unasked) while a connection was
/// idle: it cannot carry a request that must not be sent twice.
pub(crate) fn is_stale(fd: i32) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN | libc::POLLRDHUP,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout.
    unsafe { libc::poll(&mut pfd, 1, 0) != 0 }
}

/// One `recv` into uninitialised memory (std's `Read` would have it zeroed first,
/// which costs more than the read itself for a small answer).
pub(crate) fn receive(fd: i32, into: &mut [std::mem::MaybeUninit<u8>]) -> io::Result<usize> {
    // SAFETY: `into` is writable for its whole length; recv writes at most that.
    let n = unsafe { libc::recv(fd, into.as_mut_ptr().cast(), into.len(), 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
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
