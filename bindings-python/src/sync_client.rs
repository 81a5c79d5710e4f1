//! `Docker`: the synchronous client, on libdocker's blocking client. Whole
//! answers come over pooled sockets without a runtime; streams are iterators.
//! The GIL is released while waiting on the daemon, so threads share a client.

use std::sync::Mutex;

use libdocker::blocking::{self, Content};
use libdocker::Cancel;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde_json::Value;

use crate::answer::not_exposed;
use crate::convert;
use crate::errors::{to_py, IntoPyResult};
use crate::gil::unlocked;
use crate::json_text;
use crate::settings::Settings;
use crate::stream::{Reader, Source};
use crate::ExecResult;

/// A synchronous Docker client; safe to share between threads.
#[pyclass(module = "libdocker._native", name = "Docker", frozen, subclass)]
pub struct Docker {
    inner: blocking::Docker,
}

impl Docker {
    /// The core client underneath.
    pub(crate) fn core(&self) -> libdocker::Docker {
        self.inner.client().clone()
    }

    /// The blocking client, whose waits sync streams read with.
    pub(crate) fn blocking(&self) -> &blocking::Docker {
        &self.inner
    }
}

#[pymethods]
impl Docker {
    #[new]
    #[pyo3(signature = (host=None, *, api_version=None, timeout=None, connect_timeout=None,
                        tls_ca=None, tls_cert=None, tls_key=None, tls_verify=None,
                        max_connections=None, context=None, environment=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        host: Option<String>,
        api_version: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        tls_ca: Option<String>,
        tls_cert: Option<String>,
        tls_key: Option<String>,
        tls_verify: Option<bool>,
        max_connections: Option<usize>,
        context: Option<String>,
        environment: Option<std::collections::HashMap<String, String>>,
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
            max_connections,
            context,
            environment,
        };
        let inner = settings.builder()?.build_blocking().py()?;
        Ok(Docker { inner })
    }

    /// The daemon's address, e.g. `unix:///var/run/docker.sock`.
    #[getter]
    fn host(&self) -> String {
        self.inner.endpoint().to_string()
    }

    fn __repr__(&self) -> String {
        format!("Docker({:?})", self.host())
    }

    /// The API version in use: the pinned one, or the one negotiated with the daemon.
    fn api_version(&self, py: Python<'_>) -> PyResult<String> {
        let d = &self.inner;
        unlocked(py, || d.api_version())?
            .py()
            .map(|v| v.to_string())
    }

    /// `GET /_ping`: True when the daemon answers.
    fn ping(&self, py: Python<'_>) -> PyResult<bool> {
        let d = &self.inner;
        unlocked(py, || d.ping())?.py().map(|_| true)
    }

    /// `SystemVersion` as a dict.
    fn version(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.call(py, "SystemVersion", Value::Null, None, None)
    }

    /// `SystemInfo` as a dict.
    fn info(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.call(py, "SystemInfo", Value::Null, None, None)
    }

    /// Calls any operation by its id (see `operations()`), with `params` by name
    /// (path, query, header and JSON-body parameters alike) and an optional raw
    /// `body`. Returns the JSON answer as Python objects, None, text, a `Stream`
    /// or an `Attached` process, by the operation's response kind.
    #[pyo3(signature = (op, params=None, *, body=None, timeout=None))]
    fn invoke(
        &self,
        py: Python<'_>,
        op: &str,
        params: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        timeout: Option<f64>,
    ) -> PyResult<Py<PyAny>> {
        let params = convert::params(params)?;
        let body = crate::body::from_py(body, "body")?;
        self.call(py, op, params, body, timeout)
    }

    /// A request outside the operation table: `method` and `path` (query
    /// included, e.g. `/containers/web/checkpoints?dir=x`), prefixed with the API
    /// version. The answer is read by its content type: JSON as one document
    /// unless `stream` (then a `Stream` of documents, as events come), a
    /// multiplexed or byte answer as a `Stream`.
    #[pyo3(signature = (method, path, *, body=None, headers=None, timeout=None, stream=false))]
    #[allow(clippy::too_many_arguments)]
    fn request(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        body: Option<&Bound<'_, PyAny>>,
        headers: Option<std::collections::HashMap<String, String>>,
        timeout: Option<f64>,
        stream: bool,
    ) -> PyResult<Py<PyAny>> {
        let options = crate::call_options(headers, timeout, stream)?;
        let mut call = self
            .inner
            .request(crate::http_method(method)?, path)
            .options(options);
        if let Some(body) = crate::body::from_py(body, "body")? {
            call = call.body(body);
        }
        let answer = unlocked(py, || call.send_json_text())?.py()?;
        self.answer(py, path, answer)
    }

    /// A container's output as `(stream, data)` tuples, stream 1 for stdout and 2
    /// for stderr (with a TTY, everything is stream 1).
    #[pyo3(signature = (container, *, stdout=true, stderr=true, follow=false, tail=None,
                        since=None, until=None, timestamps=false))]
    #[allow(clippy::too_many_arguments)]
    fn logs(
        &self,
        py: Python<'_>,
        container: &str,
        stdout: bool,
        stderr: bool,
        follow: bool,
        tail: Option<&Bound<'_, PyAny>>,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
        timestamps: bool,
    ) -> PyResult<Py<PyAny>> {
        let params = crate::logs_params(
            container, stdout, stderr, follow, tail, since, until, timestamps,
        )?;
        self.call(py, "ContainerLogs", params, None, None)
    }

    /// The daemon's events as dicts, until `until` (seconds since the epoch) or
    /// forever. `filters` maps a filter name to a list of values.
    #[pyo3(signature = (*, since=None, until=None, filters=None))]
    fn events(
        &self,
        py: Python<'_>,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
        filters: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let params = crate::events_params(since, until, filters)?;
        self.call(py, "SystemEvents", params, None, None)
    }

    /// Runs `cmd` in a running container and waits for it: its exit code,
    /// stdout and stderr. `stdin`, if given, is written and then closed.
    #[pyo3(signature = (container, cmd, *, stdin=None, env=None, user=None, workdir=None, tty=false))]
    #[allow(clippy::too_many_arguments)]
    fn exec_run(
        &self,
        py: Python<'_>,
        container: &str,
        cmd: &Bound<'_, PyAny>,
        stdin: Option<&Bound<'_, PyBytes>>,
        env: Option<Vec<String>>,
        user: Option<String>,
        workdir: Option<String>,
        tty: bool,
    ) -> PyResult<ExecResult> {
        let config = crate::exec_config(cmd, stdin.is_some(), env, user, workdir, tty)?;
        let stdin = stdin.map(|b| b.as_bytes().to_vec());
        let d = &self.inner;
        let out = unlocked(py, || {
            d.wait(crate::exec_run(d.client(), container, config, stdin))
        })?;
        ExecResult::from_output(py, out.and_then(|out| out).py()?)
    }

    /// Closes the connections kept open for reuse (as docker-py's `close`);
    /// the client stays usable and opens new ones when called again.
    fn close(&self) {
        self.inner.client().close();
    }

    /// Logs in to a registry (Docker Hub by default); True when it accepts. The
    /// client then uses these credentials for its pulls, pushes and builds.
    #[pyo3(signature = (username, password, *, registry=None, email=None))]
    fn login(
        &self,
        py: Python<'_>,
        username: String,
        password: String,
        registry: Option<String>,
        email: Option<String>,
    ) -> PyResult<bool> {
        let credentials = crate::credentials(username, password, registry, email);
        let d = &self.inner;
        let status = unlocked(py, || d.wait(d.client().login(credentials)))?;
        Ok(status.and_then(|s| s).py()?.accepted)
    }

    /// Forgets a login's credentials; whether there were any.
    fn logout(&self, registry: &str) -> bool {
        self.inner.client().logout(registry)
    }

    /// Copies a local file or directory into the container's directory `dest`.
    fn copy_to(
        &self,
        py: Python<'_>,
        container: &str,
        src: std::path::PathBuf,
        dest: &str,
    ) -> PyResult<()> {
        let d = &self.inner;
        let done = unlocked(py, || {
            d.wait(d.client().containers().copy_to(container, &src, dest))
        })?;
        done.and_then(|r| r).py()
    }

    /// Copies `src` from the container into the local directory `dest`
    /// (created if missing).
    fn copy_from(
        &self,
        py: Python<'_>,
        container: &str,
        src: &str,
        dest: std::path::PathBuf,
    ) -> PyResult<()> {
        let d = &self.inner;
        let done = unlocked(py, || {
            d.wait(d.client().containers().copy_from(container, src, &dest))
        })?;
        done.and_then(|r| r).py()
    }
}

