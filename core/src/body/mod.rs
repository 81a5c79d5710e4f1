//! Request bodies: nothing, bytes in memory, or a stream of bytes sent as it is read
//! (a build context, an image tarball, an archive), never gathered in memory first;
//! and what makes them: tar archives of local files (`tar.rs`), build contexts
//! (`build_context.rs`) filtered by `.dockerignore` (`dockerignore.rs`), and
//! Dockerfiles (`dockerfile.rs`).

pub mod build_context;
pub mod dockerfile;
pub mod dockerignore;
pub mod tar;

pub use build_context::BuildContext;
pub use dockerfile::Dockerfile;

use std::fmt;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use sync_wrapper::SyncWrapper;
use tokio::io::AsyncRead;
use tokio_util::io::ReaderStream;

use crate::error::Error;

type ByteSource = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send + 'static>>;

/// The body of a request.
pub struct Body {
    inner: Inner,
}

enum Inner {
    Empty,
    Full(Option<Bytes>),
    /// Only ever polled through `&mut`, so the wrapper makes the body `Sync`.
    Stream(SyncWrapper<ByteSource>),
}

impl Body {
    /// No body.
    pub fn empty() -> Self {
        Body {
            inner: Inner::Empty,
        }
    }

    /// Bytes already in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Body {
            inner: Inner::Full(Some(bytes.into())),
        }
    }

    /// A JSON document.
    pub fn json(value: &serde_json::Value) -> Self {
        Body::from_bytes(serde_json::to_vec(value).unwrap_or_default())
    }

    /// Any stream of byte chunks, sent chunked as it yields them.
    pub fn from_stream<S>(stream: S) -> Self
    where
        S: Stream<Item = io::Result<Bytes>> + Send + 'static,
    {
        Body {
            inner: Inner::Stream(SyncWrapper::new(Box::pin(stream))),
        }
    }

    /// Any async reader, read in 64 KiB pieces as the daemon takes them.
    pub fn from_reader<R>(reader: R) -> Self
    where
        R: AsyncRead + Send + 'static,
    {
        Body::from_stream(ReaderStream::with_capacity(reader, 64 * 1024))
    }

    /// A file, streamed.
    pub async fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
        Ok(Body::from_reader(file))
    }

    /// Whether the body is known to be empty.
    pub fn is_empty(&self) -> bool {
        match &self.inner {
            Inner::Empty => true,
            Inner::Full(b) => b.as_ref().is_none_or(|b| b.is_empty()),
            Inner::Stream(_) => false,
        }
    }

    /// Whether the body is a stream (not in memory).
    pub(crate) fn is_stream(&self) -> bool {
        matches!(self.inner, Inner::Stream(_))
    }

    /// The next piece of a streamed body (empty pieces skipped: on the wire an
    /// empty chunk would end the body); `None` at its end.
    pub(crate) async fn next_chunk(&mut self) -> Option<io::Result<Bytes>> {
        std::future::poll_fn(|cx| self.poll_chunk(cx)).await
    }

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<io::Result<Bytes>>> {
        match &mut self.inner {
            Inner::Empty => Poll::Ready(None),
            Inner::Full(b) => Poll::Ready(b.take().filter(|b| !b.is_empty()).map(Ok)),
            Inner::Stream(s) => loop {
                return match s.get_mut().as_mut().poll_next(cx) {
                    Poll::Ready(Some(Ok(b))) if b.is_empty() => continue,
                    other => other,
                };
            },
        }
    }

    /// The bytes of an in-memory body, or the body back if it is a stream.
    pub(crate) fn into_full(self) -> Option<Result<Bytes, Body>> {
        match self.inner {
            Inner::Empty => None,
            Inner::Full(b) => b.map(Ok),
            Inner::Stream(s) => Some(Err(Body {
                inner: Inner::Stream(s),
            })),
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Empty => f.write_str("Body::Empty"),
            Inner::Full(b) => write!(
                f,
                "Body::Bytes({} bytes)",
                b.as_ref().map_or(0, |b| b.len())
            ),
            Inner::Stream(_) => f.write_str("Body::Stream"),
        }
    }
}

impl From<Bytes> for Body {
    fn from(b: Bytes) -> Self {
        Body::from_bytes(b)
    }
}

impl From<Vec<u8>> for Body {
    fn from(b: Vec<u8>) -> Self {
        Body::from_bytes(b)
    }
}

impl From<String> for Body {
    fn from(s: String) -> Self {
        Body::from_bytes(s)
    }
}

impl From<&'static str> for Body {
    fn from(s: &'static str) -> Self {
        Body::from_bytes(Bytes::from_static(s.as_bytes()))
    }
}
