//! What a blocking call returns: whole answers as they are, streams as iterators
//! that wait for each item, hijacked connections as blocking readers and writers.

use std::fmt;
use std::io;

use futures_util::StreamExt;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::Docker;
use crate::error::Error;
use crate::stream::{ByteStream, JsonStream, LogStream};

/// The result of a blocking call; take it with the `into_*` method of its kind.
pub struct Output {
    inner: crate::Output,
    docker: Docker,
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl Output {
    pub(super) fn new(inner: crate::Output, docker: Docker) -> Self {
        Output { inner, docker }
    }

    /// The kind's name (`JSON`, `text`, `an output stream`, …).
    pub fn kind(&self) -> &'static str {
        self.inner.kind()
    }

    /// How it is delivered: whole, as a stream, or as a hijacked connection.
    pub fn delivery(&self) -> crate::Delivery {
        self.inner.delivery()
    }

    /// The JSON document (`Empty` gives `null`).
    pub fn into_json(self) -> Result<Value, Error> {
        self.inner.into_json()
    }

    /// The JSON document decoded as `T`.
    pub fn into_typed<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        self.inner.into_typed()
    }

    pub fn into_text(self) -> Result<String, Error> {
        self.inner.into_text()
    }

    /// JSON values one after another (progress, events, stats).
    pub fn into_json_stream(self) -> Result<Iter<JsonStream>, Error> {
        let docker = self.docker;
        self.inner.into_json_stream().map(|s| Iter::new(s, docker))
    }

    /// stdout/stderr chunks.
    pub fn into_logs(self) -> Result<Iter<LogStream>, Error> {
        let docker = self.docker;
        self.inner.into_logs().map(|s| Iter::new(s, docker))
    }

    /// Raw bytes (tar, export).
    pub fn into_bytes(self) -> Result<Iter<ByteStream>, Error> {
        let docker = self.docker;
        self.inner.into_bytes().map(|s| Iter::new(s, docker))
    }

    /// An attached process: output chunks and stdin.
    pub fn into_attached(self) -> Result<Attached, Error> {
        let docker = self.docker;
        let attached = self.inner.into_attached()?;
        Ok(Attached {
            output: Iter::new(attached.output, docker.clone()),
            input: AttachInput {
                inner: attached.input,
                docker,
            },
        })
    }

    /// Any other upgraded connection, as a blocking reader and writer.
    pub fn into_upgraded(self) -> Result<Upgraded, Error> {
        let docker = self.docker;
        self.inner
            .into_upgraded()
            .map(|inner| Upgraded { inner, docker })
    }

    /// A whole answer as text (JSON serialised, `""` for none), or the output
    /// back if it is a stream or a connection.
    #[allow(clippy::result_large_err)] // moved back once, not propagated with `?`
    pub(super) fn into_whole_text(self) -> Result<String, Output> {
        let docker = self.docker;
        self.inner
            .into_whole_text()
            .map_err(|inner| Output { inner, docker })
    }

    /// The output by kind, to dispatch on (what bindings do).
    pub fn into_content(self) -> Content {
        let docker = self.docker;
        match self.inner {
            crate::Output::Json(v) => Content::Json(v),
            crate::Output::Empty => Content::Empty,
            crate::Output::Text(t) => Content::Text(t),
            crate::Output::JsonStream(s) => Content::JsonStream(Iter::new(s, docker)),
            crate::Output::Logs(s) => Content::Logs(Iter::new(s, docker)),
            crate::Output::Bytes(s) => Content::Bytes(Iter::new(s, docker)),
            crate::Output::Attached(a) => Content::Attached(Attached {
                output: Iter::new(a.output, docker.clone()),
                input: AttachInput {
                    inner: a.input,
                    docker,
                },
            }),
            crate::Output::Upgraded(inner) => Content::Upgraded(Upgraded { inner, docker }),
        }
    }

    /// The async output, to consume on [`Docker::block_on`].
    pub fn into_async(self) -> crate::Output {
        self.inner
    }
}

/// A blocking call's output by kind.
#[derive(Debug)]
#[non_exhaustive]
pub enum Content {
    /// One JSON document.
    Json(Value),
    /// No body.
    Empty,
    /// A short text.
    Text(String),
    /// JSON values one after another.
    JsonStream(Iter<JsonStream>),
    /// stdout/stderr chunks.
    Logs(Iter<LogStream>),
    /// Raw bytes.
    Bytes(Iter<ByteStream>),
    /// An attached process.
    Attached(Attached),
    /// Another upgraded connection.
    Upgraded(Upgraded),
}

/// A stream read by blocking for each item.
pub struct Iter<S> {
    stream: S,
    docker: Docker,
}

impl<S> Iter<S> {
    pub(super) fn new(stream: S, docker: Docker) -> Self {
        Iter { stream, docker }
    }

    /// The async stream.
    pub fn into_inner(self) -> S {
        self.stream
    }
}

impl<S: fmt::Debug> fmt::Debug for Iter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.stream.fmt(f)
    }
}

impl<S, T> Iterator for Iter<S>
where
    S: futures_core::Stream<Item = Result<T, Error>> + Unpin,
{
    type Item = Result<T, Error>;

    /// The next item; a check installed with [`crate::interruptible`] that says
    /// stop ends the wait with `Error::Cancelled` (the stream stays usable).
    fn next(&mut self) -> Option<Result<T, Error>> {
        self.docker
            .wait(self.stream.next())
            .unwrap_or_else(|e| Some(Err(e)))
    }
}

/// An attached process: iterate `output`, write to `input`.
#[derive(Debug)]
pub struct Attached {
    pub output: Iter<LogStream>,
    pub input: AttachInput,
}

/// The stdin of an attached process.
pub struct AttachInput {
    inner: crate::AttachInput,
    docker: Docker,
}

impl fmt::Debug for AttachInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl AttachInput {
    /// Sends `data` to the process's stdin.
    pub fn write(&mut self, data: &[u8]) -> Result<(), Error> {
        self.docker.wait(self.inner.write(data))?
    }

    /// Closes stdin (the process reads EOF); output keeps arriving.
    pub fn close(&mut self) -> Result<(), Error> {
        self.docker.wait(self.inner.close())?
    }
}

/// A raw upgraded connection, read and written by blocking.
pub struct Upgraded {
    inner: crate::Upgraded,
    docker: Docker,
}

impl fmt::Debug for Upgraded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl io::Read for Upgraded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.docker.block_on(self.inner.read(buf))
    }
}

impl io::Write for Upgraded {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.docker.block_on(self.inner.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.docker.block_on(self.inner.flush())
    }
}