impl Docker {
    fn call(
        &self,
        py: Python<'_>,
        op: &str,
        params: Value,
        body: Option<libdocker::Body>,
        timeout: Option<f64>,
    ) -> PyResult<Py<PyAny>> {
        let mut call = self.inner.invoke(op, params);
        if let Some(b) = body {
            call = call.body(b);
        }
        if let Some(t) = crate::settings::limit("timeout", timeout)? {
            call = call.timeout(t);
        }
        let answer = unlocked(py, || call.send_json_text())?.py()?;
        self.answer(py, op, answer)
    }

    /// A call's answer in Python: JSON text as objects, anything else by kind.
    fn answer(
        &self,
        py: Python<'_>,
        op: &str,
        answer: Result<String, blocking::Output>,
    ) -> PyResult<Py<PyAny>> {
        let content = match answer {
            Ok(text) => return Ok(json_text::to_py(py, &text, op)?.unbind()),
            Err(output) => output.into_content(),
        };
        let docker = self.inner.clone();
        Ok(match content {
            Content::Json(v) => convert::to_py(py, &v)?.unbind(),
            Content::Empty => py.None(),
            Content::Text(t) => t.into_pyobject(py)?.into_any().unbind(),
            Content::Logs(s) => Stream::new(docker, Source::Logs(s.into_inner())).into_py(py)?,
            Content::JsonStream(s) => {
                Stream::new(docker, Source::Json(s.into_inner())).into_py(py)?
            }
            Content::Bytes(s) => Stream::new(docker, Source::Bytes(s.into_inner())).into_py(py)?,
            Content::Attached(a) => Py::new(py, Attached::new(py, docker, a)?)?.into_any(),
            _ => return Err(not_exposed(op, "an upgraded connection")),
        })
    }
}

