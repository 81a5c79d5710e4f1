//! A hijacked attach or exec connection: the process's output as a [`LogStream`],
//! its stdin as a writer. Closing the writer half-closes the connection, so the
//! process reads EOF while its remaining output still arrives.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncWrite, AsyncWriteExt, WriteHalf};

use super::bytes::ByteStream;
use super::frames::LogStream;
use crate::error::Error;
use crate::transport::Upgraded;

/// Output and input of an attached process.
pub struct Attached {
    pub output: LogStream,
    pub input: AttachInput,
}

impl Attached {
    /// Splits an upgraded connection; `tty` says whether output is framed.
    pub fn new(upgraded: Upgraded, tty: bool) -> Self {
        let (read, write) = tokio::io::split(upgraded);
        Attached {
            output: LogStream::new(ByteStream::from_reader(read, "the attached output"), tty),
            input: AttachInput {
                write,
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
    closed: bool,
}

impl AttachInput {
    /// Writes all of `data` to the process's stdin.
    pub async fn write(&mut self, data: &[u8]) -> Result<(), Error> {
        if self.closed {
            return Err(Error::invalid("stdin was already closed"));
        }
        self.write
            .write_all(data)
            .await
            .map_err(|e| Error::closed(format!("writing to the process's stdin failed: {e}")))?;
        self.write
            .flush()
            .await
            .map_err(|e| Error::closed(format!("writing to the process's stdin failed: {e}")))
    }

    /// Closes stdin: the process reads EOF. Output keeps arriving until it ends.
    pub async fn close(&mut self) -> Result<(), Error> {
        if self.closed {
            return Ok(());
        }
        self.closed = true;
        self.write
            .shutdown()
            .await
            .map_err(|e| Error::closed(format!("closing the process's stdin failed: {e}")))
    }
}

impl AsyncWrite for AttachInput {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.write).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.write).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
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
