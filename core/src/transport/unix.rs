//! A unix-socket connection watched by the event loop for reading only.
//!
//! A unix socket reports writability each time the peer reads from it. tokio's
//! `UnixStream` watches both directions, so every request would wake the loop once
//! for nothing (when the daemon reads it) before its answer wakes it again. Here
//! writes go straight to the socket, and only a write that would block makes the
//! connection watched for writability too (from then on).

use std::io::{self, IoSlice, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};

use super::sys::receive;

/// A connected unix socket in the current runtime's event loop.
pub(crate) struct UnixConn {
    /// `None` only after re-registering for writability failed.
    fd: Option<AsyncFd<UnixStream>>,
    /// Whether the registration covers writability.
    watches_writes: bool,
    /// Who waits to read. Registering again drops the old registration and the
    /// wakers it held: a read waiting in another task (the output of an attached
    /// process, while stdin is written) must be told to look again.
    reader: Option<Waker>,
}

impl UnixConn {
    /// Registers `socket`, which must be non-blocking (as tokio's `into_std` and
    /// [`UnixConn::into_std`] leave it), for reading.
    pub fn new(socket: UnixStream) -> io::Result<Self> {
        Ok(UnixConn {
            fd: Some(register(socket, Interest::READABLE)?),
            watches_writes: false,
            reader: None,
        })
    }

    /// Takes the socket out of the event loop.
    pub fn into_std(self) -> io::Result<UnixStream> {
        self.fd.map(AsyncFd::into_inner).ok_or_else(lost)
    }

    pub fn as_raw_fd(&self) -> i32 {
        self.fd.as_ref().map_or(-1, |fd| fd.get_ref().as_raw_fd())
    }

    fn registered(&self) -> io::Result<&AsyncFd<UnixStream>> {
        self.fd.as_ref().ok_or_else(lost)
    }

    /// Writes with `write` (non-blocking), waiting for room when the socket is full.
    fn poll_write_with(
        &mut self,
        cx: &mut Context<'_>,
        mut write: impl FnMut(&UnixStream) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        if !self.watches_writes {
            match write(self.registered()?.get_ref()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.watch_writes()?,
                other => return Poll::Ready(other),
            }
        }
        let fd = self.registered()?;
        loop {
            let mut guard = ready!(fd.poll_write_ready(cx))?;
            // A hang-up is never cleared: once the peer is gone, a write that
            // would block waits for nothing (and the loop would spin).
            let closed = guard.ready().is_write_closed();
            match guard.try_io(|fd| write(fd.get_ref())) {
                Ok(result) => return Poll::Ready(result),
                Err(_would_block) if closed => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::BrokenPipe,
                        "the daemon hung up",
                    )))
                }
                Err(_would_block) => {}
            }
        }
    }

    /// Registers again, for both directions. epoll reports the socket's state at
    /// registration, so room freed meanwhile is not missed.
    fn watch_writes(&mut self) -> io::Result<()> {
        let socket = self.fd.take().ok_or_else(lost)?.into_inner();
        self.fd = Some(register(socket, Interest::READABLE | Interest::WRITABLE)?);
        self.watches_writes = true;
        if let Some(reader) = self.reader.take() {
            reader.wake();
        }
        Ok(())
    }
}

fn register(socket: UnixStream, interest: Interest) -> io::Result<AsyncFd<UnixStream>> {
    // SAFETY: the `UnixStream` owns its descriptor, which stays open and the same
    // until the `AsyncFd` gives the stream back or drops it.
    unsafe { AsyncFd::register_with_interest(socket, interest) }.map_err(|e| e.into_parts().1)
}

/// `sendmsg` with `MSG_NOSIGNAL`: std's `write_vectored` is a `writev`, which
/// raises SIGPIPE (killing a C host that did not ignore it) if the daemon is gone.
fn send_vectored(fd: i32, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    // SAFETY: `IoSlice` is ABI-compatible with `iovec`; the message only points at
    // `bufs`, which outlive the call, and a zeroed `msghdr` has no name or control.
    let n = unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
        msg.msg_iovlen = bufs.len().min(libc::UIO_MAXIOV as usize) as _;
        libc::sendmsg(fd, &msg, libc::MSG_NOSIGNAL)
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
}

fn lost() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "the connection was lost when it was registered again for writing",
    )
}