/// A stream of the daemon (logs, JSON progress or events, tar bytes), read as
/// it arrives. Iterate it; `close()` (from any thread, or leaving a `with`
/// block) hangs up early and ends a read waiting in another thread.
#[pyclass(module = "libdocker._native", name = "Stream", frozen)]
pub struct Stream {
    docker: blocking::Docker,
    kind: &'static str,
    reader: Mutex<Reader>,
    /// Fired by `close()`: a read waiting in another thread ends at once.
    closed: Cancel,
}

impl Stream {
    pub(crate) fn new(docker: blocking::Docker, source: Source) -> Self {
        Stream {
            docker,
            kind: source.kind(),
            reader: Mutex::new(Reader::new(source)),
            closed: Cancel::new(),
        }
    }

    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(Py::new(py, self)?.into_any())
    }
}

#[pymethods]
impl Stream {
    /// `logs`, `json` or `bytes`: what the items are.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        if self.closed.is_cancelled() {
            return Ok(None);
        }
        let mut reader = self.reader.try_lock().map_err(|_| {
            crate::errors::docker_error("the stream is being read in another thread")
        })?;
        reader.next_blocking(py, &self.docker, &self.closed)
    }

    /// Hangs up: the connection is closed and iteration ends; a read waiting in
    /// another thread ends too. Closing again does nothing.
    fn close(&self) {
        self.closed.cancel();
        // A reader busy in another thread closes it when it wakes.
        if let Ok(mut reader) = self.reader.try_lock() {
            reader.close();
        }
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) {
        self.close()
    }
}

/// An attached process (attach, exec start): iterate its output as
/// `(stream, data)` tuples; `write()` to its stdin, `close_stdin()` for EOF.
#[pyclass(module = "libdocker._native", name = "Attached", frozen)]
pub struct Attached {
    output: Py<Stream>,
    input: Mutex<blocking::AttachInput>,
}

impl Attached {
    fn new(py: Python<'_>, docker: blocking::Docker, a: blocking::Attached) -> PyResult<Self> {
        let output = Stream::new(docker, Source::Logs(a.output.into_inner()));
        Ok(Attached {
            output: Py::new(py, output)?,
            input: Mutex::new(a.input),
        })
    }
}

#[pymethods]
impl Attached {
    /// The output stream.
    #[getter]
    fn output(&self, py: Python<'_>) -> Py<Stream> {
        self.output.clone_ref(py)
    }

    fn __iter__(&self, py: Python<'_>) -> Py<Stream> {
        self.output.clone_ref(py)
    }

    /// Writes `data` to the process's stdin.
    fn write(&self, py: Python<'_>, data: &Bound<'_, PyBytes>) -> PyResult<()> {
        let data = data.as_bytes().to_vec();
        let input = &self.input;
        unlocked(py, || {
            input.lock().unwrap_or_else(|p| p.into_inner()).write(&data)
        })?
        .map_err(to_py)
    }

    /// Closes stdin: the process reads end of file.
    fn close_stdin(&self, py: Python<'_>) -> PyResult<()> {
        let input = &self.input;
        unlocked(py, || {
            input.lock().unwrap_or_else(|p| p.into_inner()).close()
        })?
        .map_err(to_py)
    }

    /// Hangs up both directions (safe from any thread; closing again does nothing).
    fn close(&self, py: Python<'_>) {
        self.output.get().close();
        let input = &self.input;
        let _ = unlocked(py, || {
            // A write in another thread keeps its stdin: closing the output hangs up.
            if let Ok(mut input) = input.try_lock() {
                let _ = input.close();
            }
        });
    }
}
