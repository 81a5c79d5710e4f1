//! The core's `Monitor` for Python: many daemons' events as one stream. The
//! native class adds daemons and opens subscriptions as the module's streams
//! (`Stream` for sync iteration, `AsyncStream` for `async for`), whose items are
//! dicts; `libdocker.Monitor` (python/libdocker/_monitor.py) makes them typed
//! and adds the callback form.

use futures_util::StreamExt;
use libdocker::{Error, Filters, MonitorEvent, MonitorOptions};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use serde_json::{json, Value};

use crate::async_stream::AsyncStream;
use crate::stream::Source;
use crate::sync_client::Stream;

#[pyclass(module = "libdocker._native", name = "Monitor", frozen, subclass)]
pub struct Monitor {
    inner: libdocker::Monitor,
}

/// The Engine's filters (`{"label": ["a=b"]}`; a value may be a lone string).
fn filters_of(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Filters> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Filters::new());
    };
    let mut value = crate::convert::from_py(obj, "filters")?;
    let Value::Object(map) = &mut value else {
        return Err(PyTypeError::new_err(
            "filters must be a dict such as {'label': ['app=web']}",
        ));
    };
    for v in map.values_mut() {
        if v.is_string() {
            *v = Value::Array(vec![v.take()]);
        }
    }
    Filters::from_json(&value).map_err(crate::errors::to_py)
}

fn as_json(e: MonitorEvent) -> Result<Value, Error> {
    serde_json::to_value(e).map_err(|e| Error::Decode {
        what: "a monitor event as JSON".into(),
        reason: e.to_string(),
    })
}

impl Monitor {
    fn subscription(&self) -> PyResult<Source> {
        // The watchers run on the module's runtime, whichever form reads them.
        let _runtime = crate::runtime::enter();
        let sub = self.inner.subscribe().map_err(crate::errors::to_py)?;
        Ok(Source::Values(sub.map(as_json).boxed()))
    }
}

#[pymethods]
impl Monitor {
    #[new]
    #[pyo3(signature = (filters=None, *, stats_every=None))]
    fn new(filters: Option<&Bound<'_, PyAny>>, stats_every: Option<f64>) -> PyResult<Self> {
        let stats_every = match stats_every {
            None => None,
            Some(s) if s > 0.0 && s.is_finite() => Some(std::time::Duration::from_secs_f64(s)),
            Some(s) => {
                return Err(PyValueError::new_err(format!(
                    "stats_every must be a positive number of seconds, not {s}"
                )))
            }
        };
        let options = MonitorOptions {
            filters: filters_of(filters)?,
            stats_every,
            ..Default::default()
        };
        Ok(Monitor {
            inner: libdocker::Monitor::new(options),
        })
    }

    /// Watches `docker` (a `Docker` or an `AsyncDocker`) as `name`.
    fn add(&self, name: String, docker: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner
            .add(name, crate::core_of(docker, "add()'s docker")?);
        Ok(())
    }

    /// Stops watching `name`; whether it was watched.
    fn remove(&self, name: &str) -> bool {
        self.inner.remove(name)
    }

    fn daemons(&self) -> Vec<String> {
        self.inner.daemons()
    }

    /// The containers of `daemon` as the monitor knows them (while it runs):
    /// dicts with `id`, `name`, `image`, `state`, `labels`.
    fn containers(&self, py: Python<'_>, daemon: &str) -> PyResult<Vec<Py<PyAny>>> {
        self.inner
            .containers(daemon)
            .iter()
            .map(|c| crate::convert::to_py(py, &json!(c)).map(Bound::unbind))
            .collect()
    }

    /// The reports from now on, for sync iteration (a `Stream` of dicts).
    fn subscribe(&self, py: Python<'_>) -> PyResult<Py<Stream>> {
        let source = self.subscription()?;
        // A blocking client only to wait on (it never connects): the stream's
        // reads wait the way every sync read does, Ctrl-C and close() included.
        let waiter = libdocker::blocking::Docker::from_async(
            libdocker::Docker::builder()
                .host("unix:///var/run/docker.sock")
                .build()
                .map_err(crate::errors::to_py)?,
        );
        Py::new(py, Stream::new(waiter, source))
    }

    /// The reports from now on, for `async for` (an `AsyncStream` of dicts).
    fn subscribe_async(&self, py: Python<'_>) -> PyResult<Py<AsyncStream>> {
        let source = self.subscription()?;
        Py::new(py, AsyncStream::new(source))
    }
}
