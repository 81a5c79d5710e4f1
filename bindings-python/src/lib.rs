//! libdocker for Python (`libdocker._native`): `Docker` (sync, on the blocking
//! client) and `AsyncDocker` (asyncio, on the async client), one exception
//! hierarchy, and the operation table (`operations`, `categories`, `doc`).
//! The Python package `libdocker` (python/libdocker) re-exports all of it.

mod answer;
mod archive;
mod args;
mod async_client;
mod async_stream;
mod awaitable;
mod body;
mod convert;
mod errors;
mod event_loop;
mod gil;
mod idle_wait;
mod json_text;
mod maps;
mod monitor;
mod runtime;
mod settings;
mod socket_ready;
mod stream;
mod sync_client;

use libdocker::{Error, ExecConfig, ExecOutput};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyString};
use serde_json::{json, Value};

use crate::errors::IntoPyResult;

/// The result of `exec_run`: exit code, stdout and stderr.
#[pyclass(module = "libdocker._native", name = "ExecResult", frozen, get_all)]
pub struct ExecResult {
    exit_code: i64,
    stdout: Py<PyBytes>,
    stderr: Py<PyBytes>,
}

impl ExecResult {
    fn from_output(py: Python<'_>, out: ExecOutput) -> PyResult<Self> {
        Ok(ExecResult {
            exit_code: out.exit_code,
            stdout: PyBytes::new(py, &out.stdout).unbind(),
            stderr: PyBytes::new(py, &out.stderr).unbind(),
        })
    }
}

#[pymethods]
impl ExecResult {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "ExecResult(exit_code={}, stdout={} bytes, stderr={} bytes)",
            self.exit_code,
            self.stdout.bind(py).as_bytes().len(),
            self.stderr.bind(py).as_bytes().len()
        )
    }
}

/// An exec's output on its way to Python (converted on the loop's thread).
pub struct ExecAnswer(ExecOutput);

impl<'py> IntoPyObject<'py> for ExecAnswer {
    type Target = ExecResult;
    type Output = Bound<'py, ExecResult>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, ExecResult>> {
        Bound::new(py, ExecResult::from_output(py, self.0)?)
    }
}

/// The core client of a `Docker` or an `AsyncDocker`.
fn core_of(docker: &Bound<'_, PyAny>, what: &str) -> PyResult<libdocker::Docker> {
    if let Ok(d) = docker.cast::<sync_client::Docker>() {
        Ok(d.get().core())
    } else if let Ok(d) = docker.cast::<async_client::AsyncDocker>() {
        Ok(d.get().core())
    } else {
        Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{what} must be a libdocker Docker or AsyncDocker, not {}",
            docker.get_type().name()?
        )))
    }
}

/// `ContainerLogs` parameters; `tail` is a count or `"all"`.
#[allow(clippy::too_many_arguments)]
fn logs_params(
    container: &str,
    stdout: bool,
    stderr: bool,
    follow: bool,
    tail: Option<&Bound<'_, PyAny>>,
    since: Option<&Bound<'_, PyAny>>,
    until: Option<&Bound<'_, PyAny>>,
    timestamps: bool,
) -> PyResult<Value> {
    let mut p = json!({"id": container, "stdout": stdout, "stderr": stderr,
                       "follow": follow, "timestamps": timestamps});
    if let Some(tail) = tail {
        if tail.is_instance_of::<PyInt>() {
            p["tail"] = json!(tail.extract::<u64>()?.to_string());
        } else if let Ok(s) = tail.cast::<PyString>() {
            p["tail"] = json!(s.to_str()?);
        } else if !tail.is_none() {
            return Err(PyValueError::new_err(
                "tail must be a number of lines or \"all\"",
            ));
        }
    }
    if let Some(s) = args::time(since, "since")? {
        p["since"] = json!(s);
    }
    if let Some(u) = args::time(until, "until")? {
        p["until"] = json!(u);
    }
    Ok(p)
}

/// `SystemEvents` parameters.
fn events_params(
    since: Option<&Bound<'_, PyAny>>,
    until: Option<&Bound<'_, PyAny>>,
    filters: Option<&Bound<'_, PyAny>>,
) -> PyResult<Value> {
    let mut p = json!({});
    if let Some(s) = args::time(since, "since")? {
        p["since"] = json!(s);
    }
    if let Some(u) = args::time(until, "until")? {
        p["until"] = json!(u);
    }
    if let Some(f) = filters {
        if !f.is_none() {
            p["filters"] = convert::from_py(f, "filters")?;
        }
    }
    Ok(p)
}

