//! `Call`: a Rust future as a Python coroutine, polled on the event loop's
//! thread.
//!
//! Each step polls the future through `libdocker::foreign_loop`: a call whose
//! answer is read whole sends its request from the step itself and names the
//! socket it waits on. While the loop has nothing else to do, the step waits for
//! that socket itself (`idle_wait`); otherwise the loop watches it
//! (`socket_ready`) and steps the call again once it is ready. Either way a
//! whole call never crosses threads. Anything else the future waits for wakes
//! it from the runtime's thread (`event_loop`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use pyo3::exceptions::{PyRuntimeError, PyStopIteration};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::{intern, IntoPyObjectExt};
use sync_wrapper::SyncWrapper;

use crate::event_loop::{state_of, LoopWaker};
use crate::idle_wait::wait_while_idle;
use crate::socket_ready::SocketReady;

/// How many times one step waits for its socket while the loop is idle (an
/// answer may take several reads).
const IDLE_WAITS: usize = 64;

type Convert = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;
type BoxedFuture = Pin<Box<dyn Future<Output = PyResult<Convert>> + Send>>;

/// A Rust future awaited from asyncio: a coroutine (`send`, `throw`, `close`,
/// `__await__`), so `asyncio.run`, `gather` and `create_task` take it.
#[pyclass(module = "libdocker._native", name = "Call")]
pub struct Call {
    // Only ever reached through `&mut self`, so it need not be `Sync` itself.
    future: SyncWrapper<Option<BoxedFuture>>,
    /// The sockets the loop watches for the last step.
    watched: Vec<Py<SocketReady>>,
}

impl Call {
    /// Wraps `future`; its result is converted to Python on the loop's thread.
    pub fn new<F, T>(future: F) -> Call
    where
        F: Future<Output = PyResult<T>> + Send + 'static,
        T: for<'py> IntoPyObject<'py> + Send + 'static,
    {
        let future = async move {
            let value = future.await?;
            Ok(Box::new(move |py: Python<'_>| value.into_py_any(py)) as Convert)
        };
        Call {
            future: SyncWrapper::new(Some(Box::pin(future))),
            watched: Vec::new(),
        }
    }

    fn step(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        // Before the poll: a socket watched for the last step may be closed or
        // handed to another call by this one.
        if let Err(e) = self.unwatch(py) {
            return Err(self.fail(py, e));
        }
        let Some(future) = self.future.get_mut().as_mut() else {
            return Err(PyRuntimeError::new_err("this call was already awaited"));
        };
        let event_loop = running_loop(py)?;
        let state = state_of(&event_loop)?;
        let wake = Arc::new(LoopWaker::new(state.clone()));
        let waker = Waker::from(wake.clone());
        let mut cx = Context::from_waker(&waker);
        let mut idle_waits = 0;
        loop {
            let (poll, waits) = {
                let _runtime = crate::runtime::enter();
                libdocker::foreign_loop::poll(future.as_mut(), &mut cx)
            };
            if let Poll::Ready(result) = poll {
                *self.future.get_mut() = None;
                let value = result?(py)?;
                return Err(PyStopIteration::new_err((value,)));
            }
            if let (Some(selector), [wait]) = (state.selector, &waits[..]) {
                if idle_waits < IDLE_WAITS
                    && !wake.woken()
                    && wait_while_idle(&event_loop, selector, *wait)
                {
                    idle_waits += 1;
                    continue;
                }
            }
            // Back to the loop; a failure here ends the call (its connection is
            // closed), as a cancel does.
            return match self.pend(&event_loop, &wake, waits) {
                Ok(waiter) => Ok(waiter),
                Err(e) => Err(self.fail(py, e)),
            };
        }
    }

    /// The asyncio future the task waits on until the call can go on: resolved
    /// by a wake from the runtime, or by the loop once a socket in `waits` is ready.
    fn pend(
        &mut self,
        event_loop: &Bound<'_, PyAny>,
        wake: &LoopWaker,
        waits: Vec<libdocker::foreign_loop::Wait>,
    ) -> PyResult<Py<PyAny>> {
        let py = event_loop.py();
        let waiter = event_loop.call_method0(intern!(py, "create_future"))?;
        if wake.wait_with(&waiter) {
            for wait in waits {
                self.watched.push(SocketReady::watch(
                    event_loop,
                    wait,
                    waiter.clone().unbind(),
                )?);
            }
        } else {
            // Woken during the poll: step again on the loop's next round.
            waiter.call_method1(intern!(py, "set_result"), (py.None(),))?;
        }
        // What `Future.__await__` does before yielding itself to the task.
        waiter.setattr(intern!(py, "_asyncio_future_blocking"), true)?;
        Ok(waiter.unbind())
    }

    /// Ends the call after `error` (raised in the awaiter): its future and what
    /// the loop watches for it are dropped.
    fn fail(&mut self, py: Python<'_>, error: PyErr) -> PyErr {
        let _ = self.drop_future(py);
        error
    }

    /// Stops the loop watching the sockets of the last step.
    fn unwatch(&mut self, py: Python<'_>) -> PyResult<()> {
        let mut failure = None;
        for ready in self.watched.drain(..) {
            if let Err(e) = ready.get().stop(py) {
                failure.get_or_insert(e);
            }
        }
        failure.map_or(Ok(()), Err)
    }

    /// Drops the future (its connection is closed) and what the loop watches for it.
    fn drop_future(&mut self, py: Python<'_>) -> PyResult<()> {
        let unwatched = self.unwatch(py);
        *self.future.get_mut() = None;
        unwatched
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        if !self.watched.is_empty() {
            // A call dropped while pending: the loop must not watch a closed socket.
            Python::attach(|py| {
                let _ = self.unwatch(py);
            });
        }
    }
}

#[pymethods]
impl Call {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.step(py)
    }

    /// Resumes the call (the value sent is always None from asyncio).
    fn send(&mut self, py: Python<'_>, _value: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.step(py)
    }

    /// Cancels the call (its future is dropped) and raises `exc` in the awaiter.
    #[pyo3(signature = (exc, _value=None, _traceback=None))]
    fn throw(
        &mut self,
        exc: &Bound<'_, PyAny>,
        _value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        self.drop_future(exc.py())?;
        Err(if exc.is_instance_of::<pyo3::types::PyType>() {
            PyErr::from_type(exc.cast::<pyo3::types::PyType>()?.clone(), ())
        } else {
            PyErr::from_value(exc.clone())
        })
    }

    /// Drops the call without waiting for it.
    fn close(&mut self, py: Python<'_>) -> PyResult<()> {
        self.drop_future(py)
    }
}

fn running_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    GET_RUNNING_LOOP
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("asyncio")?.getattr("get_running_loop")?.unbind())
        })?
        .bind(py)
        .call0()
}
