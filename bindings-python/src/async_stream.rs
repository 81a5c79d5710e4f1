//! Async streams and attached processes for asyncio: `AsyncStream` iterates
//! logs, JSON events or progress, or tar bytes with `async for`, fetching a batch
//! per trip to the runtime, not a frame; `AsyncAttached` adds stdin.

use std::sync::Arc;

use libdocker::AttachInput;
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use serde_json::Value;
use tokio::sync::Mutex;

use libdocker::Cancel;

use crate::awaitable::Call;
use crate::errors::{docker_error, to_py, IntoPyResult};
use crate::runtime::on_runtime;
use crate::stream::{Item, Reader, Source};

/// What an `AsyncStream` reads: a call not sent yet, or the open stream.
struct StreamState {
    pending: Option<(libdocker::Docker, &'static str, Value)>,
    reader: Option<Reader>,
}

impl StreamState {
    /// Sends the pending call if there is one, then reads a batch if none is ready.
    async fn fill(&mut self) -> PyResult<()> {
        if self.reader.is_none() {
            let Some((docker, op, params)) = self.pending.take() else {
                return Ok(());
            };
            let output = docker.invoke(op, params).send().await.py()?;
            let kind = output.kind();
            let source = Source::of(output)
                .ok_or_else(|| docker_error(format!("{op} answers {kind}, not a stream")))?;
            self.reader = Some(Reader::new(source));
        }
        if let Some(reader) = self.reader.as_mut() {
            reader.fill().await;
        }
        Ok(())
    }
}

/// An async stream of the daemon (logs, JSON events or progress, tar bytes).
/// Iterate it with `async for`; `aclose()` hangs up early.
#[pyclass(module = "libdocker._native", name = "AsyncStream", frozen)]
pub struct AsyncStream {
    kind: &'static str,
    state: Arc<Mutex<StreamState>>,
    /// Fired by `aclose()`: a read waiting in another task ends at once.
    closed: Cancel,
}

impl AsyncStream {
    pub fn new(source: Source) -> Self {
        AsyncStream {
            kind: source.kind(),
            state: Arc::new(Mutex::new(StreamState {
                pending: None,
                reader: Some(Reader::new(source)),
            })),
            closed: Cancel::new(),
        }
    }

    pub fn pending(
        docker: libdocker::Docker,
        op: &'static str,
        kind: &'static str,
        params: Value,
    ) -> Self {
        AsyncStream {
            kind,
            state: Arc::new(Mutex::new(StreamState {
                pending: Some((docker, op, params)),
                reader: None,
            })),
            closed: Cancel::new(),
        }
    }

    /// An item read with an earlier batch, without a trip to the runtime.
    fn pop_ready(&self) -> Option<Item> {
        let mut state = self.state.try_lock().ok()?;
        state.reader.as_mut().and_then(Reader::pop_ready)
    }
}

#[pymethods]
impl AsyncStream {
    /// `logs`, `json` or `bytes`: what the items are.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(item) = self.pop_ready() {
            // Read with an earlier batch: an awaitable that is already done.
            return Ok(Bound::new(py, Ready(Some(item.into_py(py)?)))?.into_any());
        }
        if self.closed.is_cancelled() {
            return Err(PyStopAsyncIteration::new_err(()));
        }
        // The batch lands in the shared state, so a cancelled wait loses nothing;
        // `aclose()` in another task ends the wait at once.
        let state = self.state.clone();
        let closed = self.closed.clone();
        let next = async move {
            let filler = state.clone();
            on_runtime(async move {
                tokio::select! {
                    filled = async { filler.lock().await.fill().await } => filled,
                    () = closed.cancelled() => Ok(()),
                }
            })
            .await?;
            let mut state = state.lock().await;
            match state.reader.as_mut().and_then(Reader::pop_ready) {
                Some(item) => Ok(item),
                None => Err(PyStopAsyncIteration::new_err(())),
            }
        };
        Ok(Bound::new(py, Call::new(next))?.into_any())
    }

    /// Hangs up: the connection is closed, a read waiting in another task ends
    /// (with StopAsyncIteration), and iteration ends. Closing again does nothing.
    fn aclose(&self) -> Call {
        self.closed.cancel();
        let state = self.state.clone();
        Call::new(async move {
            let mut state = state.lock().await;
            state.pending = None;
            state.reader = None;
            Ok(())
        })
    }

    fn __aenter__<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        // `async with stream` gives the stream itself; asyncio wants an awaitable.
        let asyncio = slf.py().import("asyncio")?;
        let done = asyncio
            .call_method0("get_running_loop")?
            .call_method0("create_future")?;
        done.call_method1("set_result", (slf,))?;
        Ok(done)
    }

    #[pyo3(signature = (*_args))]
    fn __aexit__(&self, _args: &Bound<'_, PyTuple>) -> Call {
        self.aclose()
    }
}

/// An awaitable that is already done: what `__anext__` returns for an item
/// read with an earlier batch.
#[pyclass(module = "libdocker._native", name = "Ready")]
pub struct Ready(Option<Py<PyAny>>);

#[pymethods]
impl Ready {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let value = self.0.take().unwrap_or_else(|| py.None());
        Err(pyo3::exceptions::PyStopIteration::new_err((value,)))
    }
}

/// An attached process for asyncio: `async for` over its output;
/// `await write(data)` to its stdin, `await close_stdin()` for EOF.
#[pyclass(module = "libdocker._native", name = "AsyncAttached", frozen)]
pub struct AsyncAttached {
    output: Py<AsyncStream>,
    input: Arc<Mutex<AttachInput>>,
}

impl AsyncAttached {
    pub fn new(py: Python<'_>, a: libdocker::Attached) -> PyResult<Self> {
        Ok(AsyncAttached {
            output: Py::new(py, AsyncStream::new(Source::Logs(a.output)))?,
            input: Arc::new(Mutex::new(a.input)),
        })
    }
}

#[pymethods]
impl AsyncAttached {
    /// The output stream.
    #[getter]
    fn output(&self, py: Python<'_>) -> Py<AsyncStream> {
        self.output.clone_ref(py)
    }

    fn __aiter__(&self, py: Python<'_>) -> Py<AsyncStream> {
        self.output.clone_ref(py)
    }

    /// Writes `data` to the process's stdin.
    fn write(&self, data: &Bound<'_, PyBytes>) -> Call {
        let data = data.as_bytes().to_vec();
        let input = self.input.clone();
        Call::new(on_runtime(async move {
            input.lock().await.write(&data).await.map_err(to_py)
        }))
    }

    /// Closes stdin: the process reads end of file.
    fn close_stdin(&self) -> Call {
        let input = self.input.clone();
        Call::new(on_runtime(async move {
            input.lock().await.close().await.map_err(to_py)
        }))
    }
}
