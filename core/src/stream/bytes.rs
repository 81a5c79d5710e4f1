//! A stream of byte chunks as they arrive (an export, a tar archive, a raw body).

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use futures_util::StreamExt;
use sync_wrapper::SyncWrapper;
use tokio::io::AsyncRead;

use crate::error::Error;
use crate::transport::Cancel;

type Source = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send + 'static>>;

/// Bytes as the daemon sends them. Reading slowly makes the client read the socket
/// slowly; nothing is buffered beyond the transport's own buffer.
pub struct ByteStream {
    source: SyncWrapper<Source>,
}

impl ByteStream {
    /// Wraps any stream of byte chunks.
    pub fn new<S>(source: S) -> Self
    where
        S: Stream<Item = Result<Bytes, Error>> + Send + 'static,
    {
        ByteStream {
            source: SyncWrapper::new(Box::pin(source)),
        }
    }

    /// A stream that reads from an async reader (e.g. a hijacked connection).
    pub(crate) fn from_reader<R: AsyncRead + Send + 'static>(
        reader: R,
        what: &'static str,
    ) -> Self {
        let s = tokio_util::io::ReaderStream::with_capacity(reader, 64 * 1024)
            .map(move |r| r.map_err(|e| Error::closed(format!("reading {what} failed: {e}"))));
        ByteStream::new(s)
    }

    /// The same bytes, ending with `Error::Cancelled` once `cancel` fires (the
    /// source, and so its connection, is dropped then).
    pub(crate) fn until_cancelled(self, cancel: Option<&Cancel>) -> ByteStream {
        let Some(cancel) = cancel else {
            return self;
        };
        let mut source = Some(self);
        let mut fired = Box::pin(cancel.cancelled());
        ByteStream::new(futures_util::stream::poll_fn(move |cx| {
            let Some(s) = source.as_mut() else {
                return Poll::Ready(None);
            };
            if fired.as_mut().poll(cx).is_ready() {
                source = None;
                return Poll::Ready(Some(Err(Error::Cancelled {
                    what: "the stream".into(),
                })));
            }
            Pin::new(s).poll_next(cx)
        }))
    }

    /// Reads everything into memory. Use only for small bodies.
    pub async fn collect(mut self) -> Result<Bytes, Error> {
        let mut all = BytesMut::new();
        while let Some(chunk) = self.next().await {
            all.extend_from_slice(&chunk?);
        }
        Ok(all.freeze())
    }

    /// The stream as an [`AsyncRead`], e.g. to unpack a tar archive as it arrives.
    pub fn into_reader(self) -> impl AsyncRead + Send + Unpin + 'static {
        tokio_util::io::StreamReader::new(self.map(|r| r.map_err(io::Error::other)))
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.source.get_mut().as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}
