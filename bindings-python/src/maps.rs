//! The core's container maps for Python: the map itself (loaded from a Compose
//! file, YAML text or the JSON form), and its actions on a default client plus
//! named ones. Events, `ps` rows, plan steps and log lines come as dicts;
//! `libdocker.Map` and `docker.maps` (python/libdocker/_maps.py) make them
//! typed, and give the same shape to sync and asyncio.

use std::path::PathBuf;

use futures_util::StreamExt;
use libdocker::maps::{Action, ActionOptions, Clients, LoadOptions};
use libdocker::{Error, LogsOptions};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

use crate::answer::Answer;
use crate::async_client::AsyncDocker;
use crate::async_stream::AsyncStream;
use crate::awaitable::Call;
use crate::errors::IntoPyResult;
use crate::gil::unlocked;
use crate::runtime::on_runtime;
use crate::stream::Source;
use crate::sync_client::{Docker, Stream};

#[pyclass(module = "libdocker._native", name = "ContainerMap", frozen, subclass)]
pub struct ContainerMap {
    inner: libdocker::maps::ContainerMap,
}

/// The default client and the named ones (`{"edge": docker, …}`).
fn clients_of(default: libdocker::Docker, named: Option<&Bound<'_, PyDict>>) -> PyResult<Clients> {
    let mut clients = Clients::new(default);
    if let Some(named) = named {
        for (name, docker) in named.iter() {
            let name: String = name
                .extract()
                .map_err(|_| PyTypeError::new_err("clients' keys are client names (str)"))?;
            let core = crate::core_of(&docker, &format!("clients[{name:?}]"))?;
            clients.insert(name, core);
        }
    }
    Ok(clients)
}

fn action_of(name: &str) -> PyResult<Action> {
    Action::parse(name).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown map action {name:?}; use up, update, down, start, stop, restart, pull or build"
        ))
    })
}

fn options_of(volumes: bool, timeout: Option<f64>) -> PyResult<ActionOptions> {
    let timeout = match timeout {
        None => None,
        Some(t) if t >= 0.0 && t.is_finite() => Some(std::time::Duration::from_secs_f64(t)),
        Some(t) => {
            return Err(PyValueError::new_err(format!(
                "timeout must be seconds >= 0, not {t}"
            )))
        }
    };
    Ok(ActionOptions { volumes, timeout })
}

fn as_json<T: serde::Serialize>(value: T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::Decode {
        what: "a map report as JSON".into(),
        reason: e.to_string(),
    })
}

fn logs_options(follow: bool, tail: Option<u64>) -> LogsOptions {
    LogsOptions {
        follow,
        tail,
        ..LogsOptions::default()
    }
}

impl ContainerMap {
    fn run_source(&self, clients: &Clients, action: Action, options: ActionOptions) -> Source {
        let run = self.inner.run(clients, action, options);
        Source::Values(run.map(|item| item.and_then(as_json)).boxed())
    }
}

#[pymethods]
impl ContainerMap {
    /// Reads a Compose file (or a JSON map), with the `.env` beside it.
    #[staticmethod]
    #[pyo3(signature = (path, *, project=None))]
    fn load(py: Python<'_>, path: PathBuf, project: Option<String>) -> PyResult<Self> {
        let options = LoadOptions {
            project,
            ..Default::default()
        };
        let inner = py
            .detach(|| libdocker::maps::ContainerMap::load_with(&path, options))
            .py()?;
        Ok(ContainerMap { inner })
    }