fn exec_config(
    cmd: &Bound<'_, PyAny>,
    stdin: bool,
    env: Option<Vec<String>>,
    user: Option<String>,
    workdir: Option<String>,
    tty: bool,
) -> PyResult<ExecConfig> {
    let mut config = ExecConfig::new(args::command(cmd, "cmd")?);
    config.attach_stdin = stdin;
    config.tty = tty;
    config.env = env.unwrap_or_default();
    config.user = user;
    config.working_dir = workdir;
    Ok(config)
}

/// Runs an exec to its end, writing `stdin` while its output is read.
async fn exec_run(
    docker: &libdocker::Docker,
    container: &str,
    config: ExecConfig,
    stdin: Option<Vec<u8>>,
) -> Result<ExecOutput, Error> {
    let session = docker.execs().spawn(container, &config).await?;
    match stdin {
        Some(data) => session.communicate(&data).await,
        None => session.finish().await,
    }
}

/// Registry credentials from `login`'s arguments.
fn credentials(
    username: String,
    password: String,
    registry: Option<String>,
    email: Option<String>,
) -> libdocker::Credentials {
    let mut c = libdocker::Credentials::basic(registry.unwrap_or_default(), username, password);
    c.email = email;
    c
}

/// Per-call settings of a request outside the table from Python arguments:
/// extra headers, a time limit, and whether a JSON answer is a stream.
fn call_options(
    headers: Option<std::collections::HashMap<String, String>>,
    timeout: Option<f64>,
    stream: bool,
) -> PyResult<libdocker::CallOptions> {
    use libdocker::Delivery;
    let accept = (!stream).then(|| (vec![Delivery::Whole], "pass stream=True".to_string()));
    Ok(libdocker::CallOptions {
        timeout: settings::limit("timeout", timeout)?.map(Some),
        headers: headers.unwrap_or_default().into_iter().collect(),
        accept,
        ..Default::default()
    })
}

/// An HTTP method by name (`GET`, `post`, ...).
fn http_method(method: &str) -> PyResult<libdocker::http::Method> {
    libdocker::http::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
        .map_err(|_| PyValueError::new_err(format!("method: `{method}` is not an HTTP method")))
}

/// The ids of every operation, or of one category's.
#[pyfunction]
#[pyo3(signature = (category=None))]
fn operations(category: Option<&str>) -> PyResult<Vec<&'static str>> {
    Ok(match category {
        None => libdocker::api::operations().iter().map(|o| o.id).collect(),
        Some(c) => libdocker::api::ops(c)
            .py()?
            .into_iter()
            .map(|o| o.id)
            .collect(),
    })
}

/// The categories of operations (`Container`, `Image`, ...).
#[pyfunction]
fn categories() -> Vec<String> {
    libdocker::api::categories()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// An operation's method, path, parameters, body and answer, as text.
#[pyfunction]
fn doc(op: &str) -> PyResult<String> {
    libdocker::api::doc(op).py().map(|d| d.to_string())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("STDIN", 0)?;
    m.add("STDOUT", 1)?;
    m.add("STDERR", 2)?;
    m.add_class::<sync_client::Docker>()?;
    m.add_class::<sync_client::Stream>()?;
    m.add_class::<sync_client::Attached>()?;
    m.add_class::<async_client::AsyncDocker>()?;
    m.add_class::<async_stream::AsyncStream>()?;
    m.add_class::<async_stream::AsyncAttached>()?;
    m.add_class::<async_stream::Ready>()?;
    m.add_class::<awaitable::Call>()?;
    m.add_class::<ExecResult>()?;
    m.add_class::<archive::Archive>()?;
    m.add_class::<monitor::Monitor>()?;
    m.add_class::<maps::ContainerMap>()?;
    m.add_function(wrap_pyfunction!(operations, m)?)?;
    m.add_function(wrap_pyfunction!(categories, m)?)?;
    m.add_function(wrap_pyfunction!(doc, m)?)?;
    errors::register(m)?;
    Ok(())
}
