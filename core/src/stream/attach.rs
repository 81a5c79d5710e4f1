//! A hijacked attach or exec connection: the process's output as a [`LogStream`],
//! its stdin as a writer. Closing the writer half-closes the connection, so the
//! process reads EOF while its remaining output still arrives.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, BytesMut};
use futures_util::ready;
use tokio::io::{AsyncWrite, AsyncWriteExt, WriteHalf};

use super::bytes::ByteStream;
use super::frames::LogStream;
use super::websocket;
use crate::error::Error;
use crate::transport::{Cancel, Upgraded};

/// Output and input of an attached process.
pub struct Attached {
    pub output: LogStream,
    pub input: AttachInput,
}

impl Attached {
    /// Splits an upgraded connection; `tty` says whether output is framed.
    pub fn new(upgraded: Upgraded, tty: bool) -> Self {
        Attached::open(upgraded, tty, None)
    }

    /// As [`new`](Self::new); the output ends once `cancel` fires.
    pub(crate) fn open(upgraded: Upgraded, tty: bool, cancel: Option<&Cancel>) -> Self {
        let (read, write) = tokio::io::split(upgraded);
        let output = ByteStream::from_reader(read, "the attached output").until_cancelled(cancel);
        Attached {
            output: LogStream::new(output, tty),
            input: AttachInput {
                write,
                websocket: None,
                closed: false,
            },
        }
    }

    /// Splits a WebSocket attach connection: output arrives unframed in WebSocket
    /// messages, stdin goes out as binary messages.
    pub fn websocket(upgraded: Upgraded, cancel: Option<&Cancel>) -> Self {
        let (read, write) = tokio::io::split(upgraded);
        Attached {
            output: LogStream::new(websocket::payloads(read).until_cancelled(cancel), true),
            input: AttachInput {
                write,
                websocket: Some(BytesMut::new()),
                closed: false,
            },
        }
    }

    /// The two halves, to use from different tasks.
    pub fn split(self) -> (LogStream, AttachInput) {
        (self.output, self.input)
    }
}

impl fmt::Debug for Attached {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attached")
            .field("output", &self.output)
            .finish()
    }
}

/// The process's stdin. Also an [`AsyncWrite`].
pub struct AttachInput {
    write: WriteHalf<Upgraded>,
    /// WebSocket attach: framed bytes not yet written.
    websocket: Option<BytesMut>,
    closed: bool,
}

impl AttachInput {
    /// Writes all of `data` to the process's stdin.
    pub async fn write(&mut self, data: &[u8]) -> Result<(), Error> {
        if self.closed {
            return Err(Error::invalid("stdin was already closed"));
        }
        let failed =
            |e: io::Error| Error::closed(format!("writing to the process's stdin failed: {e}"));
        self.write_all(data).await.map_err(failed)?;
        self.flush().await.map_err(failed)
    }

    /// Closes stdin: the process reads EOF. Output keeps arriving until it ends.
    pub async fn close(&mut self) -> Result<(), Error> {
        if self.closed {
            return Ok(());
        }
        let failed =
            |e: io::Error| Error::closed(format!("closing the process's stdin failed: {e}"));
        if let Some(pending) = self.websocket.as_mut() {
            pending.extend_from_slice(&websocket::frame(websocket::OP_CLOSE, b""));
            self.flush().await.map_err(failed)?;
        }
        self.closed = true;
        self.write.shutdown().await.map_err(failed)
    }

    /// Writes out framed WebSocket bytes still pending.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let Some(pending) = self.websocket.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        while !pending.is_empty() {
            let n = ready!(Pin::new(&mut self.write).poll_write(cx, pending))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            pending.advance(n);
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for AttachInput {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.websocket.is_none() {
            return Pin::new(&mut this.write).poll_write(cx, buf);
        }
        // One message per write; earlier messages go out first.
        ready!(this.poll_pending(cx))?;
        if let Some(pending) = this.websocket.as_mut() {
            pending.extend_from_slice(&websocket::frame(websocket::OP_BINARY, buf));
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.write).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        self.closed = true;
        Pin::new(&mut self.write).poll_shutdown(cx)
    }
}

impl fmt::Debug for AttachInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttachInput")
            .field("closed", &self.closed)
            .finish()
    }
}