    /// Reads YAML text; relative paths start at `working_dir` (default: here).
    #[staticmethod]
    #[pyo3(signature = (text, working_dir=None, *, project=None))]
    fn from_yaml(
        text: &str,
        working_dir: Option<PathBuf>,
        project: Option<String>,
    ) -> PyResult<Self> {
        let dir = working_dir
            .unwrap_or_else(|| std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")));
        let options = LoadOptions {
            project,
            ..Default::default()
        };
        let inner = libdocker::maps::ContainerMap::from_yaml(text, dir, options).py()?;
        Ok(ContainerMap { inner })
    }

    /// Reads the JSON form (what `to_json` writes).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Ok(ContainerMap {
            inner: libdocker::maps::ContainerMap::from_json(text).py()?,
        })
    }

    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    #[getter]
    fn services(&self) -> Vec<String> {
        self.inner.services.keys().cloned().collect()
    }

    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings.clone()
    }

    /// The map in its JSON form.
    fn to_json(&self) -> String {
        self.inner.to_json().to_string()
    }

    /// Runs `action` for sync iteration: a `Stream` of event dicts, raising the
    /// action's error at its end.
    #[pyo3(signature = (docker, clients=None, action="up", *, volumes=false, timeout=None))]
    fn run(
        &self,
        py: Python<'_>,
        docker: &Bound<'_, Docker>,
        clients: Option<&Bound<'_, PyDict>>,
        action: &str,
        volumes: bool,
        timeout: Option<f64>,
    ) -> PyResult<Py<Stream>> {
        let all = clients_of(docker.get().core(), clients)?;
        let source = self.run_source(&all, action_of(action)?, options_of(volumes, timeout)?);
        Py::new(py, Stream::new(docker.get().blocking().clone(), source))
    }

    /// Runs `action` for `async for`: an `AsyncStream` of event dicts.
    #[pyo3(signature = (docker, clients=None, action="up", *, volumes=false, timeout=None))]
    fn run_async(
        &self,
        py: Python<'_>,
        docker: &Bound<'_, AsyncDocker>,
        clients: Option<&Bound<'_, PyDict>>,
        action: &str,
        volumes: bool,
        timeout: Option<f64>,
    ) -> PyResult<Py<AsyncStream>> {
        let all = clients_of(docker.get().core(), clients)?;
        let source = self.run_source(&all, action_of(action)?, options_of(volumes, timeout)?);
        Py::new(py, AsyncStream::new(source))
    }

    /// What `action` would do now: a list of step dicts.
    #[pyo3(signature = (docker, clients=None, action="up", *, volumes=false))]
    fn plan(
        &self,
        py: Python<'_>,
        docker: &Bound<'_, Docker>,
        clients: Option<&Bound<'_, PyDict>>,
        action: &str,
        volumes: bool,
    ) -> PyResult<Py<PyAny>> {
        let all = clients_of(docker.get().core(), clients)?;
        let (action, options) = (action_of(action)?, options_of(volumes, None)?);
        let d = docker.get().blocking();
        let map = &self.inner;
        let plan = unlocked(py, || d.wait(map.plan(&all, action, &options)))?;
        let steps = plan.and_then(|p| p).and_then(|p| as_json(p.steps)).py()?;
        Ok(crate::convert::to_py(py, &steps)?.unbind())
    }

    #[pyo3(signature = (docker, clients=None, action="up", *, volumes=false))]
    fn plan_async(
        &self,
        docker: &Bound<'_, AsyncDocker>,
        clients: Option<&Bound<'_, PyDict>>,
        action: &str,
        volumes: bool,
    ) -> PyResult<Call> {
        let all = clients_of(docker.get().core(), clients)?;
        let (action, options) = (action_of(action)?, options_of(volumes, None)?);
        let map = self.inner.clone();
        Ok(Call::new(on_runtime(async move {
            let plan = map.plan(&all, action, &options).await.py()?;
            Ok(Answer::Json(as_json(plan.steps).py()?))
        })))
    }

    /// The project's containers on every daemon the map uses: a list of dicts.
    #[pyo3(signature = (docker, clients=None))]
    fn ps(
        &self,
        py: Python<'_>,
        docker: &Bound<'_, Docker>,
        clients: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let all = clients_of(docker.get().core(), clients)?;
        let d = docker.get().blocking();
        let map = &self.inner;
        let rows = unlocked(py, || d.wait(map.ps(&all)))?;
        let rows = rows.and_then(|r| r).and_then(as_json).py()?;
        Ok(crate::convert::to_py(py, &rows)?.unbind())
    }

    #[pyo3(signature = (docker, clients=None))]
    fn ps_async(
        &self,
        docker: &Bound<'_, AsyncDocker>,
        clients: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Call> {
        let all = clients_of(docker.get().core(), clients)?;
        let map = self.inner.clone();
        Ok(Call::new(on_runtime(async move {
            Ok(Answer::Json(as_json(map.ps(&all).await.py()?).py()?))
        })))
    }

    /// Every container's logs merged: a `Stream` of line dicts.
    #[pyo3(signature = (docker, clients=None, *, follow=false, tail=None))]
    fn logs(
        &self,
        py: Python<'_>,
        docker: &Bound<'_, Docker>,
        clients: Option<&Bound<'_, PyDict>>,
        follow: bool,
        tail: Option<u64>,
    ) -> PyResult<Py<Stream>> {
        let all = clients_of(docker.get().core(), clients)?;
        let d = docker.get().blocking();
        let map = &self.inner;
        let options = logs_options(follow, tail);
        let logs = unlocked(py, || d.wait(map.logs(&all, options)))?;
        let logs = logs.and_then(|l| l).py()?;
        let source = Source::Values(logs.map(|l| l.and_then(as_json)).boxed());
        Py::new(py, Stream::new(d.clone(), source))
    }

    #[pyo3(signature = (docker, clients=None, *, follow=false, tail=None))]
    fn logs_async(
        &self,
        docker: &Bound<'_, AsyncDocker>,
        clients: Option<&Bound<'_, PyDict>>,
        follow: bool,
        tail: Option<u64>,
    ) -> PyResult<Call> {
        let all = clients_of(docker.get().core(), clients)?;
        let map = self.inner.clone();
        let options = logs_options(follow, tail);
        Ok(Call::new(on_runtime(async move {
            let logs = map.logs(&all, options).await.py()?;
            Ok(Answer::Stream(Source::Values(
                logs.map(|l| l.and_then(as_json)).boxed(),
            )))
        })))
    }

    /// Deploys the map to the swarm `docker` manages, as a stack: a dict of what
    /// was created (`services`, `networks`, `secrets`, `configs`), `updated` and `warnings`.
    fn deploy_stack(&self, py: Python<'_>, docker: &Bound<'_, Docker>) -> PyResult<Py<PyAny>> {
        let d = docker.get().blocking();
        let map = &self.inner;
        let report = unlocked(py, || d.deploy_stack(map))?;
        let report = report.and_then(as_json).py()?;
        Ok(crate::convert::to_py(py, &report)?.unbind())
    }

    /// Removes the stack of the map's name: a dict of what was removed.
    fn remove_stack(&self, py: Python<'_>, docker: &Bound<'_, Docker>) -> PyResult<Py<PyAny>> {
        let d = docker.get().blocking();
        let map = &self.inner;
        let report = unlocked(py, || d.remove_stack(map))?;
        let report = report.and_then(as_json).py()?;
        Ok(crate::convert::to_py(py, &report)?.unbind())
    }

    fn deploy_stack_async(&self, docker: &Bound<'_, AsyncDocker>) -> Call {
        let (map, d) = (self.inner.clone(), docker.get().core());
        Call::new(on_runtime(async move {
            Ok(Answer::Json(
                as_json(map.deploy_stack(&d).await.py()?).py()?,
            ))
        }))
    }

    fn remove_stack_async(&self, docker: &Bound<'_, AsyncDocker>) -> Call {
        let (map, d) = (self.inner.clone(), docker.get().core());
        Call::new(on_runtime(async move {
            Ok(Answer::Json(
                as_json(map.remove_stack(&d).await.py()?).py()?,
            ))
        }))
    }

    fn __repr__(&self) -> String {
        format!(
            "ContainerMap({:?}, services={:?})",
            self.inner.name,
            self.inner.services.keys().collect::<Vec<_>>()
        )
    }
}
