//! `AsyncDocker`: the asyncio client. Its methods return coroutines (`Call`,
//! see `awaitable`); each call runs on libdocker's async client in one tokio
//! runtime (see `runtime`). Streams are async iterators that fetch a batch per
//! trip to the runtime, not a frame.

use std::sync::Arc;

use libdocker::AttachInput;
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::answer::{not_exposed, Answer};
use crate::awaitable::Call;
use crate::convert;
use crate::errors::{to_py, IntoPyResult};
use crate::runtime::on_runtime;
use crate::settings::{build_async, Settings};
use crate::stream::{Item, Reader, Source};
use crate::ExecAnswer;

/// An asyncio Docker client; share one between tasks (and event loops).
#[pyclass(module = "libdocker._native", name = "AsyncDocker", frozen)]
pub struct AsyncDocker {
    inner: libdocker::Docker,
}

#[pymethods]
impl AsyncDocker {
    #[new]
    #[pyo3(signature = (host=None, *, api_version=None, timeout=None, connect_timeout=None,
                        tls_ca=None, tls_cert=None, tls_key=None, tls_verify=true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        host: Option<String>,
        api_version: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        tls_ca: Option<String>,
        tls_cert: Option<String>,
        tls_key: Option<String>,
        tls_verify: bool,
    ) -> PyResult<Self> {
        let settings = Settings {
            host,
            api_version,
            timeout,
            connect_timeout,
            tls_ca,
            tls_cert,
            tls_key,
            tls_verify,
        };
        Ok(AsyncDocker {
            inner: build_async(settings)?,
        })
    }

    /// The daemon's address, e.g. `unix:///var/run/docker.sock`.
    #[getter]
    fn host(&self) -> String {
        self.inner.endpoint().to_string()
    }

    fn __repr__(&self) -> String {
        format!("AsyncDocker({:?})", self.host())
    }

    /// The API version in use: the pinned one, or the one negotiated with the daemon.
    fn api_version(&self) -> Call {
        let d = self.inner.clone();
        Call::new(on_runtime(async move {
            d.api_version().await.py().map(|v| v.to_string())
        }))
    }

    /// `GET /_ping`: True when the daemon answers.
    fn ping(&self) -> Call {
        let d = self.inner.clone();
        Call::new(on_runtime(async move { d.ping().await.py().map(|_| true) }))
    }

    /// `SystemVersion` as a dict.
    fn version(&self) -> PyResult<Call> {
        self.call("SystemVersion", Value::Null, None, None)
    }

    /// `SystemInfo` as a dict.
    fn info(&self) -> PyResult<Call> {
        self.call("SystemInfo", Value::Null, None, None)
    }

    /// Calls any operation by its id, as `Docker.invoke` (streams come back as
    /// `AsyncStream`, attached processes as `AsyncAttached`).
    #[pyo3(signature = (op, params=None, *, body=None, timeout=None))]
    fn invoke(
        &self,
        op: &str,
        params: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyBytes>>,
        timeout: Option<f64>,
    ) -> PyResult<Call> {
        let params = convert::params(params)?;
        let body = body.map(|b| b.as_bytes().to_vec());
        self.call(op, params, body, timeout)
    }

    /// A container's output as an async iterator of `(stream, data)` tuples; the
    /// request is sent when iteration starts.
    #[pyo3(signature = (container, *, stdout=true, stderr=true, follow=false, tail=None,
                        since=None, until=None, timestamps=false))]
    #[allow(clippy::too_many_arguments)]
    fn logs(
        &self,
        container: &str,
        stdout: bool,
        stderr: bool,
        follow: bool,
        tail: Option<&Bound<'_, PyAny>>,
        since: Option<i64>,
        until: Option<i64>,
        timestamps: bool,
    ) -> PyResult<AsyncStream> {
        let params = crate::logs_params(
            container, stdout, stderr, follow, tail, since, until, timestamps,
        )?;
        Ok(AsyncStream::pending(
            self.inner.clone(),
            "ContainerLogs",
            "logs",
            params,
        ))
    }

    /// The daemon's events as an async iterator of dicts; the request is sent
    /// when iteration starts.
    #[pyo3(signature = (*, since=None, until=None, filters=None))]
    fn events(
        &self,
        since: Option<i64>,
        until: Option<i64>,
        filters: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<AsyncStream> {
        let params = crate::events_params(since, until, filters)?;
        Ok(AsyncStream::pending(
            self.inner.clone(),
            "SystemEvents",
            "json",
            params,
        ))
    }

    /// Runs `cmd` in a running container, as `Docker.exec_run`.
    #[pyo3(signature = (container, cmd, *, stdin=None, env=None, user=None, workdir=None, tty=false))]
    #[allow(clippy::too_many_arguments)]
    fn exec_run(
        &self,
        container: String,
        cmd: Vec<String>,
        stdin: Option<&Bound<'_, PyBytes>>,
        env: Option<Vec<String>>,
        user: Option<String>,
        workdir: Option<String>,
        tty: bool,
    ) -> Call {
        let stdin = stdin.map(|b| b.as_bytes().to_vec());
        let config = crate::exec_config(cmd, stdin.is_some(), env, user, workdir, tty);
        let d = self.inner.clone();
        Call::new(on_runtime(async move {
            let out = crate::exec_run(&d, &container, config, stdin).await.py()?;
            Ok(ExecAnswer(out))
        }))
    }
}

impl AsyncDocker {
    fn call(
        &self,
        op: &str,
        params: Value,
        body: Option<Vec<u8>>,
        timeout: Option<f64>,
    ) -> PyResult<Call> {
        let mut call = self.inner.invoke(op, params);
        if let Some(b) = body {
            call = call.body(b);
        }
        if let Some(t) = crate::settings::limit("timeout", timeout)? {
            call = call.timeout(t);
        }
        let op = op.to_owned();
        Ok(Call::new(on_runtime(async move {
            match call.send_json_text().await.py()? {
                Ok(text) => Ok(Answer::JsonText { text, op }),
                Err(output) => Answer::from_output(&op, output),
            }
        })))
    }
}

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
            let Answer::Stream(source) = Answer::from_output(op, output)? else {
                return Err(not_exposed(op, kind));
            };
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
}

impl AsyncStream {
    pub fn new(source: Source) -> Self {
        AsyncStream {
            kind: source.kind(),
            state: Arc::new(Mutex::new(StreamState {
                pending: None,
                reader: Some(Reader::new(source)),
            })),
        }
    }

    fn pending(
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
        // The batch lands in the shared state, so a cancelled wait loses nothing.
        let state = self.state.clone();
        let next = async move {
            let filler = state.clone();
            on_runtime(async move { filler.lock().await.fill().await }).await?;
            let mut state = state.lock().await;
            match state.reader.as_mut().and_then(Reader::pop_ready) {
                Some(item) => Ok(item),
                None => Err(PyStopAsyncIteration::new_err(())),
            }
        };
        Ok(Bound::new(py, Call::new(next))?.into_any())
    }

    /// Hangs up: the connection is closed and iteration ends.
    fn aclose(&self) -> Call {
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
