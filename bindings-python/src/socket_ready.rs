//! The loop watching a socket that a step of a `Call` waits on (`add_reader` or
//! `add_writer`): when it is ready, the loop stops watching it and resumes the
//! task. A step stops the watch of the last one before it polls again, since
//! the socket may be closed or handed to another call by then.

use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::intern;
use pyo3::prelude::*;

/// The loop's callback for a socket a step waits on: stops watching it and
/// resumes the task.
#[pyclass(module = "libdocker._native", name = "_SocketReady", frozen)]
pub struct SocketReady {
    event_loop: Py<PyAny>,
    fd: i32,
    writable: bool,
    waiter: Py<PyAny>,
    /// Whether the loop stopped watching (the socket got ready, or `stop`).
    done: AtomicBool,
}

impl SocketReady {
    /// Asks `event_loop` to call back when `wait`'s socket is ready.
    pub fn watch(
        event_loop: &Bound<'_, PyAny>,
        wait: libdocker::foreign_loop::Wait,
        waiter: Py<PyAny>,
    ) -> PyResult<Py<SocketReady>> {
        let py = event_loop.py();
        let ready = Py::new(
            py,
            SocketReady {
                event_loop: event_loop.clone().unbind(),
                fd: wait.fd,
                writable: wait.writable,
                waiter,
                done: AtomicBool::new(false),
            },
        )?;
        let add = if wait.writable {
            intern!(py, "add_writer")
        } else {
            intern!(py, "add_reader")
        };
        event_loop.call_method1(add, (wait.fd, &ready))?;
        Ok(ready)
    }

    /// Stops watching, unless the loop already did.
    pub fn stop(&self, py: Python<'_>) -> PyResult<()> {
        if self.done.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let remove = if self.writable {
            intern!(py, "remove_writer")
        } else {
            intern!(py, "remove_reader")
        };
        self.event_loop.bind(py).call_method1(remove, (self.fd,))?;
        Ok(())
    }
}

#[pymethods]
impl SocketReady {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        self.stop(py)?;
        crate::event_loop::resume(self.waiter.bind(py))
    }
}
