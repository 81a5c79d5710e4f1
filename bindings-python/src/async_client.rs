//! `AsyncDocker`: the asyncio client. Its methods return coroutines (`Call`,
//! see `awaitable`) over libdocker's async client, polled on the event loop's
//! own thread: a call answered whole (pings, inspects, lists, anything `invoke`
//! gives back as a value) on a socket the loop watches. Attached processes and
//! copies run in one tokio runtime (see `runtime`); streams are async iterators
//! that read their body there, a batch per trip, not a frame.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde_json::Value;

use crate::answer::Answer;
use crate::async_stream::AsyncStream;
use crate::awaitable::Call;
use crate::convert;
use crate::errors::IntoPyResult;
use crate::runtime::on_runtime;
use crate::settings::{build_async, Settings};
use crate::ExecAnswer;

/// An asyncio Docker client; share one between tasks (and event loops).
#[pyclass(module = "libdocker._native", name = "AsyncDocker", frozen, subclass)]
pub struct AsyncDocker {
    inner: libdocker::Docker,
}

impl AsyncDocker {
    /// The core client underneath.
    pub(crate) fn core(&self) -> libdocker::Docker {
        self.inner.clone()
    }
}

#[pymethods]
impl AsyncDocker {
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
        Call::new(async move { d.api_version().await.py().map(|v| v.to_string()) })
    }

    /// `GET /_ping`: True when the daemon answers.
    fn ping(&self) -> Call {
        let d = self.inner.clone();
        Call::new(async move { d.ping().await.py().map(|_| true) })
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
        body: Option<&Bound<'_, PyAny>>,
        timeout: Option<f64>,
    ) -> PyResult<Call> {
        let params = convert::params(params)?;
        let body = crate::body::from_py(body, "body")?;
        self.call(op, params, body, timeout)
    }

    /// A request outside the operation table, as `Docker.request`.
    #[pyo3(signature = (method, path, *, body=None, headers=None, timeout=None, stream=false))]
    fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&Bound<'_, PyAny>>,
        headers: Option<std::collections::HashMap<String, String>>,
        timeout: Option<f64>,
        stream: bool,
    ) -> PyResult<Call> {
        let options = crate::call_options(headers, timeout, stream)?;
        let mut call = self
            .inner
            .request(crate::http_method(method)?, path)
            .options(options);
        if let Some(body) = crate::body::from_py(body, "body")? {
            call = call.body(body);
        }
        let what = path.to_owned();
        Ok(Call::new(async move {
            match call.send_json_text().await.py()? {
                Ok(text) => Ok(Answer::JsonText { text, op: what }),
                Err(output) => Answer::from_output(&what, output),
            }
        }))
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
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
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
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
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
        cmd: &Bound<'_, PyAny>,
        stdin: Option<&Bound<'_, PyBytes>>,
        env: Option<Vec<String>>,
        user: Option<String>,
        workdir: Option<String>,
        tty: bool,
    ) -> PyResult<Call> {
        let stdin = stdin.map(|b| b.as_bytes().to_vec());
        let config = crate::exec_config(cmd, stdin.is_some(), env, user, workdir, tty)?;
        let d = self.inner.clone();
        Ok(Call::new(on_runtime(async move {
            let out = crate::exec_run(&d, &container, config, stdin).await.py()?;
            Ok(ExecAnswer(out))
        })))
    }
    /// Closes the connections kept open for reuse; the client stays usable.
    /// A coroutine, for `async with` symmetry; it does not wait for anything.
    fn close(&self) -> Call {
        self.inner.close();
        Call::new(async { Ok(()) })
    }

    /// Logs in to a registry, as `Docker.login`.
    #[pyo3(signature = (username, password, *, registry=None, email=None))]
    fn login(
        &self,
        username: String,
        password: String,
        registry: Option<String>,
        email: Option<String>,
    ) -> Call {
        let credentials = crate::credentials(username, password, registry, email);
        let d = self.inner.clone();
        Call::new(async move { Ok(d.login(credentials).await.py()?.accepted) })
    }

    /// Forgets a login's credentials; whether there were any.
    fn logout(&self, registry: &str) -> bool {
        self.inner.logout(registry)
    }

    /// Copies a local file or directory into the container's directory `dest`.
    fn copy_to(&self, container: String, src: std::path::PathBuf, dest: String) -> Call {
        let d = self.inner.clone();
        Call::new(on_runtime(async move {
            d.containers().copy_to(&container, &src, &dest).await.py()
        }))
    }

    /// Copies `src` from the container into the local directory `dest`.
    fn copy_from(&self, container: String, src: String, dest: std::path::PathBuf) -> Call {
        let d = self.inner.clone();
        Call::new(on_runtime(async move {
            d.containers().copy_from(&container, &src, &dest).await.py()
        }))
    }
}

impl AsyncDocker {
    fn call(
        &self,
        op: &str,
        params: Value,
        body: Option<libdocker::Body>,
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
        Ok(Call::new(async move {
            match call.send_json_text().await.py()? {
                Ok(text) => Ok(Answer::JsonText { text, op }),
                Err(output) => Answer::from_output(&op, output),
            }
        }))
    }
}
