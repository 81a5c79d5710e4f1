//! Streams as Python sees them: log chunks, JSON values or byte pieces, read from
//! the daemon in batches. A batch is the first item (waited for) plus every item
//! already decoded or already on the socket, so a Python iterator pays one GIL
//! release (sync) or one event-loop wake-up (async) per read, not per frame.

use std::collections::VecDeque;

use bytes::Bytes;
use futures_util::{FutureExt, Stream, StreamExt};
use libdocker::{ByteStream, Error, JsonStream, LogStream, StdStream};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use serde_json::Value;

use crate::convert;

/// Most items in one batch, and most bytes: bounds memory whatever the stream.
const MAX_ITEMS: usize = 4096;
const MAX_BYTES: usize = 1 << 20;

/// A daemon stream of one of the three kinds.
pub enum Source {
    Logs(LogStream),
    Json(JsonStream),
    Bytes(ByteStream),
    /// JSON values made here rather than read from one answer (a monitor's).
    Values(futures_util::stream::BoxStream<'static, Result<Value, Error>>),
}

impl Source {
    /// The stream an output is, if it is one.
    pub fn of(output: libdocker::Output) -> Option<Source> {
        match output {
            libdocker::Output::Logs(s) => Some(Source::Logs(s)),
            libdocker::Output::JsonStream(s) => Some(Source::Json(s)),
            libdocker::Output::Bytes(s) => Some(Source::Bytes(s)),
            _ => None,
        }
    }
}

/// One item of a stream, converted to Python when handed out.
pub enum Item {
    /// `(stream, data)`: 0 stdin, 1 stdout, 2 stderr, as in Docker's frame header.
    Log(StdStream, Bytes),
    Json(Value),
    Bytes(Bytes),
    /// The stream failed after the items before it: raised when reached.
    Failed(Error),
}

impl Item {
    fn size(&self) -> usize {
        match self {
            Item::Log(_, b) | Item::Bytes(b) => b.len(),
            Item::Json(_) => 256,
            Item::Failed(_) => 0,
        }
    }

    pub fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(match self {
            Item::Log(stream, data) => {
                let id: u8 = match stream {
                    StdStream::Stdin => 0,
                    StdStream::Stdout => 1,
                    StdStream::Stderr => 2,
                };
                PyTuple::new(
                    py,
                    [
                        id.into_pyobject(py)?.into_any(),
                        PyBytes::new(py, &data).into_any(),
                    ],
                )?
                .into_any()
                .unbind()
            }
            Item::Json(v) => convert::to_py(py, &v)?.unbind(),
            Item::Bytes(b) => PyBytes::new(py, &b).into_any().unbind(),
            Item::Failed(e) => return Err(crate::errors::to_py(e)),
        })
    }
}

impl Source {
    /// `logs`, `json` or `bytes`.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Logs(_) => "logs",
            Source::Json(_) | Source::Values(_) => "json",
            Source::Bytes(_) => "bytes",
        }
    }

    /// The next batch; empty at the end of the stream.
    pub async fn next_batch(&mut self) -> Result<VecDeque<Item>, Error> {
        match self {
            Source::Logs(s) => batch(s, |c| Item::Log(c.stream, c.bytes)).await,
            Source::Json(s) => batch(s, Item::Json).await,
            Source::Bytes(s) => batch(s, Item::Bytes).await,
            Source::Values(s) => batch(s, Item::Json).await,
        }
    }
}

async fn batch<S, T>(stream: &mut S, item: impl Fn(T) -> Item) -> Result<VecDeque<Item>, Error>
where
    S: Stream<Item = Result<T, Error>> + Unpin,
{
    let mut out = VecDeque::new();
    let Some(first) = stream.next().await else {
        return Ok(out);
    };
    let first = item(first?);
    let mut bytes = first.size();
    out.push_back(first);
    // Take what is ready without waiting; `next` is cancel-safe, so a pending poll
    // loses nothing. An error after the first item waits for the next batch.
    while out.len() < MAX_ITEMS && bytes < MAX_BYTES {
        match stream.next().now_or_never() {
            Some(Some(Ok(v))) => {
                let v = item(v);
                bytes += v.size();
                out.push_back(v);
            }
            // The items before an error are handed out first, then the error.
            Some(Some(Err(e))) => {
                out.push_back(Item::Failed(e));
                break;
            }
            Some(None) | None => break,
        }
    }
    Ok(out)
}

/// A stream being read: the source while open, and the items of the last batch
/// not handed out yet.
pub struct Reader {
    source: Option<Source>,
    ready: VecDeque<Item>,
}

impl Reader {
    pub fn new(source: Source) -> Self {
        Reader {
            source: Some(source),
            ready: VecDeque::new(),
        }
    }

    /// Drops the connection; what was already read is dropped too.
    pub fn close(&mut self) {
        self.source = None;
        self.ready.clear();
    }

    /// An item already read, if any.
    pub fn pop_ready(&mut self) -> Option<Item> {
        self.ready.pop_front()
    }

    /// Reads a batch if no item is ready; an error becomes the last item.
    pub async fn fill(&mut self) {
        if !self.ready.is_empty() {
            return;
        }
        let Some(source) = self.source.as_mut() else {
            return;
        };
        match source.next_batch().await {
            Ok(batch) if batch.is_empty() => self.source = None,
            Ok(batch) => self.ready = batch,
            Err(e) => {
                self.source = None;
                self.ready.push_back(Item::Failed(e));
            }
        }
    }

    /// `next` for the sync client: waits with the GIL released, until an item
    /// arrives, the stream ends, `closed` fires (from another thread), or a
    /// signal's exception (Ctrl-C) stops the wait, which hangs up too.
    pub fn next_blocking(
        &mut self,
        py: Python<'_>,
        docker: &libdocker::blocking::Docker,
        closed: &libdocker::Cancel,
    ) -> PyResult<Option<Py<PyAny>>> {
        if self.ready.is_empty() && self.source.is_some() {
            let waited = crate::gil::unlocked(py, || {
                docker.wait(async {
                    tokio::select! {
                        () = self.fill() => {}
                        () = closed.cancelled() => {}
                    }
                })
            });
            if waited.is_err() || closed.is_cancelled() {
                self.close();
            }
            // Ctrl-C's KeyboardInterrupt; a stopped wait has no other cause.
            waited?.map_err(crate::errors::to_py)?;
        }
        self.ready.pop_front().map(|i| i.into_py(py)).transpose()
    }
}

impl<'py> IntoPyObject<'py> for Item {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.into_py(py).map(|o| o.into_bound(py))
    }
}
