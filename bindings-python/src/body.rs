//! Request bodies from Python: bytes-like objects are sent as they are; a file
//! object (anything with `read`) or any other iterable of bytes is streamed, a
//! piece at a time, so that a build context or a multi-GB image never sits whole
//! in memory. The GIL is taken for each piece only.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use libdocker::Body;
use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// Bytes asked of a file object per read.
const PIECE: usize = 64 * 1024;

/// The body for `obj` (None: no body); `what` names the argument in errors.
pub fn from_py(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Body>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    if let Ok(archive) = obj.cast::<crate::archive::Archive>() {
        return archive.get().take().map(Some);
    }
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(Some(Body::from_bytes(bytes.as_bytes().to_vec())));
    }
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be bytes, a binary file or an iterable of bytes, not str (encode it)"
        )));
    }
    if let Ok(buffer) = PyBuffer::<u8>::get(obj) {
        return Ok(Some(Body::from_bytes(buffer.to_vec(obj.py())?)));
    }
    let source = if obj.hasattr("read")? {
        Source::File(obj.clone().unbind())
    } else if let Ok(iter) = obj.try_iter() {
        Source::Iter(iter.into_any().unbind())
    } else {
        return Err(PyTypeError::new_err(format!(
            "{what} must be bytes, a binary file or an iterable of bytes, not {}",
            obj.get_type().name()?
        )));
    };
    Ok(Some(Body::from_stream(PyPieces {
        source,
        what: what.to_string(),
    })))
}

enum Source {
    /// Read with `read(PIECE)` until it gives `b""`.
    File(Py<PyAny>),
    /// Iterated with `next`.
    Iter(Py<PyAny>),
}

/// The pieces of a Python body, taken as the request is sent.
struct PyPieces {
    source: Source,
    what: String,
}

impl PyPieces {
    fn next_piece(&self) -> Option<io::Result<Bytes>> {
        // Python code, maybe run from an asyncio call's poll: a libdocker call it
        // makes is its own, not driven by that loop.
        libdocker::foreign_loop::suspended(|| self.read_piece())
    }

    fn read_piece(&self) -> Option<io::Result<Bytes>> {
        Python::attach(|py| {
            let piece = match &self.source {
                Source::File(f) => f.bind(py).call_method1("read", (PIECE,)).map(Some),
                Source::Iter(it) => match it.bind(py).call_method0("__next__") {
                    Ok(p) => Ok(Some(p)),
                    Err(e) if e.is_instance_of::<pyo3::exceptions::PyStopIteration>(py) => Ok(None),
                    Err(e) => Err(e),
                },
            };
            let failed = |e: PyErr| io::Error::other(format!("{}: {e}", self.what));
            match piece {
                Ok(None) => None,
                Ok(Some(p)) => match p.extract::<Vec<u8>>() {
                    Ok(b) if b.is_empty() && matches!(self.source, Source::File(_)) => None,
                    Ok(b) => Some(Ok(Bytes::from(b))),
                    Err(_) => Some(Err(io::Error::other(format!(
                        "{} gave {} where bytes were expected",
                        self.what,
                        p.get_type()
                            .name()
                            .map(|n| n.to_string())
                            .unwrap_or_default()
                    )))),
                },
                Err(e) => Some(Err(failed(e))),
            }
        })
    }
}

impl futures_util::Stream for PyPieces {
    type Item = io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.next_piece())
    }
}