impl AsyncRead for UnixConn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let fd = this.fd.as_ref().ok_or_else(lost)?;
        loop {
            let mut guard = match fd.poll_read_ready(cx) {
                Poll::Ready(guard) => guard?,
                Poll::Pending => {
                    if !this
                        .reader
                        .as_ref()
                        .is_some_and(|w| w.will_wake(cx.waker()))
                    {
                        this.reader = Some(cx.waker().clone());
                    }
                    return Poll::Pending;
                }
            };
            // SAFETY: `receive` only writes, and we mark as filled what it wrote.
            let unfilled = unsafe { buf.unfilled_mut() };
            let room = unfilled.len();
            match guard.try_io(|fd| receive(fd.get_ref().as_raw_fd(), unfilled)) {
                Ok(Ok(n)) => {
                    // SAFETY: `receive` initialised `n` bytes.
                    unsafe { buf.assume_init(n) };
                    buf.advance(n);
                    // A read that left room drained the socket: the next read waits
                    // for the loop instead of trying (as tokio's own sockets do).
                    if n > 0 && n < room {
                        guard.clear_ready();
                    }
                    return Poll::Ready(Ok(()));
                }
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => continue,
            }
        }
    }
}

impl AsyncWrite for UnixConn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .poll_write_with(cx, |mut socket| socket.write(data))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .poll_write_with(cx, |socket| send_vectored(socket.as_raw_fd(), bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Half-closes the connection: the daemon reads EOF, we can still read.
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        let socket = self.registered()?.get_ref();
        Poll::Ready(socket.shutdown(std::net::Shutdown::Write))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Fails a test that would otherwise hang on a lost wake-up.
    async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(10), f)
            .await
            .expect("a wake-up was lost")
    }

    #[tokio::test]
    async fn a_write_larger_than_the_socket_waits_for_room_and_arrives_whole() {
        let (ours, theirs) = UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let mut conn = UnixConn::new(ours).unwrap();
        let data: Vec<u8> = (0..8 << 20).map(|i| (i % 251) as u8).collect();
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            let mut theirs = theirs;
            let mut piece = vec![0; 4096];
            loop {
                // A slow reader: the socket fills and our writes must wait.
                std::thread::sleep(Duration::from_micros(50));
                match theirs.read(&mut piece).unwrap() {
                    0 => return got,
                    n => got.extend_from_slice(&piece[..n]),
                }
            }
        });
        let (head, tail) = data.split_at(data.len() / 2);
        within(async {
            conn.write_all(head).await.unwrap();
            // The vectored path too, as streamed bodies are written in chunks.
            let mut parts = [IoSlice::new(&tail[..1000]), IoSlice::new(&tail[1000..])];
            let mut parts = &mut parts[..];
            while !parts.is_empty() {
                let n = conn.write_vectored(parts).await.unwrap();
                IoSlice::advance_slices(&mut parts, n);
            }
            conn.shutdown().await.unwrap();
        })
        .await;
        assert!(
            conn.watches_writes,
            "a full socket made the connection watch writes"
        );
        assert_eq!(reader.join().unwrap(), data);
    }

    #[tokio::test]
    async fn reads_wake_for_data_that_arrives_after_the_socket_was_drained() {
        let (ours, mut theirs) = UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let mut conn = UnixConn::new(ours).unwrap();
        let mut buf = vec![0; 64];
        for round in 0..3u8 {
            std::io::Write::write_all(&mut theirs, &[round; 10]).unwrap();
            // A read that leaves room drains the socket and forgets its readiness.
            assert_eq!(within(conn.read(&mut buf)).await.unwrap(), 10);
            let late = std::thread::spawn({
                let mut theirs = theirs.try_clone().unwrap();
                move || {
                    std::thread::sleep(Duration::from_millis(20));
                    std::io::Write::write_all(&mut theirs, b"late").unwrap();
                }
            });
            assert_eq!(within(conn.read(&mut buf)).await.unwrap(), 4);
            assert_eq!(&buf[..4], b"late");
            late.join().unwrap();
        }
        drop(theirs);
        assert_eq!(within(conn.read(&mut buf)).await.unwrap(), 0, "EOF");
    }

    #[tokio::test]
    async fn a_write_to_a_closed_peer_is_an_error() {
        let (ours, theirs) = UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let mut conn = UnixConn::new(ours).unwrap();
        drop(theirs);
        let parts = [IoSlice::new(b"GET /_ping HTTP/1.1\r\n\r\n")];
        let err = within(conn.write_vectored(&parts)).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}
